/**
 * GCP plan: default neutralisation, v4/v6 split, names, priorities, quota
 * splits, stability under insertion, located errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { PolicyError } from '../../../lib/model/diagnostics';
import { SegmentationPolicy } from '../../../lib/model/policy';
import { resolve } from '../../../lib/resolve/resolve';
import { ALLOW_PRIORITY, BROAD_ALLOW_PRIORITY, DEFAULT_DENY_PRIORITY, DENY_PRIORITY, EXCEPT_PRIORITY, GCP_QUOTAS as LIMITS } from '../../../lib/targets/gcp/limits';
import { gcpName, GCP_NAME, GcpFirewallPlan, planGcp } from '../../../lib/targets/gcp/plan';
import { GcpEvaluator } from './evaluator';

const fixture = (f: string) => path.join(__dirname, '../../fixtures', f);
const docOf = (f: string) => parse(fs.readFileSync(fixture(f), 'utf8'));
const irOf = (doc: unknown, file = 'policy.yaml') => resolve(SegmentationPolicy.fromSource(stringify(doc), file));
const spec = () => irOf(docOf('good/spec-example.yaml'));
const mixed = () => irOf(docOf('gcp/mixed.yaml'));
// Firewalls by the readable name 0.1.0 gave them (rule name in it): today's names carry the rule's identity instead (see the names tests).
const readable = (f: GcpFirewallPlan) => f.formerName ?? f.name;
const byName = (fws: readonly GcpFirewallPlan[]) => new Map(fws.map((f) => [readable(f), f]));

/** Terraform-shaped JSON from a plan, for the evaluator (tags identity). */
function asTerraform(plan: ReturnType<typeof planGcp>) {
  const fw: Record<string, unknown> = {};
  for (const f of plan.firewalls) {
    const blocks = f.blocks.map((b) => ({ ...b }));
    fw[f.name] = {
      name: f.name,
      direction: f.direction,
      priority: f.priority,
      [f.action]: blocks,
      target_tags: f.targets.map((t) => plan.identities[t]),
      ...(f.sourceSegments ? { source_tags: f.sourceSegments.map((t) => plan.identities[t]) } : {}),
      ...(f.sourceRanges ? { source_ranges: f.sourceRanges } : {}),
      ...(f.destinationRanges ? { destination_ranges: f.destinationRanges } : {}),
    };
  }
  return { resource: { google_compute_firewall: fw } };
}

describe('egress default neutralisation', () => {
  const plan = planGcp(spec());
  const fws = byName(plan.firewalls);

  test('explicit deny-all in both directions and both families, for every identity of the policy', () => {
    for (const name of ['shop-default-deny-eg-v4', 'shop-default-deny-eg-v6', 'shop-default-deny-in-v4', 'shop-default-deny-in-v6']) {
      const f = fws.get(name)!;
      expect(f).toMatchObject({ action: 'deny', priority: DEFAULT_DENY_PRIORITY, blocks: [{ protocol: 'all' }] });
      expect(f.targets).toEqual(['shop-app-prod', 'shop-app-staging', 'shop-db-prod', 'shop-web-prod']);
    }
    expect(fws.get('shop-default-deny-eg-v4')!.destinationRanges).toEqual(['0.0.0.0/0']);
    expect(fws.get('shop-default-deny-eg-v6')!.destinationRanges).toEqual(['::/0']);
    // Below every rule of ours, above GCP's implied rules (65535) and a default network's allows (65534).
    expect(Math.max(...plan.firewalls.filter((f) => f.kind !== 'default-deny').map((f) => f.priority))).toBeLessThan(DEFAULT_DENY_PRIORITY);
    expect(DEFAULT_DENY_PRIORITY).toBeLessThan(65534);
  });

  test('a segment without egress rules reaches nothing; an untagged host keeps GCP defaults', () => {
    const ev = new GcpEvaluator(asTerraform(plan));
    const web = { ids: [plan.identities['shop-web-prod']], family: 4 as const, address: 0x0a01000an };
    const dns = { family: 4 as const, address: 0x08080808n };
    expect(ev.egress(web, dns, 17, 53)).toBe(false);
    expect(ev.egress({ ...web, family: 6, address: 1n << 120n }, { family: 6, address: 0x20010db8n << 96n }, 17, 53)).toBe(false);
    expect(ev.egress({ ids: ['someone-else'], family: 4, address: 0x0a01000an }, dns, 17, 53)).toBe(true);
    const app = { ids: [plan.identities['shop-app-prod']], family: 4 as const, address: 0x0a02000an };
    expect(ev.egress(app, dns, 17, 53)).toBe(true);
  });
});

