/**
 * Coverage that an edit moves between GCP firewall rules (issue 23): a new
 * deny guardrail splits a rule's egress group in two, removing it merges
 * them back. The group holding the rule's first (source, destination) pair
 * keeps its name and is updated in place, and it waits (`depends_on`) for
 * its sibling groups: split, the sibling exists before it narrows; merged,
 * it widens before the sibling goes (Terraform destroys a former
 * dependency after the update that dropped it). Without that order, the
 * check must see the moment that has neither.
 */
import { checkTargetApply } from '../../../lib/analysis/apply-check';
import { TargetOutput } from '../../../lib/targets/target';
import { compile, irOf, smallPolicy } from './helpers';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

function unordered(o: TargetOutput): TargetOutput {
  const terraform = clone(o.terraform);
  for (const r of Object.values<any>(terraform.resource.google_compute_firewall ?? {})) delete r.depends_on;
  return { ...o, terraform };
}

const base = smallPolicy();
base.segments.push({ name: 'db', labels: { tier: 'db' }, addresses: ['10.3.0.0/24'] });
base.rules[0] = { name: 'web-to-back', from: { tier: 'web' }, to: { tier: ['app', 'db'] }, services: ['tcp/22', 'tcp/8080'] };
const guarded = clone(base);
guarded.guardrails = [{ name: 'no-ssh-to-db', action: 'deny', from: { tier: 'web' }, to: { tier: 'db' }, services: ['tcp/22'] }];
const a = irOf(base, 'old.yaml');
const b = irOf(guarded, 'new.yaml');
const [oa] = compile(a, ['gcp']);
const [ob] = compile(b, ['gcp']);
const egress = (o: TargetOutput) => Object.keys(o.terraform.resource.google_compute_firewall).filter((n) => n.includes('-eg-seg')).sort();

test('the guardrail splits the egress group: the primary keeps its name and waits for the new sibling', () => {
  const [primary] = egress(oa);
  expect(egress(oa)).toEqual([primary]);
  expect(egress(ob)).toEqual([primary.replace('-eg-seg-', '-eg-seg-to-db-'), primary].sort());
  expect(ob.terraform.resource.google_compute_firewall[primary].depends_on).toEqual([`google_compute_firewall.${primary.replace('-eg-seg-', '-eg-seg-to-db-')}`]);
});

test('split and merged again, safe both ways: the primary is updated in place, the sibling created or destroyed', () => {
  for (const [x, y, ox, oy] of [[a, b, oa, ob], [b, a, ob, oa]] as const) {
    const r = checkTargetApply(x, y, ox, oy);
    expect({ dropped: r.dropped, opened: r.opened, conflicts: r.conflicts, replaced: r.counts.replace }).toEqual({ dropped: 0, opened: 0, conflicts: [], replaced: 0 });
    expect(r.changes.find((c) => c.address === `google_compute_firewall.${egress(oa)[0]}`)?.action).toBe('update');
  }
});

test('without the order, splitting drops flows both versions allow (the primary narrows before the sibling exists)', () => {
  const r = checkTargetApply(a, b, oa, unordered(ob));
  expect(r.dropped).toBeGreaterThan(0);
  expect(r.worst[0].examples.some((e) => e.from === 'web' && e.to === 'db' && e.service === 'tcp/8080')).toBe(true);
});

test('without the order, merging drops them too (the sibling goes before the primary widens)', () => {
  const r = checkTargetApply(b, a, unordered(ob), oa);
  expect(r.dropped).toBeGreaterThan(0);
});

describe('an egress exception whose denied services change (a broad allow of every protocol but some)', () => {
  // web may send anything to app but udp: a broad allow of `all` and an exception denying udp; a new guardrail adds tcp/22.
  const p = smallPolicy();
  p.rules[0] = { name: 'web-to-app', from: { tier: 'web' }, to: { tier: 'app' }, services: ['any'] };
  p.guardrails = [{ name: 'no-udp', action: 'deny', from: { tier: 'web' }, to: { tier: 'app' }, services: ['udp'] }];
  const q = clone(p);
  q.guardrails.push({ name: 'no-ssh', action: 'deny', from: { tier: 'web' }, to: { tier: 'app' }, services: ['tcp/22'] });
  const x = irOf(p, 'old.yaml');
  const y = irOf(q, 'new.yaml');
  const [ox] = compile(x, ['gcp']);
  const [oy] = compile(y, ['gcp']);
  const exceptionOf = (o: TargetOutput) => Object.entries<any>(o.terraform.resource.google_compute_firewall).filter(([n]) => n.endsWith('-x'));

  test('keeps its address, takes a name of what it denies, and is created before the old one goes', () => {
    const [[addr, before]] = exceptionOf(ox);
    const [[addr2, after]] = exceptionOf(oy);
    expect(addr2).toBe(addr);
    expect(after.name).not.toBe(before.name);
    expect(after.lifecycle).toEqual({ create_before_destroy: true });
  });

  test('safe both ways: replaced, created before destroyed', () => {
    for (const [a1, b1, o1, o2] of [[x, y, ox, oy], [y, x, oy, ox]] as const) {
      const r = checkTargetApply(a1, b1, o1, o2);
      expect({ dropped: r.dropped, opened: r.opened, conflicts: r.conflicts }).toEqual({ dropped: 0, opened: 0, conflicts: [] });
      expect(r.counts.replacedCreateBeforeDestroy).toBe(1);
    }
  });

  test('destroyed first, the moment between opens what both versions deny to the broad allow', () => {
    const destroyFirst = clone(oy);
    for (const [n, b] of Object.entries<any>(destroyFirst.terraform.resource.google_compute_firewall)) if (n.endsWith('-x')) delete b.lifecycle;
    const r = checkTargetApply(x, y, ox, destroyFirst);
    expect(r.opened).toBeGreaterThan(0);
    expect(r.worst[0].examples.some((e) => e.kind === 'opened' && e.service.startsWith('udp'))).toBe(true);
  });
});

