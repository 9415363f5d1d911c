/**
 * Issue 21, GCP: the layered outputs as Terraform (secure tags in a global
 * network firewall policy, deny guardrails in a hierarchical one), their
 * located refusal, determinism, and the apply check and drift on them.
 */
import { checkTargetApply } from '../../../lib/analysis/apply-check';
import { drift, readState } from '../../../lib/analysis/drift';
import { PolicyError } from '../../../lib/model/diagnostics';
import { loadBackend } from '../../../lib/targets/registry';
import { TargetOutput } from '../../../lib/targets/target';
import { verifyOutput } from '../../../lib/verify';
import { stateFromTerraform } from '../../fixtures/lifecycle/state';
import { irOf, smallPolicy, TARGETS } from '../../analysis/apply-check/helpers';

/** smallPolicy plus a deny guardrail between the segments and one from the internet. */
function policy(gcp: Record<string, string>): Record<string, any> {
  const p = smallPolicy();
  p.guardrails = [
    { name: 'app-never-to-web', action: 'deny', from: { tier: 'app' }, to: { tier: 'web' }, services: ['any'] },
    { name: 'no-internet-ssh', action: 'deny', from: { cidrs: ['0.0.0.0/0'] }, to: {}, services: ['tcp/22'] },
  ];
  p.targets = { ...TARGETS, gcp: { ...TARGETS.gcp, ...gcp } };
  return p;
}
const compile = (doc: Record<string, any>) => {
  const ir = irOf(doc);
  return { ir, out: loadBackend('gcp').compile(ir) };
};
const res = (o: TargetOutput) => o.terraform.resource as Record<string, Record<string, any>>;

describe('identity secure-tags', () => {
  const { ir, out } = compile(policy({ identity: 'secure-tags' }));

  it('a tag key for the network, a tag value per segment, the rules in an associated network firewall policy', () => {
    const r = res(out);
    expect(Object.keys(r).sort()).toEqual([
      'google_compute_network_firewall_policy',
      'google_compute_network_firewall_policy_association',
      'google_compute_network_firewall_policy_rule',
      'google_tags_tag_key',
      'google_tags_tag_value',
    ]);
    expect(r.google_tags_tag_key.t).toMatchObject({
      description: 'microseg policy t: one value per segment',
      parent: 'projects/p-123',
      purpose: 'GCE_FIREWALL',
      purpose_data: { network: 'p-123/main' },
      short_name: 't',
    });
    expect(Object.values(r.google_tags_tag_value).map((v) => v.short_name).sort()).toEqual(['app', 'web']);
    expect(r.google_compute_network_firewall_policy_association.t.attachment_target).toBe('projects/p-123/global/networks/main');
    const rules = Object.values(r.google_compute_network_firewall_policy_rule);
    // One priority per rule, each in its kind's band: guardrail denies above allows above the default deny.
    const prio = rules.map((x) => x.priority);
    expect(new Set(prio).size).toBe(prio.length);
    const band = (action: string, pick: (d: string) => boolean) => rules.filter((x) => x.action === action && pick(String(x.description))).map((x) => Math.floor(x.priority / 1_000_000));
    expect(new Set(band('deny', (d) => /app-never-to-web|no-internet-ssh/.test(d)))).toEqual(new Set([1]));
    expect(new Set(band('allow', () => true))).toEqual(new Set([10]));
    expect(new Set(band('deny', (d) => d.includes('default deny')))).toEqual(new Set([2000]));
    // Named after what the rule is (t-r<identity>-in-id), described after the rule.
    const web = rules.find((x) => /^t-r[0-9a-f]{8}-in-id$/.test(x.rule_name) && String(x.description).includes('web-to-app'))!;
    expect(web.match.src_secure_tags).toEqual([{ name: '${google_tags_tag_value.t-web.id}' }]);
    expect(web.target_secure_tags).toEqual([{ name: '${google_tags_tag_value.t-app.id}' }]);
  });

  it('identities.json lists the tag value each segment binds, by address and namespaced name', () => {
    expect(out.identities.segments).toEqual({
      app: { secureTags: ['google_tags_tag_value.t-app'], secureTagValues: ['p-123/t/app'] },
      web: { secureTags: ['google_tags_tag_value.t-web'], secureTagValues: ['p-123/t/web'] },
    });
    expect(verifyOutput(ir, 'gcp', out.terraform, out.identities).verdict).toBe('equivalent');
  });

  it('compiles to the same bytes twice', () => {
    expect(JSON.stringify(compile(policy({ identity: 'secure-tags' })).out)).toBe(JSON.stringify(out));
  });

  it('says once that VPC firewall rules decide first unless the enforcement order is set (MS6105, at the setting)', () => {
    const notes = out.notes.filter((n) => n.code === 'MS6105');
    expect(notes).toHaveLength(1);
    expect(notes[0].message).toMatch(/^gcp: the rules are a global network firewall policy: .*BEFORE_CLASSIC_FIREWALL/);
    expect(notes[0].location?.line).toBeGreaterThan(0);
    expect(compile(policy({})).out.notes.some((n) => n.code === 'MS6105')).toBe(false);
  });

  it('drift: in sync with its own state; a deleted tag value is a missing identity', () => {
    expect(drift(ir, out, readState(stateFromTerraform(out.terraform as any))).inSync).toBe(true);
    const gone = JSON.parse(JSON.stringify(out.terraform));
    delete gone.resource.google_tags_tag_value['t-app'];
    const r = drift(ir, out, readState(stateFromTerraform(gone)));
    expect(r.missingIdentities).toEqual([{ segment: 'app', identity: 'google_tags_tag_value.t-app' }]);
  });
});