describe('v4/v6 split', () => {
  const plan = planGcp(mixed());

  test('no rule mixes IPv4 and IPv6 ranges; each ranged rule says its family', () => {
    for (const f of plan.firewalls) {
      const ranges = [...(f.sourceRanges ?? []), ...(f.destinationRanges ?? [])];
      const fams = new Set(ranges.map((c) => (c.includes(':') ? 6 : 4)));
      expect(fams.size).toBeLessThanOrEqual(1);
      if (ranges.length) expect(f.family).toBe([...fams][0]);
    }
  });

  test('ICMP is icmp in IPv4 rules and 58 in IPv6 rules; identity rules with ICMP are split by destination family', () => {
    const fws = byName(plan.firewalls);
    expect(fws.get('mixed-internet-web-in-v4')!.blocks).toContainEqual({ protocol: 'icmp' });
    expect(fws.get('mixed-internet-web-in-v6')!.blocks).toContainEqual({ protocol: '58' });
    expect(fws.get('mixed-ops-ping-in-id-v4')).toMatchObject({ destinationRanges: ['0.0.0.0/0'], sourceSegments: ['ops'] });
    expect(fws.get('mixed-ops-ping-in-id-v4')!.blocks).toEqual([{ protocol: 'tcp', ports: ['22'] }, { protocol: 'icmp' }]);
    expect(fws.get('mixed-ops-ping-in-id-v6')!.blocks).toEqual([{ protocol: 'tcp', ports: ['22'] }, { protocol: '58' }]);
    for (const f of plan.firewalls) {
      if (f.family === undefined) expect(f.blocks.some((b) => b.protocol === 'icmp' || b.protocol === '58')).toBe(false);
      if (f.family === 6) expect(f.blocks.some((b) => b.protocol === 'icmp')).toBe(false);
      if (f.family === 4) expect(f.blocks.some((b) => b.protocol === '58')).toBe(false);
    }
  });

  test('services of one rule merge into one firewall rule (dns: tcp and udp blocks)', () => {
    const f = byName(planGcp(spec()).firewalls).get('shop-app-dns-eg-v4')!;
    expect(f.blocks).toEqual([
      { protocol: 'tcp', ports: ['53'] },
      { protocol: 'udp', ports: ['53'] },
    ]);
    expect(f.targets).toEqual(['shop-app-prod', 'shop-app-staging']);
  });
});

