/**
 * `targets.kubernetes.guardrails: admin-network-policy`: deny guardrails as
 * AdminNetworkPolicies before the NetworkPolicies, proved exact by the
 * verifier on the examples, the fixtures and random policies; the verifier's
 * reading of AdminNetworkPolicy is itself checked against hand-made outputs.
 */
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { PolicyError } from '../../../lib/model/diagnostics';
import { SegmentationPolicy } from '../../../lib/model/policy';
import { resolve } from '../../../lib/resolve/resolve';
import { ResolvedPolicy } from '../../../lib/resolve/ir';
import { loadBackend } from '../../../lib/targets/registry';
import { verifyOutput } from '../../../lib/verify';
import { formatVerifyText } from '../../../lib/verify/report';
import { policyArbitrary } from '../../verify/arbitrary';
import { checkTargetApply } from '../../../lib/analysis/apply-check';

// Several tests compile and verify many policies or enumerate every moment of an apply: seconds each on a loaded machine.
jest.setTimeout(120_000);

const root = path.join(__dirname, '../../..');
const backend = loadBackend('kubernetes');

function withAdmin(doc: Record<string, any>, extra: Record<string, unknown> = {}): Record<string, any> {
  return { ...doc, targets: { ...(doc.targets ?? {}), kubernetes: { ...(doc.targets?.kubernetes ?? {}), guardrails: 'admin-network-policy', ...extra } } };
}
const irOf = (doc: Record<string, unknown>, file = 'p.yaml') => resolve(SegmentationPolicy.fromSource(stringify(doc), file));

/** A policy where the guardrail decides: web reaches app in every env, staging never reaches prod. */
const CROSS = {
  apiVersion: 'microseg/v1',
  kind: 'SegmentationPolicy',
  metadata: { name: 'cross' },
  network: { internalCidrs: ['10.0.0.0/8'] },
  labels: { env: ['prod', 'staging'], tier: ['web', 'app'] },
  segments: [
    { name: 'web-prod', labels: { env: 'prod', tier: 'web' } },
    { name: 'app-prod', labels: { env: 'prod', tier: 'app' } },
    { name: 'web-staging', labels: { env: 'staging', tier: 'web' } },
    { name: 'app-staging', labels: { env: 'staging', tier: 'app' } },
  ],
  externals: [
    { name: 'vpn', cidrs: ['10.200.0.0/16'] },
    { name: 'bad', cidrs: ['192.0.2.0/24'] },
  ],
  guardrails: [
    { name: 'staging-never-reaches-prod', action: 'deny', from: { env: 'staging' }, to: { env: 'prod' }, services: ['any'] },
    { name: 'no-bad-egress', action: 'deny', from: { tier: 'app' }, to: { external: 'bad' }, services: ['tcp/443'] },
  ],
  rules: [
    { name: 'web-to-app', from: { tier: 'web' }, to: { tier: 'app' }, services: ['tcp/8080'] },
    { name: 'vpn-to-app', from: { external: 'vpn' }, to: { tier: 'app' }, services: ['tcp/22'] },
    { name: 'app-out', from: { tier: 'app' }, to: { cidrs: ['0.0.0.0/0'] }, services: ['tcp/443'] },
  ],
  targets: { kubernetes: { namespaceFromLabel: 'env' } },
};

function verified(ir: ResolvedPolicy, terraform: Record<string, any>, identities: unknown) {
  return verifyOutput(ir, 'kubernetes', terraform, identities as any, { maxExamples: 2 });
}

