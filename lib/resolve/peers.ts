/**
 * Peers of side entries, whatever their form: a segment, a segment set (one
 * entry standing for every segment of a broad rule side, ir.ts) or
 * addresses. Consumers that reason per peer segment read a side through
 * `flatSide`, which expands each segment-set entry in place into the
 * per-segment entries it stands for, exactly the list an IR without sets
 * holds; consumers that scale with broad sides (the verifier, the planners
 * that name a set by one reference) use the set itself.
 */
import { Direction, FlatSide, FlatSideEntry, Peer, ResolvedPolicy, SegmentPeer, SegmentSetPeer, Side, SideEntry } from './ir';

/** Does this peer name workloads of `segment` by identity? */
export function namesSegment(peer: Peer, segment: string): boolean {
  if (peer.kind === 'segment') return peer.segment === segment;
  if (peer.kind === 'segments') return peer.set.has(segment);
  return false;
}

/** Is the peer identity-based (a segment or a segment set)? */
export const isIdentityPeer = (peer: Peer): peer is SegmentPeer | SegmentSetPeer => peer.kind !== 'addresses';

/** The segments a peer names by identity, in order (none for addresses). */
export function peerSegments(peer: Peer): readonly string[] {
  if (peer.kind === 'segment') return [peer.segment];
  if (peer.kind === 'segments') return peer.segments;
  return [];
}

/** One segment peer per member, made once per set (every side of the rule shares them). */
const memberPeers = new WeakMap<SegmentSetPeer, readonly SegmentPeer[]>();

function membersOf(p: SegmentSetPeer): readonly SegmentPeer[] {
  let m = memberPeers.get(p);
  if (!m) memberPeers.set(p, (m = p.segments.map((segment) => ({ kind: 'segment', segment }))));
  return m;
}

/** `entries` with every segment-set entry replaced, in place, by one segment entry per member. */
export function flatEntries(entries: readonly SideEntry[]): readonly FlatSideEntry[] {
  if (!entries.some((e) => e.peer.kind === 'segments')) return entries as readonly FlatSideEntry[];
  const out: FlatSideEntry[] = [];
  for (const e of entries) {
    if (e.peer.kind !== 'segments') out.push(e as FlatSideEntry);
    else for (const peer of membersOf(e.peer)) out.push({ peer, services: e.services, origin: e.origin });
  }
  return out;
}

const flat = new WeakMap<Side, FlatSide>();

/** The side with one entry per peer segment (the same object when it holds no segment set). */
export function flatSide(side: Side): FlatSide {
  let f = flat.get(side);
  if (!f) {
    const allow = flatEntries(side.allow);
    const deny = flatEntries(side.deny);
    f = allow === side.allow && deny === side.deny ? (side as FlatSide) : { allow, deny };
    flat.set(side, f);
  }
  return f;
}

/** The `dir` side of `segment`, one entry per peer segment. */
export function sideOf(ir: ResolvedPolicy, segment: string, dir: Direction): FlatSide {
  const s = ir.sides.get(segment);
  if (!s) throw new Error(`unknown segment '${segment}'`);
  return flatSide(s[dir]);
}

/** Does any side of the IR hold a segment-set entry? */
export function hasSegmentSets(ir: ResolvedPolicy): boolean {
  for (const s of ir.sides.values()) {
    for (const side of [s.ingress, s.egress]) if (side.allow.some((e) => e.peer.kind === 'segments') || side.deny.some((e) => e.peer.kind === 'segments')) return true;
  }
  return false;
}
