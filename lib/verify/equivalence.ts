/**
 * The exact equivalence check: does a cloud model (what the output admits)
 * allow exactly the flows of the policy's meaning (lib/resolve/meaning.ts)?
 *
 * For each address family and each service atom (atoms.ts: one
 * representative packet per atom), and for each side of each segment, both
 * sides are computed as exact address sets (sides.ts):
 *
 *   E(S, peer D)  destinations b that S's egress admits towards a workload of D
 *   I(D, peer S)  sources a that D's ingress admits from a workload of S
 *
 * A flow S→D at (a, b) is allowed iff b ∈ E and a ∈ I, so the flow set of
 * a pair is the product E × I, and two products are equal iff both factors
 * are equal or both products are empty. That keeps the check exact without
 * enumerating address pairs. Outside hosts are peers without identity at
 * any address of the family. Where a cloud rule also looks at the local
 * workload's own address (Azure prefixes, GCP destination ranges), the
 * segment's addresses are split into local atoms first.
 *
 * Differences the spec permits at shared addresses are the target's
 * tolerance's to judge (tolerance.ts, verify/<cloud>.ts) and are counted as
 * "tolerated"; examples and explanations come from counterexample.ts.
 */
import { AddressSet, Family } from '../net/address';
import { Direction, ResolvedPolicy, SegmentSetPeer } from '../resolve/ir';
import { AtomIndex } from './atom-index';
import { ServiceAtom, serviceAtoms } from './atoms';
import { counterExample, explainFlow, ExplainContext, Mismatch, outsidePeer } from './counterexample';
import { Chain, CloudModel, NormRule, ruleMatchesPacket } from './model';
import { ActualSide, covering, LocalAtom, LocalIndex, localAtoms, MeaningSide, PeerIdentities, Profiles, SetKeys, SideView } from './sides';
import { PacketTolerance, Tolerance } from './tolerance';

export type { FlowEnd, Mismatch } from './counterexample';
export type { Tolerance } from './tolerance';

export interface EquivalenceResult {
  readonly mismatchCount: number;
  /** The first `maxExamples` mismatches, one per (pair or outside side, service atom). */
  readonly mismatches: Mismatch[];
  readonly toleratedCount: number;
  readonly tolerated: Mismatch[];
  readonly checked: { segments: number; serviceAtoms: number; pairChecks: number; outsideChecks: number };
}

export interface EquivalenceOptions {
  /** The deviations the target may have (EXACT for none). */
  readonly tolerance: Tolerance;
  readonly maxExamples?: number;
  /**
   * Identities carried by more segments than this are wide: the pair check settles their carriers per profile
   * instead of naming each (sides.ts). Any value gives the same result; tests lower it to exercise that path.
   */
  readonly wideCarriers?: number;
}

/** Label groups and the all-segments group at 10,000 segments are carried by thousands; a segment's own by one. */
export const WIDE_CARRIERS = 64;

type Chains = { readonly ingress: readonly Chain[]; readonly egress: readonly Chain[] };

/** Mismatches and tolerated deviations: complete counts, the first examples. */
class Tally {
  readonly mismatches: Mismatch[] = [];
  readonly tolerated: Mismatch[] = [];
  mismatchCount = 0;
  toleratedCount = 0;
  pairChecks = 0;
  outsideChecks = 0;
  atomCount = 0;

  constructor(private readonly maxExamples: number) {}

  /** `m` is explained only when kept as an example: explaining walks whole chains (GCP's holds every firewall). */
  report(m: () => Mismatch, isTolerated: boolean): void {
    if (isTolerated) {
      this.toleratedCount++;
      if (this.tolerated.length < this.maxExamples) this.tolerated.push(m());
    } else {
      this.mismatchCount++;
      if (this.mismatches.length < this.maxExamples) this.mismatches.push(m());
    }
  }
}

/** What holds for the whole check: the model read once. */
interface Check {
  readonly ir: ResolvedPolicy;
  readonly model: CloudModel;
  readonly tolerance: Tolerance;
  readonly tally: Tally;
  /** Identity → segments whose workloads carry it. */
  readonly carriers: ReadonlyMap<string, readonly string[]>;
  readonly chainsOf: ReadonlyMap<string, Chains>;
  idsOf(segment: string): ReadonlySet<string>;
  readonly peers: PeerIdentities;
  readonly profiles: Profiles;
}

/** The distinct segment sets of the IR's sides (one per broad rule side). */
function segmentSets(ir: ResolvedPolicy): SegmentSetPeer[] {
  const out = new Set<SegmentSetPeer>();
  for (const s of ir.sides.values()) {
    for (const e of [...s.ingress.allow, ...s.ingress.deny, ...s.egress.allow, ...s.egress.deny]) if (e.peer.kind === 'segments') out.add(e.peer);
  }
  return [...out];
}