describe('deny guardrails as AdminNetworkPolicies', () => {
  const ir = irOf(withAdmin(CROSS));
  const out = backend.compile(ir);
  const anps = out.terraform.resource.kubernetes_manifest as Record<string, any>;

  it('one AdminNetworkPolicy per segment a deny reaches, Deny rules only, one priority, exact', () => {
    expect(Object.keys(anps).sort()).toEqual(['app-prod_guardrails', 'app-staging_guardrails', 'web-prod_guardrails']);
    const appProd = anps['app-prod_guardrails'].manifest;
    expect(appProd).toMatchObject({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name: 'cross-app-prod-guardrails' } });
    expect(appProd.spec.priority).toBe(20);
    expect(appProd.spec.subject.pods.namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'prod' });
    expect(appProd.spec.ingress).toHaveLength(1);
    expect(appProd.spec.ingress[0]).toMatchObject({ name: 'staging-never-reaches-prod', action: 'Deny' });
    expect(appProd.spec.ingress[0].from.map((p: any) => p.pods.podSelector.matchLabels['microseg.io/tier'])).toEqual(['app', 'web']);
    expect(appProd.spec.ingress[0].ports).toBeUndefined();
    expect(appProd.spec.egress).toEqual([{ name: 'no-bad-egress', action: 'Deny', to: [{ networks: ['192.0.2.0/24'] }], ports: [{ portNumber: { protocol: 'TCP', port: 443 } }] }]);
    for (const a of Object.values(anps)) for (const r of [...(a.manifest.spec.ingress ?? []), ...(a.manifest.spec.egress ?? [])]) expect(r.action).toBe('Deny');
    const r = verified(ir, out.terraform, out.identities);
    expect([r.verdict, r.mismatchCount, r.toleratedCount]).toEqual(['equivalent', 0, 0]);
  });

  it('the NetworkPolicies no longer carry the guardrails: the denied flows are admitted there, the layer above refuses them', () => {
    const allow = (out.terraform.resource.kubernetes_network_policy_v1 as Record<string, any>)['app-prod_allow'];
    const fromTiers = allow.spec.ingress.flatMap((r: any) => (Array.isArray(r.from) ? r.from : [r.from])).map((p: any) => p.pod_selector?.match_labels?.['microseg.io/env']);
    expect(fromTiers).toContain('staging');
    const withoutLayer = JSON.parse(JSON.stringify(out.terraform));
    delete withoutLayer.resource.kubernetes_manifest;
    const r = verified(ir, withoutLayer, out.identities);
    expect(r.verdict).toBe('not-equivalent');
    expect(r.mismatchCount).toBeGreaterThan(0);
  });

  it('without the option the same policy folds the denies into the NetworkPolicies and writes no manifest', () => {
    const flat = backend.compile(irOf(CROSS));
    expect(flat.terraform.resource.kubernetes_manifest).toBeUndefined();
    const allow = (flat.terraform.resource.kubernetes_network_policy_v1 as Record<string, any>)['app-prod_allow'];
    expect(JSON.stringify(allow)).not.toContain('"microseg.io/env":"staging"');
  });

  it('a deny by source address and a deny on ICMP stay in the NetworkPolicy layer, with a note each, and stay exact', () => {
    const doc = withAdmin({
      ...CROSS,
      guardrails: [
        ...CROSS.guardrails,
        { name: 'no-vpn-ssh-to-prod', action: 'deny', from: { external: 'vpn' }, to: { env: 'prod' }, services: ['tcp/22'] },
        { name: 'no-ping-prod', action: 'deny', from: { env: 'staging' }, to: { env: 'prod' }, services: ['icmp'] },
        { name: 'no-tcp-prod', action: 'deny', from: { tier: 'web' }, to: { segment: 'web-prod' }, services: ['tcp'] },
      ],
    });
    const ir2 = irOf(doc);
    const o = backend.compile(ir2);
    const notes = o.notes.map((n) => `${n.code} ${n.message}`);
    expect(notes).toContain('MS9103 kubernetes: the part of guardrail no-vpn-ssh-to-prod that denies by source address stays in the NetworkPolicy layer (ipBlock except): AdminNetworkPolicy ingress rules match pods and namespaces only');
    expect(notes).toContain('MS9102 kubernetes: guardrail no-ping-prod stays in the NetworkPolicy layer: AdminNetworkPolicy ports cannot name icmp');
    expect(notes.some((n) => n.startsWith('MS9102 kubernetes: guardrail no-tcp-prod stays'))).toBe(true);
    const names = Object.values(o.terraform.resource.kubernetes_manifest as Record<string, any>).flatMap((a) => (a.manifest.spec.ingress ?? []).map((r: any) => r.name));
    expect(names).not.toContain('no-ping-prod');
    expect(names).not.toContain('no-tcp-prod');
    const r = verified(ir2, o.terraform, o.identities);
    expect([r.verdict, r.mismatchCount]).toEqual(['equivalent', 0]);
  });

  it('identity denies need no address subtraction: MS9101 on the flat layout, none with AdminNetworkPolicies, both exact', () => {
    const shared = {
      ...CROSS,
      segments: CROSS.segments.map((s) => ({ ...s, addresses: ['10.1.0.0/16'] })),
      rules: [...CROSS.rules, { name: 'vpn-range-to-app', from: { cidrs: ['10.1.0.0/16'] }, to: { tier: 'app' }, services: ['tcp/9000'] }, { name: 'web-out', from: { tier: 'web' }, to: { cidrs: ['10.1.0.0/16'] }, services: ['tcp/9000'] }],
    };
    const flat = backend.compile(irOf(shared));
    expect(flat.notes.filter((n) => n.code === 'MS9101').length).toBeGreaterThan(0);
    const ir3 = irOf(withAdmin(shared));
    const layered = backend.compile(ir3);
    expect(layered.notes.filter((n) => n.code === 'MS9101')).toEqual([]);
    const r = verified(ir3, layered.terraform, layered.identities);
    expect([r.verdict, r.mismatchCount, r.toleratedCount]).toEqual(['equivalent', 0, 0]);
  });

  it('adminPriority sets the priority; out of range is a located schema error', () => {
    const o = backend.compile(irOf(withAdmin(CROSS, { adminPriority: 900 })));
    expect(Object.values(o.terraform.resource.kubernetes_manifest as Record<string, any>).map((a) => a.manifest.spec.priority)).toEqual([900, 900, 900]);
    expect(() => SegmentationPolicy.fromSource(stringify(withAdmin(CROSS, { adminPriority: 1001 })), 'p.yaml')).toThrow(/p\.yaml:\d+:\d+/);
  });
});