describe('guardrails hierarchical', () => {
  it('with organization secure tags: the deny guardrails by tag in a folder policy, goto_next at the bottom, none left below', () => {
    const { ir, out } = compile(policy({ identity: 'secure-tags', tagParent: 'organizations/7', guardrails: 'hierarchical', guardrailParent: 'folders/42' }));
    const r = res(out);
    expect(r.google_compute_firewall_policy['t-guardrails']).toMatchObject({ description: 'microseg policy t: deny guardrails', parent: 'folders/42', short_name: 't-guardrails' });
    expect(r.google_compute_firewall_policy_association['t-guardrails'].attachment_target).toBe('folders/42');
    const hier = Object.values(r.google_compute_firewall_policy_rule);
    expect(hier.map((x) => x.action).sort()).toEqual(['deny', 'deny', 'goto_next', 'goto_next', 'goto_next', 'goto_next']);
    expect(hier.every((x) => JSON.stringify(x.target_resources) === '["projects/p-123/global/networks/main"]')).toBe(true);
    const byTag = hier.find((x) => x.action === 'deny' && x.match.src_secure_tags)!;
    expect(byTag.match.src_secure_tags).toEqual([{ name: '${google_tags_tag_value.t-app.id}' }]);
    expect(byTag.target_secure_tags).toEqual([{ name: '${google_tags_tag_value.t-web.id}' }]);
    const app = Object.values(r.google_compute_network_firewall_policy_rule);
    expect(app.filter((x) => x.action === 'deny').every((x) => String(x.description).includes('default deny'))).toBe(true);
    expect(verifyOutput(ir, 'gcp', out.terraform, out.identities).verdict).toBe('equivalent');
  });

  it('with network tags: declared, unshared addresses are matched exactly by address; the parent becomes a variable', () => {
    const { ir, out } = compile(policy({ guardrails: 'hierarchical' }));
    const r = res(out);
    expect((out.terraform as any).variable.gcp_guardrail_parent.type).toBe('string');
    expect(r.google_compute_firewall_policy['t-guardrails'].parent).toBe('${var.gcp_guardrail_parent}');
    const seg = Object.values(r.google_compute_firewall_policy_rule).find((x) => x.description.includes('app-never-to-web'))!;
    expect(seg.match.src_ip_ranges).toEqual(['10.2.0.0/24']);
    expect(seg.match.dest_ip_ranges).toEqual(['10.1.0.0/24']);
    expect(Object.values(r.google_compute_firewall).filter((x) => x.deny && !x.name.includes('default-deny'))).toEqual([]);
    expect(verifyOutput(ir, 'gcp', out.terraform, out.identities).verdict).toBe('equivalent');
  });

  it('a side the layer cannot match exactly is a located MS6005 saying what to declare', () => {
    const doc = policy({ guardrails: 'hierarchical' });
    delete doc.segments[0].addresses; // web: no addresses of its own
    let err: unknown;
    try {
      compile(doc);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PolicyError);
    const [d] = (err as PolicyError).diagnostics.filter((x) => x.severity === 'error');
    expect(d.code).toBe('MS6005');
    expect(d.message).toContain("cannot match segment 'web' (the destination) by network tag");
    expect(d.message).toContain("declare addresses for 'web' that no other segment holds");
    expect(d.location).toMatchObject({ file: 'policy.yaml', line: expect.any(Number), col: expect.any(Number) });
    expect(d.location!.line).toBeGreaterThan(1);
  });
});

