/**
 * Every protocol a network engineer writes (issue 17): each new service spec
 * compiles and verifies exact on every target that can express it, and fails
 * on the others with a located error naming the rule and the target, never
 * a wider rule. Each spec is tried between segments (identity rules), from
 * an external into a segment and from a segment to an external, in IPv4 and
 * IPv6 at once.
 */
import { compileTargets } from '../../lib/cli/compile-targets';
import { SegmentationPolicy } from '../../lib/model/policy';
import { resolve } from '../../lib/resolve/resolve';
import { TargetName } from '../../lib/targets/target';
import { verifyOutput } from '../../lib/verify';

const TARGETS: readonly TargetName[] = ['aws', 'azure', 'gcp', 'kubernetes'];

function policyWith(spec: string): string {
  return `apiVersion: microseg/v1
kind: SegmentationPolicy
metadata:
  name: protocols
labels:
  tier: [vpn, core]
segments:
  - name: vpn
    labels: {tier: vpn}
    addresses: [10.1.0.0/24, "fd00:1::/64"]
  - name: core
    labels: {tier: core}
    addresses: [10.2.0.0/24, "fd00:2::/64"]
externals:
  - name: peer
    cidrs: [192.0.2.0/24, "2001:db8::/32"]
rules:
  - name: vpn-to-core
    from: {segment: vpn}
    to: {segment: core}
    services: ["${spec}"]
  - name: peer-to-vpn
    from: {external: peer}
    to: {segment: vpn}
    services: ["${spec}"]
  - name: vpn-to-peer
    from: {segment: vpn}
    to: {external: peer}
    services: ["${spec}"]
targets:
  aws: {region: eu-west-1, vpcId: vpc-0123456789abcdef0}
  azure: {location: westeurope, resourceGroupName: rg}
  gcp: {project: p, network: n}
  kubernetes: {}
`;
}

/** ok, or the code each target refuses the spec with. */
const MATRIX: readonly [string, Record<TargetName, 'ok' | string>][] = [
  ['esp', { aws: 'ok', azure: 'ok', gcp: 'ok', kubernetes: 'MS9002' }],
  ['ah', { aws: 'ok', azure: 'ok', gcp: 'ok', kubernetes: 'MS9002' }],
  ['gre', { aws: 'ok', azure: 'MS5001', gcp: 'ok', kubernetes: 'MS9002' }],
  ['ipip', { aws: 'ok', azure: 'MS5001', gcp: 'ok', kubernetes: 'MS9002' }],
  ['proto/115', { aws: 'ok', azure: 'MS5001', gcp: 'ok', kubernetes: 'MS9002' }],
  ['proto/6', { aws: 'ok', azure: 'ok', gcp: 'ok', kubernetes: 'ok' }],
  ['sctp', { aws: 'ok', azure: 'MS5001', gcp: 'ok', kubernetes: 'ok' }],
  ['sctp/2905', { aws: 'MS4007', azure: 'MS5001', gcp: 'ok', kubernetes: 'ok' }],
  ['sctp/36412-36413', { aws: 'MS4007', azure: 'MS5001', gcp: 'ok', kubernetes: 'ok' }],
  ['icmp', { aws: 'ok', azure: 'ok', gcp: 'ok', kubernetes: 'MS9002' }],
  ['proto/1', { aws: 'ok', azure: 'MS5001', gcp: 'ok', kubernetes: 'MS9002' }],
  ['icmpv6', { aws: 'ok', azure: 'MS5001', gcp: 'ok', kubernetes: 'MS9002' }],
  ['icmp/8', { aws: 'ok', azure: 'MS5001', gcp: 'MS6008', kubernetes: 'MS9002' }],
  ['icmp/3/4', { aws: 'ok', azure: 'MS5001', gcp: 'MS6008', kubernetes: 'MS9002' }],
  ['icmpv6/128', { aws: 'ok', azure: 'MS5001', gcp: 'MS6008', kubernetes: 'MS9002' }],
  ['icmpv6/1/4', { aws: 'ok', azure: 'MS5001', gcp: 'MS6008', kubernetes: 'MS9002' }],
];