describe('names', () => {
  test('gcpName keeps short names, cuts long ones with a stable digest', () => {
    expect(gcpName('shop-web')).toBe('shop-web');
    const long = 'a'.repeat(40) + '-' + 'b'.repeat(40);
    const cut = gcpName(long);
    expect(cut).toHaveLength(63);
    expect(cut).toMatch(GCP_NAME);
    expect(gcpName(long)).toBe(cut);
    expect(gcpName(long + 'c')).not.toBe(cut);
    expect(gcpName('x'.repeat(56) + '-----' + 'yy')).toMatch(GCP_NAME); // no dash before the digest doubled up
  });

  test('long policy, segment and rule names give valid, distinct names and tags within 63 characters', () => {
    const doc = docOf('gcp/mixed.yaml');
    doc.metadata.name = 'p'.repeat(40);
    doc.segments[0].name = 'w'.repeat(40);
    doc.rules[1].name = 'r'.repeat(63);
    doc.rules.push({ ...JSON.parse(JSON.stringify(doc.rules[1])), name: 'r'.repeat(62) + 's' });
    const plan = planGcp(irOf(doc));
    const names = plan.firewalls.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of [...names, ...Object.values(plan.identities)]) {
      expect(n.length).toBeLessThanOrEqual(63);
      expect(n).toMatch(GCP_NAME);
    }
    expect(plan.identities['w'.repeat(40)]).toMatch(/^p{40}-w{15}-[0-9a-f]{6}$/);
    expect(planGcp(irOf(doc)).firewalls.map((f) => f.name)).toEqual(names);
  });

  test('names come from what a rule is: renaming, reordering or widening a rule keeps every name; no name carries a rule name', () => {
    const doc = docOf('gcp/mixed.yaml');
    const before = planGcp(irOf(doc)).firewalls;
    const names = before.map((f) => f.name);
    for (const f of before) for (const o of f.origins) expect(f.name).not.toContain(o);
    const d2 = docOf('gcp/mixed.yaml');
    for (const r of d2.rules) r.name = `${r.name}-renamed`;
    d2.rules.reverse();
    const w = d2.rules.find((r: { services: string[] }) => r.services.some((x) => /^tcp\/\d+$/.test(x)));
    w.services = w.services.map((x: string) => (/^tcp\/\d+$/.test(x) ? `${x}-${Number(x.split('/')[1]) + 1}` : x));
    const after = planGcp(irOf(d2)).firewalls;
    expect(after.map((f) => f.name)).toEqual(names);
    // Widened in place: the same name, one port more.
    const widened = after.find((f) => f.origins.includes(w.name) && f.direction === 'INGRESS')!;
    expect(JSON.stringify(widened.blocks)).not.toBe(JSON.stringify(before.find((f) => f.name === widened.name)!.blocks));
  });

  test('two rules relating the same peers are one firewall per side, with the union of their services and both names in its description', () => {
    const doc = docOf('good/spec-example.yaml');
    const base = doc.rules.find((r: { name: string }) => r.name === 'web-to-app');
    doc.rules.push({ ...JSON.parse(JSON.stringify(base)), name: 'web-to-app-metrics', services: ['tcp/9100'] });
    const plan = planGcp(irOf(doc));
    const ing = plan.firewalls.filter((f) => f.origins.includes('web-to-app') && f.direction === 'INGRESS');
    expect(ing).toHaveLength(1);
    expect(ing[0].origins).toEqual(['web-to-app', 'web-to-app-metrics']);
    expect(ing[0].blocks).toEqual([{ protocol: 'tcp', ports: ['8080', '9100'] }]);
    expect(ing[0].description).toBe('microseg policy shop, rules web-to-app, web-to-app-metrics: ingress allow tcp/8080, tcp/9100 from shop-web-prod');
    expect(plan.firewalls.filter((f) => f.origins.includes('web-to-app-metrics')).every((f) => f.origins.includes('web-to-app'))).toBe(true);
  });

  test('descriptions name the policy and the rule', () => {
    const f = byName(planGcp(spec()).firewalls).get('shop-web-to-app-in-id')!;
    expect(f.description).toBe('microseg policy shop, web-to-app: ingress allow tcp/8080 from shop-web-prod');
  });
});

describe('priorities', () => {
  test('deny guardrails strictly above every allow; exceptions above broad allows', () => {
    const plan = planGcp(mixed());
    const denies = plan.firewalls.filter((f) => f.kind === 'deny');
    const allows = plan.firewalls.filter((f) => f.action === 'allow');
    expect(denies.map(readable).sort()).toEqual(['mixed-block-bad-in-v4', 'mixed-dev-not-prod-in-id', 'mixed-no-exfil-eg-v4']);
    expect(Math.max(...denies.map((f) => f.priority))).toBeLessThan(Math.min(...allows.map((f) => f.priority)));
    expect(new Set(plan.firewalls.map((f) => f.priority))).toEqual(new Set([DENY_PRIORITY, ALLOW_PRIORITY, EXCEPT_PRIORITY, BROAD_ALLOW_PRIORITY, DEFAULT_DENY_PRIORITY]));
    const fws = byName(plan.firewalls);
    expect(fws.get('mixed-dev-everything-eg-seg-v4')).toMatchObject({ kind: 'broad', priority: BROAD_ALLOW_PRIORITY, blocks: [{ protocol: 'all' }] });
    expect(fws.get('mixed-dev-everything-eg-seg-v4-x')).toMatchObject({ kind: 'except', action: 'deny', priority: EXCEPT_PRIORITY, blocks: [{ protocol: 'tcp', ports: ['22'] }] });
    for (const f of plan.firewalls) {
      expect(f.priority).toBeGreaterThanOrEqual(LIMITS.priorityMin);
      expect(f.priority).toBeLessThanOrEqual(LIMITS.priorityMax);
    }
  });

  test('a deny guardrail between segments is on the ingress side only, by source identity', () => {
    const plan = planGcp(spec());
    const g = plan.firewalls.filter((f) => f.origins.includes('staging-never-reaches-prod'));
    expect(g.map((f) => [readable(f), f.direction, f.sourceSegments])).toEqual([
      ['shop-staging-never-reaches-prod-in-id', 'INGRESS', ['shop-app-staging']],
    ]);
    expect(plan.notes.map((n) => n.code)).toEqual(['MS6101', 'MS6101', 'MS6102']);
    expect(plan.notes[2].location?.file).toBe('policy.yaml');
  });
});

