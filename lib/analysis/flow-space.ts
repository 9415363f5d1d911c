/**
 * The flow space of a policy, enumerated exactly. A flow goes from a
 * workload of a segment (identity + address) or an outside host (address
 * only) to another such endpoint, on a service. Addresses are split into
 * atoms at every boundary the policy names (segment addresses, externals,
 * CIDR terms, internalCidrs), so one probe address per atom decides the
 * whole atom; services are kept as exact ServiceSets. Every analysis (lint,
 * explain, diff) reads flows through here and judges them with
 * lib/resolve/meaning.ts, the reference semantics.
 */
import { AddressRange, AddressSet, addressAtoms } from '../net/address';
import { ServiceSet } from '../net/service';
import { Direction, FlatSideEntry, ResolvedPolicy, SideEntry } from '../resolve/ir';
import { matchingEntries, PeerEndpoint, sideServices } from '../resolve/meaning';

/** One side of a flow: a workload of `segment`, or an outside host when `segment` is undefined; anywhere in `range`. */
export interface AtomEndpoint {
  readonly segment?: string;
  readonly range: AddressRange;
}

/** Every address set an IR names: the cuts its meaning can depend on. */
export function addressSetsOf(ir: ResolvedPolicy): AddressSet[] {
  const sets: AddressSet[] = [ir.internalCidrs];
  for (const s of ir.segments) sets.push(s.addresses);
  for (const e of ir.externals) sets.push(e.addresses);
  for (const r of ir.rules) for (const p of [...r.fromAddresses, ...r.toAddresses]) sets.push(p.addresses);
  return sets;
}

/** Atoms over the boundaries of one or more policies (diff uses both). */
export function atomsOf(irs: readonly ResolvedPolicy[], extra: readonly AddressSet[] = []): AddressRange[] {
  return addressAtoms([...irs.flatMap(addressSetsOf), ...extra]);
}

/** The atoms inside a set (the set must be a union of atoms of the partition). */
export function atomsIn(atoms: readonly AddressRange[], set: AddressSet): AddressRange[] {
  return atoms.filter((a) => set.contains(a.family, a.lo));
}

export function probe(e: AtomEndpoint): PeerEndpoint {
  return { segment: e.segment, family: e.range.family, address: e.range.lo };
}

/**
 * Services allowed for flows from `src` to `dst` (both atoms): egress of the
 * source segment ∩ ingress of the destination segment, as meaning.ts says.
 */
export function atomFlow(ir: ResolvedPolicy, src: AtomEndpoint, dst: AtomEndpoint): ServiceSet {
  if (src.segment === undefined && dst.segment === undefined) return ServiceSet.EMPTY;
  if (src.range.family !== dst.range.family) return ServiceSet.EMPTY;
  let s = ServiceSet.ANY;
  if (src.segment !== undefined) s = s.intersect(sideServices(ir, src.segment, 'egress', probe(dst)));
  if (dst.segment !== undefined && !s.isEmpty()) s = s.intersect(sideServices(ir, dst.segment, 'ingress', probe(src)));
  return s;
}

/** What decided one side of a flow: the allows and denies that match, restricted to `services`. */
export interface SideDecision {
  readonly segment: string;
  readonly direction: Direction;
  readonly admitted: ServiceSet;
  readonly allows: readonly FlatSideEntry[];
  readonly denies: readonly FlatSideEntry[];
}

export function sideDecision(ir: ResolvedPolicy, segment: string, direction: Direction, peer: AtomEndpoint, services: ServiceSet = ServiceSet.ANY): SideDecision {
  const m = matchingEntries(ir, segment, direction, probe(peer));
  const allows = m.allow.filter((e) => e.services.overlaps(services));
  const denies = m.deny.filter((e) => e.services.overlaps(services));
  return { segment, direction, admitted: sideServices(ir, segment, direction, probe(peer)).intersect(services), allows, denies };
}

