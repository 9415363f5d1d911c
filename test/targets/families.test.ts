/**
 * Address families on every back end: a segment's rules of a family it can
 * never hold are left out (a workload holds only its segment's addresses, and
 * a packet's two ends share a family), and the output stays exact.
 */
import { Family } from '../../lib/net/address';
import { AddressSet } from '../../lib/net/address';
import { sameFamilyAs, segmentFamilies, sharedFamilies } from '../../lib/resolve/families';
import { ResolvedPolicy } from '../../lib/resolve/ir';
import { backend as aws } from '../../lib/targets/aws';
import { planAws } from '../../lib/targets/aws/plan';
import { backend as azure } from '../../lib/targets/azure';
import { planAzure } from '../../lib/targets/azure/plan';
import { backend as gcp } from '../../lib/targets/gcp';
import { planGcp } from '../../lib/targets/gcp/plan';
import { verifyOutput } from '../../lib/verify';
import { yamlPolicy } from './aws/helpers';

// four: IPv4 only; six: IPv6 only; dual: both, declared; open: none declared (internalCidrs, both families).
const BODY = `labels:
  tier: [four, six, dual, open]
segments:
  - {name: four, labels: {tier: four}, addresses: [10.1.0.0/24]}
  - {name: six, labels: {tier: six}, addresses: ["fd00:6::/64"]}
  - {name: dual, labels: {tier: dual}, addresses: [10.3.0.0/24, "fd00:3::/64"]}
  - {name: open, labels: {tier: open}}
externals:
  - {name: internet, cidrs: [0.0.0.0/0, "::/0"], except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7]}
  - {name: bad, cidrs: [203.0.113.0/24, "2001:db8:bad::/48"]}
guardrails:
  - {name: block-bad, action: deny, from: {external: bad}, to: {}, services: [any]}
rules:
  - {name: web-in, from: {external: internet}, to: {}, services: [tcp/443, icmp]}
  - {name: dns-out, from: {}, to: {external: internet}, services: [udp/53]}
  - {name: mesh, from: {}, to: {}, services: [icmp, tcp/8080]}
`;

const ir: ResolvedPolicy = yamlPolicy(BODY);
const families = (name: string) => segmentFamilies(ir.segment(name));

test('which families a segment can hold: those of its addresses, internalCidrs when none are declared', () => {
  expect(['four', 'six', 'dual', 'open'].map(families)).toEqual([[4], [6], [4, 6], [4, 6]]);
  expect(sharedFamilies(ir.segment('four'), ir.segment('six'))).toEqual([]);
  expect(sharedFamilies(ir.segment('six'), ir.segment('open'))).toEqual([6]);
  const both = AddressSet.fromCidrs(['192.0.2.0/24', '2001:db8::/32']);
  expect(sameFamilyAs(ir.segment('four'), both).toCidrs()).toEqual(['192.0.2.0/24']);
  expect(sameFamilyAs(ir.segment('open'), both)).toBe(both);
});

