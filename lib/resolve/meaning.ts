/**
 * The meaning of a policy, evaluated: docs/policy-reference.md, "What a policy means, in short", literally.
 * Every back end, the verifier, explain, diff and the lifecycle analyses
 * judge against these functions, so they stay small and obviously right.
 */
import { Family } from '../net/address';
import { ServiceSet } from '../net/service';
import { Direction, FlatSideEntry, Peer, ResolvedPolicy, SideEntry } from './ir';

/** Who is on the other side of a packet: a workload of a segment (identity + address) or an outside host (address only). */
export interface PeerEndpoint {
  /** Segment whose identity the peer carries; undefined for an outside host. */
  readonly segment?: string;
  readonly family: Family;
  readonly address: bigint;
}

export function peerMatches(peer: Peer, p: PeerEndpoint): boolean {
  if (peer.kind === 'segment') return p.segment !== undefined && peer.segment === p.segment;
  if (peer.kind === 'segments') return p.segment !== undefined && peer.set.has(p.segment);
  return peer.addresses.contains(p.family, p.address);
}

/** The entries of one side that match a peer: the allows and denies that decide. */
export function matchingEntries(ir: ResolvedPolicy, segment: string, dir: Direction, p: PeerEndpoint): { allow: FlatSideEntry[]; deny: FlatSideEntry[] } {
  const side = ir.sides.get(segment);
  if (!side) throw new Error(`unknown segment '${segment}'`);
  const s = side[dir];
  // A segment-set entry that matches is reported as the segment entry it stands for (peers.ts): one entry per peer.
  const pick = (es: readonly SideEntry[]): FlatSideEntry[] =>
    es.filter((e) => peerMatches(e.peer, p)).map((e) => (e.peer.kind === 'segments' ? { peer: { kind: 'segment' as const, segment: p.segment! }, services: e.services, origin: e.origin } : (e as FlatSideEntry)));
  return { allow: pick(s.allow), deny: pick(s.deny) };
}

/**
 * Services that the `dir` side of `segment` admits for packets from (ingress)
 * or to (egress) the peer: ∪ matching allows − ∪ matching denies.
 */
export function sideServices(ir: ResolvedPolicy, segment: string, dir: Direction, p: PeerEndpoint): ServiceSet {
  const m = matchingEntries(ir, segment, dir, p);
  let allowed = ServiceSet.EMPTY;
  for (const e of m.allow) allowed = allowed.union(e.services);
  for (const e of m.deny) allowed = allowed.subtract(e.services);
  return allowed;
}

export type FlowEndpoint = PeerEndpoint;

/**
 * Services allowed for a flow from `src` to `dst` (each a workload of a
 * segment, or an outside host): egress of the source segment ∩ ingress of
 * the destination segment; a side without a segment imposes nothing. A flow
 * between two outside hosts is not ours to judge and yields the empty set.
 */
export function flowServices(ir: ResolvedPolicy, src: FlowEndpoint, dst: FlowEndpoint): ServiceSet {
  if (src.segment === undefined && dst.segment === undefined) return ServiceSet.EMPTY;
  let allowed = ServiceSet.ANY;
  if (src.segment !== undefined) allowed = allowed.intersect(sideServices(ir, src.segment, 'egress', dst));
  if (dst.segment !== undefined) allowed = allowed.intersect(sideServices(ir, dst.segment, 'ingress', src));
  return allowed;
}

/** Is one packet of a flow allowed? */
export function flowAllowed(ir: ResolvedPolicy, src: FlowEndpoint, dst: FlowEndpoint, proto: number, port = 0): boolean {
  return flowServices(ir, src, dst).has(dst.family, proto, port);
}
