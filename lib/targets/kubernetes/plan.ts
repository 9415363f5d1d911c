/**
 * The Kubernetes plan: pure data from the IR to NetworkPolicies.
 *
 * NetworkPolicy is AWS's model inside a cluster: allows only, the union of
 * every policy that selects a pod, and a flow passes only when the source
 * pod's egress and the destination pod's ingress both admit it. Each side of
 * each segment is compiled on its own from the IR:
 *
 * - segment peers become pod selectors (the peer's full label set, and its
 *   namespace) with services ∪allows(P) − ∪denies(P) − (address denies
 *   covering all of addr(P)). A selector cannot exclude addresses, so an
 *   address deny covering part of addr(P) is an error unless the other side
 *   of the flow blocks those services anyway.
 * - address peers become `ipBlock`s: per service atom, allowed addresses =
 *   ∪address allows − ∪address denies, written as `cidr` with `except`.
 * - a deny guardrail between segments Q and X must hold against those
 *   ipBlocks too: where both reach, the denied segment's addresses are
 *   subtracted on the side that costs fewer blocks (the spec's "stricter at
 *   shared addresses" deviation, as on AWS), and a note says so.
 *
 * NetworkPolicy names TCP, UDP and SCTP ports, or every protocol at once (a
 * rule without ports). A side admitting ICMP or other protocols without
 * admitting everything cannot be written: a located error.
 */
import { severityOf } from '../../model/codes';
import { Diagnostic, PolicyError, SourceLocation } from '../../model/diagnostics';
import { AddressSet, addressAtoms, Family } from '../../net/address';
import { PortSet } from '../../net/ports';
import { ServiceSet } from '../../net/service';
import { sameFamilyAs } from '../../resolve/families';
import { Direction, Origin, ResolvedPolicy, ResolvedSegment, Side, SideEntry } from '../../resolve/ir';
import { sideServices } from '../../resolve/meaning';
import { KubernetesSettings, kubernetesSettings } from './settings';

/** One NetworkPolicy port entry; no `port`: every port of the protocol. */
export interface PlannedPort {
  readonly protocol: 'TCP' | 'UDP';
  readonly port?: number;
  readonly endPort?: number;
}

/** An ipBlock: `cidr` minus `except`. */
export interface PlannedIpBlock {
  readonly cidr: string;
  readonly except: readonly string[];
}

/** One ingress or egress rule: every peer × every port; `ports: 'all'` admits every protocol. */
export interface PlannedRule {
  readonly direction: Direction;
  /** Peer segments, by pod selector (sorted). */
  readonly segments: readonly string[];
  readonly ipBlocks: readonly PlannedIpBlock[];
  readonly ports: readonly PlannedPort[] | 'all';
  readonly origins: readonly Origin[];
}

export interface PlannedSegment {
  readonly name: string;
  readonly namespace: string;
  /** Pod labels, keys with the prefix, sorted. */
  readonly labels: Readonly<Record<string, string>>;
  /** NetworkPolicy names: the isolation policy (never changes) and the allow policy. */
  readonly isolateName: string;
  readonly allowName: string;
  readonly ingress: readonly PlannedRule[];
  readonly egress: readonly PlannedRule[];
}

export interface KubernetesPlan {
  readonly policy: string;
  readonly settings: KubernetesSettings;
  readonly segments: readonly PlannedSegment[];
  readonly notes: readonly Diagnostic[];
  readonly stats: { readonly policies: number; readonly rules: number; readonly subtractions: number };
}

// ---------------------------------------------------------------------------

class Reporter {
  readonly errors: Diagnostic[] = [];
  readonly notes: Diagnostic[] = [];
  private readonly seen = new Set<string>();
  constructor(private readonly ir: ResolvedPolicy) {}

