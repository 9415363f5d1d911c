/**
 * The pure Azure plan: priorities (bands, uniqueness, stability), names,
 * splitting at Azure's per-rule limits, NSG layout, and every quota error,
 * located at the rule or guardrail that causes it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { PolicyError } from '../../../lib/model/diagnostics';
import { ServiceSet } from '../../../lib/net/service';
import { ResolvedPolicy } from '../../../lib/resolve/ir';
import { AzureSegmentation, AzureSegmentationProps } from '../../../lib/constructs/azure';
import { assignPriorities, AzurePlan, planAzure, PlannedRule, protocolParts } from '../../../lib/targets/azure/plan';
import { fitName } from '../../../lib/targets/kit/names';
import { synthStack } from '../../../lib/constructs/synth';
import { TargetOutput } from '../../../lib/targets/target';
import { compareFlows, irFromYaml, formerKey, readableName } from './helpers';

const specText = fs.readFileSync(path.join(__dirname, '../../fixtures/good/spec-example.yaml'), 'utf8');
const spec = irFromYaml(specText, 'spec-example.yaml');

function errorOf(f: () => unknown): PolicyError {
  try {
    f();
  } catch (e) {
    if (e instanceof PolicyError) return e;
    throw e;
  }
  throw new Error('expected a PolicyError');
}

/** Synthesize with construct props (limits, layout) and hand back what compareFlows needs. */
function compileWith(ir: ResolvedPolicy, props: Partial<AzureSegmentationProps> = {}): TargetOutput & { plan: AzurePlan } {
  let seg!: AzureSegmentation;
  const terraform = synthStack('t', (stack) => {
    new AzurermProvider(stack, 'azurerm', { features: [{}] });
    seg = new AzureSegmentation(stack, 'az', { policy: ir, resourceGroupName: 'rg', location: 'westeurope', ...props });
  });
  return { target: 'azure', terraform, identities: seg.identities, notes: [], stats: { resources: 0, rules: 0, identities: 0 }, plan: seg.plan };
}

/** N segments `s000…`, labels `n: v000…`, and the given rules (YAML text). */
function manySegments(n: number, rules: string, extra = ''): string {
  const names = Array.from({ length: n }, (_, i) => `s${String(i).padStart(3, '0')}`);
  return [
    'apiVersion: microseg/v1',
    'kind: SegmentationPolicy',
    'metadata: {name: big}',
    `labels: {n: [${names.map((x) => 'v' + x).join(', ')}]}`,
    'segments:',
    ...names.map((x) => `  - {name: ${x}, labels: {n: v${x}}}`),
    extra,
    'rules:',
    rules,
  ].join('\n');
}

const allRules = (p: AzurePlan): PlannedRule[] => p.nsgs.flatMap((n) => n.rules);

