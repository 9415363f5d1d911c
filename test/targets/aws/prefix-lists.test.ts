/**
 * Managed prefix lists: which CIDR sets become lists, what they are called,
 * how they weigh against the quota, when a segment keeps spelled CIDRs (only
 * when the lists do not fit), and
 * that the output stays exact (our evaluator and the verifier) and stable.
 */
import { backend } from '../../../lib/targets/aws';
import { AwsPlan, planAws, PlannedSegment } from '../../../lib/targets/aws/plan';
import { verifyOutput } from '../../../lib/verify';
import { CASES } from './cases';
import { AwsModel, compareFlows } from './evaluate';
import { loadFile, ruleLines, SPEC_EXAMPLE, yamlPolicy } from './helpers';

const INTERNET = '{name: internet, cidrs: [0.0.0.0/0, "::/0"], except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7]}';
const seg = (p: AwsPlan, name: string) => p.segments.find((s) => s.name === name)!;
/** Weight per group and family of one direction: what AWS counts against the 60. */
const load = (s: PlannedSegment, dir: string) =>
  s.groups.map((g) => [4, 6].map((f) => s.rules.filter((r) => r.group === g.index && r.direction === dir && r.families.includes(f as 4 | 6)).reduce((n, r) => n + r.weight, 0)));

function exact(body: string) {
  const ir = yamlPolicy(body);
  const out = backend.compile(ir);
  expect(compareFlows(ir, new AwsModel(out.terraform, out.identities)).mismatches).toEqual([]);
  const report = verifyOutput(ir, 'aws', out.terraform, out.identities);
  expect(report.issues).toEqual([]);
  expect(report.verdict).toBe('equivalent');
  return out;
}

describe('the spec example', () => {
  const ir = loadFile(SPEC_EXAMPLE);
  const p = planAws(ir);
  const spelled = planAws(ir, { prefixLists: false });

  test('the internet becomes one list per family, shared by every segment and service', () => {
    expect(p.prefixLists.map((l) => [l.name, l.addressFamily, l.maxEntries, l.source])).toEqual([
      [expect.stringMatching(/^shop-internet-v4-[0-9a-f]{8}$/), 'IPv4', 38, 'internet'],
      [expect.stringMatching(/^shop-internet-v6-[0-9a-f]{8}$/), 'IPv6', 7, 'internet'],
    ]);
    // shop-web-prod holds only IPv4 (10.1.0.0/24): the IPv6 list is referenced by the segments that hold IPv6 only.
    expect(ruleLines(p, 'shop-web-prod').filter((l) => l.includes('ingress'))).toEqual(['shop-web-prod ingress pl:internet/v4(38) tcp 443-443 [internet-to-web]']);
    expect(p.stats).toEqual({ groups: 6, labelGroups: 0, rules: 13, subtractions: 0, prefixLists: 2 });
    expect(spelled.stats).toEqual({ groups: 6, labelGroups: 0, rules: 222, subtractions: 0, prefixLists: 0 });
  });

  test('identities are unchanged: the same groups per segment', () => {
    const groups = (q: AwsPlan) => q.segments.map((s) => [s.name, s.groups.map((g) => g.name)]);
    expect(groups(p)).toEqual(groups(spelled));
  });

  test('a list reference weighs max_entries in both families of its group, within 60', () => {
    // tcp/53 to both lists and the db reference in the primary group; udp/53 to the IPv4 list needs a second group.
    expect(load(seg(p, 'shop-app-prod'), 'egress')).toEqual([
      [38 + 7 + 7 + 1, 38 + 7 + 7 + 1],
      [38, 38],
    ]);
    for (const s of p.segments) for (const dir of ['ingress', 'egress']) for (const g of load(s, dir)) for (const n of g) expect(n).toBeLessThanOrEqual(60);
  });

  test('exact, also to the verifier', () => {
    const out = backend.compile(ir);
    expect(compareFlows(ir, new AwsModel(out.terraform, out.identities)).mismatches).toEqual([]);
    expect(verifyOutput(ir, 'aws', out.terraform, out.identities).verdict).toBe('equivalent');
  });
});

