/**
 * The new service specs (sctp, ICMP types, esp, gre, proto/N) through the
 * analyses: explain, diff, the flow-log replay and the warehouse SQL pieces.
 */
import { diffPolicies } from '../../lib/analysis/diff';
import { explain } from '../../lib/analysis/explain';
import { packetService } from '../../lib/analysis/replay';
import { servicePieces } from '../../lib/analysis/sql/common';
import { SegmentationPolicy } from '../../lib/model/policy';
import { parseServiceSpec, ServiceSet } from '../../lib/net/service';
import { resolve } from '../../lib/resolve/resolve';

const spec = (s: string) => {
  const p = parseServiceSpec(s);
  if (!p.ok) throw new Error(p.reason);
  return p.set;
};

const policy = (services: string) =>
  resolve(
    SegmentationPolicy.fromSource(
      `apiVersion: microseg/v1
kind: SegmentationPolicy
metadata: {name: vpn}
labels: {tier: [gw, core]}
segments:
  - {name: gw, labels: {tier: gw}, addresses: [10.1.0.0/24]}
  - {name: core, labels: {tier: core}, addresses: [10.2.0.0/24]}
rules:
  - {name: ipsec, from: {segment: gw}, to: {segment: core}, services: [${services}]}
`,
      'vpn.yaml',
    ),
  );

test('explain: an IPsec rule allows ESP and IKE, not AH; ICMP echo, not echo reply', () => {
  const ir = policy('esp, udp/500, udp/4500, icmp/8');
  const verdict = (service: string) => explain(ir, { from: 'gw', to: 'core', service }).forward[0].cases.map((c) => `${c.verdict} ${c.allowed.join(',')}`);
  expect(verdict('esp')).toEqual(['allowed esp']);
  expect(verdict('proto/50')).toEqual(['allowed esp']);
  expect(verdict('ah')).toEqual(['denied ']);
  expect(verdict('icmp/8')).toEqual(['allowed icmp/8']);
  expect(verdict('icmp/0')).toEqual(['denied ']);
  expect(explain(ir, { from: 'gw', to: 'core' }).forward[0].cases.map((c) => c.allowed.join(','))).toEqual(['udp/500,udp/4500,icmp/8,esp']);
  expect(() => explain(ir, { from: 'gw', to: 'core', service: 'icmp/300' })).toThrow(/not a service/);
});

test('diff names what a change of protocol adds and removes', () => {
  const d = diffPolicies(policy('esp, udp/500'), policy('gre, sctp/2905, udp/500'));
  expect(d.byPair.map((p) => `${p.from}->${p.to} +${p.added.join(',')} -${p.removed.join(',')}`)).toEqual(['gw->core +sctp/2905,gre -esp']);
});

test('flow records: protocol numbers, SCTP ports, ICMP of either family (logs carry no ICMP type)', () => {
  expect(packetService(4, 50, 0).equals(spec('esp'))).toBe(true);
  expect(packetService(6, 47, 0).equals(spec('gre'))).toBe(true);
  expect(packetService(4, 132, 2905).equals(spec('sctp/2905'))).toBe(true);
  expect(packetService(4, 1, 0).equals(spec('proto/1'))).toBe(true);
  expect(packetService(6, 58, 0).equals(spec('icmpv6'))).toBe(true);
  expect(packetService(6, 1, 0).equals(ServiceSet.of({ strayIcmp: true }))).toBe(true);
  // An ICMP record counts as use of an echo-only rule.
  expect(packetService(4, 1, 0).overlaps(spec('icmp/8'))).toBe(true);
  expect(packetService(6, 58, 0).overlaps(spec('icmp/8'))).toBe(false);
});

test('warehouse SQL pieces: (protocol, port range), -2 for every protocol without a part of its own', () => {
  expect(servicePieces(spec('esp'))).toEqual([[50, 0, 65535]]);
  expect(servicePieces(spec('sctp/2905'))).toEqual([[132, 2905, 2905]]);
  expect(servicePieces(spec('icmp/8'))).toEqual([[1, 0, 65535]]);
  expect(servicePieces(spec('icmpv6/128'))).toEqual([]); // IPv4 flows only: no ICMPv6 there
  expect(servicePieces(ServiceSet.ANY)).toEqual([[6, 0, 65535], [17, 0, 65535], [132, 0, 65535], [1, 0, 65535], [58, 0, 65535], [-2, 0, 65535]]);
});
