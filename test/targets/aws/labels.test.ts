/**
 * Label security groups: rule sides written as values of one label, or as
 * `{}`, reference a group per value (or the all-segments group) that every
 * workload of the carrying segments attaches; with a fallback to segment
 * references for a segment without room in maxGroupsPerInterface.
 */
import { PolicyError } from '../../../lib/model/diagnostics';
import { SegmentationPolicy } from '../../../lib/model/policy';
import { resolve } from '../../../lib/resolve/resolve';
import { backend } from '../../../lib/targets/aws';
import { planAws } from '../../../lib/targets/aws/plan';
import { verifyOutput } from '../../../lib/verify';
import { ruleLines, yamlPolicy } from './helpers';

const body = (extraSegments = '') => `labels:
  env: [prod, staging]
  tier: [web, app, db]
  app: [shop, blog]
  zone: [a, b]
segments:
  - {name: web-a, labels: {env: prod, tier: web, app: shop, zone: a}, addresses: [10.1.0.0/24, 'fd00:1::/64']}
  - {name: web-b, labels: {env: prod, tier: web, app: blog, zone: b}, addresses: [10.2.0.0/24]}
  - {name: app, labels: {env: staging, tier: app, app: shop, zone: b}, addresses: [10.3.0.0/24]}
  - {name: db, labels: {env: prod, tier: db, app: shop, zone: b}, addresses: [10.4.0.0/24]}
${extraSegments}externals:
  - {name: corp, cidrs: [192.168.0.0/24]}
guardrails:
  - {name: no-staging-to-prod, action: deny, from: {env: staging}, to: {env: prod}, services: [tcp/22]}
rules:
  - {name: prod-to-db, from: {env: prod}, to: {segment: db}, services: [tcp/5432]}
  - {name: web-to-db, from: {tier: web}, to: {segment: db}, services: [tcp/6432]}
  - {name: shop-to-db, from: {app: shop}, to: {segment: db}, services: [tcp/7432]}
  - {name: zone-a-to-db, from: {zone: a}, to: {segment: db}, services: [tcp/8432]}
  - {name: all-to-db, from: {}, to: {segment: db}, services: [tcp/9432, icmp]}
  - {name: ssh-anywhere, from: {external: corp}, to: {}, services: [tcp/22]}
  - {name: all-ssh, from: {}, to: {tier: [web, db]}, services: [tcp/22]}
`;