export function checkEquivalence(ir: ResolvedPolicy, model: CloudModel, opts: EquivalenceOptions): EquivalenceResult {
  const segs = ir.segments.map((s) => s.name);
  const carriers = new Map<string, string[]>();
  for (const s of segs) for (const id of model.identities.get(s) ?? []) (carriers.get(id) ?? carriers.set(id, []).get(id)!).push(s);
  const chainsOf = new Map<string, Chains>(segs.map((s) => [s, { ingress: model.chains(s, 'ingress'), egress: model.chains(s, 'egress') }]));
  const none = new Set<string>();
  const idsOf = (s: string): ReadonlySet<string> => model.identities.get(s) ?? none;
  const wideCarriers = opts.wideCarriers ?? WIDE_CARRIERS;
  const peers: PeerIdentities = { wide: new Set([...carriers].filter(([, c]) => c.length > wideCarriers).map(([id]) => id)), idsOf };
  const profiles = new Profiles(segs, peers, segmentSets(ir));
  const check: Check = { ir, model, tolerance: opts.tolerance, tally: new Tally(opts.maxExamples ?? 20), carriers, chainsOf, idsOf, peers, profiles };
  for (const family of [4, 6] as const) checkFamily(check, family);
  const t = check.tally;
  return {
    mismatchCount: t.mismatchCount,
    mismatches: t.mismatches,
    toleratedCount: t.toleratedCount,
    tolerated: t.tolerated,
    checked: { segments: segs.length, serviceAtoms: t.atomCount, pairChecks: t.pairChecks, outsideChecks: t.outsideChecks },
  };
}

const EMPTY_PARTNERS = new Set<number>();

/**
 * Peers (as indices into `names`) whose factor class on this side may differ
 * between output and meaning at some atom: named peers whose class is
 * unequal; for each profile the side names (a wide identity, a segment set)
 * whose class is unequal, its members with an atom where it differs; and,
 * when the default class is unequal, the peers with an atom where it
 * differs. Every other peer's factor is equal at all its atoms.
 */
function suspects(v: SideView, index: ReadonlyMap<string, number>, names: readonly string[], atoms: AtomIndex, profiles: Profiles): Set<number> {
  const out = new Set<number>();
  const def = v.defaultClass();
  if (!def.equal) atoms.meeting(def.delta, out);
  for (const p of profiles.relevant(v)) {
    const c = v.profileClass(p);
    if (c.equal) continue;
    const meet = new Set<number>();
    atoms.meeting(c.delta, meet);
    for (const i of meet) if (p.members.has(names[i])) out.add(i);
  }
  for (const p of v.named()) {
    const i = index.get(p);
    if (i !== undefined && !v.classOf(p).equal) out.add(i);
  }
  return out;
}

/** One address family: where each segment's rules apply (packet-independent), then every service atom. */
interface FamilyLayout {
  readonly family: Family;
  readonly universe: AddressSet;
  readonly addrOf: ReadonlyMap<string, AddressSet>;
  /** Segments holding addresses of the family. */
  readonly active: readonly string[];
  readonly atomsOf: ReadonlyMap<string, readonly LocalAtom[]>;
  /** `segment|dir|atom` → per chain, the rules that apply to workloads at that local atom. */
  readonly localRules: ReadonlyMap<string, NormRule[][]>;
  /** Sides shared between service atoms that the same entries (meaning) or rules (output) cover. */
  readonly sharedMeaning: Map<string, MeaningSide>;
  readonly sharedActual: Map<string, ActualSide>;
}

function checkFamily(check: Check, family: Family): void {
  const addrOf = new Map(check.ir.segments.map((s) => [s.name, s.addresses.family(family)]));
  const active = check.ir.segments.map((s) => s.name).filter((s) => !addrOf.get(s)!.isEmpty());
  if (active.length === 0) return;
  const { atomsOf, localRules } = localLayout(check, family, active, addrOf);
  const layout: FamilyLayout = { family, universe: AddressSet.allOf(family), addrOf, active, atomsOf, localRules, sharedMeaning: new Map(), sharedActual: new Map() };
  const atoms = serviceAtoms(check.ir, check.model, family);
  check.tally.atomCount += atoms.length;
  for (const sa of atoms) new PacketCheck(check, layout, sa).run();
}

/**
 * Per segment, side and local atom: the rules that apply there, per chain.
 * Packet-independent, so computed once rather than per service atom (GCP's
 * one chain holds every firewall of the network).
 */
