/**
 * The two sides the product check compares, as exact address sets, with the
 * caches that make it fast: the meaning of one segment side for one packet
 * (`MeaningSide`), the output's (`ActualSide`), and their factor classes
 * (`SideView`, `FactorClass`): peers that hit the same rules on both sides
 * share one factor, so most pairs are decided without building a set.
 * Local atoms split a segment's addresses where a cloud rule looks at the
 * local workload's own address.
 */
import { AddressRange, AddressSet, addressAtoms, Family } from '../net/address';
import { firstNotBefore, meetsAt } from '../net/range-search';
import { SegmentSetPeer, SideEntry } from '../resolve/ir';
import { Chain, localAddressSets, NormRule, ruleMatchesLocal, walkChain } from './model';

/**
 * The meaning of one side for one packet: identity and address entries that
 * admit and deny. Built from the entries that cover the packet, so service
 * atoms covered by the same entries share one (and its cached sets).
 * Segment-set entries (a broad rule side, resolve/ir.ts) stay sets: a peer's
 * key asks them for membership, and the pair check settles their members by
 * class (equivalence.ts) instead of naming each.
 */
export class MeaningSide {
  /** Segments named one by one. */
  readonly idAllow = new Set<string>();
  readonly idDeny = new Set<string>();
  /** Segment sets, each standing for all its members. */
  readonly allowSets: SegmentSetPeer[] = [];
  readonly denySets: SegmentSetPeer[] = [];
  addrAllow = AddressSet.EMPTY;
  addrDeny = AddressSet.EMPTY;

  /** `allow`, `deny`: the side's entries that cover the packet. */
  constructor(allow: readonly SideEntry[], deny: readonly SideEntry[]) {
    for (const [list, ids, sets, isAllow] of [
      [allow, this.idAllow, this.allowSets, true],
      [deny, this.idDeny, this.denySets, false],
    ] as const) {
      for (const e of list) {
        const p = e.peer;
        if (p.kind === 'segment') ids.add(p.segment);
        else if (p.kind === 'segments') {
          if (!sets.includes(p)) sets.push(p);
        } else if (isAllow) this.addrAllow = this.addrAllow.union(p.addresses);
        else this.addrDeny = this.addrDeny.union(p.addresses);
      }
    }
  }

  /** Peer addresses admitted for a peer of this segment (undefined: outside host). */
  admitsNothing(): boolean {
    return this.idAllow.size === 0 && this.allowSets.length === 0 && this.addrAllow.isEmpty();
  }

  /** Peers fall in four classes (admitted by identity or not, denied by identity or not); one set each. */
  private readonly byKey: (AddressSet | undefined)[] = [undefined, undefined, undefined, undefined];

  admitted(peer: string | undefined): AddressSet {
    return this.admittedAt(this.key(peer));
  }

  /** The admitted addresses of every peer with key `k`. */
  admittedAt(k: number): AddressSet {
    let r = this.byKey[k];
    if (!r) {
      const allow = k & 2 ? AddressSet.ALL : this.addrAllow;
      const deny = k & 1 ? AddressSet.ALL : this.addrDeny;
      r = this.byKey[k] = allow.subtract(deny);
    }
    return r;
  }

  /** 0–3: bit 2 admitted by identity, bit 1 denied by identity. */
  key(peer: string | undefined): number {
    if (peer === undefined) return 0;
    return (this.admitsById(peer) ? 2 : 0) | (this.deniesById(peer) ? 1 : 0);
  }

  /** Does an allow name the peer segment by identity (one by one or in a set)? */
  admitsById(peer: string): boolean {
    return this.idAllow.has(peer) || this.allowSets.some((x) => x.set.has(peer));
  }

  deniesById(peer: string): boolean {
    return this.idDeny.has(peer) || this.denySets.some((x) => x.set.has(peer));
  }

  /** The key of a peer named by no single entry, from the sets it is a member of (`inSet`). */
  keyBySets(inSet: (s: SegmentSetPeer) => boolean): number {
    return (this.allowSets.some(inSet) ? 2 : 0) | (this.denySets.some(inSet) ? 1 : 0);
  }

  /** Every peer segment admitted by identity and not denied by identity (walks set members: for small sides or tolerances). */
  *admittedIds(): Iterable<string> {
    const seen = new Set<string>();
    for (const list of [[...this.idAllow], ...this.allowSets.map((x) => x.segments)]) {
      for (const y of list) {
        if (seen.has(y)) continue;
        seen.add(y);
        if (!this.deniesById(y)) yield y;
      }
    }
  }
}