describe('shapes', () => {
  const p = planAws(yamlPolicy(body()), { prefixLists: false });
  test('one reference per label value and one for {} instead of one per segment', () => {
    expect(ruleLines(p, 'db').filter((l) => l.includes('ingress'))).toEqual([
      'db ingress 192.168.0.0/24 tcp 22-22 [ssh-anywhere]',
      'db ingress lg:* icmp [all-to-db]',
      'db ingress lg:* tcp 9432-9432 [all-to-db]',
      'db ingress lg:app=shop tcp 7432-7432 [shop-to-db]',
      'db ingress lg:env=prod tcp 5432-5432 [prod-to-db]',
      'db ingress lg:tier=web tcp 6432-6432 [web-to-db]',
      // The guardrail removes tcp/22 for app only, so all-ssh keeps segment references; zone=a: see the fallback below.
      'db ingress sg:db tcp 22-22 [all-ssh]',
      'db ingress sg:web-a tcp 22-22 [all-ssh]',
      'db ingress sg:web-a tcp 8432-8432 [zone-a-to-db]',
      'db ingress sg:web-b tcp 22-22 [all-ssh]',
    ]);
    // The sources' egress still names db by its own group ({segment: db} is no label form).
    expect(ruleLines(p, 'app')).toEqual(['app egress sg:db icmp [all-to-db]', 'app egress sg:db tcp 7432-7432 [shop-to-db]', 'app egress sg:db tcp 9432-9432 [all-to-db]', 'app ingress 192.168.0.0/24 tcp 22-22 [ssh-anywhere]']);
    expect(p.labelGroups.map((g) => [g.key, g.name, g.segments.join(' ')])).toEqual([
      ['*', 't.all-segments', 'app db web-a web-b'],
      ['app=shop', 't-label-app=shop', 'app db web-a'],
      ['env=prod', 't-label-env=prod', 'db web-a web-b'],
      ['tier=db', 't-label-tier=db', 'db'],
      ['tier=web', 't-label-tier=web', 'web-a web-b'],
    ]);
    // all-ssh's egress side on a prod source ({tier: [web, db]}, all admitted): one reference per value, even for one carrier (tier=db).
    expect(ruleLines(p, 'web-b').filter((l) => l.includes('tcp 22-22'))).toEqual([
      'web-b egress lg:tier=db tcp 22-22 [all-ssh]',
      'web-b egress lg:tier=web tcp 22-22 [all-ssh]',
      'web-b ingress 192.168.0.0/24 tcp 22-22 [ssh-anywhere]',
      'web-b ingress sg:db tcp 22-22 [all-ssh]',
      'web-b ingress sg:web-a tcp 22-22 [all-ssh]',
      'web-b ingress sg:web-b tcp 22-22 [all-ssh]',
    ]);
  });

  test('workloads attach own group, label groups (sorted), then the all-segments group: identities.json and securityGroupIds', () => {
    const out = backend.compile(yamlPolicy(body()));
    expect(out.identities.segments['web-a'].securityGroups).toEqual([
      expect.stringMatching(/^aws_security_group\.microseg_web-a_sg_/),
      expect.stringMatching(/^aws_security_group\.microseg_label_groups_app_shop_/),
      expect.stringMatching(/_env_prod_/),
      expect.stringMatching(/_tier_web_/),
      expect.stringMatching(/_label_groups_all_/),
    ]);
    expect(out.identities.segments.app.securityGroups).toEqual([expect.stringMatching(/_app_sg_/), expect.stringMatching(/_app_shop_/), expect.stringMatching(/_all_/)]);
    const groups = Object.values<any>(out.terraform.resource.aws_security_group);
    const label = groups.filter((g) => g.tags['microseg:label']);
    expect(label.map((g) => g.name).sort()).toEqual(['t-label-app=shop', 't-label-env=prod', 't-label-tier=db', 't-label-tier=web', 't.all-segments']);
    // Label groups hold no rules.
    const rules = [...Object.values<any>(out.terraform.resource.aws_vpc_security_group_ingress_rule), ...Object.values<any>(out.terraform.resource.aws_vpc_security_group_egress_rule)];
    expect(rules.filter((r) => /label_groups/.test(r.security_group_id))).toEqual([]);
    expect(out.stats.identities).toBe(4 + 5);
  });
});

describe('fallback at the per-interface quota', () => {
  test('web-a carries 5 label groups: own + 5 > 5, so it drops the last by priority (zone=a) and is referenced by its own group there', () => {
    const p = planAws(yamlPolicy(body()), { prefixLists: false });
    const webA = p.segments.find((s) => s.name === 'web-a')!;
    expect(webA.labelGroups).toEqual(['app=shop', 'env=prod', 'tier=web', '*']);
    expect(webA.groups).toHaveLength(1);
    // zone=a has no member left, so no group and no reference: web-a's own group carries zone-a-to-db.
    expect(p.labelGroups.find((g) => g.key === 'zone=a')).toBeUndefined();
    expect(ruleLines(p, 'db')).toContain('db ingress sg:web-a tcp 8432-8432 [zone-a-to-db]');
  });

  test('with a quota of 2 every segment keeps only the all-segments group; label values fall back to segment references', () => {
    const p = planAws(yamlPolicy(body()), { prefixLists: false, maxGroupsPerInterface: 2 });
    expect(p.segments.map((s) => [s.name, s.labelGroups])).toEqual([
      ['app', ['*']],
      ['db', ['*']],
      ['web-a', ['*']],
      ['web-b', ['*']],
    ]);
    expect(p.labelGroups.map((g) => g.key)).toEqual(['*']);
    expect(ruleLines(p, 'db').filter((l) => l.includes('ingress') && l.includes('5432-5432'))).toEqual(['db ingress sg:db tcp 5432-5432 [prod-to-db]', 'db ingress sg:web-a tcp 5432-5432 [prod-to-db]', 'db ingress sg:web-b tcp 5432-5432 [prod-to-db]']);
  });

  test('a quota of 1 leaves no room for label groups; with its own rules needing both groups a segment fails with MS4002', () => {
    const p = planAws(yamlPolicy(body()), { prefixLists: false, maxGroupsPerInterface: 1 });
    expect(p.labelGroups).toEqual([]);
    expect(p.segments.every((s) => s.labelGroups.length === 0)).toBe(true);
    let codes: string[] = [];
    try {
      planAws(yamlPolicy(body()), { prefixLists: false, maxGroupsPerInterface: 1, rulesPerGroup: 3 });
    } catch (e) {
      codes = (e as PolicyError).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
    }
    expect(new Set(codes)).toEqual(new Set(['MS4002']));
  });
});

