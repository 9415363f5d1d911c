/**
 * Exhaustive comparison of a cloud model (what the output admits) with the
 * policy's meaning (lib/resolve/meaning.ts).
 *
 * For each address family and each service atom (ports, ICMP types and
 * protocol numbers split at every boundary the policy or the output names;
 * one representative packet per atom), and for each side of each segment,
 * both sides are computed as exact address sets:
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
 * The two deviations the spec permits at shared addresses are applied
 * precisely and counted as "tolerated": AWS may be stricter where a deny
 * guardrail was enforced by subtracting addresses; GCP may be looser on
 * egress towards addresses of segments that egress admits by identity.
 */
import { AddressRange, AddressSet, addressAtoms, Family, formatAddress } from '../net/address';
import { PortSet } from '../net/ports';
import { Direction, ResolvedPolicy, SideEntry } from '../resolve/ir';
import { matchingEntries } from '../resolve/meaning';
import { Chain, CloudModel, decidePacket, localAddressSets, NormRule, Packet, PROTO, ruleMatchesLocal, ruleMatchesPacket, walkChain } from './model';

export type Deviation = 'aws-stricter' | 'gcp-egress-looser' | 'none';

export interface FlowEnd {
  /** Segment of the workload, or undefined for an outside host. */
  readonly segment?: string;
  readonly address: string;
}

export interface Mismatch {
  /** too-open: the output admits a flow the policy denies; too-closed: the reverse. */
  readonly kind: 'too-open' | 'too-closed';
  readonly from: FlowEnd;
  readonly to: FlowEnd;
  /** The example packet, e.g. `tcp/8080`, `icmp`, `protocol 47`. */
  readonly service: string;
  /** The whole service atom the example stands for, e.g. `tcp/1024-8079`. */
  readonly atom: string;
  readonly expected: 'allow' | 'deny';
  readonly actual: 'allow' | 'deny';
  /** Which side of the output disagrees with the meaning for this packet. */
  readonly side: 'egress' | 'ingress' | 'both';
  /** Policy rules and guardrails that match, per side (`allow rule web-to-app`). */
  readonly policy: { readonly egress?: string[]; readonly ingress?: string[] };
  /** Output resources that decided, per side and chain. */
  readonly output: { readonly egress?: string[]; readonly ingress?: string[] };
}

export interface EquivalenceResult {
  readonly mismatchCount: number;
  /** The first `maxExamples` mismatches, one per (pair or outside side, service atom). */
  readonly mismatches: Mismatch[];
  readonly toleratedCount: number;
  readonly tolerated: Mismatch[];
  readonly checked: { segments: number; serviceAtoms: number; pairChecks: number; outsideChecks: number };
}

export interface EquivalenceOptions {
  readonly deviation: Deviation;
  readonly maxExamples?: number;
}

