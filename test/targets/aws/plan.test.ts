/** The AWS plan, one semantic case at a time, with exact rule tables. */
import { PolicyError } from '../../../lib/model/diagnostics';
import { AddressSet } from '../../../lib/net/address';
import { AwsPlan } from '../../../lib/targets/aws/plan';
import { CASES } from './cases';
import { loadFile, plan, ruleLines, SPEC_EXAMPLE, yamlPolicy } from './helpers';

const cidrLines = (segment: string, dir: string, set: AddressSet, proto: string) =>
  set.toCidrs().map((c) => `${segment} ${dir} ${c} ${proto}`);
const withoutOrigins = (lines: string[]) => lines.map((l) => l.replace(/ \[.*\]$/, ''));

function errorOf(fn: () => unknown): PolicyError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PolicyError) return e;
    throw e;
  }
  throw new Error('expected a PolicyError');
}

/** 1-based line of the first line containing `needle` in a CASES body (the header adds 4 lines). */
function lineOf(body: string, needle: string): number {
  return body.split('\n').findIndex((l) => l.includes(needle)) + 5;
}

describe('the spec example', () => {
  const p = plan(loadFile(SPEC_EXAMPLE));

  test('segment-to-segment allows become a group reference on both sides', () => {
    expect(ruleLines(p, 'shop-db-prod')).toEqual(['shop-db-prod ingress sg:shop-app-prod tcp 5432-5432 [app-to-db]']);
    expect(ruleLines(p).filter((l) => l.includes('sg:'))).toEqual([
      'shop-app-prod egress sg:shop-db-prod tcp 5432-5432 [app-to-db]',
      'shop-app-prod ingress sg:shop-web-prod tcp 8080-8080 [web-to-app]',
      'shop-db-prod ingress sg:shop-app-prod tcp 5432-5432 [app-to-db]',
      'shop-web-prod egress sg:shop-app-prod tcp 8080-8080 [web-to-app]',
    ]);
  });

  test('the internet external becomes one CIDR per rule, IPv4 and IPv6 apart, each only where the segment holds that family', () => {
    const internet = AddressSet.fromCidrs(['0.0.0.0/0', '::/0']).subtract(AddressSet.fromCidrs(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7']));
    // shop-web-prod holds only 10.1.0.0/24: an IPv6 packet never reaches it, so its ingress has no IPv6 rule.
    expect(withoutOrigins(ruleLines(p, 'shop-web-prod').filter((l) => l.includes('ingress')))).toEqual(cidrLines('shop-web-prod', 'ingress', internet.family(4), 'tcp 443-443').sort());
    // shop-app-staging has no declared addresses: internalCidrs, both families.
    const staging = p.segments.find((s) => s.name === 'shop-app-staging')!;
    expect(staging.rules).toHaveLength(2 * internet.cidrCount());
    expect([internet.cidrCount(4), internet.cidrCount(6)]).toEqual([38, 7]);
  });

  test('77 IPv4 egress rules spread over two groups, listed primary first', () => {
    const app = p.segments.find((s) => s.name === 'shop-app-prod')!;
    expect(app.groups.map((g) => g.name)).toEqual(['shop-shop-app-prod', 'shop-shop-app-prod.2']);
    const perGroup = [0, 1].map((g) => app.rules.filter((r) => r.group === g && r.direction === 'egress' && r.families.includes(4)).length);
    // 38 CIDRs x tcp/udp 53, plus the reference to shop-db-prod, which sorts last and finds room in group 1 only.
    expect(perGroup).toEqual([60, 17]);
    // app-prod: 1 + 2 x 45 out, 1 in; staging: 2 x 45; db: 1; web: 38 IPv4 in (no IPv6 address), 1 out.
    expect(p.stats).toEqual({ groups: 6, labelGroups: 0, rules: 1 + 2 * 45 + 1 + 2 * 45 + 1 + 38 + 1, subtractions: 0, prefixLists: 0 });
    expect(p.notes).toEqual([]);
  });
});

describe('deny guardrails against address-based allows', () => {
  test('the denied segment is subtracted from the CIDR on the cheaper side (ingress), with a located note', () => {
    const p = plan(yamlPolicy(CASES.subtraction));
    const corpMinusStg = AddressSet.fromCidrs(['10.0.0.0/14']).subtract(AddressSet.fromCidrs(['10.2.0.0/24']));
    expect(ruleLines(p, 'db')).toEqual(
      [...cidrLines('db', 'ingress', corpMinusStg, 'tcp 5432-5432 [corp-to-db]'), 'db ingress sg:web tcp 5432-5432 [web-to-db]'].sort(),
    );
    expect(ruleLines(p, 'stg')).toEqual(['stg egress 10.0.0.0/8 tcp 0-65535 [stg-out]']);
    expect(p.stats.subtractions).toBe(1);
    expect(p.notes).toHaveLength(1);
    const n = p.notes[0];
    expect(n).toMatchObject({ code: 'MS4101', severity: 'warning', location: { file: 't.yaml', line: lineOf(CASES.subtraction, 'no-staging-to-prod') } });
    expect(n.message).toContain('guardrail no-staging-to-prod denies stg -> db on tcp/5432');
    expect(n.message).toContain('rule corp-to-db');
    expect(n.message).toContain('subtracting the addresses of stg (1 CIDR) from the ingress CIDRs of db');
  });

  test('…or on the egress side of the denied segment when that costs fewer rules', () => {
    const p = plan(yamlPolicy(CASES.subtractionEgress));
    expect(ruleLines(p, 'db')).toEqual(['db ingress 10.0.0.0/8 tcp 5432-5432 [internal-to-db]']);
    const dbnetMinusDb = AddressSet.fromCidrs(['10.3.0.0/16']).subtract(AddressSet.fromCidrs(['10.3.0.0/28']));
    expect(ruleLines(p, 'stg')).toEqual(cidrLines('stg', 'egress', dbnetMinusDb, 'tcp 5432-5432 [stg-to-dbnet]').sort());
    expect(p.notes.map((n) => n.message)).toEqual([expect.stringContaining('from the egress CIDRs of stg')]);
  });

  test('no subtraction when the other side of the flow already blocks it', () => {
    // Without stg-out, staging's egress reaches nothing, so db may keep corp whole.
    const body = CASES.subtraction.replace(/  - \{name: stg-out.*\n/, '');
    const p = plan(yamlPolicy(body));
    expect(ruleLines(p, 'db')).toContain('db ingress 10.0.0.0/14 tcp 5432-5432 [corp-to-db]');
    expect(p.notes).toEqual([]);
  });

  test('a deny between identities removes the allow on both sides', () => {
    expect(ruleLines(plan(yamlPolicy(CASES.identityDeny)))).toEqual([
      'app ingress sg:stg tcp 443-443 [web-to-app]',
      'app ingress sg:web tcp 22-22 [web-to-app]',
      'app ingress sg:web tcp 443-443 [web-to-app]',
      'stg egress sg:app tcp 443-443 [web-to-app]',
      'web egress sg:app tcp 22-22 [web-to-app]',
      'web egress sg:app tcp 443-443 [web-to-app]',
    ]);
  });
});

describe('address denies against identity allows', () => {
  test('a deny covering all of a segment drops its reference; the CIDR loses the denied addresses', () => {
    const lines = ruleLines(plan(yamlPolicy(CASES.addressDenyCovers)), 'db');
    const netMinus = AddressSet.fromCidrs(['10.0.0.0/8']).subtract(AddressSet.fromCidrs(['10.1.0.0/16']));
    expect(lines).toEqual([...cidrLines('db', 'ingress', netMinus, 'tcp 5432-5432 [net-to-db]'), 'db ingress sg:app tcp 5432-5432 [to-db]'].sort());
  });

  test('a deny covering part of a segment is fine when the other side blocks the flow anyway', () => {
    expect(ruleLines(plan(yamlPolicy(CASES.addressDenyOtherSide)))).toEqual(['app egress 192.0.2.0/24 tcp 443-443 [app-out]']);
  });

  test('…and a located error naming the guardrail and the rule otherwise', () => {
    const body = CASES.addressDenyOtherSide.replace(/  - \{name: app-not-to-dbnet.*\n/, '');
    const e = errorOf(() => plan(yamlPolicy(body)));
    expect(e.diagnostics).toHaveLength(1);
    const d = e.diagnostics[0];
    expect(d).toMatchObject({ code: 'MS4001', severity: 'error', location: { file: 't.yaml', line: lineOf(body, 'quarantine') } });
    expect(d.message).toContain('guardrail quarantine');
    expect(d.message).toContain('rule app-to-db allows app -> db by identity on tcp/5432');
  });
});

describe('services', () => {
  test('sameLabels pairs only segments with equal labels', () => {
    expect(ruleLines(plan(yamlPolicy(CASES.sameLabels)))).toEqual([
      'app-prod ingress sg:web-prod tcp 8080-8080 [web-to-app]',
      'app-stg ingress sg:web-stg tcp 8080-8080 [web-to-app]',
      'web-prod egress sg:app-prod tcp 8080-8080 [web-to-app]',
      'web-stg egress sg:app-stg tcp 8080-8080 [web-to-app]',
    ]);
  });

  test('IPv6: cidr_ipv6 rules, icmpv6 for v6 packets, ICMP references only for families both segments hold', () => {
    expect(ruleLines(plan(yamlPolicy(CASES.ipv6)))).toEqual([
      'app ingress sg:db icmp [ping]',
      'app ingress sg:web icmp [ping]',
      'app ingress sg:web icmpv6 [ping]',
      'db egress sg:app icmp [ping]',
      'web egress sg:app icmp [ping]',
      'web egress sg:app icmpv6 [ping]',
      'web ingress 2001:db8::/32 icmpv6 [v6-in]',
      'web ingress 2001:db8::/32 tcp 443-443 [v6-in]',
    ]);
  });

  test('any is protocol -1; adjacent ranges of two rules merge into one rule naming both', () => {
    const p = plan(yamlPolicy(CASES.anyAndRanges));
    expect(ruleLines(p)).toEqual([
      'app ingress 192.0.2.0/24 -1 [ops-any]',
      'app ingress sg:web tcp 8000-8099 [high,low]',
      'app ingress sg:web udp 53-53 [high]',
      'web egress sg:app tcp 8000-8099 [high,low]',
      'web egress sg:app udp 53-53 [high]',
      'web ingress 192.0.2.0/24 tcp 22-23 [ops-web]',
      'web ingress 192.0.2.0/24 udp 0-65535 [ops-web]',
    ]);
    const merged = p.segments.find((s) => s.name === 'app')!.rules.find((r) => r.protocol.fromPort === 8000)!;
    expect(merged.description).toBe('microseg policy t: rule high, rule low');
    expect(merged.id).toMatch(/^in-[0-9a-f]{8}$/); // named by content, not by either rule
  });

  test('all protocols but some cannot be written: located error', () => {
    const body = `${CASES.anyAndRanges}guardrails:\n  - {name: no-ssh, action: deny, from: {}, to: {}, services: [tcp/22]}\n`.replace(
      '  - {name: low,',
      '  - {name: web-all, from: {tier: web}, to: {tier: app}, services: [any]}\n  - {name: low,',
    );
    const e = errorOf(() => plan(yamlPolicy(body)));
    expect(e.diagnostics.map((d) => d.code)).toEqual(['MS4003', 'MS4003']);
    expect(e.diagnostics[0].location).toMatchObject({ file: 't.yaml', line: lineOf(body, 'web-all') });
    expect(e.diagnostics[0].message).toContain('except tcp/22, because guardrail no-ssh removes part of it (from rule web-all)');
  });
});

describe('intra-segment and egress', () => {
  test('traffic within a segment only when a rule allows it, as a self reference', () => {
    expect(ruleLines(plan(yamlPolicy(CASES.intraSegment)))).toEqual(['web egress sg:web tcp 7000-7000 [web-mesh]', 'web ingress sg:web tcp 7000-7000 [web-mesh]']);
    const none = plan(yamlPolicy(CASES.intraSegment.replace(/rules:[\s\S]*/, '')));
    expect(none.stats.rules).toBe(0);
    expect(none.segments.map((s) => s.groups.length)).toEqual([1, 1]);
  });

  test('egress to externals: CIDR egress rules and no other egress at all', () => {
    const p = plan(yamlPolicy(CASES.egressExternal));
    const app = ruleLines(p, 'app');
    expect(app.filter((l) => l.includes(' egress ') && !l.includes('sg:'))).toHaveLength(45);
    expect(app.every((l) => l.includes(' egress '))).toBe(true);
    expect(ruleLines(p, 'db')).toEqual(['db ingress sg:app tcp 5432-5432 [app-to-db]']);
  });
});

describe('quotas', () => {
  const spreadOf = (p: AwsPlan, seg: string) => {
    const s = p.segments.find((x) => x.name === seg)!;
    return s.groups.map((g) => [4, 6].map((f) => s.rules.filter((r) => r.group === g.index && r.families.includes(f as 4 | 6)).length));
  };

  test('rules spread over several groups, each within the quota', () => {
    const p = plan(yamlPolicy(CASES.egressExternal), { rulesPerGroup: 10 });
    // 38 IPv4 + 7 IPv6 CIDR rules and one reference (counted in both families), first fit in id order.
    expect(spreadOf(p, 'app')).toEqual([
      [10, 7],
      [10, 1],
      [10, 0],
      [9, 0],
    ]);
    expect(p.segments.find((s) => s.name === 'app')!.groups.map((g) => g.name)).toEqual(['t-app', 't-app.2', 't-app.3', 't-app.4']);
  });

  test('beyond maxGroupsPerInterface: a located error naming the rule, the quota and the setting', () => {
    const body = CASES.egressExternal;
    const e = errorOf(() => plan(yamlPolicy(body), { maxGroupsPerInterface: 1, rulesPerGroup: 20 }));
    expect(e.diagnostics.map((d) => d.code)).toEqual(['MS4002']);
    const d = e.diagnostics[0];
    expect(d.location).toMatchObject({ file: 't.yaml', line: lineOf(body, 'app-https-out') });
    expect(d.message).toContain('segment app needs 39 IPv4 egress rules, more than 1 groups (targets.aws.maxGroupsPerInterface) x 20 rules per group hold');
    expect(d.message).toContain('rule app-https-out (38)');
  });

  test('maxGroupsPerInterface comes from targets.aws', () => {
    const body = `${CASES.egressExternal}targets:\n  aws: {maxGroupsPerInterface: 1}\n`;
    expect(plan(yamlPolicy(body)).limits.maxGroupsPerInterface).toBe(1);
  });

  test('group names must not start with sg-', () => {
    const e = errorOf(() => plan(yamlPolicy(CASES.intraSegment), { namePrefix: 'sg-' }));
    expect(e.diagnostics.map((d) => d.code)).toEqual(['MS4004', 'MS4004']);
  });

  test('adding one rule to a spread segment moves at most one rule per later group', () => {
    const before = plan(yamlPolicy(CASES.egressExternal), { rulesPerGroup: 10 });
    const body = CASES.egressExternal.replace('rules:\n', 'rules:\n  - {name: aaa-first, from: {tier: app}, to: {cidrs: [198.51.100.0/24]}, services: [tcp/8443]}\n');
    const after = plan(yamlPolicy(body), { rulesPerGroup: 10 });
    const place = (p: AwsPlan) => new Map(p.segments.flatMap((s) => s.rules.map((r) => [`${s.name}/${r.id}`, r.group] as const)));
    const a = place(before);
    const b = place(after);
    const added = [...b.keys()].filter((k) => !a.has(k));
    const moved = [...a.keys()].filter((k) => b.has(k) && a.get(k) !== b.get(k));
    const removed = [...a.keys()].filter((k) => !b.has(k));
    expect(added).toHaveLength(1);
    expect(removed).toEqual([]);
    expect(moved.length).toBeLessThanOrEqual(3); // one per group boundary after the insertion
  });
});

describe('names and descriptions', () => {
  test('ids derive from rule names and content, never from positions', () => {
    const a = plan(yamlPolicy(CASES.anyAndRanges));
    const b = plan(yamlPolicy(CASES.anyAndRanges.replace('rules:\n', 'rules:\n  - {name: extra, from: {tier: app}, to: {tier: web}, services: [tcp/9]}\n')));
    const ids = (p: AwsPlan) => new Set(p.segments.flatMap((s) => s.rules.map((r) => `${s.name}/${r.id}/${r.description}`)));
    const before = ids(a);
    const after = ids(b);
    expect([...before].filter((x) => !after.has(x))).toEqual([]);
    expect([...after].filter((x) => !before.has(x))).toHaveLength(2);
  });

  test('descriptions list every realised rule, cut deterministically at 255 characters', () => {
    const rules = Array.from({ length: 30 }, (_, i) => `  - {name: a-rather-long-rule-name-number-${String(i).padStart(2, '0')}, from: {tier: web}, to: {tier: app}, services: [tcp/443]}`).join('\n');
    const body = CASES.intraSegment.replace(/rules:[\s\S]*/, `rules:\n${rules}\n`);
    const p = plan(yamlPolicy(body));
    const r = p.segments.find((s) => s.name === 'app')!.rules[0];
    expect(r.origins).toHaveLength(30);
    expect(r.description.length).toBeLessThanOrEqual(255);
    expect(r.description).toMatch(/^microseg policy t: rule a-rather-long-rule-name-number-00, rule a-rather-long-rule-name-number-01, .* \(\+\d+ more\)$/);
    expect(plan(yamlPolicy(body)).segments[0].rules[0].description).toBe(p.segments[0].rules[0].description);
  });

  test('groups are named and described per policy and segment', () => {
    const p = plan(yamlPolicy(CASES.intraSegment), { namePrefix: 'team-' });
    expect(p.segments.map((s) => s.groups[0])).toEqual([
      { index: 0, constructId: 'sg', name: 'team-t-app', description: 'microseg policy t: segment app' },
      { index: 0, constructId: 'sg', name: 'team-t-web', description: 'microseg policy t: segment web' },
    ]);
  });
});
