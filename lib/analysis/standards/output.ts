/**
 * A compiled output as a standards judge: the cloud model the verifier reads
 * from Terraform JSON (lib/verify), asked packet by packet. Service atoms are
 * cut at every port the output, the policy and the standards name, so one
 * packet per atom decides it; a flow is admitted when the source's egress
 * chains and the destination's ingress chains all admit it (only our sides
 * decide, as in the meaning). `allowed` keeps an atom when some source-port
 * atom passes, `guaranteed` when all do.
 */
import { AddressSet, Family } from '../../net/address';
import { PortRange, PortSet } from '../../net/ports';
import { ServiceSet } from '../../net/service';
import { ResolvedPolicy } from '../../resolve/ir';
import { CloudModel, decidePacket, localAddressSets, Packet, PROTO } from '../../verify/model';
import { AtomEndpoint } from '../flow-space';
import { FlowJudge, ResolvedStandard } from './evaluate';

const NONE: ReadonlySet<string> = new Set();

function cuts(sets: readonly PortSet[], lo: number, hi: number): PortRange[] {
  const points = new Set<number>([lo]);
  for (const s of sets) for (const r of s.ranges) {
    if (r.lo > lo && r.lo <= hi) points.add(r.lo);
    if (r.hi + 1 > lo && r.hi + 1 <= hi) points.add(r.hi + 1);
  }
  const p = [...points].sort((a, b) => a - b);
  return p.map((x, i) => ({ lo: x, hi: i + 1 < p.length ? p[i + 1] - 1 : hi }));
}

/** Every address set the output names: atoms must be cut there too. */
export function outputAddressSets(ir: ResolvedPolicy, model: CloudModel): AddressSet[] {
  const out: AddressSet[] = [];
  for (const s of ir.segments) {
    for (const dir of ['ingress', 'egress'] as const) {
      const chains = model.chains(s.name, dir);
      out.push(...localAddressSets(chains));
      for (const c of chains) for (const r of c.rules) if (!r.peer.addrs.isEmpty()) out.push(r.peer.addrs);
    }
  }
  return out;
}

export function outputJudge(ir: ResolvedPolicy, model: CloudModel, standards: readonly ResolvedStandard[]): FlowJudge {
  const ids = (seg: string | undefined) => (seg === undefined ? NONE : model.identities.get(seg) ?? NONE);
  const policyPorts = (k: 'tcp' | 'udp') => [...ir.rules.map((r) => r.services[k]), ...standards.map((s) => s.services[k])];
  const admits = (src: AtomEndpoint, dst: AtomEndpoint, p: Packet): boolean => {
    const a = { ids: ids(src.segment), family: src.range.family, address: src.range.lo };
    const b = { ids: ids(dst.segment), family: dst.range.family, address: dst.range.lo };
    if (src.segment !== undefined && !decidePacket(model.chains(src.segment, 'egress'), a, b, p).admitted) return false;
    if (dst.segment !== undefined && !decidePacket(model.chains(dst.segment, 'ingress'), b, a, p).admitted) return false;
    return true;
  };
  const cache = new Map<string, { some: ServiceSet; all: ServiceSet }>();
  const decide = (src: AtomEndpoint, dst: AtomEndpoint) => {
    const key = `${src.segment ?? ''}|${src.range.family}|${src.range.lo}|${dst.segment ?? ''}|${dst.range.lo}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const family: Family = src.range.family;
    const parts = { some: { tcp: [] as PortRange[], udp: [] as PortRange[], icmp: false, other: false }, all: { tcp: [] as PortRange[], udp: [] as PortRange[], icmp: false, other: false } };
    for (const [k, proto] of [['tcp', PROTO.TCP], ['udp', PROTO.UDP]] as const) {
      const srcAtoms = cuts(model.srcPortSets.get(proto) ?? [], 0, 65535);
      for (const r of cuts([...policyPorts(k), ...(model.portSets.get(proto) ?? [])], 0, 65535)) {
        const results = srcAtoms.map((s) => admits(src, dst, { family, proto, port: r.lo, srcPort: s.lo }));
        if (results.some(Boolean)) parts.some[k].push(r);
        if (results.every(Boolean)) parts.all[k].push(r);
      }
    }
    const icmp = family === 4 ? PROTO.ICMP : PROTO.ICMPV6;
    const icmpResults = cuts(model.portSets.get(icmp) ?? [], 0, 65535).map((t) => admits(src, dst, { family, proto: icmp, port: t.lo, srcPort: 0 }));
    parts.some.icmp = icmpResults.some(Boolean);
    parts.all.icmp = icmpResults.every(Boolean);
    const skip = new Set<number>([PROTO.TCP, PROTO.UDP, PROTO.ICMP, PROTO.ICMPV6]);
    const named = [...model.protocols].filter((p) => !skip.has(p));
    let unnamed = 0;
    while (skip.has(unnamed) || named.includes(unnamed)) unnamed++;
    const other = [...named, unnamed].flatMap((proto) => cuts(model.portSets.get(proto) ?? [], 0, 65535).map((r) => admits(src, dst, { family, proto, port: r.lo, srcPort: 0 })));
    parts.some.other = other.some(Boolean);
    parts.all.other = other.every(Boolean);
    const set = (x: typeof parts.some) => ServiceSet.of({ tcp: PortSet.of(x.tcp), udp: PortSet.of(x.udp), icmp: x.icmp, other: x.other });
    const out = { some: set(parts.some), all: set(parts.all) };
    cache.set(key, out);
    return out;
  };
  return { allowed: (s, d) => decide(s, d).some, guaranteed: (s, d) => decide(s, d).all };
}