describe('priorities', () => {
  test('unique, inside the band, deterministic', () => {
    const keys = Array.from({ length: 900 }, (_, i) => `k${i}`);
    const a = assignPriorities(keys, [100, 1099])!;
    const b = assignPriorities([...keys].reverse(), [100, 1099])!;
    expect(new Set(a.values()).size).toBe(900);
    for (const p of a.values()) expect(p >= 100 && p <= 1099).toBe(true);
    expect([...b.entries()].sort()).toEqual([...a.entries()].sort());
  });

  test('a full band is refused, an exactly full one is not', () => {
    expect(assignPriorities(['a', 'b', 'c'], [100, 101])).toBeUndefined();
    expect(assignPriorities(['a', 'b'], [100, 101])).toBeDefined();
  });

  test('inserting one key moves O(1) others (measured over 300 insertions into 400 keys in the allow band)', () => {
    const keys = Array.from({ length: 400 }, (_, i) => `seg-${i % 37}|in|rule-${i}|tcp|asg`);
    const base = assignPriorities(keys, [1100, 4095])!;
    let total = 0;
    let worst = 0;
    for (let i = 0; i < 300; i++) {
      const next = assignPriorities([...keys, `new-${i}|in|x|tcp|asg`], [1100, 4095])!;
      const moved = keys.filter((k) => next.get(k) !== base.get(k)).length;
      total += moved;
      worst = Math.max(worst, moved);
    }
    // Load 400/2996: a new key lands on or before an occupied chain rarely, and moves at most a short chain.
    expect(total / 300).toBeLessThan(0.5);
    expect(worst).toBeLessThanOrEqual(4);
  });

  test('spec example: denies 100–1099, allows 1100–4095, deny-alls at 4096, unique per direction', () => {
    const p = planAzure(spec);
    for (const r of allRules(p)) {
      if (r.origin === undefined) expect(r.priority).toBe(4096);
      else if (r.access === 'Deny') expect(r.priority >= 100 && r.priority <= 1099).toBe(true);
      else expect(r.priority >= 1100 && r.priority <= 4095).toBe(true);
    }
    for (const d of ['Inbound', 'Outbound']) {
      const ps = allRules(p).filter((r) => r.direction === d).map((r) => r.priority);
      expect(new Set(ps).size).toBe(ps.length);
    }
    expect(allRules(p).filter((r) => r.access === 'Deny' && r.origin).map(readableName).sort()).toEqual([
      'staging-never-reaches-prod.in.shop-app-prod.any.asg',
      'staging-never-reaches-prod.in.shop-db-prod.any.asg',
      'staging-never-reaches-prod.in.shop-web-prod.any.asg',
      'staging-never-reaches-prod.out.shop-app-staging.any.asg',
    ]);
  });
});

