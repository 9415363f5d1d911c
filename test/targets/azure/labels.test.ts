/**
 * Label ASGs and the all-segments ASG: which rule sides use them (by selector
 * shape only), who carries them, the per-NSG and per-NIC counts, stability
 * when segments are added, and flow-level exactness with label selectors and
 * `{}` (random policies included; a 300-segment `{}` rule through the verifier).
 */
import * as fc from 'fast-check';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { PolicyError } from '../../../lib/model/diagnostics';
import { ResolvedPolicy } from '../../../lib/resolve/ir';
import { AzureSegmentation } from '../../../lib/constructs/azure';
import { AzurePlan, planAzure, PlannedRule, RuleEndpoint } from '../../../lib/targets/azure/plan';
import { backend } from '../../../lib/targets/azure';
import { synthStack } from '../../../lib/constructs/synth';
import { verifyOutput } from '../../../lib/verify';
import { TargetOutput } from '../../../lib/targets/target';
import { compareFlows, irFromObject, irFromYaml, formerKey, readableName } from './helpers';

/** Segments `<app>-<tier>-<env>` for every combination; `rules` and `guardrails` as objects. */
function estate(opts: { envs?: string[]; tiers?: string[]; apps?: string[]; rules?: object[]; guardrails?: object[] } = {}): ResolvedPolicy {
  const envs = opts.envs ?? ['prod', 'staging'];
  const tiers = opts.tiers ?? ['web', 'app', 'db'];
  const apps = opts.apps ?? ['shop', 'billing'];
  const segments: object[] = [];
  for (const app of apps) for (const tier of tiers) for (const env of envs) segments.push({ name: `${app}-${tier}-${env}`, labels: { env, tier, app } });
  return irFromObject({
    apiVersion: 'microseg/v1',
    kind: 'SegmentationPolicy',
    metadata: { name: 'lbl' },
    labels: { env: envs, tier: tiers, app: apps },
    segments,
    externals: [{ name: 'vpn', cidrs: ['192.168.100.0/22'] }],
    ...(opts.guardrails ? { guardrails: opts.guardrails } : {}),
    ...(opts.rules ? { rules: opts.rules } : {}),
  });
}

function compile(ir: ResolvedPolicy): TargetOutput & { plan: AzurePlan } {
  let seg!: AzureSegmentation;
  const terraform = synthStack('t', (stack) => {
    new AzurermProvider(stack, 'azurerm', { features: [{}] });
    seg = new AzureSegmentation(stack, 'az', { policy: ir, resourceGroupName: 'rg', location: 'westeurope' });
  });
  return { target: 'azure', terraform, identities: seg.identities, notes: [], stats: { resources: 0, rules: 0, identities: 0 }, plan: seg.plan };
}

const rulesOf = (p: AzurePlan, origin: string): PlannedRule[] => p.nsgs.flatMap((n) => n.rules).filter((r) => r.origin?.name === origin);
/** The peer endpoint of a planned rule (inbound: its source, outbound: its destination). */
const peer = (r: PlannedRule): RuleEndpoint => (r.direction === 'Inbound' ? r.source : r.destination);
/** The forms a rule's peer ASG endpoints take, e.g. `labels:env=prod`, `segments:3` or `all`. */
function forms(p: AzurePlan, origin: string): string[] {
  const out = new Set<string>();
  for (const r of rulesOf(p, origin)) {
    const e = peer(r);
    if (e.kind === 'labelAsgs') out.add(`labels:${e.labels.join(',')}`);
    else if (e.kind === 'asgs') out.add(`segments:${e.segments.length}`);
    else if (e.kind === 'allAsg') out.add('all');
  }
  return [...out].sort();
}