/**
 * The output's side of one segment, at one local atom, for one packet.
 * Built from the rules that match the packet, so service atoms matched by
 * the same rules share one (and its cached sets and factor classes).
 *
 * A peer's signature is the set of identity rules it hits (the rules naming
 * an identity its workloads carry). Rules naming a narrow identity (few
 * carriers: a segment's own group) name their carriers; a wide identity (a
 * label group every segment attaches) is left to the pair check's classes
 * (equivalence.ts), so no side walks 10,000 carriers per rule.
 */
export class ActualSide {
  /** Views with each meaning side met so far (their factor classes persist across service atoms). */
  private readonly views = new Map<MeaningSide, SideView>();
  /** Identity → codes (chain << 24 | position) of the identity rules naming it, ascending. */
  private readonly byId = new Map<string, number[]>();
  /**
   * Narrow identities some rule names; their carriers are named peers. Kept as identities, not carriers, and no
   * signature is cached per peer: GCP's deny of 5,000 staging tags reaches 5,000 prod sides, and 25 million cached
   * carriers and signatures took 6 GB at 10,000 segments.
   */
  private readonly narrowIds: string[] = [];
  /** Wide identities some rule names. */
  readonly wideIds: string[] = [];
  private readonly bySig = new Map<string, AddressSet>();
  private readonly hitSets = new Map<string, Set<number>[]>();

  /** `rules`: per chain, the rules that apply to the local atom and match the packet, in chain order. */
  constructor(
    private readonly rules: readonly (readonly NormRule[])[],
    private readonly universe: AddressSet,
    private readonly carriers: ReadonlyMap<string, readonly string[]>,
    private readonly peers: PeerIdentities,
  ) {
    rules.forEach((rs, ci) => rs.forEach((r, ri) => this.noteRule(r, ci * 2 ** 24 + ri)));
  }

  /** Index one identity rule (`code`: chain << 24 | position) under every identity it names. */
  private noteRule(r: NormRule, code: number): void {
    for (const id of r.peer.ids) {
      const codes = this.byId.get(id);
      if (codes) {
        if (codes[codes.length - 1] !== code) codes.push(code);
        continue;
      }
      this.byId.set(id, [code]);
      if (this.peers.wide.has(id)) this.wideIds.push(id);
      else this.narrowIds.push(id);
    }
  }

  view(m: MeaningSide): SideView {
    let v = this.views.get(m);
    if (!v) this.views.set(m, (v = new SideView(this, m)));
    return v;
  }

  /** The identity rules a peer segment hits, as one comparable text ('' for none and for outside hosts). */
  sig(peer: string | undefined): string {
    return peer === undefined ? '' : this.sigOfIds(this.peers.idsOf(peer));
  }

  /** The signature of a peer carrying exactly `ids`. */
  sigOfIds(ids: Iterable<string>): string {
    let codes: number[] | undefined;
    let many = false;
    for (const id of ids) {
      const c = this.byId.get(id);
      if (!c) continue;
      if (codes) {
        codes = codes.concat(c);
        many = true;
      } else codes = c;
    }
    if (!codes) return '';
    if (many) codes = [...new Set(codes)].sort((a, b) => a - b);
    return codes.join(',');
  }

  /** Peer segments some narrow identity rule names, a segment once per identity (every other peer's signature comes from its wide identities only). */
  *named(): IterableIterator<string> {
    for (const id of this.narrowIds) yield* this.carriers.get(id) ?? [];
  }

  /** True when no peer can be admitted: some chain that applies has no allow rule for this packet. */
  admitsNothing(): boolean {
    // A chain admits nothing when a deny of every peer comes before its first allow
    // (Azure's deny-all at 4096 before the default allows, GCP's egress deny before the implied allow).
    return this.rules.some((rs) => {
      for (const r of rs) {
        // A `next` rule hands the packet to a later layer, which may allow it.
        if (r.action !== 'deny') return false;
        if (r.peer.addrs.containsSet(this.universe)) return true;
      }
      return true;
    });
  }

  admitted(peer: string | undefined): AddressSet {
    return this.admittedSig(this.sig(peer));
  }

  /** What the side admits for every peer with signature `sig`. */
  admittedSig(sig: string): AddressSet {
    let r = this.bySig.get(sig);
    if (!r) {
      const hit = this.hitSet(sig);
      r = this.universe;
      for (let ci = 0; ci < this.rules.length && !r.isEmpty(); ci++) {
        const h = hit[ci];
        r = r.intersect(walkChain(this.rules[ci], (i) => h.has(i), this.universe));
      }
      this.bySig.set(sig, r);
    }
    return r;
  }