function localLayout(check: Check, family: Family, active: readonly string[], addrOf: ReadonlyMap<string, AddressSet>) {
  const keys = new SetKeys();
  const atomsOf = new Map<string, LocalAtom[]>();
  const localRules = new Map<string, NormRule[][]>();
  const indexes = new Map<readonly NormRule[], LocalIndex>();
  const indexOf = (rules: readonly NormRule[]) => indexes.get(rules) ?? indexes.set(rules, new LocalIndex(rules)).get(rules)!;
  /** Per chain, the rules that apply to segment `s` at one local atom. */
  const applying = (chains: readonly Chain[], s: string, atom: LocalAtom) => chains.map((ch) => indexOf(ch.rules).matching(check.idsOf(s), family, atom.lo));
  for (const s of active) {
    const c = check.chainsOf.get(s)!;
    const atoms = localAtoms(addrOf.get(s)!, [...c.ingress, ...c.egress], keys);
    atomsOf.set(s, atoms);
    for (const dir of ['ingress', 'egress'] as const) {
      for (const atom of atoms) localRules.set(`${s}|${dir}|${atom.key}`, applying(c[dir], s, atom));
    }
  }
  return { atomsOf, localRules };
}

/** The check at one service atom: outside hosts, then every ordered pair of segments (the same segment included). */
class PacketCheck {
  private readonly mside = new Map<string, MeaningSide>();
  private readonly aside = new Map<string, ActualSide>();
  private readonly views = new Map<string, { egress: SideView[]; ingress: SideView[] }>();
  private readonly tol: PacketTolerance;
  private readonly explain: ExplainContext;

  constructor(
    private readonly check: Check,
    private readonly layout: FamilyLayout,
    private readonly sa: ServiceAtom,
  ) {
    this.tol = check.tolerance.at({ ir: check.ir, family: layout.family, packet: sa.packet, addrOf: layout.addrOf, meaning: (s, dir) => this.meaning(s, dir) });
    this.explain = { ir: check.ir, family: layout.family, atom: sa, chainsOf: check.chainsOf, idsOf: check.idsOf };
  }

  run(): void {
    this.outside();
    this.pairs();
  }

  /** The meaning of a segment side at this packet; the same covering entries as an earlier atom share its side. */
  meaning(s: string, dir: Direction): MeaningSide {
    const k = `${s}|${dir}`;
    let m = this.mside.get(k);
    if (!m) {
      const p = this.sa.packet;
      const side = this.check.ir.sides.get(s)![dir];
      const allow = covering(side.allow, (e) => e.services.has(p.family, p.proto, p.port));
      const deny = covering(side.deny, (e) => e.services.has(p.family, p.proto, p.port));
      const shareKey = `${k}|${allow.at}|${deny.at}`;
      m = this.layout.sharedMeaning.get(shareKey);
      if (!m) this.layout.sharedMeaning.set(shareKey, (m = new MeaningSide(allow.items, deny.items)));
      this.mside.set(k, m);
    }
    return m;
  }

  /** The output's side at a local atom and this packet; the same matching rules as an earlier atom share its side. */
  actual(s: string, dir: Direction, atom: LocalAtom): ActualSide {
    const k = `${s}|${dir}|${atom.key}`;
    let a = this.aside.get(k);
    if (!a) {
      const rules = this.layout.localRules.get(k)!.map((rs) => covering(rs, (r) => ruleMatchesPacket(r, this.sa.packet)));
      const shareKey = `${k}|${rules.map((x) => x.at).join(';')}`;
      a = this.layout.sharedActual.get(shareKey);
      if (!a) this.layout.sharedActual.set(shareKey, (a = new ActualSide(rules.map((x) => x.items), this.layout.universe, this.check.carriers, this.check.peers)));
      this.aside.set(k, a);
    }
    return a;
  }

  /** Egress of S towards outside hosts, ingress of D from them. */
  private outside(): void {
    const { active, atomsOf } = this.layout;
    for (const s of active) {
      for (const atom of atomsOf.get(s)!) {
        for (const dir of ['egress', 'ingress'] as const) this.outsideSide(s, atom, dir);
      }
    }
  }

  private outsideSide(s: string, atom: LocalAtom, dir: Direction): void {
    const { family, universe } = this.layout;
    this.check.tally.outsideChecks++;
    const act = this.actual(s, dir, atom).admitted(undefined);
    const exp = this.meaning(s, dir).admitted(undefined).intersect(universe);
    if (act.equals(exp)) return;
    const extra = act.subtract(exp);
    const missing = exp.subtract(act);
    const v = this.tol.outside(s, dir, extra, missing);
    this.check.tally.report(() => {
      const peer = outsidePeer(v.ok, extra, missing, v.badExtra, v.badMissing);
      const isOpen = act.contains(family, peer);
      return dir === 'egress' ? explainFlow(this.explain, s, atom.lo, undefined, peer, isOpen, !isOpen, 'egress') : explainFlow(this.explain, undefined, peer, s, atom.lo, isOpen, !isOpen, 'ingress');
    }, v.ok);
  }