describe('which sides use label ASGs', () => {
  const rule = (name: string, from: unknown, to: unknown, extra: object = {}) => ({ name, from, to, services: ['tcp/443'], ...extra });
  const plan = planAzure(
    estate({
      guardrails: [{ name: 'g-staging-prod', action: 'deny', from: { env: 'staging' }, to: { env: 'prod' }, services: ['any'] }],
      rules: [
        rule('one-value', { tier: 'web' }, { segment: 'shop-app-prod' }),
        rule('value-list', { segment: 'shop-web-prod' }, { tier: ['db', 'app'] }),
        rule('same-label-terms', [{ tier: 'web' }, { tier: 'app' }], { segment: 'shop-db-prod' }),
        rule('with-addresses', [{ tier: 'web' }, { external: 'vpn' }, { cidrs: ['203.0.113.0/24'] }], { segment: 'shop-db-staging' }),
        rule('two-keys', { tier: 'web', env: 'prod' }, { segment: 'billing-db-prod' }),
        rule('two-labels-or', [{ tier: 'web' }, { env: 'prod' }], { segment: 'billing-db-staging' }),
        rule('with-segment', [{ tier: 'web' }, { segment: 'billing-app-prod' }], { segment: 'billing-app-staging' }),
        rule('everything', {}, { segment: 'shop-web-staging' }),
        rule('same-labels', { tier: 'web' }, { tier: 'app' }, { sameLabels: ['env'] }),
        rule('one-carrier', { app: 'shop', tier: 'db', env: 'prod' }, { app: 'billing' }),
        rule('all-in-list', [{ tier: 'web' }, {}, { segment: 'shop-app-prod' }], { segment: 'billing-web-staging' }),
        rule('all-with-addresses', [{}, { external: 'vpn' }], { segment: 'billing-app-staging' }),
        rule('all-same-labels', {}, { tier: 'db' }, { sameLabels: ['env'] }),
      ],
    }),
  );

  test('a side written as values of one label, without sameLabels: label ASGs; anything else: segment ASGs', () => {
    expect(forms(plan, 'g-staging-prod')).toEqual(['labels:env=prod', 'labels:env=staging']);
    expect(forms(plan, 'one-value')).toEqual(['labels:tier=web', 'segments:1']);
    expect(forms(plan, 'value-list')).toEqual(['labels:tier=app,tier=db', 'segments:1']);
    expect(forms(plan, 'same-label-terms')).toEqual(['labels:tier=app,tier=web', 'segments:1']);
    expect(forms(plan, 'with-addresses')).toEqual(['labels:tier=web', 'segments:1']);
    // Azure has no AND, and we do not mix labels: segment ASGs.
    expect(forms(plan, 'two-keys')).toEqual(['segments:1', 'segments:2']);
    expect(forms(plan, 'two-labels-or')).toEqual(['segments:1', 'segments:8']);
    expect(forms(plan, 'with-segment')).toEqual(['segments:1', 'segments:5']);
    // `{}`, alone or in a list: the one all-segments ASG (12 segments would be two rules of segment ASGs).
    expect(forms(plan, 'everything')).toEqual(['all', 'segments:1']);
    expect(forms(plan, 'all-in-list')).toEqual(['all', 'segments:1']);
    expect(forms(plan, 'all-with-addresses')).toEqual(['all', 'segments:1']);
    expect(rulesOf(plan, 'all-with-addresses').filter((r) => r.direction === 'Inbound').map((r) => r.source.kind).sort()).toEqual(['allAsg', 'prefixes']);
    expect(forms(plan, 'all-same-labels')).toEqual(['segments:2', 'segments:6']);
    // sameLabels pairs each web with only its env's apps.
    expect(forms(plan, 'same-labels')).toEqual(['segments:2']);
    // The shape decides, not the count: {app: billing} matches 6 segments, its other side one.
    expect(forms(plan, 'one-carrier')).toEqual(['labels:app=billing', 'segments:1']);
  });

  test('address terms beside a label term still become prefix rules', () => {
    const peers = rulesOf(plan, 'with-addresses').filter((r) => r.direction === 'Inbound').map((r) => r.source.kind);
    expect(peers.sort()).toEqual(['labelAsgs', 'prefixes']);
  });

  test('label ASGs: named by label and value, carried by every segment with that value, own ASG first', () => {
    expect(plan.labelAsgs.map((l) => [l.key, l.name, l.segments.length])).toEqual([
      ['app=billing', 'lbl-app.billing-asg', 6],
      ['env=prod', 'lbl-env.prod-asg', 6],
      ['env=staging', 'lbl-env.staging-asg', 6],
      ['tier=app', 'lbl-tier.app-asg', 4],
      ['tier=db', 'lbl-tier.db-asg', 4],
      ['tier=web', 'lbl-tier.web-asg', 4],
    ]);
    expect(plan.segmentLabelAsgs.get('billing-web-prod')).toEqual(['app=billing', 'env=prod', 'tier=web']);
    expect(plan.segmentLabelAsgs.get('shop-db-staging')).toEqual(['env=staging', 'tier=db']);
  });

  test('the all-segments ASG: one, carried by every workload, listed last', () => {
    expect(plan.allAsg).toEqual({ name: 'lbl.all-asg' });
    // Unused: absent, and no workload carries it.
    expect(planAzure(estate({ rules: [rule('r', { tier: 'web' }, { tier: 'db' })] })).allAsg).toBeUndefined();
    const out = compile(
      estate({
        rules: [rule('everything', {}, { segment: 'shop-web-staging' })],
        guardrails: [{ name: 'g', action: 'deny', from: { env: 'staging' }, to: { env: 'prod' }, services: ['any'] }],
      }),
    );
    const asgs = out.terraform.resource.azurerm_application_security_group;
    // Construct id `_all-asg`, name `<policy>.all-asg`: neither can meet a segment's (a segment may be named `all`).
    const allIds = Object.keys(asgs).filter((id) => /^az__all-asg_[0-9A-F]{8}$/.test(id));
    expect(allIds).toHaveLength(1);
    expect(asgs[allIds[0]]).toMatchObject({ name: 'lbl.all-asg', tags: { 'microseg-policy': 'lbl', 'microseg-segments': 'all' } });
    const allAddress = `azurerm_application_security_group.${allIds[0]}`;
    for (const [s, e] of Object.entries<any>(out.identities.segments)) {
      expect(e.applicationSecurityGroups).toHaveLength(3);
      expect(e.applicationSecurityGroups[0]).toMatch(new RegExp(`_${s}-asg_`));
      expect(e.applicationSecurityGroups[2]).toBe(allAddress);
    }
  });

  test('a segment named `all` beside the all-segments ASG; NIC wiring keys end in `all`', () => {
    const ir = irFromObject({
      apiVersion: 'microseg/v1',
      kind: 'SegmentationPolicy',
      metadata: { name: 'p' },
      labels: { tier: ['x', 'y'] },
      segments: [
        { name: 'all', labels: { tier: 'x' } },
        { name: 'b', labels: { tier: 'y' } },
      ],
      rules: [{ name: 'r', from: {}, to: { segment: 'b' }, services: ['tcp/443'] }],
    });
    let seg!: AzureSegmentation;
    const tf = synthStack('t', (stack) => {
      new AzurermProvider(stack, 'azurerm', { features: [{}] });
      seg = new AzureSegmentation(stack, 'az', { policy: ir, resourceGroupName: 'rg', location: 'westeurope' });
    });
    expect(Object.values<any>(tf.resource.azurerm_application_security_group).map((a) => a.name).sort()).toEqual(['p-all-asg', 'p-b-asg', 'p.all-asg']);
    expect(seg.applicationSecurityGroupsOf('all').map((a) => a.key)).toEqual(['segment', 'all']);
    expect(seg.applicationSecurityGroupIds('b')).toHaveLength(2);
  });
});