  private hitSet(sig: string): Set<number>[] {
    let h = this.hitSets.get(sig);
    if (!h) {
      h = this.rules.map(() => new Set<number>());
      if (sig) for (const x of sig.split(',')) {
        const code = Number(x);
        h[Math.floor(code / 2 ** 24)].add(code % 2 ** 24);
      }
      this.hitSets.set(sig, h);
    }
    return h;
  }
}

/**
 * Who carries what, for the pair check's classes: identities carried by
 * more than a few segments are wide (label groups, label ASGs, the
 * all-segments group). A segment's profile is the wide identities it
 * carries and the meaning's segment sets it is a member of; peers that no
 * side names one by one are settled per profile.
 */
export interface PeerIdentities {
  readonly wide: ReadonlySet<string>;
  idsOf(segment: string): ReadonlySet<string>;
}

export interface Profile {
  readonly wideIds: readonly string[];
  readonly sets: ReadonlySet<SegmentSetPeer>;
  readonly members: ReadonlySet<string>;
}

export class Profiles {
  private readonly withId = new Map<string, Profile[]>();
  private readonly withSet = new Map<SegmentSetPeer, Profile[]>();

  constructor(segments: readonly string[], ids: PeerIdentities, sets: readonly SegmentSetPeer[]) {
    const setsOf = new Map<string, SegmentSetPeer[]>();
    for (const x of sets) for (const m of x.segments) (setsOf.get(m) ?? setsOf.set(m, []).get(m)!).push(x);
    const byKey = new Map<string, { wideIds: string[]; sets: Set<SegmentSetPeer>; members: Set<string> }>();
    const setIndex = new Map(sets.map((x, i) => [x, i]));
    for (const s of segments) {
      const wideIds = [...ids.idsOf(s)].filter((id) => ids.wide.has(id)).sort();
      const mine = setsOf.get(s) ?? [];
      if (wideIds.length === 0 && mine.length === 0) continue;
      const key = `${wideIds.join(',')}|${mine.map((x) => setIndex.get(x)).join(',')}`;
      let p = byKey.get(key);
      if (!p) {
        byKey.set(key, (p = { wideIds, sets: new Set(mine), members: new Set() }));
        for (const id of wideIds) (this.withId.get(id) ?? this.withId.set(id, []).get(id)!).push(p);
        for (const x of mine) (this.withSet.get(x) ?? this.withSet.set(x, []).get(x)!).push(p);
      }
      p.members.add(s);
    }
  }

  /** Profiles whose members a side's wide identities or segment sets name. */
  relevant(v: SideView): Set<Profile> {
    const out = new Set<Profile>();
    for (const id of v.actual.wideIds) for (const p of this.withId.get(id) ?? []) out.add(p);
    for (const x of [...v.meaning.allowSets, ...v.meaning.denySets]) for (const p of this.withSet.get(x) ?? []) out.add(p);
    return out;
  }
}

export interface LocalAtom {
  readonly set: AddressSet;
  /** Short key: equal sets share it (segments with the same addresses share comparisons). */
  readonly key: string;
  readonly lo: bigint;
}

/**
 * Short keys for address sets, per check (not module-wide: a long-lived
 * process verifying many outputs must not keep every atom it ever saw).
 */
export class SetKeys {
  private readonly keys = new Map<string, string>();

  key(s: AddressSet): string {
    const long = s.ranges.map((r) => `${r.family}:${r.lo}-${r.hi}`).join(',');
    let k = this.keys.get(long);
    if (k === undefined) {
      k = `a${this.keys.size}`;
      this.keys.set(long, k);
    }
    return k;
  }
}

/**
 * One factor of a pair's product (E or I) for every peer in a class: the
 * peers that hit the same identity rules of the output (same signature)
 * and the same identity entries of the meaning. Equal whole sets mean an
 * equal factor at every peer atom, so most pairs need no set operation;
 * only unequal classes are narrowed to the peer's atom.
 */
export class FactorClass {
  readonly equal: boolean;
  /** Where output and meaning differ (symmetric difference); empty when equal. */
  readonly delta: AddressSet;
  private readonly byAtom = new Map<string, { act: AddressSet; exp: AddressSet }>();

  constructor(
    readonly act: AddressSet,
    readonly exp: AddressSet,
  ) {
    this.equal = act.equals(exp);
    this.delta = this.equal ? AddressSet.EMPTY : act.subtract(exp).union(exp.subtract(act));
  }

  /** Does the factor differ at this peer atom? (act ∩ β ≠ exp ∩ β), without building either. */
  differsAt(peerAtom: LocalAtom): boolean {
    return !this.equal && meets(this.delta, peerAtom.set);
  }

