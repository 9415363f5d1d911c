/**
 * Compiling to an allow-only model: AWS security groups and Kubernetes
 * NetworkPolicy share it. Such a model has no deny and admits a flow only
 * when the source's egress and the destination's ingress both do, so every
 * deny of the policy must be folded into the allows, exactly:
 *
 * - Phase 1, each side on its own: a segment peer `p` is admitted by
 *   identity on ∪allows(p) − ∪denies(p), minus the services on which an
 *   address deny covers every address `p` may hold. An address deny covering
 *   only part of addr(p) cannot be written ("p but not at these addresses"):
 *   the cloud reports it, unless the other side of the flow blocks those
 *   services anyway. Address peers become, per service atom,
 *   ∪address allows − ∪address denies.
 * - Phase 2, deny guardrails between segments against address allows: where
 *   q's egress addresses reach x and x's ingress addresses reach q on a
 *   denied service, the denied segment's addresses are subtracted on the side
 *   that costs the cloud fewer entries (the spec's "stricter at shared
 *   addresses" deviation), and the cloud says so in a note.
 *
 * What each cloud supplies is how an address set is costed and how the two
 * remarks are worded; the meaning is decided here once.
 */
import { AddressSet, addressAtoms } from '../../net/address';
import { ServiceSet, serviceAtoms } from '../../net/service';
import { sameFamilyAs, sharedFamilies } from '../../resolve/families';
import { targetBudget } from '../../resolve/budget';
import { Direction, Origin, ResolvedPolicy, ResolvedSegment, SegmentSetPeer, Side, SideEntry } from '../../resolve/ir';
import { flatEntries } from '../../resolve/peers';
import { sideServices } from '../../resolve/meaning';

/** A service atom (or a union of atoms) of a side, with the addresses admitted on it. */
export interface CidrPart {
  readonly svc: ServiceSet;
  readonly addrs: AddressSet;
}

/** One side (ingress or egress) of one segment, compiled to allows. */
export interface SideWork {
  readonly segment: ResolvedSegment;
  readonly dir: Direction;
  readonly side: Side;
  /** Peer segment → services admitted by identity. */
  readonly refs: Map<string, ServiceSet>;
  /** Address part: a partition of the address-admitted services with their addresses. */
  cidr: CidrPart[];
}

/** An address deny covers part of a peer's addresses while an allow admits the peer by identity, and the other side does not block it. */
export interface PartialDeny {
  readonly segment: ResolvedSegment;
  readonly dir: Direction;
  readonly peer: string;
  readonly services: ServiceSet;
  readonly guardrails: readonly Origin[];
  readonly rules: readonly Origin[];
}

/** A deny guardrail between segments enforced by subtracting addresses from address allows. */
export interface Subtraction {
  /** The denied flow's ends: `from` -> `to`. */
  readonly from: string;
  readonly to: string;
  readonly services: ServiceSet;
  readonly guardrails: readonly Origin[];
  /** The allows whose addresses were narrowed. */
  readonly narrowed: readonly Origin[];
  /** Whose addresses were removed, from which side of which segment. */
  readonly removedOf: string;
  readonly removed: AddressSet;
  readonly target: SideWork;
}

export interface AllowOnlyModel {
  /** What writing this address set costs the model (rules, ipBlocks): the cheaper side is narrowed. */
  cost(addrs: AddressSet): number;
  onPartialDeny(d: PartialDeny): void;
  onSubtraction(s: Subtraction): void;
}

export const opposite = (d: Direction): Direction => (d === 'ingress' ? 'egress' : 'ingress');
/** `p -> x` for x's ingress, `x -> p` for its egress. */
export const arrow = (dir: Direction, x: string, p: string) => (dir === 'ingress' ? `${p} -> ${x}` : `${x} -> ${p}`);
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** An entry naming peers by identity: one segment, or a segment set (a broad rule side, resolve/ir.ts). */
export const isSegmentEntry = (e: SideEntry) => e.peer.kind !== 'addresses';
export const peerSegment = (e: SideEntry) => (e.peer.kind === 'segment' ? e.peer.segment : '');
export const peerAddresses = (e: SideEntry) => (e.peer.kind === 'addresses' ? e.peer.addresses : AddressSet.EMPTY);

