/**
 * The apply check on hand-made transitions of real compiled outputs: what
 * the plan does to each resource, the moments of the apply, and the drops,
 * opens and collisions they hold.
 */
import { checkTargetApply } from '../../../lib/analysis/apply-check';
import { classifyChanges } from '../../../lib/analysis/apply-check/replacement';
import { schedule } from '../../../lib/analysis/apply-check/schedule';
import { TargetOutput } from '../../../lib/targets/target';
import { compile, irOf, smallPolicy } from './helpers';

const ir = irOf(smallPolicy());
const [aws, azure, gcp] = compile(ir, ['aws', 'azure', 'gcp']);
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

/** A copy of an output with `edit` applied to its Terraform JSON (and identities). */
function edited(o: TargetOutput, edit: (json: Record<string, any>, ids: Record<string, any>) => void): TargetOutput {
  const terraform = clone(o.terraform);
  const identities = clone(o.identities) as any;
  edit(terraform, identities);
  return { ...o, terraform, identities };
}

/** Move a resource to a new name (as a rename of its rule does today). */
function rename(json: Record<string, any>, type: string, pick: (name: string, body: Record<string, any>) => boolean, suffix: string): string {
  const byName = json.resource[type];
  const name = Object.keys(byName).find((n) => pick(n, byName[n]))!;
  byName[name + suffix] = byName[name];
  delete byName[name];
  return name;
}

test('an unchanged output is kept whole and safe, with one moment', () => {
  for (const o of [aws, azure, gcp]) {
    const r = checkTargetApply(ir, ir, o, o);
    expect(r.safe).toBe(true);
    expect(r.counts.keep).toBe(Object.values<Record<string, unknown>>(o.terraform.resource).reduce((n, b) => n + Object.keys(b).length, 0));
    expect(r.moments).toEqual({ checked: 1, exhaustive: true, events: 0 });
  }
});

test('force-new attributes from the providers: ports update in place, group and source kind replace', () => {
  const changed = edited(aws, (j) => {
    const rules = j.resource.aws_vpc_security_group_ingress_rule;
    const [a, b] = Object.keys(rules);
    rules[a].to_port = 8081;
    rules[b].security_group_id = '${aws_security_group.other.id}';
  });
  const c = classifyChanges(aws.terraform, changed.terraform).filter((x) => x.action !== 'keep');
  expect(c.map((x) => `${x.action} ${x.attributes.join(',')}`).sort()).toEqual(['replace security_group_id', 'update to_port']);
  const g = edited(gcp, (j) => {
    const fw = Object.values<any>(j.resource.google_compute_firewall);
    fw[0].priority += 1;
    fw[1].name += '-x';
  });
  expect(classifyChanges(gcp.terraform, g.terraform).filter((x) => x.action !== 'keep').map((x) => x.action).sort()).toEqual(['replace', 'update']);
});

