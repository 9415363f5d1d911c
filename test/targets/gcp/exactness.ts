/**
 * Flow-level exactness of a GCP output against the meaning
 * (lib/resolve/meaning.ts), with the one deviation the spec permits on GCP:
 * a flow the meaning denies may be allowed when the source segment's egress
 * (meaning) admits some segment Y by identity with the destination address
 * in Y's addresses, and the destination's ingress (if a workload) admits it.
 *
 * Probes one address per atom of every address set the policy or the output
 * names, and every port boundary, on tcp, udp, ICMP of both families and one
 * other protocol, for every workload of every segment and every outside host.
 */
import { AddressRange, addressAtoms, AddressSet, Family } from '../../../lib/net/address';
import { ServiceSet } from '../../../lib/net/service';
import { ResolvedPolicy } from '../../../lib/resolve/ir';
import { FlowEndpoint, flowServices, sideServices } from '../../../lib/resolve/meaning';
import { IdentitiesFile } from '../../../lib/targets/target';
import { GcpEvaluator, Host } from './evaluator';

export interface Mismatch {
  src: string;
  dst: string;
  proto: number;
  port: number;
  output: boolean;
  meaning: boolean;
}

interface Probe extends FlowEndpoint {
  readonly label: string;
  readonly ids?: readonly string[];
}

function fmt(family: Family, v: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  return v.toString(16);
}

export function checkExactness(ir: ResolvedPolicy, tf: any, identities: IdentitiesFile, opts: { limit?: number } = {}): { mismatches: Mismatch[]; probes: number; deviations: number } {
  const ev = new GcpEvaluator(tf);
  // Address atoms: the policy's sets and the output's ranges.
  const sets: AddressSet[] = [ir.internalCidrs, ...ir.segments.map((s) => s.addresses), ...ir.externals.map((e) => e.addresses)];
  for (const r of ir.rules) for (const a of [...r.fromAddresses, ...r.toAddresses]) sets.push(a.addresses);
  for (const f of ev.firewalls) {
    if (f.sourceRanges) sets.push(f.sourceRanges);
    if (f.destinationRanges) sets.push(f.destinationRanges);
  }
  const atoms: AddressRange[] = addressAtoms(sets);
  const ids = (seg: string) => identities.segments[seg].networkTags ?? identities.segments[seg].serviceAccounts ?? [];
  const probes: Probe[] = [];
  for (const a of atoms) {
    probes.push({ label: fmt(a.family, a.lo), family: a.family, address: a.lo });
    for (const s of ir.segments) {
      if (s.addresses.contains(a.family, a.lo)) probes.push({ label: `${s.name}@${fmt(a.family, a.lo)}`, segment: s.name, family: a.family, address: a.lo, ids: ids(s.name) });
    }
  }
  // Service probes: every port boundary named by the policy or the output.
  const cuts = { tcp: new Set([0, 65535]), udp: new Set([0, 65535]) };
  const addPorts = (proto: 'tcp' | 'udp', lo: number, hi: number) => {
    for (const p of [lo - 1, lo, hi, hi + 1]) if (p >= 0 && p <= 65535) cuts[proto].add(p);
  };
  for (const r of ir.rules) {
    for (const r2 of r.services.tcp.ranges) addPorts('tcp', r2.lo, r2.hi);
    for (const r2 of r.services.udp.ranges) addPorts('udp', r2.lo, r2.hi);
  }
  for (const f of ev.firewalls)
    for (const b of [...(f.allow ?? []), ...(f.deny ?? [])])
      for (const p of b.ports ?? []) {
        const [lo, hi] = p.split('-').map(Number);
        if (b.protocol === 'tcp' || b.protocol === 'udp') addPorts(b.protocol, lo, hi ?? lo);
      }
  const services: [number, number][] = [
    ...[...cuts.tcp].map((p) => [6, p] as [number, number]),
    ...[...cuts.udp].map((p) => [17, p] as [number, number]),
    [1, 0],
    [58, 0],
    [47, 0],
  ];

  const mismatches: Mismatch[] = [];
  let n = 0;
  let deviations = 0;
  for (const src of probes) {
    for (const dst of probes) {
      if (src.family !== dst.family) continue;
      if (src.segment === undefined && dst.segment === undefined) continue;
      const srcHost: Host = { ids: src.ids, family: src.family, address: src.address };
      const dstHost: Host = { ids: dst.ids, family: dst.family, address: dst.address };
      const eg = src.segment !== undefined ? ev.candidates('EGRESS', srcHost, dstHost) : undefined;
      const ing = dst.segment !== undefined ? ev.candidates('INGRESS', dstHost, srcHost) : undefined;
      const meaning = flowServices(ir, src, dst);
      // What the permitted deviation may add: egress admits some Y holding the destination address.
      let dev = ServiceSet.EMPTY;
      if (src.segment !== undefined) {
        for (const y of ir.segments) {
          if (y.addresses.contains(dst.family, dst.address)) dev = dev.union(sideServices(ir, src.segment, 'egress', { segment: y.name, family: dst.family, address: dst.address }));
        }
        if (dst.segment !== undefined) dev = dev.intersect(sideServices(ir, dst.segment, 'ingress', src));
      }
      for (const [proto, port] of services) {
        n++;
        const out = (eg ? (GcpEvaluator.decide(eg, proto, port) ?? true) : true) && (ing ? (GcpEvaluator.decide(ing, proto, port) ?? false) : true);
        const m = meaning.has(src.family, proto, port);
        if (out === m) continue;
        if (out && dev.has(src.family, proto, port)) {
          deviations++;
          continue;
        }
        mismatches.push({ src: src.label, dst: dst.label, proto, port, output: out, meaning: m });
        if (mismatches.length >= (opts.limit ?? 20)) return { mismatches, probes: n, deviations };
      }
    }
  }
  return { mismatches, probes: n, deviations };
}