/** The sides a flow needs: egress of the source segment, ingress of the destination segment. */
export function flowDecisions(ir: ResolvedPolicy, src: AtomEndpoint, dst: AtomEndpoint, services: ServiceSet = ServiceSet.ANY): SideDecision[] {
  const out: SideDecision[] = [];
  if (src.segment !== undefined) out.push(sideDecision(ir, src.segment, 'egress', dst, services));
  if (dst.segment !== undefined) out.push(sideDecision(ir, dst.segment, 'ingress', src, services));
  return out;
}

/** Names of the allows (rules and allow guardrails) admitting some of `services` on the sides of a flow. */
export function grantingRules(ir: ResolvedPolicy, src: AtomEndpoint, dst: AtomEndpoint, services: ServiceSet): string[] {
  const names = new Set<string>();
  for (const d of flowDecisions(ir, src, dst, services)) for (const e of d.allows) names.add(e.origin.name);
  return [...names].sort();
}

/** Names of the deny guardrails removing some of `services` on the sides of a flow. */
export function denyingGuardrails(ir: ResolvedPolicy, src: AtomEndpoint, dst: AtomEndpoint, services: ServiceSet): string[] {
  const names = new Set<string>();
  for (const d of flowDecisions(ir, src, dst, services)) for (const e of d.denies) names.add(e.origin.name);
  return [...names].sort();
}

/** The same IR with one rule's entries taken out of every side (what the policy would mean without it). */
export function withoutRule(ir: ResolvedPolicy, name: string): ResolvedPolicy {
  const sides = new Map<string, { ingress: { allow: SideEntry[]; deny: SideEntry[] }; egress: { allow: SideEntry[]; deny: SideEntry[] } }>();
  const keep = (es: readonly SideEntry[]) => es.filter((e) => e.origin.name !== name);
  for (const [seg, s] of ir.sides) {
    sides.set(seg, {
      ingress: { allow: keep(s.ingress.allow), deny: keep(s.ingress.deny) },
      egress: { allow: keep(s.egress.allow), deny: keep(s.egress.deny) },
    });
  }
  return { ...ir, rules: ir.rules.filter((r) => r.origin.name !== name), sides, segment: ir.segment, rule: ir.rule };
}

/**
 * Every flow cell of a policy with a non-empty service set, over the given
 * atoms: segment→segment, outside host→segment, segment→outside host.
 * `segments` defaults to the IR's; a segment the IR lacks has no flows.
 * Per segment pair, each side is evaluated once per atom and intersected,
 * so the cost is |atoms(S)|·|atoms(D)| set intersections per pair.
 */
export function* flowCells(
  ir: ResolvedPolicy,
  atoms: readonly AddressRange[],
  segmentNames: readonly string[] = ir.segments.map((s) => s.name),
): Generator<{ src: AtomEndpoint; dst: AtomEndpoint; services: ServiceSet }> {
  const known = new Set(ir.segments.map((s) => s.name));
  const segs = segmentNames.filter((n) => known.has(n));
  const atomsOfSeg = new Map(segs.map((n) => [n, atomsIn(atoms, ir.segment(n).addresses)]));
  const ends: (string | undefined)[] = [...segs, undefined];
  for (const S of ends) {
    const srcAtoms = S === undefined ? atoms : atomsOfSeg.get(S)!;
    for (const D of ends) {
      if (S === undefined && D === undefined) continue;
      const dstAtoms = D === undefined ? atoms : atomsOfSeg.get(D)!;
      // Egress of S per destination atom, ingress of D per source atom.
      const eg = dstAtoms.map((b) => (S === undefined ? ServiceSet.ANY : sideServices(ir, S, 'egress', probe({ segment: D, range: b }))));
      const ing = srcAtoms.map((a) => (D === undefined ? ServiceSet.ANY : sideServices(ir, D, 'ingress', probe({ segment: S, range: a }))));
      for (let i = 0; i < srcAtoms.length; i++) {
        if (ing[i].isEmpty()) continue;
        for (let j = 0; j < dstAtoms.length; j++) {
          if (srcAtoms[i].family !== dstAtoms[j].family || eg[j].isEmpty()) continue;
          const s = eg[j].intersect(ing[i]);
          if (!s.isEmpty()) yield { src: { segment: S, range: srcAtoms[i] }, dst: { segment: D, range: dstAtoms[j] }, services: s };
        }
      }
    }
  }
}