describe('which sets become lists', () => {
  const twoOrThree = (cidrs: string) => `${CASES.egressExternal.replace(/externals:[\s\S]*/, '')}externals:
  - {name: partners, cidrs: [${cidrs}]}
rules:
  - {name: to-partners, from: {tier: app}, to: {external: partners}, services: [tcp/443]}
`;

  test('three CIDRs of one family make a list, two stay spelled', () => {
    expect(ruleLines(planAws(yamlPolicy(twoOrThree('192.0.2.0/24, 198.51.100.0/24'))))).toEqual([
      'app egress 192.0.2.0/24 tcp 443-443 [to-partners]',
      'app egress 198.51.100.0/24 tcp 443-443 [to-partners]',
    ]);
    const three = planAws(yamlPolicy(twoOrThree('192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24')));
    expect(ruleLines(three)).toEqual(['app egress pl:partners/v4(3) tcp 443-443 [to-partners]']);
    expect(three.prefixLists[0].cidrs).toEqual(['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24']);
    exact(twoOrThree('192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24'));
  });

  test('the threshold counts per family; prefixListMinEntries changes it', () => {
    const body = twoOrThree('192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, "2001:db8::/32"');
    expect(ruleLines(planAws(yamlPolicy(body)))).toEqual(['app egress 2001:db8::/32 tcp 443-443 [to-partners]', 'app egress pl:partners/v4(3) tcp 443-443 [to-partners]']);
    expect(ruleLines(planAws(yamlPolicy(body), { prefixListMinEntries: 1 }))).toEqual([
      'app egress pl:partners/v4(3) tcp 443-443 [to-partners]',
      'app egress pl:partners/v6(1) tcp 443-443 [to-partners]',
    ]);
  });

  test('the same CIDRs from two externals make two truthfully named lists; anonymous CIDRs are "cidrs"', () => {
    const cidrs = '192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24';
    const body = `${twoOrThree(cidrs)}  - {name: to-others, from: {tier: db}, to: {external: others}, services: [tcp/443]}
  - {name: to-anon, from: {tier: db}, to: {cidrs: [${cidrs}]}, services: [tcp/8443]}
`.replace('externals:\n', `externals:\n  - {name: others, cidrs: [${cidrs}]}\n`);
    const p = planAws(yamlPolicy(body));
    expect(p.prefixLists.map((l) => l.name.replace(/[0-9a-f]{8}$/, '…'))).toEqual(['t-cidrs-v4-…', 't-others-v4-…', 't-partners-v4-…']);
    expect(new Set(p.prefixLists.map((l) => l.cidrs.join())).size).toBe(1);
    exact(body);
  });

  test('prefix lists off: targets.aws.prefixLists false, and the option wins over the policy', () => {
    const off = `${CASES.egressExternal}targets:\n  aws: {prefixLists: false}\n`;
    expect(planAws(yamlPolicy(off)).stats.prefixLists).toBe(0);
    expect(planAws(yamlPolicy(off), { prefixLists: true }).stats.prefixLists).toBe(2);
    expect(planAws(yamlPolicy(CASES.egressExternal), { prefixLists: false }).stats.rules).toBe(45 + 1 + 1);
    const out = backend.compile(yamlPolicy(off));
    expect(out.terraform.resource.aws_ec2_managed_prefix_list).toBeUndefined();
  });
});