test('with secure tags the exception is a firewall policy rule: same address, same priority, its rule_name updated in place', () => {
  const p = smallPolicy();
  p.targets = { ...p.targets, gcp: { ...p.targets.gcp, identity: 'secure-tags' } };
  p.rules[0] = { name: 'web-to-app', from: { tier: 'web' }, to: { tier: 'app' }, services: ['any'] };
  p.guardrails = [{ name: 'no-udp', action: 'deny', from: { tier: 'web' }, to: { tier: 'app' }, services: ['udp'] }];
  const q = clone(p);
  q.guardrails.push({ name: 'no-ssh', action: 'deny', from: { tier: 'web' }, to: { tier: 'app' }, services: ['tcp/22'] });
  const x = irOf(p, 'old.yaml');
  const y = irOf(q, 'new.yaml');
  const [ox] = compile(x, ['gcp']);
  const [oy] = compile(y, ['gcp']);
  const rules = (o: TargetOutput) => Object.entries<any>(o.terraform.resource.google_compute_network_firewall_policy_rule).filter(([n]) => n.endsWith('-x'));
  const [[addr, before]] = rules(ox);
  const [[addr2, after]] = rules(oy);
  expect({ addr2, priority: after.priority }).toEqual({ addr2: addr, priority: before.priority });
  expect(after.rule_name).not.toBe(before.rule_name);
  for (const [a1, b1, o1, o2] of [[x, y, ox, oy], [y, x, oy, ox]] as const) {
    const r = checkTargetApply(a1, b1, o1, o2);
    expect({ dropped: r.dropped, opened: r.opened, conflicts: r.conflicts, replaced: r.counts.replace }).toEqual({ dropped: 0, opened: 0, conflicts: [], replaced: 0 });
  }
});

describe('adding or dropping ICMP, which splits an ingress identity rule by family', () => {
  // The property test's counterexample (seed -1631323773): narrowing [udp, icmpv6] to [udp] turned the IPv4 half
  // (`-id-v4`) into a firewall of another name (`-id`): destroyed and created in no order. Dual-stack, an IPv6 half too.
  const policy = (addresses: string[], services: string[]) => ({
    apiVersion: 'microseg/v1',
    kind: 'SegmentationPolicy',
    metadata: { name: 'prop' },
    labels: { tier: ['a', 'b', 'c'], env: ['p', 's'] },
    segments: [{ name: 'a-p', labels: { tier: 'a', env: 'p' }, addresses }],
    rules: [{ name: 'r0', from: { tier: 'a' }, to: { tier: 'a' }, services }],
    targets: smallPolicy().targets,
  });
  const ingress = (o: TargetOutput) => Object.keys(o.terraform.resource.google_compute_firewall).filter((n) => n.includes('-in-id')).sort();
  const both = (addresses: string[]) => {
    const x = irOf(policy(addresses, ['udp', 'icmpv6']), 'old.yaml');
    const y = irOf(policy(addresses, ['udp']), 'new.yaml');
    return { x, y, ox: compile(x, ['gcp'])[0], oy: compile(y, ['gcp'])[0] };
  };
  const safeBothWays = ({ x, y, ox, oy }: ReturnType<typeof both>) => {
    for (const [a1, b1, o1, o2] of [[x, y, ox, oy], [y, x, oy, ox]] as const) {
      const r = checkTargetApply(a1, b1, o1, o2);
      expect({ dropped: r.dropped, opened: r.opened, conflicts: r.conflicts }).toEqual({ dropped: 0, opened: 0, conflicts: [] });
    }
  };

  test('IPv4 only: the IPv4 half keeps the unsplit name, updated in place', () => {
    const t = both(['10.1.0.0/24']);
    expect(ingress(t.ox)).toEqual(ingress(t.oy));
    expect(ingress(t.ox)).toHaveLength(1);
    safeBothWays(t);
  });

  test('IPv6 only: the IPv6 half, alone, keeps the unsplit name', () => {
    // The deep property test's second counterexample (seed 2026): `-id-v6` became `-id`, destroyed and created unordered.
    const t = both(['fd00::/64']);
    expect(ingress(t.ox)).toEqual(ingress(t.oy));
    expect(ingress(t.ox)).toHaveLength(1);
    safeBothWays(t);
  });

  test('dual-stack: the IPv4 half waits for the IPv6 half; without that order a moment has neither', () => {
    const t = both(['10.1.0.0/24', 'fd00::/64']);
    expect(ingress(t.ox).map((n) => n.replace(/^prop-r[0-9a-f]{8}-/, ''))).toEqual(['in-id', 'in-id-v6']);
    expect(ingress(t.oy)).toEqual([ingress(t.ox)[0]]);
    expect(t.ox.terraform.resource.google_compute_firewall[ingress(t.ox)[0]].depends_on).toEqual([`google_compute_firewall.${ingress(t.ox)[1]}`]);
    safeBothWays(t);
    expect(checkTargetApply(t.y, t.x, t.oy, unordered(t.ox)).dropped).toBeGreaterThan(0);
  });
});