describe('quota splits', () => {
  function wide(n: number, identity: 'tags' | 'serviceAccounts') {
    const segs = Array.from({ length: n }, (_, i) => ({ name: `s${String(i).padStart(3, '0')}`, labels: { n: `v${i}` } }));
    const doc = {
      apiVersion: 'microseg/v1',
      kind: 'SegmentationPolicy',
      metadata: { name: 'wide' },
      labels: { n: segs.map((s) => s.labels.n) },
      segments: segs,
      externals: [{ name: 'many', cidrs: Array.from({ length: 6000 }, (_, i) => `11.${i >> 8}.${i & 255}.0/25`) }],
      rules: [
        { name: 'mesh', from: {}, to: {}, services: ['tcp/443'] },
        { name: 'many-in', from: { external: 'many' }, to: { segment: 's000' }, services: ['tcp/22'] },
      ],
    };
    return planGcp(irOf(doc), { identity, project: 'p' });
  }

  test('tags: 80 sources and targets split into 30-source × 70-target rules; 6000 ranges into 5000-range rules', () => {
    const plan = wide(80, 'tags');
    const mesh = plan.firewalls.filter((f) => f.origins[0] === 'mesh' && f.direction === 'INGRESS');
    expect(mesh).toHaveLength(3 * 2);
    for (const f of mesh) {
      expect(f.sourceSegments!.length).toBeLessThanOrEqual(30);
      expect(f.targets.length).toBeLessThanOrEqual(70);
    }
    const pairs = new Set(mesh.flatMap((f) => f.sourceSegments!.flatMap((s) => f.targets.map((t) => `${s}>${t}`))));
    expect(pairs.size).toBe(80 * 80);
    const many = plan.firewalls.filter((f) => f.origins[0] === 'many-in');
    expect(many.map((f) => f.sourceRanges!.length)).toEqual([5000, 1000]);
    expect(many.map(readable)).toEqual(['wide-many-in-in-v4-1', 'wide-many-in-in-v4-2']);
    expect(many.map((f) => f.name)).toEqual([expect.stringMatching(/^wide-r[0-9a-f]{8}-in-v4-1$/), expect.stringMatching(/^wide-r[0-9a-f]{8}-in-v4-2$/)]);
    for (const f of plan.firewalls) expect(f.targets.length).toBeLessThanOrEqual(70);
  });

  test('service accounts: 10 per side', () => {
    const plan = wide(25, 'serviceAccounts');
    const mesh = plan.firewalls.filter((f) => f.origins[0] === 'mesh' && f.direction === 'INGRESS');
    expect(mesh).toHaveLength(3 * 3);
    for (const f of plan.firewalls) expect(f.targets.length).toBeLessThanOrEqual(10);
    expect(plan.identities.s000).toBe('wide-s000@p.iam.gserviceaccount.com');
  });
});