test('stability: adding a segment changes no rule of the others (it joins the groups of its values)', () => {
  const before = planAws(yamlPolicy(body()), { prefixLists: false });
  const after = planAws(yamlPolicy(body('  - {name: web-c, labels: {env: prod, tier: web, app: shop, zone: b}, addresses: [10.5.0.0/24]}\n')), { prefixLists: false });
  const lines = (p: typeof before) => p.segments.filter((s) => s.name !== 'web-c').flatMap((s) => s.rules.map((r) => `${r.segment} ${r.id}`));
  // web-c is a target of all-ssh (tier web): db and the web segments gain one sg:web-c egress/ingress each, nothing else moves.
  const added = lines(after).filter((l) => !lines(before).includes(l));
  const removed = lines(before).filter((l) => !lines(after).includes(l));
  expect(removed).toEqual([]);
  expect(added.length).toBe(3);
  expect(after.labelGroups.find((g) => g.key === 'env=prod')!.segments).toEqual(['db', 'web-a', 'web-b', 'web-c']);
});

test('exact: the verifier finds the output equivalent (and not without the label groups)', () => {
  for (const max of [5, 2]) {
    const ir = yamlPolicy(body().replace('labels:\n', `targets:\n  aws: {maxGroupsPerInterface: ${max}}\nlabels:\n`));
    const out = backend.compile(ir);
    const report = verifyOutput(ir, 'aws', out.terraform, out.identities);
    expect({ max, verdict: report.verdict, mismatches: report.mismatchCount }).toEqual({ max, verdict: 'equivalent', mismatches: 0 });
    const segments = Object.fromEntries(Object.entries<any>(out.identities.segments).map(([s, e]) => [s, { ...e, securityGroups: e.securityGroups.slice(0, 1) }]));
    expect(verifyOutput(ir, 'aws', out.terraform, { ...out.identities, segments }, { maxExamples: 1 }).verdict).not.toBe('equivalent');
  }
});

test('300 segments, {} -> dns: one ingress rule per service on dns, compiles and verifies equivalent in seconds', () => {
  const t0 = performance.now();
  const names = [...Array.from({ length: 300 }, (_, i) => `s${String(i).padStart(3, '0')}`), 'dns'];
  const doc = {
    apiVersion: 'microseg/v1',
    kind: 'SegmentationPolicy',
    metadata: { name: 'wide' },
    labels: { app: names },
    segments: names.map((name) => ({ name, labels: { app: name } })),
    rules: [{ name: 'all-to-dns', from: {}, to: { segment: 'dns' }, services: ['udp/53', 'tcp/53'] }],
  };
  const ir = resolve(SegmentationPolicy.fromObject(doc, 'wide'));
  const out = backend.compile(ir);
  const p = planAws(ir);
  expect(ruleLines(p, 'dns').filter((l) => l.includes('ingress'))).toEqual(['dns ingress lg:* tcp 53-53 [all-to-dns]', 'dns ingress lg:* udp 53-53 [all-to-dns]']);
  expect(p.stats).toEqual({ groups: 302, labelGroups: 1, rules: 2 + 301 * 2, subtractions: 0, prefixLists: 0 });
  const report = verifyOutput(ir, 'aws', out.terraform, out.identities);
  expect({ verdict: report.verdict, mismatches: report.mismatchCount }).toEqual({ verdict: 'equivalent', mismatches: 0 });
  const ms = performance.now() - t0;
  if (process.env.MICROSEG_PERF) console.log(`300 segments {} -> dns: compile+plan+verify ${ms.toFixed(0)} ms`);
  expect(ms).toBeLessThan(15000);
});