  private viewsOf(x: string): { egress: SideView[]; ingress: SideView[] } {
    let v = this.views.get(x);
    if (!v) {
      const atoms = this.layout.atomsOf.get(x)!;
      v = {
        egress: atoms.map((a) => this.actual(x, 'egress', a).view(this.meaning(x, 'egress'))),
        ingress: atoms.map((a) => this.actual(x, 'ingress', a).view(this.meaning(x, 'ingress'))),
      };
      this.views.set(x, v);
    }
    return v;
  }

  /** Some local atom's side may admit a peer, in the output or in the meaning. */
  private mayAdmit(x: string, dir: Direction): boolean {
    return !this.meaning(x, dir).admitsNothing() || this.layout.atomsOf.get(x)!.some((a) => !this.actual(x, dir, a).admitsNothing());
  }

  private pairs(): void {
    const { active, atomsOf } = this.layout;
    // Products are equal when both are empty: a source whose egress admits nothing in
    // both the output and the meaning (or a destination whose ingress does) needs no pair check.
    const senders = active.filter((x) => this.mayAdmit(x, 'egress'));
    const receivers = active.filter((x) => this.mayAdmit(x, 'ingress'));
    const allAtoms = active.reduce((n, x) => n + atomsOf.get(x)!.length, 0);
    // Every (atom of S, atom of D) pair counts as checked, pruned or not.
    this.check.tally.pairChecks += allAtoms * allAtoms;
    // Only pairs where some factor class differs can disagree; every other pair is settled
    // by its classes being equal. Found per side (named peers, and the peers whose atoms meet
    // where the default class differs) instead of trying all |senders| × |receivers| pairs.
    const sendIndex = new Map(senders.map((x, i) => [x, i]));
    const recvIndex = new Map(receivers.map((x, i) => [x, i]));
    const sendAtoms = new AtomIndex(senders.map((x) => atomsOf.get(x)!));
    const recvAtoms = new AtomIndex(receivers.map((x) => atomsOf.get(x)!));
    const partners: Set<number>[] = senders.map(() => new Set<number>());
    receivers.forEach((d, di) => {
      for (const v of this.viewsOf(d).ingress) for (const si of suspects(v, sendIndex, senders, sendAtoms, this.check.profiles)) partners[si].add(di);
    });
    senders.forEach((s, si) => {
      const ds = partners[si];
      for (const v of this.viewsOf(s).egress) for (const di of suspects(v, recvIndex, receivers, recvAtoms, this.check.profiles)) ds.add(di);
      // In receiver order: examples come out as they did when every pair was tried.
      for (const di of [...ds].sort((a, b) => a - b)) this.pair(s, receivers[di]);
      partners[si] = EMPTY_PARTNERS;
    });
  }

  /** S → D at every pair of their local atoms. */
  private pair(s: string, d: string): void {
    const sAtoms = this.layout.atomsOf.get(s)!;
    const dAtoms = this.layout.atomsOf.get(d)!;
    const sViews = this.viewsOf(s).egress;
    const dViews = this.viewsOf(d).ingress;
    for (let i = 0; i < sAtoms.length; i++) {
      const cE = sViews[i].classOf(d);
      for (let j = 0; j < dAtoms.length; j++) {
        const cI = dViews[j].classOf(s);
        // Both factors equal on these atoms: the pair agrees (most pairs: no set is built).
        const eqE = !cE.differsAt(dAtoms[j]);
        const eqI = !cI.differsAt(sAtoms[i]);
        if (eqE && eqI) continue;
        const side: Mismatch['side'] = !eqE && !eqI ? 'both' : !eqE ? 'egress' : 'ingress';
        this.compare(s, d, cE.at(dAtoms[j]), cI.at(sAtoms[i]), side);
      }
    }
  }

  /** The products E × I of output and meaning for one pair of local atoms, whose factors differ somewhere. */
  private compare(s: string, d: string, E: { act: AddressSet; exp: AddressSet }, I: { act: AddressSet; exp: AddressSet }, side: Mismatch['side']): void {
    const actEmpty = E.act.isEmpty() || I.act.isEmpty();
    const expEmpty = E.exp.isEmpty() || I.exp.isEmpty();
    if (actEmpty && expEmpty) return;
    const verdict = this.tol.pair(s, d, E, I);
    const pick = counterExample(this.layout.family, E, I, verdict);
    if (!pick) return; // unreachable: unequal non-empty products differ somewhere
    this.check.tally.report(() => explainFlow(this.explain, s, pick.a, d, pick.b, pick.act, pick.exp, side), verdict.ok);
  }
}