describe('the verifier reads AdminNetworkPolicy as the API defines it', () => {
  const ir = irOf(withAdmin(CROSS));
  const out = backend.compile(ir);
  const edit = (f: (anps: Record<string, any>) => void) => {
    const t = JSON.parse(JSON.stringify(out.terraform));
    f(t.resource.kubernetes_manifest);
    return verified(ir, t, out.identities);
  };

  it('an Allow before the Deny wins over it: the denied flow is open again', () => {
    const r = edit((a) => a['app-prod_guardrails'].manifest.spec.ingress.unshift({ name: 'x', action: 'Allow', from: [{ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'staging' } } }], ports: [{ portNumber: { protocol: 'TCP', port: 8080 } }] }));
    expect(r.verdict).toBe('not-equivalent');
    expect(formatVerifyText([r])).toMatch(/web-staging [0-9.]+ -> app-prod [0-9.]+ tcp\/8080: policy denies, output allows/);
  });

  it('a Deny on other ports, or of a lower precedence than an Allow of another policy, is read in order', () => {
    const narrowed = edit((a) => {
      a['app-prod_guardrails'].manifest.spec.ingress[0].ports = [{ portRange: { protocol: 'TCP', start: 1, end: 8079 } }];
    });
    expect(narrowed.verdict).toBe('not-equivalent');
    const widened = edit((a) => {
      a['app-prod_guardrails'].manifest.spec.ingress[0].ports = [{ portRange: { protocol: 'TCP', start: 1, end: 65535 } }, { portRange: { protocol: 'UDP', start: 1, end: 65535 } }];
    });
    // The staging pods reach app-prod on tcp/8080 only, so denying TCP and UDP ports is still exact.
    expect([widened.verdict, widened.mismatchCount]).toEqual(['equivalent', 0]);
  });

  it('Pass, nodes peers and named ports are reported, never guessed; one priority with Allow and Deny is reported', () => {
    const pass = edit((a) => (a['app-prod_guardrails'].manifest.spec.ingress[0].action = 'Pass'));
    expect(pass.verdict).not.toBe('equivalent');
    expect(pass.issues.map((i) => `${i.code} ${i.message}`).join('\n')).toMatch(/MS7011 .*Pass rule/);
    const nodes = edit((a) => (a['app-prod_guardrails'].manifest.spec.egress[0].to = [{ nodes: {} }]));
    expect(nodes.issues.map((i) => i.message).join('\n')).toMatch(/a nodes peer is not modelled/);
    const named = edit((a) => (a['app-prod_guardrails'].manifest.spec.egress[0].ports = [{ namedPort: 'https' }]));
    expect(named.issues.map((i) => i.message).join('\n')).toMatch(/named port "https"/);
    // A second policy at the same priority selecting the same pods, allowing what the first denies: a real tie.
    const tie = edit((a) => {
      const twin = JSON.parse(JSON.stringify(a['app-prod_guardrails']));
      twin.manifest.metadata.name = 'app-prod-twin';
      twin.manifest.spec.ingress[0].action = 'Allow';
      a['app-prod_twin'] = twin;
    });
    expect(tie.verdict).toBe('inconclusive');
    expect(tie.issues.map((i) => `${i.code} ${i.message}`).join('\n')).toMatch(/MS7010 AdminNetworkPolicies .* share priority 20 with both Allow and Deny rules on the ingress of segment 'app-prod'/);
    // Policies of one priority whose subjects are other pods never compete: no issue.
    const apart = edit((a) => {
      a['web-prod_guardrails'].manifest.spec.ingress[0].action = 'Allow';
    });
    expect(apart.issues.filter((i) => /share priority/.test(i.message))).toEqual([]);
  });
});