/** Both outputs at once (the state after `terraform apply -target` of the new layer): resources side by side, identities united. */
function beside(a: TargetOutput, b: TargetOutput, extra: Record<string, Record<string, any>> = {}): TargetOutput {
  const resource: Record<string, Record<string, any>> = {};
  for (const o of [res(a), res(b), extra]) for (const [t, byName] of Object.entries(o)) resource[t] = { ...(resource[t] ?? {}), ...byName };
  const segments: Record<string, Record<string, string[]>> = {};
  for (const o of [a, b]) for (const [s, e] of Object.entries(o.identities.segments)) segments[s] = { ...(segments[s] ?? {}), ...(e as Record<string, string[]>) };
  return { ...b, terraform: { ...b.terraform, variable: { ...(a.terraform as any).variable, ...(b.terraform as any).variable }, resource }, identities: { ...b.identities, segments } };
}
const withNetwork = (o: TargetOutput, order: string) => beside(o, o, { google_compute_network: { main: { name: 'main', network_firewall_policy_enforcement_order: order } } });

describe('migration from the flat layout', () => {
  const flat = compile(policy({}));
  const tags = compile(policy({ identity: 'secure-tags' }));
  const hier = compile(policy({ guardrails: 'hierarchical', guardrailParent: 'folders/42' }));

  it('switching to secure tags in one apply is unsafe, and the apply check says so', () => {
    const r = checkTargetApply(flat.ir, tags.ir, flat.out, tags.out);
    expect(r.safe).toBe(false);
    expect(r.dropped + r.opened).toBeGreaterThan(0);
  });

  it('staged, it is safe: the new layer beside the VPC rules decides nothing until the enforcement order says so, then the VPC rules go', () => {
    // Step 1 (apply -target the new layer) and step 2 (bind the tag values): the VPC rules, evaluated first, still decide.
    const both = beside(flat.out, tags.out);
    expect(verifyOutput(tags.ir, 'gcp', both.terraform, both.identities).verdict).toBe('equivalent');
    // Step 3: BEFORE_CLASSIC_FIREWALL on the network: the network firewall policy decides, with the same meaning.
    const before = withNetwork(both, 'BEFORE_CLASSIC_FIREWALL');
    expect(verifyOutput(tags.ir, 'gcp', before.terraform, before.identities).verdict).toBe('equivalent');
    // Step 4: the full apply destroys the VPC rules, which no longer decide: no moment drops or opens a flow.
    const r = checkTargetApply(tags.ir, tags.ir, before, withNetwork(tags.out, 'BEFORE_CLASSIC_FIREWALL'));
    expect({ dropped: r.dropped, opened: r.opened, conflicts: r.conflicts, identitiesDestroyed: r.identitiesDestroyed }).toEqual({ dropped: 0, opened: 0, conflicts: [], identitiesDestroyed: [] });
    expect(r.counts.destroy).toBe(Object.keys(res(flat.out).google_compute_firewall).length);
    expect(r.safe).toBe(true);
  });

  it('moving deny guardrails up, staged: the hierarchical policy first, then the project deny rules go, never a gap', () => {
    const both = beside(flat.out, hier.out);
    expect(verifyOutput(hier.ir, 'gcp', both.terraform, both.identities).verdict).toBe('equivalent');
    const r = checkTargetApply(hier.ir, hier.ir, both, hier.out);
    expect(r.counts.destroy).toBeGreaterThan(0);
    expect({ dropped: r.dropped, opened: r.opened, conflicts: r.conflicts }).toEqual({ dropped: 0, opened: 0, conflicts: [] });
    expect(r.safe).toBe(true);
  });
});