describe('quota', () => {
  test('a list heavier than a group holds is never made: spelled CIDRs, spread over groups', () => {
    const p = planAws(yamlPolicy(CASES.egressExternal), { rulesPerGroup: 30 });
    expect(p.prefixLists.map((l) => [l.family, l.maxEntries])).toEqual([[6, 7]]);
    const app = seg(p, 'app');
    expect(app.rules.filter((r) => r.peer.kind === 'cidr')).toHaveLength(38);
    // 38 spelled IPv4 CIDRs, the IPv6 list (7 in each family) and the db reference, first fit in id order.
    expect(load(app, 'egress')).toEqual([
      [30, 7],
      [16, 1],
    ]);
    exact(CASES.egressExternal); // (the default quota: lists on both families)
  });

  // web: tcp/443 from the internet (lists: 38 + 7 in each family) and 16 ports from app by identity (16 in each family).
  const ports = Array.from({ length: 16 }, (_, i) => `tcp/${2 * i + 1}`).join(', ');
  const costly = `${CASES.egressExternal.replace(/externals:[\s\S]*/, '')}  - {name: web, labels: {env: prod, tier: web}, addresses: [10.1.0.0/24, "fd00:1::/64"]}
externals:
  - ${INTERNET}
rules:
  - {name: internet-to-web, from: {external: internet}, to: {tier: web}, services: [tcp/443]}
  - {name: app-to-web, from: {tier: app}, to: {tier: web}, services: [${ports}]}
  - {name: db-https-out, from: {tier: db}, to: {external: internet}, services: [tcp/443]}
`;

  test('a segment whose lists need one more group keeps the lists: a new group, never a switch of every CIDR rule', () => {
    const p = planAws(yamlPolicy(costly));
    const web = seg(p, 'web');
    // With lists: 45 + 16 = 61 > 60, a second group (spelled CIDRs would fit one: 38 + 16 IPv4, 7 + 16 IPv6).
    expect(web.groups).toHaveLength(2);
    expect(web.rules.filter((r) => r.peer.kind === 'cidr')).toEqual([]);
    expect(web.rules.filter((r) => r.peer.kind === 'prefixList')).toHaveLength(2);
    for (const g of load(web, 'ingress')) for (const n of g) expect(n).toBeLessThanOrEqual(60);
    expect(load(web, 'ingress').reduce((n, g) => n + g[0], 0)).toBe(45 + 16);
    // db holds only 10.3.0.0/24: the IPv4 list alone.
    expect(ruleLines(p, 'db').filter((l) => l.includes('pl:'))).toEqual(['db egress pl:internet/v4(38) tcp 443-443 [db-https-out]']);
    exact(costly);
  });

  test('…also when lists spread it further: three services to the internet weigh 3 x 45 in each family (3 groups), against 114 + 1 IPv4 rules spelled (2)', () => {
    const body = CASES.egressExternal.replace('services: [tcp/443]}', 'services: [tcp/443, tcp/53, udp/53]}');
    const app = seg(planAws(yamlPolicy(body)), 'app');
    expect(app.groups).toHaveLength(3);
    expect(app.rules.filter((r) => r.peer.kind === 'cidr')).toEqual([]);
    exact(body);
  });

  test('spelled CIDRs only when the lists do not fit: 5 services to the internet need 5 groups as lists (a 38-entry list per group), 4 spelled', () => {
    const body = CASES.egressExternal.replace('services: [tcp/443]}', 'services: [tcp/443, tcp/53, udp/53, tcp/80, tcp/8443]}');
    const ir = yamlPolicy(body);
    const app = seg(planAws(ir, { maxGroupsPerInterface: 4 }), 'app');
    // Spelled: 5 x 38 + 1 IPv4 egress rules over 4 groups, 5 x 7 + 1 IPv6.
    expect(app.rules.filter((r) => r.peer.kind === 'prefixList')).toEqual([]);
    expect(app.rules.filter((r) => r.peer.kind === 'cidr')).toHaveLength(5 * 38 + 5 * 7);
    expect(app.groups).toHaveLength(Math.ceil((5 * 38 + 1) / 60));
    // With room for 6 groups the lists fit: no switch.
    expect(seg(planAws(ir, { maxGroupsPerInterface: 6 }), 'app').rules.filter((r) => r.peer.kind === 'cidr')).toEqual([]);
  });

  test('when nothing fits, the error is the one spelled CIDRs give', () => {
    const err = (() => {
      try {
        planAws(yamlPolicy(CASES.egressExternal), { maxGroupsPerInterface: 1, rulesPerGroup: 20 });
      } catch (e: any) {
        return e;
      }
    })();
    expect(err.diagnostics.map((d: any) => d.code)).toEqual(['MS4002']);
    expect(err.diagnostics[0].message).toContain('segment app needs 39 IPv4 egress rules');
  });
});

describe('stability', () => {
  test('an unrelated rule changes no list and no other rule', () => {
    const before = planAws(yamlPolicy(CASES.egressExternal));
    const after = planAws(yamlPolicy(CASES.egressExternal.replace('rules:\n', 'rules:\n  - {name: aaa, from: {tier: db}, to: {cidrs: [192.0.2.0/24]}, services: [tcp/22]}\n')));
    expect(after.prefixLists).toEqual(before.prefixLists);
    const ids = (p: AwsPlan) => new Set(p.segments.flatMap((s) => s.rules.map((r) => `${s.name}/${r.id}/${r.group}`)));
    const a = ids(before);
    const b = ids(after);
    expect([...a].filter((x) => !b.has(x))).toEqual([]);
    expect([...b].filter((x) => !a.has(x))).toEqual([expect.stringMatching(/^db\/out-[0-9a-f]{8}\//)]);
  });

  test('a new user of a list references the same list; list ids come from content, never positions', () => {
    const body = CASES.egressExternal.replace('rules:\n', 'rules:\n  - {name: db-out, from: {tier: db}, to: {external: internet}, services: [tcp/443]}\n');
    const before = planAws(yamlPolicy(CASES.egressExternal));
    const after = planAws(yamlPolicy(body));
    expect(after.prefixLists).toEqual(before.prefixLists);
    // db holds only IPv4, so it references the IPv4 list only.
    expect(ruleLines(after, 'db').filter((l) => l.includes('pl:'))).toEqual(['db egress pl:internet/v4(38) tcp 443-443 [db-out]']);
  });
});
