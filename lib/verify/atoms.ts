/**
 * Service atoms: the packets the equivalence check tries, one per atom.
 * Ports, ICMP types and protocol numbers are split at every boundary the
 * policy or the output names, so within an atom every packet is decided
 * alike on both sides; one representative packet stands for the atom.
 */
import { Family } from '../net/address';
import { PortRange, PortSet, rangeText } from '../net/ports';
import { ServiceSet } from '../net/service';
import { ResolvedPolicy } from '../resolve/ir';
import { CloudModel, Packet, PROTO } from './model';

export interface ServiceAtom {
  readonly packet: Packet;
  readonly atom: string;
  readonly service: string;
}

/** Cut points of a list of port sets into atoms over [0, 65535]. */
function portAtoms(sets: readonly PortSet[]): { lo: number; hi: number }[] {
  const cuts = new Set<number>([0]);
  for (const s of sets) for (const r of s.ranges) {
    cuts.add(r.lo);
    if (r.hi < 65535) cuts.add(r.hi + 1);
  }
  const pts = [...cuts].sort((a, b) => a - b);
  return pts.map((lo, i) => ({ lo, hi: i + 1 < pts.length ? pts[i + 1] - 1 : 65535 }));
}

/** Every service atom of a family: tcp, udp and sctp (destination × source ports), the family's ICMP types, other protocols. */
export function serviceAtoms(ir: ResolvedPolicy, model: CloudModel, family: Family): ServiceAtom[] {
  const policyPorts = { tcp: [] as PortSet[], udp: [] as PortSet[], sctp: [] as PortSet[], icmp: [] as PortSet[] };
  const policyProtocols: PortRange[] = [];
  for (const r of ir.rules) {
    policyPorts.tcp.push(r.services.tcp);
    policyPorts.udp.push(r.services.udp);
    policyPorts.sctp.push(r.services.sctp);
    policyPorts.icmp.push(r.services.icmpOf(family));
    // Every other protocol at once (`any`) cuts nothing: its boundaries are those of the parts of their own.
    if (!r.services.protos.equals(ServiceSet.OTHER.protos)) policyProtocols.push(...r.services.protos.ranges);
  }
  const out: ServiceAtom[] = [];
  for (const [name, proto, pol] of [
    ['tcp', PROTO.TCP, policyPorts.tcp],
    ['udp', PROTO.UDP, policyPorts.udp],
    ['sctp', PROTO.SCTP, policyPorts.sctp],
  ] as const) {
    const dst = portAtoms([...pol, ...(model.portSets.get(proto) ?? [])]);
    const src = portAtoms(model.srcPortSets.get(proto) ?? []);
    for (const d of dst) {
      for (const s of src) {
        const srcText = src.length > 1 ? ` from port ${rangeText(s.lo, s.hi)}` : '';
        out.push({
          packet: { family, proto, port: d.lo, srcPort: s.lo },
          atom: `${name}/${rangeText(d.lo, d.hi)}${srcText}`,
          service: `${name}/${d.lo}${src.length > 1 ? ` from port ${s.lo}` : ''}`,
        });
      }
    }
  }
  const icmp = family === 4 ? PROTO.ICMP : PROTO.ICMPV6;
  const icmpName = family === 4 ? 'icmp' : 'icmpv6';
  const types = portAtoms([...policyPorts.icmp, ...(model.portSets.get(icmp) ?? [])]);
  for (const t of types) {
    const whole = types.length === 1;
    out.push({
      packet: { family, proto: icmp, port: t.lo, srcPort: 0 },
      atom: whole ? icmpName : `${icmpName} type/code ${t.lo >> 8}/${t.lo & 255}…${t.hi >> 8}/${t.hi & 255}`,
      service: whole ? icmpName : `${icmpName} type ${t.lo >> 8} code ${t.lo & 255}`,
    });
  }
  // Other protocols: split 0–255 at each number the output names and at each boundary of the
  // policy's protocol sets; one number stands for each piece. The other family's ICMP number is
  // left out: see docs/verification.md.
  const skip = new Set<number>([PROTO.TCP, PROTO.UDP, PROTO.SCTP, PROTO.ICMP, PROTO.ICMPV6]);
  const cuts = new Set<number>([0]);
  for (const p of model.protocols) cuts.add(p).add(p + 1);
  for (const r of policyProtocols) cuts.add(r.lo).add(r.hi + 1);
  const starts = [...cuts].filter((c) => c <= 255).sort((a, b) => a - b);
  starts.forEach((lo, i) => {
    const hi = i + 1 < starts.length ? starts[i + 1] - 1 : 255;
    let p = lo;
    while (p <= hi && skip.has(p)) p++;
    if (p > hi) return;
    const named = lo === hi || model.protocols.has(p);
    const ports = portAtoms(model.portSets.get(p) ?? []);
    for (const pr of ports) {
      const portText = ports.length > 1 ? `/${rangeText(pr.lo, pr.hi)}` : '';
      out.push({
        packet: { family, proto: p, port: pr.lo, srcPort: 0 },
        atom: named ? `protocol ${p}${portText}` : `protocol ${p} (stands for protocols ${lo}–${hi} but the ones of their own)`,
        service: `protocol ${p}${ports.length > 1 ? `/${pr.lo}` : ''}`,
      });
    }
  });
  return out;
}