describe('counts', () => {
  test('a global deny between two label values is two ASG references per NSG, not one per segment', () => {
    const apps = Array.from({ length: 12 }, (_, i) => `a${String(i).padStart(2, '0')}`);
    const ir = estate({
      apps,
      tiers: ['web', 'app', 'db', 'cache', 'queue'],
      guardrails: [{ name: 'staging-never-reaches-prod', action: 'deny', from: { env: 'staging' }, to: { env: 'prod' }, services: ['any'] }],
    });
    // 120 segments: segment ASGs would be 61 per NSG (own + 60 peers); one shared NSG would reference 120.
    const plan = planAzure(ir, { layout: 'perSegment' });
    expect(Math.max(...plan.nsgs.map((n) => n.asgCount))).toBe(2);
    const shared = planAzure(ir);
    expect(shared.layout).toBe('perSegment'); // 120 own ASGs + 2 label ASGs > 100
    expect(rulesOf(plan, 'staging-never-reaches-prod')).toHaveLength(120);
    expect(plan.labelAsgs.map((l) => l.key)).toEqual(['env=prod', 'env=staging']);
  });

  test('more than 10 values of one label split into rules of 10 label ASGs, named by their first member', () => {
    const tiers = Array.from({ length: 23 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    const ir = estate({ tiers, envs: ['prod'], apps: ['x'], rules: [{ name: 'to-hub', from: { tier: tiers }, to: { segment: 'x-t00-prod' }, services: ['tcp/443'] }] });
    const hubIn = rulesOf(planAzure(ir), 'to-hub').filter((r) => r.direction === 'Inbound');
    expect(hubIn.map((r) => [readableName(r), (r.source as { labels: readonly string[] }).labels.length]).sort()).toEqual([
      ['to-hub.in.x-t00-prod.tcp.asg', 10],
      ['to-hub.in.x-t00-prod.tcp.asg-tier-t10', 10],
      ['to-hub.in.x-t00-prod.tcp.asg-tier-t20', 3],
    ]);
    const out = compile(ir);
    expect(compareFlows(ir, out, { maxWorkloadAtoms: 1, outside: false }).mismatches).toEqual([]);
  });

  test('values no segment carries get no ASG', () => {
    // `db` is a declared value no segment has.
    const ir2 = irFromObject({
      apiVersion: 'microseg/v1',
      kind: 'SegmentationPolicy',
      metadata: { name: 'lbl' },
      labels: { tier: ['web', 'app', 'db'] },
      segments: [
        { name: 'w', labels: { tier: 'web' } },
        { name: 'a', labels: { tier: 'app' } },
      ],
      rules: [{ name: 'r', from: { tier: ['web', 'db'] }, to: { segment: 'a' }, services: ['tcp/443'] }],
    });
    const plan = planAzure(ir2);
    expect(plan.labelAsgs.map((l) => l.key)).toEqual(['tier=web']);
    expect(plan.segmentLabelAsgs.get('w')).toEqual(['tier=web']);
    expect(plan.segmentLabelAsgs.get('a')).toEqual([]);
  });

  test('`{}` → one segment at 300 segments: one ASG reference instead of 300, compiled and verified equivalent', () => {
    const n = 300;
    const names = Array.from({ length: n }, (_, i) => `s${String(i).padStart(3, '0')}`);
    const doc = {
      apiVersion: 'microseg/v1',
      kind: 'SegmentationPolicy',
      metadata: { name: 'wide' },
      labels: { n: names.map((x) => `v${x}`) },
      segments: names.map((name) => ({ name, labels: { n: `v${name}` } })),
      rules: [{ name: 'everyone-to-dns', from: {}, to: { segment: 's000' }, services: ['udp/53', 'tcp/53'] }],
    };
    const ir = irFromObject(doc, 'wide.yaml');
    const plan = planAzure(ir);
    // Per segment: own ASG and dns's (egress); dns's NSG: own and all. Shared: 300 own + all > 100, so per segment.
    expect(plan.layout).toBe('perSegment');
    expect(plan.nsgs.find((x) => x.key === 's000')!.asgCount).toBe(2);
    expect(Math.max(...plan.nsgs.map((x) => x.asgCount))).toBe(2);
    expect(plan.allAsg?.name).toBe('wide.all-asg');
    const dnsIn = rulesOf(plan, 'everyone-to-dns').filter((r) => r.direction === 'Inbound');
    expect(dnsIn.map((r) => [readableName(r), r.source]).sort()).toEqual([
      ['everyone-to-dns.in.s000.tcp.asg', { kind: 'allAsg' }],
      ['everyone-to-dns.in.s000.udp.asg', { kind: 'allAsg' }],
    ]);
    const out = backend.compile(ir);
    expect(out.stats.identities).toBe(301);
    const report = verifyOutput(ir, 'azure', out.terraform, out.identities);
    expect({ verdict: report.verdict, mismatches: report.mismatchCount, errors: report.issues.filter((i) => i.severity === 'error') }).toEqual({ verdict: 'equivalent', mismatches: 0, errors: [] });
    expect(report.checked.segments).toBe(n);
  });

  test('more than 20 ASGs on one NIC: located MS5007', () => {
    const dims = Array.from({ length: 20 }, (_, i) => `d${String(i).padStart(2, '0')}`);
    const ir = irFromYaml(
      [
        'apiVersion: microseg/v1',
        'kind: SegmentationPolicy',
        'metadata: {name: wide}',
        `labels: {${dims.map((d) => `${d}: [x, y]`).join(', ')}}`,
        'segments:',
        `  - {name: a, labels: {${dims.map((d) => `${d}: x`).join(', ')}}}`,
        `  - {name: b, labels: {${dims.map((d) => `${d}: y`).join(', ')}}}`,
        'rules:',
        ...dims.map((d) => `  - {name: r-${d}, from: {${d}: x}, to: {segment: b}, services: [tcp/443]}`),
      ].join('\n'),
      'wide.yaml',
    );
    let err: PolicyError | undefined;
    try {
      planAzure(ir);
    } catch (e) {
      err = e as PolicyError;
    }
    expect(err).toBeInstanceOf(PolicyError);
    expect(err!.diagnostics).toHaveLength(1);
    expect(err!.diagnostics[0]).toMatchObject({ code: 'MS5007', severity: 'error', location: { file: 'wide.yaml', line: 9 } });
    expect(err!.diagnostics[0].message).toMatch(/^azure: workloads of segment 'a' would carry 21 application security groups \(its own and label ASGs d00=x, .*d19=x\), over Azure's quota of 20 per NIC; .* rule 'r-d00'$/);
    // 19 label dimensions fit: 20 ASGs.
    expect(planAzure(ir, { limits: { asgsPerNic: 21 } }).segmentLabelAsgs.get('a')).toHaveLength(20);
    // The all-segments ASG counts too: 19 label ASGs plus it and the own ASG are 21.
    const withAll = irFromYaml(
      [
        'apiVersion: microseg/v1',
        'kind: SegmentationPolicy',
        'metadata: {name: wide}',
        `labels: {${dims.map((d) => `${d}: [x, y]`).join(', ')}}`,
        'segments:',
        `  - {name: a, labels: {${dims.map((d) => `${d}: x`).join(', ')}}}`,
        `  - {name: b, labels: {${dims.map((d) => `${d}: y`).join(', ')}}}`,
        'rules:',
        `  - {name: all-to-b, from: {}, to: {segment: b}, services: [tcp/80]}`,
        ...dims.slice(0, 19).map((d) => `  - {name: r-${d}, from: {${d}: x}, to: {segment: b}, services: [tcp/443]}`),
      ].join('\n'),
      'wide.yaml',
    );
    let err2: PolicyError | undefined;
    try {
      planAzure(withAll);
    } catch (e) {
      err2 = e as PolicyError;
    }
    expect(err2!.diagnostics.map((d) => [d.code, d.location?.line])).toEqual([['MS5007', 9]]);
    expect(err2!.diagnostics[0].message).toMatch(/^azure: workloads of segment 'a' would carry 21 application security groups \(its own and label ASGs d00=x, .*d18=x, the all-segments ASG\), .* sides written as \{\}, e.g. rule 'all-to-b'$/);
  });
});

describe('stability', () => {
  const rules = [{ name: 'web-to-db', from: { tier: 'web' }, to: { tier: 'db' }, services: ['tcp/5432'] }];
  test('adding a segment never flips a rule between forms; existing rules keep name, priority and peers', () => {
    const before = planAzure(estate({ rules }), { layout: 'perSegment' });
    // An unrelated segment, and one that carries tier=web.
    for (const tiers of [['web', 'app', 'db', 'cache'], ['web', 'app', 'db']]) {
      const apps = tiers.length === 4 ? ['shop', 'billing'] : ['shop', 'billing', 'crm'];
      const after = planAzure(estate({ rules, tiers, apps }), { layout: 'perSegment' });
      const a = new Map(before.nsgs.flatMap((n) => n.rules).map((r) => [r.key, r]));
      for (const r of after.nsgs.flatMap((n) => n.rules)) {
        const old = a.get(r.key);
        if (!old) continue;
        expect({ key: r.key, name: r.name, priority: r.priority, source: r.source, destination: r.destination }).toEqual({ key: old.key, name: old.name, priority: old.priority, source: old.source, destination: old.destination });
      }
      expect(after.labelAsgs.map((l) => l.key)).toEqual(['tier=db', 'tier=web']);
    }
  });

  test('`{}`: adding a segment changes no existing rule, ASG or workload ASG list; the new segment carries the all-segments ASG', () => {
    const rs = [{ name: 'all-to-db', from: {}, to: { segment: 'shop-db-prod' }, services: ['tcp/5432'] }, { name: 'db-to-all', from: { segment: 'shop-db-prod' }, to: {}, services: ['udp/514'] }];
    const before = compile(estate({ rules: rs }));
    const after = compile(estate({ rules: rs, apps: ['shop', 'billing', 'crm'] }));
    const rulesBefore = before.terraform.resource.azurerm_network_security_rule;
    const rulesAfter = after.terraform.resource.azurerm_network_security_rule;
    for (const [id, r] of Object.entries<any>(rulesBefore)) expect(rulesAfter[id]).toEqual(r);
    // Only the new segments' own rules (egress to db, ingress from db) are new.
    const added = Object.keys(rulesAfter).filter((id) => !(id in rulesBefore));
    expect(added.every((id) => id.includes('-crm-') || id.includes('_crm-'))).toBe(true);
    expect(added).toHaveLength(12);
    const asgsBefore = before.terraform.resource.azurerm_application_security_group;
    const asgsAfter = after.terraform.resource.azurerm_application_security_group;
    for (const [id, a] of Object.entries<any>(asgsBefore)) expect(asgsAfter[id]).toEqual(a);
    for (const [s, e] of Object.entries<any>(before.identities.segments)) expect(after.identities.segments[s]).toEqual(e);
    expect(after.identities.segments['crm-web-prod'].applicationSecurityGroups!).toEqual([expect.stringContaining('_crm-web-prod-asg_'), before.identities.segments['shop-web-prod'].applicationSecurityGroups![1]]);
  });
});

// ---------------------------------------------------------------------------
// exactness

describe('exactness with label selectors', () => {
  const doc = (rules: object[], guardrails: object[]) => ({
    apiVersion: 'microseg/v1',
    kind: 'SegmentationPolicy',
    metadata: { name: 'p' },
    labels: { env: ['prod', 'staging'], tier: ['web', 'app', 'db'] },
    segments: [
      { name: 'web-prod', labels: { env: 'prod', tier: 'web' }, addresses: ['10.1.0.0/24', 'fd00:1::/64'] },
      { name: 'app-prod', labels: { env: 'prod', tier: 'app' }, addresses: ['10.1.1.0/24'] },
      { name: 'db-prod', labels: { env: 'prod', tier: 'db' } },
      { name: 'web-staging', labels: { env: 'staging', tier: 'web' }, addresses: ['10.2.0.0/24'] },
      { name: 'app-staging', labels: { env: 'staging', tier: 'app' }, addresses: ['10.2.1.0/24', 'fd00:2::/64'] },
    ],
    externals: [{ name: 'vpn', cidrs: ['192.168.100.0/22', '10.1.0.0/25'] }],
    ...(guardrails.length ? { guardrails } : {}),
    ...(rules.length ? { rules } : {}),
  });

  test('a deny by label wired with the own ASG only would leak: the label ASGs are what makes it exact; without the all-segments ASG `{}` is lost', () => {
    const ir = irFromObject(
      doc(
        [{ name: 'all', from: {}, to: {}, services: ['any'] }],
        [{ name: 'staging-never-reaches-prod', action: 'deny', from: { env: 'staging' }, to: { env: 'prod' }, services: ['tcp'] }],
      ),
    );
    const out = compile(ir);
    expect(compareFlows(ir, out, { maxWorkloadAtoms: 3 }).mismatches).toEqual([]);
    const keep = (pick: (asg: string) => boolean) => ({
      ...out.identities,
      segments: Object.fromEntries(Object.entries(out.identities.segments).map(([s, e]) => [s, { ...e, applicationSecurityGroups: (e.applicationSecurityGroups as string[]).filter(pick) }])),
    });
    const isAll = (a: string) => a.includes('.az__all-asg_');
    const isOwn = (a: string) => !isAll(a) && !/_(env|tier)_/.test(a);
    expect(Object.values(out.identities.segments).every((e) => (e.applicationSecurityGroups as string[]).filter(isAll).length === 1)).toBe(true);
    const leaks = compareFlows(ir, { ...out, identities: keep((a) => isOwn(a) || isAll(a)) }, { maxWorkloadAtoms: 3 }).mismatches;
    expect(leaks.length).toBeGreaterThan(0);
    expect(leaks.every((m) => m.azure && !m.meaning)).toBe(true);
    // The rule `all` is written `{}` → `{}`: without the all-segments ASG no workload is its peer, so its flows are denied.
    const lost = compareFlows(ir, { ...out, identities: keep((a) => !isAll(a)) }, { maxWorkloadAtoms: 3 }).mismatches;
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.every((m) => !m.azure && m.meaning)).toBe(true);
  });

  const ENV = [{ env: 'prod' }, { env: 'staging' }, { env: ['prod', 'staging'] }];
  const TIER = [{ tier: 'web' }, { tier: ['app', 'db'] }, { tier: 'db' }];
  const OTHER = [{}, { env: 'prod', tier: 'web' }, { segment: 'app-staging' }, { external: 'vpn' }, { cidrs: ['10.1.1.0/25'] }];
  // A segment term first (so that most generated policies are valid), then maybe any term.
  const selector = fc.tuple(fc.constantFrom(...ENV, ...TIER, ...OTHER.slice(0, 3)), fc.option(fc.constantFrom(...ENV, ...TIER, ...OTHER), { nil: undefined })).map(([a, b]) => (b === undefined ? [a] : [a, b]));
  const SERVICES = ['any', 'tcp', 'tcp/443', 'udp/53', 'icmp'];
  const arb = fc.array(
    fc.record({ deny: fc.boolean(), from: selector, to: selector, services: fc.subarray(SERVICES, { minLength: 1, maxLength: 2 }), same: fc.constantFrom([], ['env'], ['tier']) }),
    { minLength: 1, maxLength: 5 },
  );

  test('random policies over label selectors: exact at the flow level', () => {
    let checked = 0;
    let labelled = 0;
    let everything = 0;
    fc.assert(
      fc.property(arb, (rs) => {
        const rules: object[] = [];
        const guardrails: object[] = [];
        rs.forEach((r, i) => {
          // sameLabels only where both sides are segments (the schema refuses it next to addresses).
          const addresses = [...r.from, ...r.to].some((t) => 'external' in t || 'cidrs' in t);
          const body = { from: r.from, to: r.to, services: r.services, ...(r.same.length && !addresses ? { sameLabels: r.same } : {}) };
          if (r.deny) guardrails.push({ name: `g${i}`, action: 'deny', ...body });
          else rules.push({ name: `r${i}`, ...body });
        });
        let ir;
        try {
          ir = irFromObject(doc(rules, guardrails));
        } catch {
          return true; // e.g. a rule with addresses on both sides; not ours to test
        }
        checked++;
        const out = compile(ir);
        if (out.plan.labelAsgs.length > 0) labelled++;
        if (out.plan.allAsg) everything++;
        expect(compareFlows(ir, out, { maxWorkloadAtoms: 2 }).mismatches).toEqual([]);
        return true;
      }),
      { numRuns: 40, seed: 11 },
    );
    expect(checked).toBeGreaterThan(30);
    expect(labelled).toBeGreaterThan(20);
    expect(everything).toBeGreaterThan(5);
  });
});
