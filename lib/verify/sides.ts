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
import { SideEntry } from '../resolve/ir';
import { Chain, localAddressSets, NormRule, ruleMatchesLocal, walkChain } from './model';

/**
 * The meaning of one side for one packet: identity and address entries that
 * admit and deny. Built from the entries that cover the packet, so service
 * atoms covered by the same entries share one (and its cached sets).
 */
export class MeaningSide {
  readonly idAllow = new Set<string>();
  readonly idDeny = new Set<string>();
  addrAllow = AddressSet.EMPTY;
  addrDeny = AddressSet.EMPTY;

  /** `allow`, `deny`: the side's entries that cover the packet. */
  constructor(allow: readonly SideEntry[], deny: readonly SideEntry[]) {
    for (const [list, ids, isAllow] of [
      [allow, this.idAllow, true],
      [deny, this.idDeny, false],
    ] as const) {
      for (const e of list) {
        if (e.peer.kind === 'segment') ids.add(e.peer.segment);
        else if (isAllow) this.addrAllow = this.addrAllow.union(e.peer.addresses);
        else this.addrDeny = this.addrDeny.union(e.peer.addresses);
      }
    }
  }

  /** Peer addresses admitted for a peer of this segment (undefined: outside host). */
  admitsNothing(): boolean {
    return this.idAllow.size === 0 && this.addrAllow.isEmpty();
  }

  /** Peers fall in four classes (admitted by identity or not, denied by identity or not); one set each. */
  private readonly byKey: (AddressSet | undefined)[] = [undefined, undefined, undefined, undefined];

  admitted(peer: string | undefined): AddressSet {
    const k = this.key(peer);
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
    return (this.idAllow.has(peer) ? 2 : 0) | (this.idDeny.has(peer) ? 1 : 0);
  }
}

/**
 * The output's side of one segment, at one local atom, for one packet.
 * Built from the rules that match the packet, so service atoms matched by
 * the same rules share one (and its cached sets and factor classes).
 */
export class ActualSide {
  /** Views with each meaning side met so far (their factor classes persist across service atoms). */
  private readonly views = new Map<MeaningSide, SideView>();
  /** Per peer segment: indices of identity rules it hits, per chain. */
  private readonly sigs = new Map<string, string>();
  private readonly bySig = new Map<string, AddressSet>();
  private readonly hitSets = new Map<string, Set<number>[]>();

  /** `rules`: per chain, the rules that apply to the local atom and match the packet, in chain order. */
  constructor(
    private readonly rules: readonly (readonly NormRule[])[],
    private readonly universe: AddressSet,
    carriers: ReadonlyMap<string, readonly string[]>,
  ) {
    const hits = new Map<string, string[]>();
    rules.forEach((rs, ci) => {
      rs.forEach((r, ri) => {
        const seen = r.peer.ids.size > 1 ? new Set<string>() : undefined;
        for (const id of r.peer.ids) {
          for (const seg of carriers.get(id) ?? []) {
            if (seen) {
              if (seen.has(seg)) continue;
              seen.add(seg);
            }
            const h = hits.get(seg);
            if (h) h.push(`${ci}:${ri}`);
            else hits.set(seg, [`${ci}:${ri}`]);
          }
        }
      });
    });
    for (const [seg, h] of hits) this.sigs.set(seg, h.join(','));
  }

  view(m: MeaningSide): SideView {
    let v = this.views.get(m);
    if (!v) this.views.set(m, (v = new SideView(this, m)));
    return v;
  }

  sig(peer: string | undefined): string {
    return peer === undefined ? '' : this.sigs.get(peer) ?? '';
  }

  /** Peer segments some identity rule names (every other peer has the empty signature). */
  named(): IterableIterator<string> {
    return this.sigs.keys();
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
    const sig = this.sig(peer);
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
        const [c, r] = x.split(':').map(Number);
        h[c].add(r);
      }
      this.hitSets.set(sig, h);
    }
    return h;
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
    return this.classAt('', 0, undefined);
  }

  /** Peers whose class may differ from the default one: named by identity in the output or in the meaning. */
  *named(): Iterable<string> {
    yield* this.actual.named();
    yield* this.meaning.idAllow;
    yield* this.meaning.idDeny;
  }

  classOf(peer: string): FactorClass {
    return this.classAt(this.actual.sig(peer), this.meaning.key(peer), peer);
  }

  private classAt(sig: string, k: number, peer: string | undefined): FactorClass {
    let row = this.classes.get(sig);
    if (!row) {
      row = [undefined, undefined, undefined, undefined];
      this.classes.set(sig, row);
    }
    return (row[k] ??= new FactorClass(this.actual.admitted(peer), this.meaning.admitted(peer)));
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