interface ServiceAtom {
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

function rangeText(lo: number, hi: number): string {
  return lo === hi ? `${lo}` : `${lo}-${hi}`;
}

/** Every service atom of a family: tcp and udp (destination × source ports), the family's ICMP, other protocols. */
export function serviceAtoms(ir: ResolvedPolicy, model: CloudModel, family: Family): ServiceAtom[] {
  const policyPorts = { tcp: [] as PortSet[], udp: [] as PortSet[] };
  for (const r of ir.rules) {
    policyPorts.tcp.push(r.services.tcp);
    policyPorts.udp.push(r.services.udp);
  }
  const out: ServiceAtom[] = [];
  for (const [name, proto, pol] of [
    ['tcp', PROTO.TCP, policyPorts.tcp],
    ['udp', PROTO.UDP, policyPorts.udp],
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
  const types = portAtoms(model.portSets.get(icmp) ?? []);
  for (const t of types) {
    const whole = types.length === 1;
    out.push({
      packet: { family, proto: icmp, port: t.lo, srcPort: 0 },
      atom: whole ? icmpName : `${icmpName} type/code ${t.lo >> 8}/${t.lo & 255}…${t.hi >> 8}/${t.hi & 255}`,
      service: whole ? icmpName : `${icmpName} type ${t.lo >> 8} code ${t.lo & 255}`,
    });
  }
  // Other protocols: each number the output names, and one it does not. The
  // other family's ICMP number is left out: see docs/verification.md.
  const skip = new Set<number>([PROTO.TCP, PROTO.UDP, PROTO.ICMP, PROTO.ICMPV6]);
  const named = [...model.protocols].filter((p) => !skip.has(p)).sort((a, b) => a - b);
  let unnamed = 0;
  while (skip.has(unnamed) || named.includes(unnamed)) unnamed++;
  for (const p of [...named, unnamed]) {
    const ports = portAtoms(model.portSets.get(p) ?? []);
    for (const pr of ports) {
      const portText = ports.length > 1 ? `/${rangeText(pr.lo, pr.hi)}` : '';
      out.push({
        packet: { family, proto: p, port: pr.lo, srcPort: 0 },
        atom: p === unnamed ? `protocol ${p} (stands for every protocol the output does not name)` : `protocol ${p}${portText}`,
        service: `protocol ${p}${ports.length > 1 ? `/${pr.lo}` : ''}`,
      });
    }
  }
  return out;
}

/**
 * The meaning of one side for one packet: identity and address entries that
 * admit and deny. Built from the entries that cover the packet, so service
 * atoms covered by the same entries share one (and its cached sets).
 */
class MeaningSide {
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
class ActualSide {
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

  /** True when no peer can be admitted: some chain that applies has no allow rule for this packet. */
  admitsNothing(): boolean {
    // A chain admits nothing when a deny of every peer comes before its first allow
    // (Azure's deny-all at 4096 before the default allows, GCP's egress deny before the implied allow).
    return this.rules.some((rs) => {
      for (const r of rs) {
        if (r.action === 'allow') return false;
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

interface LocalAtom {
  readonly set: AddressSet;
  /** Short key: equal sets share it (segments with the same addresses share comparisons). */
  readonly key: string;
  readonly lo: bigint;
}

/**
 * Short keys for address sets, per check (not module-wide: a long-lived
 * process verifying many outputs must not keep every atom it ever saw).
 */
class SetKeys {
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
class FactorClass {
  readonly equal: boolean;
  /** Where output and meaning differ (symmetric difference); empty when equal. */
  private readonly delta: AddressSet;
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
  for (const r of b.ranges) {
    // First range of `a` not wholly before r.
    let lo = 0;
    let hi = rs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const x = rs[mid];
      if (x.family < r.family || (x.family === r.family && x.hi < r.lo)) lo = mid + 1;
      else hi = mid;
    }
    if (lo < rs.length && rs[lo].family === r.family && rs[lo].lo <= r.hi) return true;
  }
  return false;
}

/** Output and meaning of one side of one segment at one local atom, for one packet. */
class SideView {
  /** By output signature, then by meaning key (0–3). */
  private readonly classes = new Map<string, (FactorClass | undefined)[]>();

  constructor(
    readonly actual: ActualSide,
    readonly meaning: MeaningSide,
  ) {}

  classOf(peer: string): FactorClass {
    const sig = this.actual.sig(peer);
    let row = this.classes.get(sig);
    if (!row) {
      row = [undefined, undefined, undefined, undefined];
      this.classes.set(sig, row);
    }
    const k = this.meaning.key(peer);
    return (row[k] ??= new FactorClass(this.actual.admitted(peer), this.meaning.admitted(peer)));
  }
}

/** A segment's addresses of one family, split where its rules look at local addresses (grouped: one atom per distinct membership). */
function localAtoms(addrs: AddressSet, chains: readonly Chain[], keys: SetKeys): LocalAtom[] {
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
class LocalIndex {
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
function covering<T>(list: readonly T[], pass: (x: T) => boolean): { items: T[]; at: string } {
  const items: T[] = [];
  let at = '';
  for (let i = 0; i < list.length; i++) {
    if (!pass(list[i])) continue;
    items.push(list[i]);
    at += at ? `,${i}` : `${i}`;
  }
  return { items, at };
}

function sample(s: AddressSet): bigint | undefined {
  return s.ranges[0]?.lo;
}

export function checkEquivalence(ir: ResolvedPolicy, model: CloudModel, opts: EquivalenceOptions): EquivalenceResult {
  const maxExamples = opts.maxExamples ?? 20;
  const mismatches: Mismatch[] = [];
  const tolerated: Mismatch[] = [];
  let mismatchCount = 0;
  let toleratedCount = 0;
  let pairChecks = 0;
  let outsideChecks = 0;
  let atomCount = 0;

  const segs = ir.segments.map((s) => s.name);
  const carriers = new Map<string, string[]>();
  for (const s of segs) for (const id of model.identities.get(s) ?? []) {
    if (!carriers.has(id)) carriers.set(id, []);
    carriers.get(id)!.push(s);
  }
  const chainsOf = new Map<string, { ingress: readonly Chain[]; egress: readonly Chain[] }>();
  for (const s of segs) chainsOf.set(s, { ingress: model.chains(s, 'ingress'), egress: model.chains(s, 'egress') });
  const idsOf = (s: string) => model.identities.get(s) ?? new Set<string>();

  // Guardrails for the AWS tolerance: deny guardrails with their pairs and addresses.
  const denyGuardrails = ir.rules.filter((r) => r.origin.kind === 'guardrail' && r.origin.action === 'deny');

  for (const family of [4, 6] as const) {
    const universe = AddressSet.allOf(family);
    const addrOf = new Map(ir.segments.map((s) => [s.name, s.addresses.family(family)]));
    const active = segs.filter((s) => !addrOf.get(s)!.isEmpty());
    if (active.length === 0) continue;
    const keys = new SetKeys();
    const atomsOf = new Map<string, LocalAtom[]>();
    // Per segment, side and local atom: the rules that apply there, per chain. Packet-independent, so
    // computed once rather than per service atom (GCP's one chain holds every firewall of the network).
    const localRules = new Map<string, NormRule[][]>();
    const indexes = new Map<readonly NormRule[], LocalIndex>();
    const indexOf = (rules: readonly NormRule[]) => {
      let x = indexes.get(rules);
      if (!x) indexes.set(rules, (x = new LocalIndex(rules)));
      return x;
    };
    for (const s of active) {
      const c = chainsOf.get(s)!;
      const atoms = localAtoms(addrOf.get(s)!, [...c.ingress, ...c.egress], keys);
      atomsOf.set(s, atoms);
      for (const dir of ['ingress', 'egress'] as const) {
        for (const atom of atoms) {
          localRules.set(`${s}|${dir}|${atom.key}`, c[dir].map((ch) => indexOf(ch.rules).matching(idsOf(s), family, atom.lo)));
        }
      }
    }
    const atoms = serviceAtoms(ir, model, family);
    atomCount += atoms.length;
    // Sides shared between service atoms that the same entries (meaning) or rules (output) cover.
    const sharedMeaning = new Map<string, MeaningSide>();
    const sharedActual = new Map<string, ActualSide>();

    for (const sa of atoms) {
      const p = sa.packet;
      const mside = new Map<string, MeaningSide>();
      const meaning = (s: string, dir: Direction) => {
        const k = `${s}|${dir}`;
        let m = mside.get(k);
        if (!m) {
          const side = ir.sides.get(s)![dir];
          const allow = covering(side.allow, (e) => e.services.has(p.family, p.proto, p.port));
          const deny = covering(side.deny, (e) => e.services.has(p.family, p.proto, p.port));
          // Same covering entries as for an earlier service atom: the same meaning side.
          const shareKey = `${k}|${allow.at}|${deny.at}`;
          m = sharedMeaning.get(shareKey);
          if (!m) sharedMeaning.set(shareKey, (m = new MeaningSide(allow.items, deny.items)));
          mside.set(k, m);
        }
        return m;
      };
      const aside = new Map<string, ActualSide>();
      const actual = (s: string, dir: Direction, atom: LocalAtom) => {
        const k = `${s}|${dir}|${atom.key}`;
        let a = aside.get(k);
        if (!a) {
          const rules = localRules.get(k)!.map((rs) => covering(rs, (r) => ruleMatchesPacket(r, p)));
          // Same matching rules as for an earlier service atom: the same output side.
          const shareKey = `${k}|${rules.map((x) => x.at).join(';')}`;
          a = sharedActual.get(shareKey);
          if (!a) sharedActual.set(shareKey, (a = new ActualSide(rules.map((x) => x.items), universe, carriers)));
          aside.set(k, a);
        }
        return a;
      };
      // AWS tolerance sets, per segment, for this packet.
      const tolCache = new Map<string, AddressSet>();
      const awsTol = (seg: string, role: 'src' | 'dst'): AddressSet => {
        // role 'dst': seg is the destination; addresses of sources whose denial is tolerated (TS).
        // role 'src': seg is the source; addresses of destinations whose denial is tolerated (TD).
        const k = `${seg}|${role}`;
        let t = tolCache.get(k);
        if (t) return t;
        t = AddressSet.EMPTY;
        for (const g of denyGuardrails) {
          if (!g.services.has(p.family, p.proto, p.port)) continue;
          if (role === 'dst') {
            for (const [q, d] of g.segmentPairs) if (d === seg) t = t.union(ir.segment(q).addresses);
            if (g.toSegments.includes(seg)) for (const a of g.fromAddresses) t = t.union(a.addresses);
          } else {
            for (const [s, y] of g.segmentPairs) if (s === seg) t = t.union(ir.segment(y).addresses);
            if (g.fromSegments.includes(seg)) for (const a of g.toAddresses) t = t.union(a.addresses);
          }
        }
        tolCache.set(k, t);
        return t;
      };
      // GCP tolerance: addresses of segments that S's egress admits by identity.
      const gcpTolCache = new Map<string, AddressSet>();
      const gcpTol = (s: string): AddressSet => {
        let t = gcpTolCache.get(s);
        if (t) return t;
        const m = meaning(s, 'egress');
        t = AddressSet.EMPTY;
        for (const y of m.idAllow) if (!m.idDeny.has(y)) t = t.union(addrOf.get(y) ?? AddressSet.EMPTY);
        t = t.subtract(m.addrDeny);
        gcpTolCache.set(s, t);
        return t;
      };

      const report = (m: Mismatch, isTolerated: boolean) => {
        if (isTolerated) {
          toleratedCount++;
          if (tolerated.length < maxExamples) tolerated.push(m);
        } else {
          mismatchCount++;
          if (mismatches.length < maxExamples) mismatches.push(m);
        }
      };

      const explain = (src: string | undefined, a: bigint, dst: string | undefined, b: bigint, flowAct: boolean, flowM: boolean, side: Mismatch['side']): Mismatch => {
        const policy: { egress?: string[]; ingress?: string[] } = {};
        const output: { egress?: string[]; ingress?: string[] } = {};
        const describe = (es: SideEntry[], what: string) => es.filter((e) => e.services.has(p.family, p.proto, p.port)).map((e) => `${e.origin.action} ${e.origin.kind} ${e.origin.name} (${what})`);
        if (src !== undefined) {
          const m = matchingEntries(ir, src, 'egress', { segment: dst, family, address: b });
          policy.egress = [...describe(m.allow, `egress of ${src}`), ...describe(m.deny, `egress of ${src}`)];
          if (policy.egress.length === 0) policy.egress = [`no rule admits it on the egress of ${src} (default deny)`];
          output.egress = decidePacket(chainsOf.get(src)!.egress, { ids: idsOf(src), family, address: a }, { ids: dst ? idsOf(dst) : new Set(), family, address: b }, p).decidedBy;
        }
        if (dst !== undefined) {
          const m = matchingEntries(ir, dst, 'ingress', { segment: src, family, address: a });
          policy.ingress = [...describe(m.allow, `ingress of ${dst}`), ...describe(m.deny, `ingress of ${dst}`)];
          if (policy.ingress.length === 0) policy.ingress = [`no rule admits it on the ingress of ${dst} (default deny)`];
          output.ingress = decidePacket(chainsOf.get(dst)!.ingress, { ids: idsOf(dst), family, address: b }, { ids: src ? idsOf(src) : new Set(), family, address: a }, p).decidedBy;
        }
        return {
          kind: flowAct ? 'too-open' : 'too-closed',
          from: { ...(src !== undefined ? { segment: src } : {}), address: formatAddress(family, a) },
          to: { ...(dst !== undefined ? { segment: dst } : {}), address: formatAddress(family, b) },
          service: sa.service,
          atom: sa.atom,
          expected: flowM ? 'allow' : 'deny',
          actual: flowAct ? 'allow' : 'deny',
          side,
          policy,
          output,
        };
      };

      // Outside hosts: egress of S towards them, ingress of D from them.
      for (const s of active) {
        for (const atom of atomsOf.get(s)!) {
          for (const dir of ['egress', 'ingress'] as const) {
            outsideChecks++;
            const act = actual(s, dir, atom).admitted(undefined);
            const exp = meaning(s, dir).admitted(undefined).intersect(universe);
            if (act.equals(exp)) continue;
            const extra = act.subtract(exp);
            const missing = exp.subtract(act);
            let ok = false;
            let badExtra = extra;
            let badMissing = missing;
            if (opts.deviation === 'aws-stricter') {
              badMissing = missing.subtract(awsTol(s, dir === 'egress' ? 'src' : 'dst'));
              ok = extra.isEmpty() && badMissing.isEmpty();
            } else if (opts.deviation === 'gcp-egress-looser' && dir === 'egress') {
              badExtra = extra.subtract(gcpTol(s));
              ok = missing.isEmpty() && badExtra.isEmpty();
            }
            const peerAddr = sample(ok ? extra.union(missing) : badExtra.isEmpty() ? badMissing : badExtra)!;
            const isOpen = act.contains(family, peerAddr);
            const local = atom.lo;
            const m =
              dir === 'egress'
                ? explain(s, local, undefined, peerAddr, isOpen, !isOpen, 'egress')
                : explain(undefined, peerAddr, s, local, isOpen, !isOpen, 'ingress');
            report(m, ok);
          }
        }
      }

      // Every ordered pair of segments, the same segment included.
      const views = new Map<string, { egress: SideView[]; ingress: SideView[] }>();
      const viewsOf = (x: string) => {
        let v = views.get(x);
        if (!v) {
          const atoms = atomsOf.get(x)!;
          v = {
            egress: atoms.map((a) => actual(x, 'egress', a).view(meaning(x, 'egress'))),
            ingress: atoms.map((a) => actual(x, 'ingress', a).view(meaning(x, 'ingress'))),
          };
          views.set(x, v);
        }
        return v;
      };
      // Products are equal when both are empty: a source whose egress admits nothing in
      // both the output and the meaning (or a destination whose ingress does) needs no pair check.
      const senders = active.filter((x) => !meaning(x, 'egress').admitsNothing() || atomsOf.get(x)!.some((a) => !actual(x, 'egress', a).admitsNothing()));
      const receivers = active.filter((x) => !meaning(x, 'ingress').admitsNothing() || atomsOf.get(x)!.some((a) => !actual(x, 'ingress', a).admitsNothing()));
      const atomsIn = (xs: string[]) => xs.reduce((n, x) => n + atomsOf.get(x)!.length, 0);
      const allAtoms = atomsIn(active);
      // Every (atom of S, atom of D) pair counts as checked, pruned or not.
      pairChecks += allAtoms * allAtoms;
      for (const s of senders) {
        const sAtoms = atomsOf.get(s)!;
        const sViews = viewsOf(s).egress;
        for (const d of receivers) {
          const dAtoms = atomsOf.get(d)!;
          const dViews = viewsOf(d).ingress;
          for (let i = 0; i < sAtoms.length; i++) {
            const alpha = sAtoms[i];
            const cE = sViews[i].classOf(d);
            for (let j = 0; j < dAtoms.length; j++) {
              const beta = dAtoms[j];
              const cI = dViews[j].classOf(s);
              // Both factors equal on these atoms: the pair agrees (most pairs: no set is built).
              const eqE = !cE.differsAt(beta);
              const eqI = !cI.differsAt(alpha);
              if (eqE && eqI) continue;
              const E = cE.at(beta);
              const I = cI.at(alpha);
              const actEmpty = E.act.isEmpty() || I.act.isEmpty();
              const expEmpty = E.exp.isEmpty() || I.exp.isEmpty();
              if (actEmpty && expEmpty) continue;
              let ok = false;
              let TS = AddressSet.EMPTY;
              let TD = AddressSet.EMPTY;
              let T = AddressSet.EMPTY;
              if (opts.deviation === 'aws-stricter') {
                // Subtraction only ever narrows CIDR rules: a peer that its side admits by
                // identity (a group reference) must be admitted at every address.
                const mI = meaning(d, 'ingress');
                const mE = meaning(s, 'egress');
                TS = mI.idAllow.has(s) && !mI.idDeny.has(s) ? AddressSet.EMPTY : awsTol(d, 'dst');
                TD = mE.idAllow.has(d) && !mE.idDeny.has(d) ? AddressSet.EMPTY : awsTol(s, 'src');
                const subset = actEmpty || (E.exp.containsSet(E.act) && I.exp.containsSet(I.act));
                const dE = E.exp.subtract(E.act);
                const dI = I.exp.subtract(I.act);
                const part1 = dE.isEmpty() || I.exp.isEmpty() || TD.containsSet(dE) || TS.containsSet(I.exp);
                const part2 = dI.isEmpty() || E.exp.isEmpty() || TS.containsSet(dI) || TD.containsSet(E.exp);
                ok = subset && part1 && part2;
              } else if (opts.deviation === 'gcp-egress-looser') {
                T = gcpTol(s);
                const sup = expEmpty || (E.act.containsSet(E.exp) && I.act.containsSet(I.exp));
                const looserOk = actEmpty || (I.exp.containsSet(I.act) && E.exp.union(T).containsSet(E.act));
                ok = sup && looserOk;
              }
              // A concrete example: try the corners of every region until a flow differs (and, when possible, is not tolerated).
              const bCands = [E.act.subtract(E.exp), E.exp.subtract(E.act), E.act.intersect(E.exp), E.exp.subtract(E.act).subtract(TD), E.exp.subtract(TD), E.act.subtract(E.exp).subtract(T)];
              const aCands = [I.act.subtract(I.exp), I.exp.subtract(I.act), I.act.intersect(I.exp), I.exp.subtract(I.act).subtract(TS), I.exp.subtract(TS)];
              let pick: { a: bigint; b: bigint; act: boolean; exp: boolean } | undefined;
              let fallback: typeof pick;
              for (const bs of bCands) {
                const b = sample(bs);
                if (b === undefined) continue;
                for (const as of aCands) {
                  const a = sample(as);
                  if (a === undefined) continue;
                  const fa = E.act.contains(family, b) && I.act.contains(family, a);
                  const fe = E.exp.contains(family, b) && I.exp.contains(family, a);
                  if (fa === fe) continue;
                  const tol =
                    (opts.deviation === 'aws-stricter' && !fa && (TS.contains(family, a) || TD.contains(family, b))) ||
                    (opts.deviation === 'gcp-egress-looser' && fa && T.contains(family, b) && I.exp.contains(family, a));
                  if (!fallback) fallback = { a, b, act: fa, exp: fe };
                  if (tol === ok) {
                    pick = { a, b, act: fa, exp: fe };
                    break;
                  }
                }
                if (pick) break;
              }
              pick ??= fallback;
              if (!pick) continue; // unreachable: unequal non-empty products differ somewhere
              const side: Mismatch['side'] = !eqE && !eqI ? 'both' : !eqE ? 'egress' : 'ingress';
              report(explain(s, pick.a, d, pick.b, pick.act, pick.exp, side), ok);
            }
          }
        }
      }
    }
  }
  return {
    mismatchCount,
    mismatches,
    toleratedCount,
    tolerated,
    checked: { segments: segs.length, serviceAtoms: atomCount, pairChecks, outsideChecks },
  };
}