/** The rules and guardrails behind `entries`, once each, sorted by name. */
export function uniqueOrigins(entries: readonly SideEntry[]): Origin[] {
  const m = new Map<string, Origin>();
  for (const e of entries) m.set(e.origin.name, e.origin);
  return [...m.values()].sort(byName);
}

export const unionServices = (es: readonly SideEntry[]) => es.reduce((s, e) => s.union(e.services), ServiceSet.EMPTY);
export const unionAddresses = (as: readonly AddressSet[]) => as.reduce((s, a) => s.union(a), AddressSet.EMPTY);

function byPeerSegment(entries: readonly SideEntry[]): Map<string, SideEntry[]> {
  const m = new Map<string, SideEntry[]>();
  for (const e of entries) if (e.peer.kind === 'segment') (m.get(peerSegment(e)) ?? m.set(peerSegment(e), []).get(peerSegment(e))!).push(e);
  return m;
}

/**
 * The identity denies of a side, by peer, without listing a segment set's
 * members: a deny from {env: staging} on the ingress of 5,000 prod segments
 * names 5,000 peers each, and only the peers some allow admits, or whose
 * addresses an address allow reaches, are ever asked about.
 */
class PeerDenies {
  private readonly one: Map<string, SideEntry[]>;
  private readonly sets: { entry: SideEntry; peer: SegmentSetPeer }[] = [];

  constructor(entries: readonly SideEntry[]) {
    this.one = byPeerSegment(entries);
    for (const e of entries) if (e.peer.kind === 'segments') this.sets.push({ entry: e, peer: e.peer });
  }

  /** The deny entries naming `p`, in side order (one-by-one entries first: only services and origins are read). */
  of(p: string): SideEntry[] {
    const mine = this.one.get(p) ?? [];
    const inSets = this.sets.filter((x) => x.peer.set.has(p)).map((x) => x.entry);
    return inSets.length ? [...mine, ...inSets] : mine;
  }

  /** Every peer some deny names whose addresses meet `reach`, sorted. */
  peersMeeting(ir: ResolvedPolicy, reach: AddressSet): string[] {
    const out = new Set<string>();
    for (const p of this.one.keys()) if (reach.overlaps(ir.segment(p).addresses)) out.add(p);
    for (const { peer } of this.sets) for (const p of membersMeeting(ir, peer, reach)) out.add(p);
    return [...out].sort();
  }
}

/** Members of a set by address, for `membersMeeting`: their ranges sorted by start, with the largest end so far. */
const memberRanges = new WeakMap<SegmentSetPeer, { lo: bigint; hi: bigint; family: number; maxHi: bigint; member: string }[]>();