describe.each(MATRIX)('%s', (spec, expected) => {
  const ir = resolve(SegmentationPolicy.fromSource(policyWith(spec), 'protocols.yaml'));
  test.each(TARGETS)('%s', (target) => {
    const c = compileTargets(ir, [target]);
    const errors = c.diagnostics.filter((d) => d.severity === 'error');
    if (expected[target] === 'ok') {
      expect(errors.map((d) => d.message)).toEqual([]);
      const [o] = c.outputs;
      const report = verifyOutput(ir, target, o.terraform, o.identities);
      expect([report.verdict, report.mismatchCount]).toEqual(['equivalent', 0]);
      return;
    }
    expect(c.failed).toBe(true);
    expect(c.outputs).toEqual([]);
    expect(errors.length).toBeGreaterThan(0);
    for (const d of errors) {
      expect(d.code).toBe(expected[target]);
      // Named: the target and a rule of the policy, at that rule's line.
      expect(d.message.startsWith(`${target}: `)).toBe(true);
      const rule = ['vpn-to-core', 'peer-to-vpn', 'vpn-to-peer'].find((r) => d.message.includes(r));
      expect(rule).toBeDefined();
      expect(d.location?.file).toBe('protocols.yaml');
      expect(d.location?.line).toBe(ir.rule(rule!).origin.location?.line);
    }
  });
});

test('what each cloud writes for them', () => {
  const doc = (spec: string, target: TargetName) => compileTargets(resolve(SegmentationPolicy.fromSource(policyWith(spec), 'p.yaml')), [target]).outputs[0].terraform as Record<string, any>;
  const out = (spec: string, target: TargetName) => JSON.stringify(doc(spec, target));
  const awsRules = (spec: string) =>
    ['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule']
      .flatMap((t) => Object.values(doc(spec, 'aws').resource[t] ?? {}) as any[])
      .map((r) => `${r.ip_protocol} ${r.from_port ?? ''} ${r.to_port ?? ''} ${r.cidr_ipv4 ?? r.cidr_ipv6 ?? 'sg'}`)
      .sort();
  // AWS: the number with no ports, ICMP type as from_port and code as to_port, ICMPv6 as its own protocol, each for its family.
  expect(awsRules('esp')).toEqual(['50   192.0.2.0/24', '50   192.0.2.0/24', '50   2001:db8::/32', '50   2001:db8::/32', '50   sg', '50   sg']);
  expect(awsRules('sctp')).toContain('132   sg');
  expect(awsRules('icmp/3/4')).toEqual(['icmp 3 4 192.0.2.0/24', 'icmp 3 4 192.0.2.0/24', 'icmp 3 4 sg', 'icmp 3 4 sg']);
  expect(awsRules('icmpv6/128')).toEqual(['icmpv6 128 -1 2001:db8::/32', 'icmpv6 128 -1 2001:db8::/32', 'icmpv6 128 -1 sg', 'icmpv6 128 -1 sg']);
  // Azure: Esp and Ah by name.
  expect(out('esp', 'azure')).toContain('"protocol":"Esp"');
  expect(out('ah', 'azure')).toContain('"protocol":"Ah"');
  // GCP: names where it has them, numbers else, sctp ports, ICMPv6 as 58 in IPv6 rules only.
  expect(out('gre', 'gcp')).toContain('"protocol":"47"');
  expect(out('ipip', 'gcp')).toContain('"protocol":"ipip"');
  expect(out('sctp/2905', 'gcp')).toContain('"ports":["2905"],"protocol":"sctp"');
  const v6 = out('icmpv6', 'gcp');
  expect(v6).toContain('"protocol":"58"');
  expect(v6).not.toContain('"protocol":"icmp"');
  // Kubernetes: SCTP ports.
  expect(out('sctp/2905', 'kubernetes')).toContain('"port":"2905","protocol":"SCTP"');
});

test('a deny guardrail of ICMP echo under an allow of all ICMP: exact where ICMP types exist, refused where not', () => {
  const text = policyWith('icmp').replace('rules:', `guardrails:
  - name: no-echo
    action: deny
    from: {segment: vpn}
    to: {segment: core}
    services: [icmp/8]
rules:`);
  const ir = resolve(SegmentationPolicy.fromSource(text, 'p.yaml'));
  const aws = compileTargets(ir, ['aws']);
  expect(aws.failed).toBe(false);
  expect(verifyOutput(ir, 'aws', aws.outputs[0].terraform, aws.outputs[0].identities).verdict).toBe('equivalent');
  const gcp = compileTargets(ir, ['gcp']);
  // The guardrail's own ICMP type, and what it leaves of the allow's ICMP on the egress towards core.
  expect(gcp.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.location?.line} ${d.message.replace(/ and GCP.*/, '')}`)).toEqual([
    "MS6008 18 gcp: guardrail 'no-echo' has services icmp/8, ICMP by type,",
    "MS6008 24 gcp: rule 'vpn-to-core' allows icmp where a deny guardrail takes ICMP types out of it, which leaves ICMP by type,",
  ]);
  const azure = compileTargets(ir, ['azure']);
  expect(azure.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['MS5001']);
});