test('a renamed GCP firewall is destroyed and created unordered: the moment between drops its flows', () => {
  const moved = edited(gcp, (j) => rename(j, 'google_compute_firewall', (n, b) => b.description.includes('web-to-app') && n.includes('-in-'), '-renamed'));
  const r = checkTargetApply(ir, ir, gcp, moved);
  expect(r.counts).toMatchObject({ create: 1, destroy: 1 });
  expect(r.moments).toEqual({ checked: 4, exhaustive: true, events: 2 });
  expect(r.safe).toBe(false);
  expect(r.dropped).toBeGreaterThan(0);
  expect(r.opened).toBe(0);
  expect(r.worst.flatMap((w) => w.examples)[0]).toMatchObject({ kind: 'dropped', from: 'web', to: 'app', service: 'tcp/8080' });
  // Same GCP name at the new address: the moment where both exist is one the API refuses.
  expect(r.conflicts.map((c) => c.key)).toEqual([expect.stringMatching(/^firewall name 't-r[0-9a-f]{8}-in/)]);
});

test('a name kept by lifecycle.ignore_changes (an upgraded firewall or NSG rule) updates in place, and the live object keeps its old name', () => {
  const g = edited(gcp, (j) => {
    const [name, fw] = Object.entries<any>(j.resource.google_compute_firewall).find(([, b]) => b.description.includes('web-to-app') && b.direction === 'INGRESS')!;
    fw.name = 'a-new-name';
    fw.priority += 1;
    fw.lifecycle = { ignore_changes: ['name'] };
    // Another firewall created under the old name would meet the live one.
    j.resource.google_compute_firewall.other = { ...fw, name: gcp.terraform.resource.google_compute_firewall[name].name, lifecycle: undefined };
  });
  const c = classifyChanges(gcp.terraform, g.terraform).filter((x) => x.action !== 'keep');
  expect(c.map((x) => `${x.action} ${x.attributes.join(',')}`).sort()).toEqual(['create ', 'update priority']);
  const r = checkTargetApply(ir, ir, gcp, g);
  expect(r.conflicts.map((x) => x.key)).toEqual([expect.stringMatching(/^firewall name 't-r[0-9a-f]{8}-in-id'/)]);
});

test('a replacement created before destroyed keeps flows; on AWS the same rule content twice is a conflict', () => {
  // GCP: a new name forces replacement; with create_before_destroy the old firewall stays until the new one exists.
  const g = edited(gcp, (j) => {
    const fw = Object.values<any>(j.resource.google_compute_firewall).find((b) => b.description.includes('web-to-app') && b.direction === 'INGRESS');
    fw.name += '-2';
    fw.lifecycle = { create_before_destroy: true };
  });
  const rg = checkTargetApply(ir, ir, gcp, g);
  expect(rg.counts).toMatchObject({ replace: 1, replacedCreateBeforeDestroy: 1 });
  expect(rg.moments.checked).toBe(3);
  expect(rg.safe).toBe(true);
  // Without create_before_destroy: destroy first, a window with neither.
  const g2 = edited(g, (j) => Object.values<any>(j.resource.google_compute_firewall).forEach((b) => delete b.lifecycle));
  const rg2 = checkTargetApply(ir, ir, gcp, g2);
  expect(rg2.safe).toBe(false);
  expect(rg2.dropped).toBeGreaterThan(0);
  // AWS: a rule moved to a new address with the same content: EC2 refuses the duplicate while the old one lives.
  const a = edited(aws, (j) => rename(j, 'aws_vpc_security_group_ingress_rule', (_n, b) => b.tags['microseg:origins'] === 'web-to-app', 'x'));
  const ra = checkTargetApply(ir, ir, aws, a);
  expect(ra.conflicts.length).toBe(1);
  expect(ra.conflicts[0].key).toMatch(/^ingress rule tcp 8080-8080/);
  expect(ra.safe).toBe(false);
});

test('Azure: two rules that can be live at once on one priority and direction of one NSG conflict', () => {
  const z = edited(azure, (j) => {
    const rules = j.resource.azurerm_network_security_rule;
    const [a, b] = Object.keys(rules).filter((n) => rules[n].direction === 'Inbound');
    rules[a].priority = rules[b].priority;
  });
  const r = checkTargetApply(ir, ir, azure, z);
  expect(r.conflicts.some((c) => /^priority \d+ Inbound in NSG/.test(c.key))).toBe(true);
});

test('an identity that workloads carry and the plan replaces is unsafe', () => {
  const a = edited(aws, (j) => {
    const sg = Object.values<any>(j.resource.aws_security_group)[0];
    sg.description += ' (edited)';
  });
  const r = checkTargetApply(ir, ir, aws, a);
  expect(r.identitiesDestroyed.length).toBe(1);
  expect(r.safe).toBe(false);
  // Its rules are created before destroyed, so Terraform makes the group so too: for a moment two groups hold one name.
  const sg = r.changes.find((c) => c.address.startsWith('aws_security_group.'))!;
  expect([sg.action, sg.createBeforeDestroy]).toEqual(['replace', true]);
  expect(r.conflicts.map((c) => c.key)).toEqual([expect.stringMatching(/^group name '/)]);
});

test('moments follow dependencies: a rule is created only after its new group exists', () => {
  const a = edited(aws, (j) => {
    const sg = j.resource.aws_security_group;
    const name = Object.keys(sg)[0];
    sg[name + 'b'] = sg[name];
    delete sg[name];
    for (const t of ['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule']) {
      for (const b of Object.values<any>(j.resource[t] ?? {})) {
        for (const k of Object.keys(b)) if (typeof b[k] === 'string') b[k] = b[k].replace(`aws_security_group.${name}.`, `aws_security_group.${name}b.`);
      }
    }
  });
  const changes = classifyChanges(aws.terraform, a.terraform);
  const s = schedule(changes);
  const sgCreate = s.events.find((e) => e.kind === 'create' && e.address.startsWith('aws_security_group.'))!;
  const ruleCreates = s.events.filter((e) => e.kind === 'create' && e.address.includes('_rule.'));
  expect(ruleCreates.length).toBeGreaterThan(0);
  for (const e of ruleCreates) expect(e.after).toContain(sgCreate.id);
  for (const m of s.moments) for (const e of ruleCreates) if (m.has(e.id)) expect(m.has(sgCreate.id)).toBe(true);
});

describe('AWS rules per group: a moment past the quota is refused (quotas.ts)', () => {
  const { quotaProblems } = require('../../../lib/analysis/apply-check/quotas') as typeof import('../../../lib/analysis/apply-check/quotas');
  const rule = (group: string, peer: Record<string, unknown>, address: string, old = false) => ({
    address: `aws_vpc_security_group_ingress_rule.${address}`,
    type: 'aws_vpc_security_group_ingress_rule',
    body: { security_group_id: `\${aws_security_group.${group}.id}`, ip_protocol: 'tcp', from_port: 1, to_port: 1, ...peer },
    deposed: false,
    old,
  });
  const cidrs = (group: string, n: number, family: 4 | 6 = 4) =>
    Array.from({ length: n }, (_, i) => rule(group, family === 4 ? { cidr_ipv4: `10.0.${i}.0/24` } : { cidr_ipv6: `fd00:${i}::/64` }, `${group}_r${family}_${i}`));

  test('60 CIDR rules of a family fit; the 61st does not; families and directions count apart', () => {
    expect(quotaProblems(cidrs('a', 60))).toEqual([]);
    expect(quotaProblems([...cidrs('a', 60), ...cidrs('a', 60, 6)])).toEqual([]);
    expect(quotaProblems(cidrs('a', 61)).map((c) => c.key)).toEqual(['more than 60 ingress IPv4 rules of group aws_security_group.a']);
    expect(quotaProblems([...cidrs('a', 30), ...cidrs('b', 31)])).toEqual([]);
  });

  test('a group reference counts in both families, a prefix-list reference its max_entries in both', () => {
    const list = { address: 'aws_ec2_managed_prefix_list.l', type: 'aws_ec2_managed_prefix_list', body: { max_entries: 38 }, deposed: false, old: false };
    const pl = rule('a', { prefix_list_id: '${aws_ec2_managed_prefix_list.l.id}' }, 'pl');
    const ref = rule('a', { referenced_security_group_id: '${aws_security_group.b.id}' }, 'ref');
    expect(quotaProblems([list, pl, ref, ...cidrs('a', 21, 6)])).toEqual([]);
    expect(quotaProblems([list, pl, ref, ...cidrs('a', 22, 6)]).map((c) => c.key)).toEqual(['more than 60 ingress IPv6 rules of group aws_security_group.a']);
  });

  test("while a group is replaced, the old configuration's rules count in the old object, the new ones in the new", () => {
    const old = cidrs('a', 40).map((r) => ({ ...r, old: true }));
    expect(quotaProblems([...old, ...cidrs('a', 40)], new Set(['aws_security_group.a']))).toEqual([]);
    expect(quotaProblems([...old, ...cidrs('a', 40)]).length).toBe(1);
  });

  test('in a transition: a rule moving out of a full group while another comes in can leave 61 for a moment', () => {
    const full = edited(aws, (j) => {
      const rules = j.resource.aws_vpc_security_group_ingress_rule;
      const [name] = Object.keys(rules);
      for (let i = 0; i < 59; i++) rules[`filler${i}`] = { ...rules[name], cidr_ipv4: `10.9.${i}.0/24`, referenced_security_group_id: undefined, prefix_list_id: undefined };
      for (const k of Object.keys(rules)) for (const a of Object.keys(rules[k])) if (rules[k][a] === undefined) delete rules[k][a];
    });
    const rules = full.terraform.resource.aws_vpc_security_group_ingress_rule;
    const group = rules.filler0.security_group_id;
    expect(Object.values<any>(rules).filter((r) => r.security_group_id === group).length).toBe(60);
    const moved = edited(full, (j) => {
      const r = j.resource.aws_vpc_security_group_ingress_rule;
      const other = Object.values<any>(j.resource.aws_vpc_security_group_egress_rule)[0].security_group_id;
      r.filler0 = { ...r.filler0, security_group_id: other === group ? '${aws_security_group.other.id}' : other, lifecycle: { create_before_destroy: true } };
      r.newcomer = { ...r.filler1, cidr_ipv4: '10.8.0.0/24' };
    });
    const r = checkTargetApply(ir, ir, full, moved);
    expect(r.conflicts.map((c) => c.key)).toContainEqual(expect.stringMatching(/^more than 60 ingress IPv4 rules of group aws_security_group\./));
    expect(r.safe).toBe(false);
  });
});
