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