  add(code: string, message: string, location: SourceLocation | undefined, path?: (string | number)[]): void {
    const loc = location ?? (path ? this.ir.policy.locate(path) : undefined);
    const d: Diagnostic = { code, severity: severityOf(code), message: `kubernetes: ${message}`, location: loc, path: loc ? undefined : path, file: loc ? undefined : this.ir.policy.file };
    const key = `${code}|${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    (d.severity === 'error' ? this.errors : this.notes).push(d);
  }
}

interface CidrPart {
  readonly svc: ServiceSet;
  readonly addrs: AddressSet;
}

interface SideWork {
  readonly segment: ResolvedSegment;
  readonly dir: Direction;
  readonly side: Side;
  readonly refs: Map<string, ServiceSet>;
  cidr: CidrPart[];
}

const opposite = (d: Direction): Direction => (d === 'ingress' ? 'egress' : 'ingress');
const arrow = (dir: Direction, x: string, p: string) => (dir === 'ingress' ? `${p} -> ${x}` : `${x} -> ${p}`);
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const isSegmentEntry = (e: SideEntry) => e.peer.kind === 'segment';
const peerSegment = (e: SideEntry) => (e.peer.kind === 'segment' ? e.peer.segment : '');
const peerAddresses = (e: SideEntry) => (e.peer.kind === 'addresses' ? e.peer.addresses : AddressSet.EMPTY);

function uniqueOrigins(entries: readonly SideEntry[]): Origin[] {
  const m = new Map<string, Origin>();
  for (const e of entries) m.set(e.origin.name, e.origin);
  return [...m.values()].sort(byName);
}

const unionServices = (es: readonly SideEntry[]) => es.reduce((s, e) => s.union(e.services), ServiceSet.EMPTY);
const unionAddresses = (as: readonly AddressSet[]) => as.reduce((s, a) => s.union(a), AddressSet.EMPTY);

/** Split `within` into the coarsest pieces on which every set of `cuts` is all or nothing. */
export function splitServices(within: ServiceSet, cuts: readonly ServiceSet[]): ServiceSet[] {
  let parts = [within];
  for (const c of cuts) {
    const next: ServiceSet[] = [];
    for (const p of parts) {
      const a = p.intersect(c);
      const b = p.subtract(c);
      if (!a.isEmpty()) next.push(a);
      if (!b.isEmpty()) next.push(b);
    }
    parts = next;
  }
  return parts;
}

/** Does the `dir` side of `p` admit any of `t` for some workload of `x` (per the meaning)? */
function sideAdmitsAny(ir: ResolvedPolicy, p: string, dir: Direction, x: string, t: ServiceSet): boolean {
  const side = ir.sides.get(p)![dir];
  const addrX = sameFamilyAs(ir.segment(p), ir.segment(x).addresses);
  const sets = [...side.allow, ...side.deny].filter((e) => !isSegmentEntry(e)).map(peerAddresses);
  for (const r of addressAtoms(sets, addrX)) {
    if (sideServices(ir, p, dir, { segment: x, family: r.family, address: r.lo }).overlaps(t)) return true;
  }
  return false;
}

function planSide(ir: ResolvedPolicy, seg: ResolvedSegment, dir: Direction, rep: Reporter): SideWork {
  const side = ir.sides.get(seg.name)![dir];
  const group = (list: readonly SideEntry[]) => {
    const m = new Map<string, SideEntry[]>();
    for (const e of list) if (isSegmentEntry(e)) (m.get(peerSegment(e)) ?? m.set(peerSegment(e), []).get(peerSegment(e))!).push(e);
    return m;
  };
  const allowBy = group(side.allow);
  const denyBy = group(side.deny);
  const addrAllows = side.allow.filter((e) => !isSegmentEntry(e));
  const addrDenies = side.deny.filter((e) => !isSegmentEntry(e));

  const refs = new Map<string, ServiceSet>();
  for (const p of [...allowBy.keys()].sort()) {
    let keep = unionServices(allowBy.get(p)!).subtract(unionServices(denyBy.get(p) ?? []));
    if (keep.isEmpty()) continue;
    const addrP = sameFamilyAs(seg, ir.segment(p).addresses);
    const touching = addrDenies.filter((e) => peerAddresses(e).overlaps(addrP) && e.services.overlaps(keep));
    if (touching.length > 0) {
      let kept = ServiceSet.EMPTY;
      let bad = ServiceSet.EMPTY;
      for (const t of splitServices(keep, touching.map((e) => e.services))) {
        const denied = unionAddresses(touching.filter((e) => e.services.containsSet(t)).map(peerAddresses));
        if (denied.containsSet(addrP)) continue; // every pod of p is denied by address: dropping is exact
        if (!denied.overlaps(addrP)) kept = kept.union(t);
        else if (sideAdmitsAny(ir, p, opposite(dir), seg.name, t)) bad = bad.union(t);
      }
      keep = kept;
      if (!bad.isEmpty()) {
        const guards = uniqueOrigins(touching.filter((e) => e.services.overlaps(bad) && peerAddresses(e).overlaps(addrP)));
        const rules = uniqueOrigins(allowBy.get(p)!.filter((e) => e.services.overlaps(bad)));
        rep.add(
          'MS9001',
          `${guards.map((g) => `guardrail ${g.name}`).join(', ')} denies by address part of the addresses segment ${p} may hold, while ${rules
            .map((r) => `${r.kind} ${r.name}`)
            .join(', ')} allows ${arrow(dir, seg.name, p)} by pod selector on ${bad}; a pod selector cannot exclude addresses and NetworkPolicy has no deny, so the ${dir} of ${seg.name} cannot be exact. Declare addresses for ${p} that the deny covers wholly or not at all.`,
          guards[0].location,
        );
      }
    }
    if (!keep.isEmpty()) refs.set(p, keep);
  }

  const cidr: CidrPart[] = [];
  if (addrAllows.length > 0) {
    const cuts = [...addrAllows, ...addrDenies].map((e) => e.services);
    for (const t of splitServices(unionServices(addrAllows), cuts)) {
      const allowed = sameFamilyAs(seg, unionAddresses(addrAllows.filter((e) => e.services.containsSet(t)).map(peerAddresses)));
      const denied = unionAddresses(addrDenies.filter((e) => e.services.containsSet(t)).map(peerAddresses));
      const addrs = allowed.subtract(denied);
      if (!addrs.isEmpty()) cidr.push({ svc: t, addrs });
    }
  }
  return { segment: seg, dir, side, refs, cidr: mergeParts(cidr) };
}

/** Parts with equal address sets merge (fewer rules, same meaning). */
function mergeParts(parts: readonly CidrPart[]): CidrPart[] {
  const m = new Map<string, CidrPart>();
  for (const p of parts) {
    const k = p.addrs.toString();
    const old = m.get(k);
    m.set(k, old ? { svc: old.svc.union(p.svc), addrs: old.addrs } : p);
  }
  return [...m.values()];
}

function leak(parts: readonly CidrPart[], n: ServiceSet, addrs: AddressSet): ServiceSet {
  let s = ServiceSet.EMPTY;
  for (const p of parts) if (p.svc.overlaps(n) && p.addrs.overlaps(addrs)) s = s.union(p.svc.intersect(n));
  return s;
}

function blockCount(a: AddressSet): number {
  return ([4, 6] as Family[]).reduce((n, f) => n + ipBlocks(a.family(f)).length, 0);
}

function subtractParts(parts: readonly CidrPart[], n: ServiceSet, sub: AddressSet): { parts: CidrPart[]; cost: number } {
  const out: CidrPart[] = [];
  let cost = 0;
  for (const p of parts) {
    if (!p.svc.overlaps(n) || !p.addrs.overlaps(sub)) {
      out.push(p);
      continue;
    }
    const outside = p.svc.subtract(n);
    const narrowed = p.addrs.subtract(sub);
    cost += blockCount(narrowed) - (outside.isEmpty() ? blockCount(p.addrs) : 0);
    if (!outside.isEmpty()) out.push({ svc: outside, addrs: p.addrs });
    if (!narrowed.isEmpty()) out.push({ svc: p.svc.intersect(n), addrs: narrowed });
  }
  return { parts: mergeParts(out), cost };
}

/** Deny guardrails between segments against ipBlock allows: subtract where both sides would reach. */
function enforceIdentityDenies(ir: ResolvedPolicy, work: Map<string, SideWork>, rep: Reporter): number {
  let subtractions = 0;
  for (const x of ir.segments) {
    const inW = work.get(`${x.name}/ingress`)!;
    if (inW.cidr.length === 0) continue;
    const byPeer = new Map<string, SideEntry[]>();
    for (const e of inW.side.deny) if (isSegmentEntry(e)) (byPeer.get(peerSegment(e)) ?? byPeer.set(peerSegment(e), []).get(peerSegment(e))!).push(e);
    for (const q of [...byPeer.keys()].sort()) {
      const addrQ = ir.segment(q).addresses;
      const egW = work.get(`${q}/egress`)!;
      if (egW.cidr.length === 0 || !unionAddresses(inW.cidr.map((c) => c.addrs)).overlaps(addrQ)) continue;
      const entries = byPeer.get(q)!;
      const ds = unionServices(entries);
      const need = leak(inW.cidr, ds, addrQ).intersect(leak(egW.cidr, ds, x.addresses));
      if (need.isEmpty()) continue;
      const onIn = subtractParts(inW.cidr, need, addrQ);
      const onEg = subtractParts(egW.cidr, need, x.addresses);
      const ingress = onIn.cost <= onEg.cost;
      const target = ingress ? inW : egW;
      const removed = ingress ? addrQ : x.addresses;
      const narrowed = uniqueOrigins(target.side.allow.filter((e) => !isSegmentEntry(e) && e.services.overlaps(need) && peerAddresses(e).overlaps(removed)));
      target.cidr = ingress ? onIn.parts : onEg.parts;
      subtractions++;
      const guards = uniqueOrigins(entries.filter((e) => e.services.overlaps(need)));
      rep.add(
        'MS9101',
        `${guards.map((g) => `guardrail ${g.name}`).join(', ')} denies ${q} -> ${x.name} on ${need}, which ${narrowed
          .map((r) => `${r.kind} ${r.name}`)
          .join(', ')} would admit by ipBlock; enforced by excepting the addresses of ${ingress ? q : x.name} from the ${target.dir} ipBlocks of ${target.segment.name}, which also blocks any other host at those addresses on these services`,
        guards[0].location,
      );
    }
  }
  return subtractions;
}

// ---------------------------------------------------------------------------
// Services and addresses in NetworkPolicy terms

/** NetworkPolicy ports for a service set, `'all'` for every protocol, undefined when it cannot be said. */
export function toPorts(svc: ServiceSet): readonly PlannedPort[] | 'all' | undefined {
  if (svc.isAny()) return 'all';
  if (svc.icmp || svc.other) return undefined;
  const out: PlannedPort[] = [];
  for (const [protocol, ports] of [
    ['TCP', svc.tcp],
    ['UDP', svc.udp],
  ] as const) {
    if (ports.isEmpty()) continue;
    if (ports.isAll()) {
      out.push({ protocol });
      continue;
    }
    for (const r of ports.ranges) {
      // NetworkPolicy ports are 1–65535: port 0 is no port a connection can use, but a set holding it
      // next to others (e.g. `tcp` minus a deny) is "every port but some", which a port list cannot hold.
      if (r.lo === 0) return undefined;
      out.push(r.lo === r.hi ? { protocol, port: r.lo } : { protocol, port: r.lo, endPort: r.hi });
    }
  }
  return out;
}

function prefixLength(lo: bigint, hi: bigint, bits: number): number {
  let len = 0;
  while (len < bits && ((lo >> BigInt(bits - len - 1)) & 1n) === ((hi >> BigInt(bits - len - 1)) & 1n)) len++;
  return len;
}

/**
 * Address set of one family as ipBlocks: one block per CIDR, or the smallest
 * CIDR around the whole set with the gaps as `except`, whichever is fewer
 * entries ("the internet except the private ranges" is one block).
 */
export function ipBlocks(a: AddressSet): PlannedIpBlock[] {
  if (a.isEmpty()) return [];
  const spelled = a.toCidrs().map((cidr) => ({ cidr, except: [] as string[] }));
  if (spelled.length === 1) return spelled;
  const fam = a.ranges[0].family;
  const bits = fam === 4 ? 32 : 128;
  const lo = a.ranges[0].lo;
  const hi = a.ranges[a.ranges.length - 1].hi;
  const len = prefixLength(lo, hi, bits);
  const mask = len === 0 ? 0n : ((1n << BigInt(len)) - 1n) << BigInt(bits - len);
  const base = lo & mask;
  const outer = AddressSet.fromRanges([{ family: fam, lo: base, hi: base | (((1n << BigInt(bits - len)) - 1n)) }]);
  const except = outer.subtract(a).toCidrs();
  if (1 + except.length >= spelled.length) return spelled;
  return [{ cidr: outer.toCidrs()[0], except }];
}

// ---------------------------------------------------------------------------

interface Unsayable {
  readonly culprits: Origin[];
  readonly cut: Map<string, Origin>;
  readonly sides: string[];
  svc: ServiceSet;
}

/** One error per set of rules whose services NetworkPolicy cannot name, listing the sides it concerns. */
function reportUnsayable(rep: Reporter, unsayables: ReadonlyMap<string, Unsayable>): void {
  for (const u of unsayables.values()) {
    const cut = [...u.cut.values()].sort(byName);
    const sides = u.sides.length > 3 ? `${u.sides.slice(0, 3).join('; ')} and ${u.sides.length - 3} more side(s)` : u.sides.join('; ');
    rep.add(
      'MS9002',
      `${u.culprits.map((o) => `${o.kind} ${o.name}`).join(', ')} admit${u.culprits.length === 1 ? 's' : ''} ${u.svc}${cut.length ? ` (after ${cut.map((g) => `${g.kind} ${g.name}`).join(', ')})` : ''} on ${sides}; NetworkPolicy names TCP, UDP and SCTP ports (1–65535) or every protocol at once, so ICMP, other protocols or "every port but some" cannot be written. List tcp or udp services instead, or leave ICMP to the cloud target.`,
      u.culprits[0]?.location,
    );
  }
}

function segmentRules(ir: ResolvedPolicy, w: SideWork, unsayables: Map<string, Unsayable>): PlannedRule[] {
  const out: PlannedRule[] = [];
  const unsayable = (what: string, svc: ServiceSet, entries: readonly SideEntry[]) => {
    // The culprits: allows bringing ICMP or other protocols, else (every port but some) those a deny cut.
    const odd = entries.filter((e) => e.services.icmp || e.services.other);
    const culprits = uniqueOrigins(odd.length ? odd : entries.filter((e) => e.services.overlaps(svc)));
    const cut = uniqueOrigins(w.side.deny.filter((e) => e.services.overlaps(ServiceSet.ANY.subtract(svc))));
    const key = culprits.map((o) => o.name).join(',');
    const u = unsayables.get(key) ?? unsayables.set(key, { culprits, cut: new Map(), sides: [], svc: ServiceSet.EMPTY }).get(key)!;
    for (const g of cut) u.cut.set(g.name, g);
    u.sides.push(`the ${w.dir} of ${w.segment.name} towards ${what}`);
    u.svc = u.svc.union(odd.length ? svc.intersect(ServiceSet.of({ icmp: true, other: true })) : svc);
  };
  // Segment peers with equal services share one rule.
  const bySvc = new Map<string, { svc: ServiceSet; segments: string[] }>();
  for (const [p, svc] of w.refs) {
    const k = svc.toString();
    (bySvc.get(k) ?? bySvc.set(k, { svc, segments: [] }).get(k)!).segments.push(p);
  }
  const segAllows = w.side.allow.filter(isSegmentEntry);
  for (const { svc, segments } of bySvc.values()) {
    const ports = toPorts(svc);
    const entries = segAllows.filter((e) => segments.includes(peerSegment(e)));
    if (!ports) {
      unsayable(`segment${segments.length > 1 ? 's' : ''} ${segments.join(', ')}`, svc, entries);
      continue;
    }
    out.push({ direction: w.dir, segments: [...segments].sort(), ipBlocks: [], ports, origins: uniqueOrigins(entries.filter((e) => e.services.overlaps(svc))) });
  }
  const addrAllows = w.side.allow.filter((e) => !isSegmentEntry(e));
  for (const part of w.cidr) {
    const ports = toPorts(part.svc);
    const entries = addrAllows.filter((e) => peerAddresses(e).overlaps(part.addrs));
    if (!ports) {
      unsayable(`addresses ${part.addrs.toCidrs().slice(0, 3).join(', ')}${part.addrs.cidrCount() > 3 ? ', …' : ''}`, part.svc, entries);
      continue;
    }
    const blocks = [...ipBlocks(part.addrs.family(4)), ...ipBlocks(part.addrs.family(6))];
    out.push({ direction: w.dir, segments: [], ipBlocks: blocks, ports, origins: uniqueOrigins(entries.filter((e) => e.services.overlaps(part.svc))) });
  }
  return out.sort((a, b) => (ruleKey(a) < ruleKey(b) ? -1 : ruleKey(a) > ruleKey(b) ? 1 : 0));
}

/** A rule's content as one line: its order in the policy, and what a diff shows. */
export function ruleKey(r: PlannedRule): string {
  const ports = r.ports === 'all' ? 'all' : r.ports.map((p) => `${p.protocol}/${p.port ?? '*'}${p.endPort ? `-${p.endPort}` : ''}`).join(',');
  const peers = [...r.segments.map((s) => `pods:${s}`), ...r.ipBlocks.map((b) => `${b.cidr}${b.except.length ? ` except ${b.except.join(',')}` : ''}`)].join(',');
  return `${r.direction} ${peers} ${ports}`;
}

/** Plan the Kubernetes output. Throws PolicyError with located diagnostics when the policy cannot be compiled exactly. */
export function planKubernetes(ir: ResolvedPolicy): KubernetesPlan {
  const rep = new Reporter(ir);
  const settings = kubernetesSettings(ir, (code, message, path) => rep.add(code, message, undefined, path));
  if (rep.errors.length > 0) throw new PolicyError([...rep.errors, ...rep.notes], `cannot compile policy '${ir.name}' exactly for kubernetes`);
  const work = new Map<string, SideWork>();
  for (const seg of ir.segments) for (const dir of ['ingress', 'egress'] as Direction[]) work.set(`${seg.name}/${dir}`, planSide(ir, seg, dir, rep));
  const subtractions = enforceIdentityDenies(ir, work, rep);
  const unsayables = new Map<string, Unsayable>();
  const segments: PlannedSegment[] = ir.segments.map((seg) => {
    const base = `${settings.namePrefix}${ir.name}-${seg.name}`;
    return {
      name: seg.name,
      namespace: settings.namespaceOf(seg),
      labels: settings.podLabels(seg),
      isolateName: `${base}-isolate`,
      allowName: `${base}-allow`,
      ingress: segmentRules(ir, work.get(`${seg.name}/ingress`)!, unsayables),
      egress: segmentRules(ir, work.get(`${seg.name}/egress`)!, unsayables),
    };
  });
  reportUnsayable(rep, unsayables);
  for (const s of segments) {
    if (s.isolateName.length > 253) rep.add('MS9003', `NetworkPolicy name '${s.isolateName}' is longer than 253 characters`, ir.segment(s.name).location);
  }
  if (rep.errors.length > 0) throw new PolicyError([...rep.errors, ...rep.notes], `cannot compile policy '${ir.name}' exactly for kubernetes`);
  return {
    policy: ir.name,
    settings,
    segments,
    notes: rep.notes,
    stats: { policies: segments.length * 2, rules: segments.reduce((n, s) => n + s.ingress.length + s.egress.length, 0), subtractions },
  };
}