describe('every shipped policy with the option', () => {
  const yamlFiles = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : []));
  const files = [
    ...yamlFiles(path.join(root, 'examples')).filter((f) => /policy\.ya?ml$/.test(f)),
    ...['good', 'regress', 'gcp', 'lint', 'diff'].flatMap((d) => (fs.existsSync(path.join(root, 'test/fixtures', d)) ? yamlFiles(path.join(root, 'test/fixtures', d)) : [])),
  ].filter((f) => {
    try {
      SegmentationPolicy.fromFile(f);
      return true;
    } catch {
      return false; // fixtures of invalid policies are the loader's business
    }
  });

  it(`compiles exactly or is refused with kubernetes codes, and no AdminNetworkPolicy-enforced guardrail is subtracted in the NetworkPolicies (${files.length} policies)`, () => {
    let compiled = 0;
    for (const f of files) {
      const ir = irOf(withAdmin(parse(fs.readFileSync(f, 'utf8'))), f);
      let o;
      try {
        o = backend.compile(ir);
      } catch (e) {
        if (!(e instanceof PolicyError)) throw e;
        expect(e.diagnostics.filter((d) => d.severity === 'error').every((d) => /^MS9\d{3}$/.test(d.code))).toBe(true);
        continue;
      }
      compiled++;
      const inLayer = new Set(Object.values((o.terraform.resource.kubernetes_manifest ?? {}) as Record<string, any>).flatMap((a) => [...(a.manifest.spec.ingress ?? []), ...(a.manifest.spec.egress ?? [])].map((r: any) => r.name)));
      for (const n of o.notes.filter((d) => d.code === 'MS9101')) for (const g of inLayer) expect(n.message).not.toContain(`guardrail ${g} `);
      const r = verified(ir, o.terraform, o.identities);
      if (r.verdict !== 'equivalent') throw new Error(`${f}\n${formatVerifyText([r])}`);
    }
    expect(compiled).toBeGreaterThanOrEqual(10);
  });

  it('random policies compile to AdminNetworkPolicies + NetworkPolicies the verifier finds equivalent (150 cases)', () => {
    let layered = 0;
    fc.assert(
      fc.property(policyArbitrary(), (doc) => {
        let ir;
        try {
          ir = resolve(SegmentationPolicy.fromObject(withAdmin(doc), 'prop.yaml'));
        } catch {
          return;
        }
        let o;
        try {
          o = backend.compile(ir);
        } catch (e) {
          if (e instanceof PolicyError && e.diagnostics.every((d) => d.severity !== 'error' || /^MS9\d{3}$/.test(d.code))) return;
          throw e;
        }
        if (o.terraform.resource?.kubernetes_manifest) layered++;
        const r = verified(ir, o.terraform, o.identities);
        if (r.verdict !== 'equivalent') throw new Error(`${formatVerifyText([r])}\n--- policy ---\n${stringify(doc)}`);
      }),
      { numRuns: 150 },
    );
    // Most random policies have no deny between segments the layer takes (about 10 % do): the property must still meet some.
    expect(layered).toBeGreaterThanOrEqual(3);
  });
});

describe('moving guardrails into AdminNetworkPolicies is a safe change', () => {
  const run = (before: Record<string, any>, after: Record<string, any>) => {
    const a = irOf(before, 'old.yaml');
    const b = irOf(after, 'new.yaml');
    return checkTargetApply(a, b, backend.compile(a), backend.compile(b));
  };

  it('without the ordering, the same move would open the denied flows for a moment (the check can fail)', () => {
    const a = irOf(CROSS, 'old.yaml');
    const b = irOf(withAdmin(CROSS), 'new.yaml');
    const nu = backend.compile(b);
    const unordered = JSON.parse(JSON.stringify(nu.terraform));
    for (const r of Object.values(unordered.resource.kubernetes_network_policy_v1 as Record<string, any>)) delete r.depends_on;
    delete unordered.resource.terraform_data;
    const r = checkTargetApply(a, b, backend.compile(a), { ...nu, terraform: unordered });
    expect(r.safe).toBe(false);
    expect(r.opened).toBeGreaterThan(0);
  });

  it('flat → layered and back: the allows wait for the AdminNetworkPolicies, no moment opens a denied flow', () => {
    const layered = backend.compile(irOf(withAdmin(CROSS)));
    const allow = (layered.terraform.resource.kubernetes_network_policy_v1 as Record<string, any>)['app-prod_allow'];
    expect(allow.depends_on).toEqual(['terraform_data.admin_network_policies']);
    expect(layered.terraform.resource.terraform_data.admin_network_policies.depends_on).toHaveLength(3);
    for (const [from, to] of [
      [CROSS, withAdmin(CROSS)],
      [withAdmin(CROSS), CROSS],
    ]) {
      const r = run(from, to);
      expect([r.safe, r.opened, r.dropped, r.conflicts.length]).toEqual([true, 0, 0, 0]);
      expect(r.moments.checked).toBeGreaterThan(1);
    }
  });
});