/** The members of `peer` holding an address of `reach`: a binary search per range of `reach`, not a test per member. */
function membersMeeting(ir: ResolvedPolicy, peer: SegmentSetPeer, reach: AddressSet): Set<string> {
  let rs = memberRanges.get(peer);
  if (!rs) {
    const flat = peer.segments.flatMap((m) => ir.segment(m).addresses.ranges.map((r) => ({ lo: r.lo, hi: r.hi, family: r.family, maxHi: 0n, member: m })));
    flat.sort((a, b) => a.family - b.family || (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
    let fam = -1;
    let max = -1n;
    for (const r of flat) {
      if (r.family !== fam) [fam, max] = [r.family, -1n];
      if (r.hi > max) max = r.hi;
      r.maxHi = max;
    }
    memberRanges.set(peer, (rs = flat));
  }
  const out = new Set<string>();
  for (const q of reach.ranges) {
    // Last range starting at or before q.hi (within q's family), then back while some earlier range may still reach q.lo.
    let lo = 0;
    let hi = rs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const x = rs[mid];
      if (x.family < q.family || (x.family === q.family && x.lo <= q.hi)) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0 && rs[i].family === q.family && rs[i].maxHi >= q.lo; i--) if (rs[i].hi >= q.lo) out.add(rs[i].member);
  }
  return out;
}

/** Does the `dir` side of segment `p` admit any service of `t` for some workload of `x` (at any of x's addresses of a family p can hold)? Per the meaning. */
function sideAdmitsAny(ir: ResolvedPolicy, p: string, dir: Direction, x: string, t: ServiceSet): boolean {
  const side = ir.sides.get(p)![dir];
  const addrX = sameFamilyAs(ir.segment(p), ir.segment(x).addresses);
  const sets = [...side.allow, ...side.deny].filter((e) => !isSegmentEntry(e)).map(peerAddresses);
  for (const r of addressAtoms(sets, addrX)) {
    if (sideServices(ir, p, dir, { segment: x, family: r.family, address: r.lo }).overlaps(t)) return true;
  }
  return false;
}

/** Merge parts with equal address sets (fewer parts, same meaning). */
function mergeParts(parts: readonly CidrPart[]): CidrPart[] {
  const m = new Map<string, CidrPart>();
  for (const p of parts) {
    const k = p.addrs.toString();
    const old = m.get(k);
    m.set(k, old ? { svc: old.svc.union(p.svc), addrs: old.addrs } : p);
  }
  return [...m.values()];
}

/** Phase 1 for one side of one segment. */
function planSide(ir: ResolvedPolicy, seg: ResolvedSegment, dir: Direction, model: AllowOnlyModel): SideWork {
  // Allows one entry per peer (a set of them is listed, counted in planAllowOnly); denies asked per peer.
  const compact = ir.sides.get(seg.name)![dir];
  const side: Side = { allow: flatEntries(compact.allow), deny: compact.deny };
  const allowBy = byPeerSegment(side.allow);
  const denyBy = new PeerDenies(side.deny);
  const addrAllows = side.allow.filter((e) => !isSegmentEntry(e));
  const addrDenies = side.deny.filter((e) => !isSegmentEntry(e));

  const refs = new Map<string, ServiceSet>();
  for (const p of [...allowBy.keys()].sort()) {
    let keep = unionServices(allowBy.get(p)!).subtract(unionServices(denyBy.of(p)));
    if (keep.isEmpty()) continue;
    // Packets between workloads of seg and p have a family both can hold: p's other addresses never meet seg.
    if (sharedFamilies(seg, ir.segment(p)).length === 0) continue;
    const addrP = sameFamilyAs(seg, ir.segment(p).addresses);
    const touching = addrDenies.filter((e) => peerAddresses(e).overlaps(addrP) && e.services.overlaps(keep));
    if (touching.length > 0) {
      let kept = ServiceSet.EMPTY;
      let bad = ServiceSet.EMPTY;
      for (const t of serviceAtoms(keep, touching.map((e) => e.services))) {
        const denied = unionAddresses(touching.filter((e) => e.services.containsSet(t)).map(peerAddresses));
        if (denied.containsSet(addrP)) continue; // every workload of p is denied by address: drop, exactly
        if (!denied.overlaps(addrP)) kept = kept.union(t);
        // Partly denied: dropping is exact only when the other side blocks anyway.
        else if (sideAdmitsAny(ir, p, opposite(dir), seg.name, t)) bad = bad.union(t);
      }
      keep = kept;
      if (!bad.isEmpty()) {
        const guardrails = uniqueOrigins(touching.filter((e) => e.services.overlaps(bad) && peerAddresses(e).overlaps(addrP)));
        const rules = uniqueOrigins(allowBy.get(p)!.filter((e) => e.services.overlaps(bad)));
        model.onPartialDeny({ segment: seg, dir, peer: p, services: bad, guardrails, rules });
      }
    }
    if (!keep.isEmpty()) refs.set(p, keep);
  }

  const cidr: CidrPart[] = [];
  if (addrAllows.length > 0) {
    const cuts = [...addrAllows, ...addrDenies].map((e) => e.services);
    for (const t of serviceAtoms(unionServices(addrAllows), cuts)) {
      // Only addresses of a family seg's workloads can hold can be the other end of their packets.
      const allowed = sameFamilyAs(seg, unionAddresses(addrAllows.filter((e) => e.services.containsSet(t)).map(peerAddresses)));
      const denied = unionAddresses(addrDenies.filter((e) => e.services.containsSet(t)).map(peerAddresses));
      const addrs = allowed.subtract(denied);
      if (!addrs.isEmpty()) cidr.push({ svc: t, addrs });
    }
  }
  return { segment: seg, dir, side, refs, cidr: mergeParts(cidr) };
}

/** Services of `n` for which the address part admits some address of `addrs`. */
function leak(parts: readonly CidrPart[], n: ServiceSet, addrs: AddressSet): ServiceSet {
  let s = ServiceSet.EMPTY;
  for (const p of parts) if (p.svc.overlaps(n) && p.addrs.overlaps(addrs)) s = s.union(p.svc.intersect(n));
  return s;
}

function subtractParts(parts: readonly CidrPart[], n: ServiceSet, sub: AddressSet, cost: (a: AddressSet) => number): { parts: CidrPart[]; cost: number } {
  const out: CidrPart[] = [];
  let added = 0;
  for (const p of parts) {
    if (!p.svc.overlaps(n) || !p.addrs.overlaps(sub)) {
      out.push(p);
      continue;
    }
    const outside = p.svc.subtract(n);
    const narrowed = p.addrs.subtract(sub);
    added += cost(narrowed) - (outside.isEmpty() ? cost(p.addrs) : 0);
    if (!outside.isEmpty()) out.push({ svc: outside, addrs: p.addrs });
    if (!narrowed.isEmpty()) out.push({ svc: p.svc.intersect(n), addrs: narrowed });
  }
  return { parts: mergeParts(out), cost: added };
}

/** Phase 2: returns how many subtractions were made. */
function enforceIdentityDenies(ir: ResolvedPolicy, work: Map<string, SideWork>, model: AllowOnlyModel): number {
  let subtractions = 0;
  for (const x of ir.segments) {
    const inW = work.get(`${x.name}/ingress`)!;
    if (inW.cidr.length === 0) continue; // x's ingress admits no address: every deny towards x already holds there
    const reach = unionAddresses(inW.cidr.map((c) => c.addrs));
    const byPeer = new PeerDenies(inW.side.deny);
    for (const q of byPeer.peersMeeting(ir, reach)) {
      const addrQ = ir.segment(q).addresses;
      const egW = work.get(`${q}/egress`)!;
      if (egW.cidr.length === 0) continue;
      const entries = byPeer.of(q);
      const ds = unionServices(entries);
      // The flow q -> x on s passes only if x's ingress addresses reach addr(q) and q's egress addresses reach addr(x).
      const need = leak(inW.cidr, ds, addrQ).intersect(leak(egW.cidr, ds, x.addresses));
      if (need.isEmpty()) continue;
      const onIn = subtractParts(inW.cidr, need, addrQ, model.cost);
      const onEg = subtractParts(egW.cidr, need, x.addresses, model.cost);
      const ingress = onIn.cost <= onEg.cost;
      const target = ingress ? inW : egW;
      const removed = ingress ? addrQ : x.addresses;
      const narrowed = uniqueOrigins(target.side.allow.filter((e) => !isSegmentEntry(e) && e.services.overlaps(need) && peerAddresses(e).overlaps(removed)));
      target.cidr = ingress ? onIn.parts : onEg.parts;
      subtractions++;
      const guardrails = uniqueOrigins(entries.filter((e) => e.services.overlaps(need)));
      model.onSubtraction({ from: q, to: x.name, services: need, guardrails, narrowed, removedOf: ingress ? q : x.name, removed, target });
    }
  }
  return subtractions;
}

/** Both phases for every side of every segment: `work` keyed `segment/direction`. */
export function planAllowOnly(ir: ResolvedPolicy, model: AllowOnlyModel, target: string): { readonly work: Map<string, SideWork>; readonly subtractions: number } {
  // An allow whose two ends are segment sets is listed per peer here (one identity reference per peer segment): counted first.
  const budget = targetBudget(ir, target, `${target} lists an allow between two segment sets one peer segment at a time`);
  for (const r of ir.rules) if (r.origin.action === 'allow' && !r.pairsListed && !r.services.isEmpty()) budget.add(r.origin, r.pairCount);
  const work = new Map<string, SideWork>();
  for (const seg of ir.segments) for (const dir of ['ingress', 'egress'] as Direction[]) work.set(`${seg.name}/${dir}`, planSide(ir, seg, dir, model));
  return { work, subtractions: enforceIdentityDenies(ir, work, model) };
}