test('aws: CIDRs and prefix lists of a family only on segments holding it, ICMP references only where both do', () => {
  const p = planAws(ir, { prefixLists: false, labelGroups: false }) // per-segment references: what family pruning acts on;
  for (const s of p.segments) {
    for (const r of s.rules) {
      if (r.peer.kind !== 'group') expect([s.name, families(s.name)]).toEqual([s.name, expect.arrayContaining([r.peer.family])]);
      else {
        const shared = sharedFamilies(ir.segment(s.name), ir.segment(r.peer.segment));
        // No reference between segments without a common family; ICMP and ICMPv6 references each only where both hold it.
        expect(shared.length).toBeGreaterThan(0);
        if (r.protocol.ipProtocol === 'icmp') expect(shared).toContain(4);
        if (r.protocol.ipProtocol === 'icmpv6') expect(shared).toContain(6);
      }
    }
  }
  const count = (seg: string, pred: (r: (typeof p.segments)[number]['rules'][number]) => boolean) => p.segments.find((s) => s.name === seg)!.rules.filter(pred).length;
  // web-in (tcp/443 and ICMP) from the internet minus bad: four gets the IPv4 CIDRs only, six the IPv6 ones only.
  const allowed = ir.externals.find((e) => e.name === 'internet')!.addresses.subtract(ir.externals.find((e) => e.name === 'bad')!.addresses);
  const ingressCidrs = (seg: string) => count(seg, (r) => r.peer.kind === 'cidr' && r.direction === 'ingress');
  expect(['four', 'six', 'dual', 'open'].map(ingressCidrs)).toEqual([2 * allowed.cidrCount(4), 2 * allowed.cidrCount(6), 2 * allowed.cidrCount(), 2 * allowed.cidrCount()]);
  // mesh by identity: tcp/8080 to every segment sharing a family, plus ICMP and/or ICMPv6 per shared family; four and six share none.
  const refs = (seg: string) => count(seg, (r) => r.peer.kind === 'group' && r.direction === 'egress');
  expect(['four', 'six', 'dual', 'open'].map(refs)).toEqual([3 + 3, 3 + 3, 4 + 3 + 3, 4 + 3 + 3]);
  expect(count('four', (r) => r.peer.kind === 'group' && r.peer.segment === 'six')).toBe(0);
  expect(p.stats.rules).toBe(853);
});

test('azure: address prefixes of a family only in rules of segments holding it', () => {
  const p = planAzure(ir);
  const rules = p.nsgs.flatMap((n) => n.rules).filter((r) => r.segment);
  for (const r of rules) {
    for (const ep of [r.source, r.destination]) if (ep.kind === 'prefixes') expect(families(r.segment!)).toContain(ep.family);
  }
  const fams = (seg: string) => [...new Set(rules.filter((r) => r.segment === seg).flatMap((r) => [r.source, r.destination]).flatMap((ep) => (ep.kind === 'prefixes' ? [ep.family] : [])))].sort();
  expect(['four', 'six', 'dual', 'open'].map(fams)).toEqual([[4], [6], [4, 6], [4, 6]]);
  // Per family a segment holds (1 + 1 + 2 + 2): block-bad, dns-out, web-in tcp and icmp; per segment: mesh tcp and icmp, in and out
  // (by ASG, family-agnostic). Without the family filter four and six would carry 4 more each: 48.
  expect(rules).toHaveLength((1 + 1 + 2 + 2) * 4 + 4 * 4);
});

test('gcp: rules of a family target only segments holding it; identity halves only between segments that both do', () => {
  const p = planGcp(ir);
  for (const f of p.firewalls) {
    if (f.kind === 'default-deny' || f.family === undefined) continue;
    const fam = f.family as Family;
    for (const t of f.targets) expect([f.name, t, families(t)]).toEqual([f.name, t, expect.arrayContaining([fam])]);
    for (const s of f.sourceSegments ?? []) expect([f.name, s, families(s)]).toEqual([f.name, s, expect.arrayContaining([fam])]);
  }
  // The v6 half of the ICMP identity rule is between six, dual and open only; the v4 half between four, dual and open.
  // By the readable name 0.1.0 gave them (today's names carry the rule's identity, not its name).
  const byName = new Map(p.firewalls.map((f) => [f.formerName ?? f.name, f]));
  expect(byName.get('t-mesh-in-id-v4')?.targets).toEqual(['dual', 'four', 'open']);
  expect(byName.get('t-mesh-in-id-v6')?.targets).toEqual(['dual', 'open', 'six']);
  expect(byName.get('t-mesh-in-id-v6')?.sourceSegments).toEqual(['dual', 'open', 'six']);
  // Every family is held by some segment, so no firewall disappears here: each IPv4 or IPv6 rule just targets fewer segments.
  expect(p.firewalls).toHaveLength(14);
});

test.each([
  ['aws', aws],
  ['azure', azure],
  ['gcp', gcp],
] as const)('%s: the output is still exactly the policy (verifier)', (name, backend) => {
  const out = backend.compile(ir);
  const report = verifyOutput(ir, name, out.terraform, out.identities);
  expect(report.issues.filter((i) => i.severity === 'error')).toEqual([]);
  expect(report.verdict).toBe('equivalent');
});