describe('stability', () => {
  const diff = (a: readonly GcpFirewallPlan[], b: readonly GcpFirewallPlan[]) => {
    const A = byName(a);
    const B = byName(b);
    const strip = (f: GcpFirewallPlan) => JSON.stringify({ ...f, services: String(f.services) });
    return {
      added: [...B.keys()].filter((k) => !A.has(k)),
      removed: [...A.keys()].filter((k) => !B.has(k)),
      changed: [...A.keys()].filter((k) => B.has(k) && strip(A.get(k)!) !== strip(B.get(k)!)),
    };
  };

  test('inserting an unrelated rule first in the list adds only its own rules and changes nothing else', () => {
    const doc = docOf('gcp/mixed.yaml');
    const before = planGcp(irOf(doc)).firewalls;
    doc.rules.unshift({ name: 'aaa-ops-to-db', from: { segment: 'ops' }, to: { tier: 'db' }, services: ['tcp/9000-9100'] });
    const after = planGcp(irOf(doc)).firewalls;
    expect(diff(before, after)).toEqual({
      added: ['mixed-aaa-ops-to-db-eg-seg-v4', 'mixed-aaa-ops-to-db-eg-seg-v6', 'mixed-aaa-ops-to-db-in-id'],
      removed: [],
      changed: [],
    });
  });

  test('removing a rule removes only its rules; a new guardrail changes only the egress allows it cuts', () => {
    const doc = docOf('gcp/mixed.yaml');
    const before = planGcp(irOf(doc)).firewalls;
    const d2 = docOf('gcp/mixed.yaml');
    d2.rules = d2.rules.filter((r: { name: string }) => r.name !== 'app-db');
    expect(diff(before, planGcp(irOf(d2)).firewalls)).toEqual({
      added: [],
      // app-prod and app-dev hold only IPv4: app-db never had an IPv6 egress rule.
      removed: ['mixed-app-db-eg-seg-v4', 'mixed-app-db-in-id'],
      changed: [],
    });
    const d3 = docOf('gcp/mixed.yaml');
    d3.guardrails.push({ name: 'no-pg-from-web-dev', action: 'deny', from: { segment: 'web-dev' }, to: { tier: 'db' }, services: ['tcp/5432'] });
    const r = diff(before, planGcp(irOf(d3)).firewalls);
    // Only the guardrail's own rule and the egress allows of the one rule it cuts (dev-everything) move.
    for (const n of [...r.added, ...r.removed, ...r.changed]) expect(n).toMatch(/^mixed-(dev-everything-eg-|no-pg-from-web-dev-)/);
    expect(r.added).toContain('mixed-no-pg-from-web-dev-in-id');
    // The IPv4 broad/except pair regrouped (web-dev now nets differently from app-dev) + the guardrail's rule: 2 removed, 4 added, 1 added.
    // (web-dev and app-dev hold no IPv6, so dev-everything has no IPv6 egress to regroup.)
    expect(r.removed.sort()).toEqual(['mixed-dev-everything-eg-seg-v4', 'mixed-dev-everything-eg-seg-v4-x']);
    expect([r.removed.length, r.added.length, r.changed.length]).toEqual([2, 5, 0]);
  });
});

describe('errors', () => {
  test('an exception that would hide another broad allow fails with a located error', () => {
    const doc = {
      apiVersion: 'microseg/v1',
      kind: 'SegmentationPolicy',
      metadata: { name: 'clash' },
      labels: { role: ['a', 'b', 'c'] },
      segments: [
        { name: 'a', labels: { role: 'a' } },
        { name: 'b', labels: { role: 'b' } },
        { name: 'c', labels: { role: 'c' } },
      ],
      guardrails: [
        { name: 'no-ssh-to-b', action: 'deny', from: { segment: 'a' }, to: { segment: 'b' }, services: ['tcp/22'] },
        { name: 'no-telnet-to-c', action: 'deny', from: { segment: 'a' }, to: { segment: 'c' }, services: ['tcp/23'] },
      ],
      rules: [{ name: 'a-to-all', from: { segment: 'a' }, to: { segments: ['b', 'c'] }, services: ['any'] }],
    };
    let err: unknown;
    try {
      planGcp(irOf(doc, 'clash.yaml'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PolicyError);
    const d = (err as PolicyError).diagnostics;
    expect(d.every((x) => x.code === 'MS6003' && x.severity === 'error')).toBe(true);
    expect(d[0].location).toMatchObject({ file: 'clash.yaml' });
    expect(d[0].message).toContain("rule 'a-to-all'");
    // With disjoint addresses the same policy compiles.
    doc.segments[1] = { ...doc.segments[1], addresses: ['10.1.0.0/16'] } as (typeof doc.segments)[1];
    doc.segments[2] = { ...doc.segments[2], addresses: ['10.2.0.0/16'] } as (typeof doc.segments)[2];
    expect(planGcp(irOf(doc)).firewalls.filter((f) => f.kind === 'except')).toHaveLength(2);
  });

  test('invalid prefix and service accounts without a project', () => {
    expect(() => planGcp(spec(), { namePrefix: 'Bad_Prefix' })).toThrow(/MS6001/);
    expect(() => planGcp(spec(), { identity: 'serviceAccounts' })).toThrow(/MS6002/);
    const ok = planGcp(spec(), { identity: 'serviceAccounts', serviceAccounts: { 'shop-web-prod': 'w@x.iam.gserviceaccount.com' }, project: 'prj' });
    expect(ok.identities['shop-web-prod']).toBe('w@x.iam.gserviceaccount.com');
    expect(ok.identities['shop-db-prod']).toBe('shop-shop-db-prod@prj.iam.gserviceaccount.com');
  });
});