  at(peerAtom: LocalAtom): { act: AddressSet; exp: AddressSet } {
    let r = this.byAtom.get(peerAtom.key);
    if (!r) {
      r = { act: this.act.intersect(peerAtom.set), exp: this.exp.intersect(peerAtom.set) };
      this.byAtom.set(peerAtom.key, r);
    }
    return r;
  }
}

/** Does `a` share an address with `b`? Binary search in `a` per range of `b` (a local atom: few ranges). */
function meets(a: AddressSet, b: AddressSet): boolean {
  const rs = a.ranges;
  for (const r of b.ranges) if (meetsAt(rs, firstNotBefore(rs, r.family, r.lo), r.family, r.lo, r.hi)) return true;
  return false;
}

/** Output and meaning of one side of one segment at one local atom, for one packet. */
export class SideView {
  /** By output signature, then by meaning key (0–3). */
  private readonly classes = new Map<string, (FactorClass | undefined)[]>();

  constructor(
    readonly actual: ActualSide,
    readonly meaning: MeaningSide,
  ) {}

  /** The class of every peer that neither the output's identity rules nor the meaning's identity entries name. */
  defaultClass(): FactorClass {
    return this.classAt('', 0);
  }

  /** Peers named one by one, in the output or in the meaning: their class is their own. */
  *named(): Iterable<string> {
    yield* this.actual.named();
    yield* this.meaning.idAllow;
    yield* this.meaning.idDeny;
  }

  classOf(peer: string): FactorClass {
    return this.classAt(this.actual.sig(peer), this.meaning.key(peer));
  }

  /** The class of every member of `p` that is not named one by one (`named`). */
  profileClass(p: Profile): FactorClass {
    return this.classAt(this.actual.sigOfIds(p.wideIds), this.meaning.keyBySets((x) => p.sets.has(x)));
  }

  private classAt(sig: string, k: number): FactorClass {
    let row = this.classes.get(sig);
    if (!row) {
      row = [undefined, undefined, undefined, undefined];
      this.classes.set(sig, row);
    }
    return (row[k] ??= new FactorClass(this.actual.admittedSig(sig), this.meaning.admittedAt(k)));
  }
}

/** A segment's addresses of one family, split where its rules look at local addresses (grouped: one atom per distinct membership). */
export function localAtoms(addrs: AddressSet, chains: readonly Chain[], keys: SetKeys): LocalAtom[] {
  const setKey = (s: AddressSet) => keys.key(s);
  if (addrs.isEmpty()) return [];
  const sets = localAddressSets(chains);
  if (sets.length === 0) return [{ set: addrs, key: setKey(addrs), lo: addrs.ranges[0].lo }];
  const groups = new Map<string, AddressRange[]>();
  for (const r of addressAtoms(sets, addrs)) {
    const k = sets.map((s) => (s.contains(r.family, r.lo) ? '1' : '0')).join('');
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  return [...groups.values()].map((rs) => {
    const set = AddressSet.fromRanges(rs);
    return { set, key: setKey(set), lo: set.ranges[0].lo };
  });
}

/**
 * The rules of a chain that apply to a local workload, found through an
 * index by local identity: GCP's one chain holds every firewall of the
 * network, and testing each against each segment is quadratic.
 */
export class LocalIndex {
  private readonly byId = new Map<string, number[]>();
  /** Rules whose first local clause is not identities only (addresses, or no clause): always tested. */
  private readonly always: number[] = [];

  constructor(private readonly rules: readonly NormRule[]) {
    rules.forEach((r, i) => {
      const first = r.local[0];
      if (!first || !first.addrs.isEmpty()) {
        this.always.push(i);
        return;
      }
      for (const id of first.ids) {
        const l = this.byId.get(id);
        if (l) l.push(i);
        else this.byId.set(id, [i]);
      }
    });
  }

  /** In chain order (first match decides). */
  matching(ids: ReadonlySet<string>, family: Family, atomLo: bigint): NormRule[] {
    const cand = new Set<number>(this.always);
    for (const id of ids) for (const i of this.byId.get(id) ?? []) cand.add(i);
    return [...cand]
      .sort((a, b) => a - b)
      .map((i) => this.rules[i])
      .filter((r) => ruleMatchesLocal(r, ids, family, atomLo));
  }
}

/** The items that pass, and their positions as a key (`1,4,7`). */
export function covering<T>(list: readonly T[], pass: (x: T) => boolean): { items: T[]; at: string } {
  const items: T[] = [];
  let at = '';
  for (let i = 0; i < list.length; i++) {
    if (!pass(list[i])) continue;
    items.push(list[i]);
    at += at ? `,${i}` : `${i}`;
  }
  return { items, at };
}

export function sample(s: AddressSet): bigint | undefined {
  return s.ranges[0]?.lo;
}