describe('services and fields', () => {
  test('one protocol per rule: any is *, otherwise Tcp/Udp/Icmp with port ranges', () => {
    expect(protocolParts(ServiceSet.ANY)).toEqual([{ protocol: '*', ports: '*' }]);
    const s = ServiceSet.tcp(443).union(ServiceSet.tcp(8000, 8099)).union(ServiceSet.udp(0, 65535)).union(ServiceSet.of({ icmp: true }));
    expect(protocolParts(s)).toEqual([
      { protocol: 'Tcp', ports: ['443', '8000-8099'] },
      { protocol: 'Udp', ports: '*' },
      { protocol: 'Icmp', ports: '*' },
    ]);
    expect(protocolParts(ServiceSet.of({ other: true, icmp: true }))).toBeUndefined();
  });

  test('other protocols without everything: located error MS5001 naming the rule', () => {
    // The resolver never produces such a set; forge one to prove the compiler refuses rather than widen.
    const side = spec.sides.get('shop-db-prod')!;
    const odd = ServiceSet.of({ other: true, tcp: ServiceSet.tcp(5432).tcp });
    const forged: ResolvedPolicy = {
      ...spec,
      segment: spec.segment,
      rule: spec.rule,
      sides: new Map([...spec.sides].map(([k, v]) => [k, k === 'shop-db-prod' ? { ...v, ingress: { ...side.ingress, allow: side.ingress.allow.map((e) => ({ ...e, services: odd })) } } : v])),
    };
    const e = errorOf(() => planAzure(forged));
    expect(e.diagnostics[0]).toMatchObject({ code: 'MS5001', severity: 'error', location: { file: 'spec-example.yaml', line: 50 } });
    expect(e.diagnostics[0].message).toMatch(/rule 'app-to-db'/);
  });

  test('names fit 80 characters with a digest of the whole; long descriptions are cut at 140', () => {
    const long = 'a'.repeat(63);
    expect(fitName(`${long}.in.${'b'.repeat(40)}.tcp.asg`, 80)).toMatch(/^a{63}\.in\.b{6}-[0-9a-f]{6}$/);
    expect(fitName(`${long}.in.${'b'.repeat(40)}.tcp.asg`, 80)).toHaveLength(80);
    expect(fitName('short', 80)).toBe('short');
    const text = manySegments(2, `  - name: ${long}\n    from: {segment: s000}\n    to: {segment: s001}\n    services: [tcp/1-2, tcp/4-5, tcp/7-8, tcp/10-11, tcp/13-14, tcp/16-17, tcp/19-20, tcp/22-23, tcp/25-26, tcp/28-29, tcp/31-32]`);
    const p = planAzure(irFromYaml(text));
    const names = allRules(p).map(readableName);
    expect(names.every((n) => n.length <= 80)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    expect(allRules(p).every((r) => r.description.length <= 140)).toBe(true);
  });

  test('prefixes split per address family (Azure refuses mixed families) and at the per-side quota', () => {
    const p = planAzure(spec, { limits: { prefixesPerRuleSide: 10 } });
    const dns = allRules(p).filter((r) => formerKey(r).startsWith('shop-app-prod|out|app-dns|udp|'));
    // 38 IPv4 prefixes of "internet" in chunks of 10, and the 7 IPv6 prefixes.
    expect(dns.map((r) => (r.destination.kind === 'prefixes' ? `${r.destination.family}:${r.destination.cidrs.length}` : '?')).sort()).toEqual(['4:10', '4:10', '4:10', '4:8', '6:7']);
    expect(dns.map(readableName).sort()).toEqual([
      'app-dns.out.shop-app-prod.udp.ip4',
      // Extra chunks are named by their first prefix, not their position.
      'app-dns.out.shop-app-prod.udp.ip4-101-0-0-0-8',
      'app-dns.out.shop-app-prod.udp.ip4-172-128-0-0-9',
      'app-dns.out.shop-app-prod.udp.ip4-192-176-0-0-12',
      'app-dns.out.shop-app-prod.udp.ip6',
    ]);
  });
});

describe('ASG quotas', () => {
  test('more than 10 peer ASGs split into rules of 10 and stay exact', () => {
    // A segment list, not `{}` (which would be the one all-segments ASG, see labels.test.ts).
    const every = Array.from({ length: 25 }, (_, i) => `s${String(i).padStart(3, '0')}`).join(', ');
    const ir = irFromYaml(manySegments(25, `  - {name: to-hub, from: {segments: [${every}]}, to: {segment: s000}, services: [tcp/443]}`));
    const out = compileWith(ir);
    const hubIn = allRules(out.plan).filter((r) => formerKey(r).startsWith('s000|in|to-hub|'));
    expect(hubIn.map((r) => (r.source.kind === 'asgs' ? r.source.segments.length : 0)).sort((a, b) => a - b)).toEqual([5, 10, 10]);
    const { mismatches, flows } = compareFlows(ir, out, { maxWorkloadAtoms: 1, outside: false });
    expect(mismatches).toEqual([]);
    expect(flows).toBe(25 * 25 * 10);
  });

  test('over 100 ASGs: one NSG per segment, listed in identities, exact', () => {
    // A ring of 120 segments: each talks to the next. One NSG would reference 120 ASGs.
    const names = Array.from({ length: 120 }, (_, i) => `s${String(i).padStart(3, '0')}`);
    const rules = names.map((s, i) => `  - {name: r${s}, from: {segment: ${s}}, to: {segment: ${names[(i + 1) % 120]}}, services: [tcp/443]}`).join('\n');
    const ir = irFromYaml(manySegments(120, rules));
    const out = compileWith(ir);
    expect(out.plan.layout).toBe('perSegment');
    expect(out.plan.notes.map((n) => n.code)).toEqual(['MS5102']);
    expect(out.plan.nsgs).toHaveLength(120);
    expect(Math.max(...out.plan.nsgs.map((n) => n.asgCount))).toBe(3);
    expect(Object.keys(out.terraform.resource.azurerm_network_security_group)).toHaveLength(120);
    expect(out.identities.segments.s007.networkSecurityGroups).toEqual([expect.stringMatching(/^azurerm_network_security_group\.az_s007-nsg_[0-9A-F]{8}$/)]);
    const { mismatches } = compareFlows(ir, out, { maxWorkloadAtoms: 1, outside: false });
    expect(mismatches).toEqual([]);
  });

  test('one segment talking to over 99 others cannot fit an NSG: located MS5003', () => {
    const every = Array.from({ length: 102 }, (_, i) => `s${String(i).padStart(3, '0')}`).join(', ');
    const ir = irFromYaml(manySegments(102, `  - {name: all-to-hub, from: {segments: [${every}]}, to: {segment: s000}, services: [tcp/443]}`), 'big.yaml');
    const e = errorOf(() => planAzure(ir));
    // The failure carries the compile's notes too (here: MS5102, why each segment got its own NSG), as on every cloud.
    expect(e.diagnostics.map((d) => d.code)).toEqual(['MS5003', 'MS5102']);
    expect(e.diagnostics[0]).toMatchObject({ code: 'MS5003', severity: 'error', location: { file: 'big.yaml', line: 110 } });
    expect(e.diagnostics[0].message).toMatch(/NSG 'big-s000-nsg' of segment 's000' references 102 application security groups, over Azure's quota of 100 per NSG; largest contributors: rule 'all-to-hub'/);
  });

  test('rules per NSG: located MS5002 naming the NSG, the quota and the largest rules', () => {
    const e = errorOf(() => planAzure(spec, { limits: { rulesPerNsg: 6 }, layout: 'perSegment' }));
    const codes = e.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((c) => c === 'MS5002')).toBe(true);
    expect(e.diagnostics.find((d) => /shop-app-prod/.test(d.message))!.message).toMatch(/needs 9 security rules, over Azure's quota of 6 rules per NSG; largest contributors: rule 'app-dns'/);
    expect(e.diagnostics[0].location?.file).toBe('spec-example.yaml');
  });

  test('a full priority band: located MS5004', () => {
    const e = errorOf(() => planAzure(spec, { limits: { denyBand: [100, 101] }, layout: 'shared' }));
    expect(e.diagnostics).toHaveLength(1);
    expect(e.diagnostics[0]).toMatchObject({ code: 'MS5004', location: { file: 'spec-example.yaml', line: 32 } });
    expect(e.diagnostics[0].message).toBe("azure: NSG 'shop-nsg' needs 3 inbound deny rules, more than the 2 priorities of its band 100–101");
  });

  test('namePrefix is checked: MS5005', () => {
    expect(errorOf(() => planAzure(spec, { namePrefix: '-bad' })).diagnostics[0].code).toBe('MS5005');
    expect(errorOf(() => planAzure(spec, { namePrefix: 'x'.repeat(31) })).diagnostics[0].code).toBe('MS5005');
    expect(planAzure(spec, { namePrefix: 'prod-' }).asgs[0].name).toBe('prod-shop-shop-app-prod-asg');
  });

  test('subnets force the shared layout; with perSegment: MS5006', () => {
    expect(planAzure(spec, { subnets: true }).layout).toBe('shared');
    expect(errorOf(() => planAzure(spec, { subnets: true, layout: 'perSegment' })).diagnostics[0].code).toBe('MS5006');
  });
});

describe('layout', () => {
  test('perSegment on request: each NSG carries only its segment rules plus deny-alls, and stays exact', () => {
    const out = compileWith(spec, { layout: 'perSegment' });
    expect(out.plan.nsgs.map((n) => [n.key, n.rules.length])).toEqual([
      ['shop-app-prod', 9],
      ['shop-app-staging', 7],
      ['shop-db-prod', 4],
      // The guardrail's deny, internet-to-web from IPv4 prefixes only (10.1.0.0/24 holds no IPv6), web-to-app, 2 deny-alls.
      ['shop-web-prod', 5],
    ]);
    const shared = planAzure(spec);
    // The same rules, the same names; priorities may differ (fewer keys probe per NSG).
    expect(allRules(out.plan).filter((r) => r.origin).map(readableName).sort()).toEqual(allRules(shared).filter((r) => r.origin).map(readableName).sort());
    expect(compareFlows(spec, out, { maxWorkloadAtoms: 4 }).mismatches).toEqual([]);
  });
});
