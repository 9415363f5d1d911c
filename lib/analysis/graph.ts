/**
 * The segment graph: who can talk to whom, as nodes and labelled edges.
 * Pure: computed from the IR with the reference semantics of
 * resolve/meaning.ts, rendered by report/mermaid.ts, dot.ts, svg.ts, html.ts.
 *
 * - A node per segment, per named external and per anonymous `{cidrs: […]}`
 *   term ("outside" nodes).
 * - An edge S→D carries the services that a flow from a workload of S to a
 *   workload of D is allowed on for SOME addresses a ∈ addr(S), b ∈ addr(D).
 *   Egress(S) depends only on (D, b) and Ingress(D) only on (S, a), so that
 *   union is (∪_b Egress(S)(D,b)) ∩ (∪_a Ingress(D)(S,a)); each union is
 *   evaluated on one address per atom, which is exact.
 * - Outside hosts have no identity, so only address entries match them.
 *   Each outside address is attributed to the most specific outside node
 *   that contains it (the smallest set; ties by name), so `internet → web`
 *   speaks about the internet minus the payment gateway, and a flow the
 *   payment gateway's addresses may make shows on the gateway's own edge.
 * - A "deny" edge carries what deny guardrails cut: the services both sides'
 *   allows would admit, minus what the meaning admits.
 * - An outside node is public when its attributed addresses reach beyond
 *   internalCidrs and the private/special ranges; a segment is exposed when
 *   a public node has an allowed edge into it.
 */
import { AddressSet } from '../net/address';
import { ServiceSet } from '../net/service';
import { Direction, FlatSideEntry, Peer, ResolvedPolicy, SideEntry } from '../resolve/ir';
import { sideOf } from '../resolve/peers';
import { matchingEntries, sideServices } from '../resolve/meaning';
import { ServiceResolver } from '../resolve/services';
import { addressAtoms } from '../net/address';

export type NodeKind = 'segment' | 'external' | 'cidrs';
export type EdgeKind = 'allow' | 'deny';
export type Change = 'added' | 'removed' | 'changed';

export interface GraphNode {
  /** Stable across policies: `segment:NAME`, `external:NAME`, `cidrs:…`. Diffs match on it. */
  readonly key: string;
  /** Safe identifier for Mermaid and DOT (`[A-Za-z0-9_]`). */
  readonly id: string;
  readonly kind: NodeKind;
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** `label=value` of the --group-by label (segments only). */
  readonly group?: string;
  readonly description?: string;
  /** Segments of a policy directory: the owner of the fragment that declares it (absent for the base and single files). */
  readonly owner?: string;
  /** First CIDRs of the node's addresses as declared (an external's `cidrs`, then `except N ranges`), for labels and tooltips. */
  readonly cidrs: readonly string[];
  /** Outside node whose attributed addresses include public (internet) addresses. */
  readonly public: boolean;
  /** Segment reachable from a public outside node; `exposure` lists on what. */
  readonly exposed: boolean;
  readonly exposure: readonly string[];
  readonly change?: Exclude<Change, 'changed'>;
}

export interface GraphEdge {
  /** `FROMKEY->TOKEY#allow|deny`. */
  readonly key: string;
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  /** allow: services allowed for some addresses; deny: services cut by guardrails. */
  readonly services: ServiceSet;
  /** Services as names where the deciding rules named them (`https`, `postgres`), literals otherwise. */
  readonly label: readonly string[];
  /** allow: the rules and allow guardrails that grant it; deny: the deny guardrails that cut it. */
  readonly rules: readonly string[];
  /** An allowed edge from a public outside node into a segment. */
  readonly internet: boolean;
  readonly change?: Change;
  /** For a changed edge: services it gained and lost. */
  readonly addedLabel?: readonly string[];
  readonly removedLabel?: readonly string[];
}

export interface GraphGroup {
  /** Safe identifier (`g_env_prod`). */
  readonly id: string;
  /** `env=prod` */
  readonly label: string;
  /** Node keys, sorted. */
  readonly nodes: readonly string[];
}

export interface SegmentGraph {
  readonly policy: string;
  readonly groupBy?: string;
  readonly showDenied: boolean;
  /** Segments by name, then outside nodes by name. */
  readonly nodes: readonly GraphNode[];
  /** Sorted by key. */
  readonly edges: readonly GraphEdge[];
  readonly groups: readonly GraphGroup[];
  /** True for the result of diffGraphs. */
  readonly diff: boolean;
}

export interface GraphOptions {
  /** A label dimension (`env`, `tier`, `app`, …); must be one of the policy's labels. */
  readonly groupBy?: string;
  /** Also produce `deny` edges for what deny guardrails cut. */
  readonly showDenied?: boolean;
}

/** Addresses that are never "the internet", whatever internalCidrs says. */
const NON_PUBLIC = AddressSet.fromCidrs([
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/3',
  '::/127',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
]);

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function safeId(prefix: string, text: string): string {
  return `${prefix}_${text.replace(/[^A-Za-z0-9]/g, '_')}`;
}

interface OutsideNode {
  key: string;
  name: string;
  kind: 'external' | 'cidrs';
  addresses: AddressSet;
  description?: string;
  /** As written: an external's `cidrs` (then `except …`), an anonymous term's list. */
  declared: readonly string[];
  attributed: AddressSet;
}

function size(s: AddressSet): bigint {
  let n = 0n;
  for (const r of s.ranges) n += r.hi - r.lo + 1n;
  return n;
}

function peerOverlaps(peer: Peer, set: AddressSet): boolean {
  return peer.kind === 'addresses' && peer.addresses.overlaps(set);
}

/** What one side admits towards/from a peer identity (or none) anywhere in `universe`. */
interface SideUnion {
  allowed: ServiceSet;
  /** Union of matching allows, denies ignored. */
  potential: ServiceSet;
  allows: SideEntry[];
  denies: SideEntry[];
}

function sideUnion(ir: ResolvedPolicy, segment: string, dir: Direction, identity: string | undefined, universe: AddressSet): SideUnion {
  const side = sideOf(ir, segment, dir);
  const sets: AddressSet[] = [];
  for (const e of [...side.allow, ...side.deny]) if (peerOverlaps(e.peer, universe)) sets.push((e.peer as { addresses: AddressSet }).addresses);
  const out: SideUnion = { allowed: ServiceSet.EMPTY, potential: ServiceSet.EMPTY, allows: [], denies: [] };
  if (universe.isEmpty()) return out;
  const seenAllow = new Set<SideEntry>();
  const seenDeny = new Set<SideEntry>();
  for (const atom of addressAtoms(sets, universe)) {
    const p = { segment: identity, family: atom.family, address: atom.lo };
    const m = matchingEntries(ir, segment, dir, p);
    if (m.allow.length === 0) continue;
    out.allowed = out.allowed.union(sideServices(ir, segment, dir, p));
    for (const e of m.allow) {
      out.potential = out.potential.union(e.services);
      seenAllow.add(e);
    }
    for (const e of m.deny) seenDeny.add(e);
  }
  out.allows = [...seenAllow];
  out.denies = [...seenDeny];
  return out;
}

/** Names the services of an edge the way the deciding rules wrote them. */
class ServiceNamer {
  private readonly resolver: ServiceResolver;
  private readonly specsOf = new Map<string, readonly string[]>();

  constructor(private readonly ir: ResolvedPolicy) {
    this.resolver = new ServiceResolver(ir.policy.doc);
    for (const r of ir.rules) this.specsOf.set(r.origin.name, r.serviceSpecs);
  }

  label(set: ServiceSet, origins: readonly string[]): string[] {
    if (set.isEmpty()) return [];
    if (set.isAny()) return ['any'];
    const names = new Set<string>();
    for (const o of origins) for (const s of this.specsOf.get(o) ?? []) if (!/^(any|tcp|udp|icmp)$|\//.test(s)) names.add(s);
    const candidates = [...names]
      .map((n) => ({ n, s: this.resolver.spec(n) }))
      .filter((c) => !c.s.isEmpty() && set.containsSet(c.s))
      .sort((a, b) => cmp(a.n, b.n));
    const picked: string[] = [];
    let covered = ServiceSet.EMPTY;
    for (const c of candidates) {
      if (covered.containsSet(c.s)) continue;
      picked.push(c.n);
      covered = covered.union(c.s);
    }
    return [...picked, ...set.subtract(covered).toSpecs()];
  }
}

function originNames(entries: readonly SideEntry[], services: ServiceSet): string[] {
  const names = new Set<string>();
  for (const e of entries) if (e.services.overlaps(services)) names.add(e.origin.name);
  return [...names].sort(cmp);
}

/** Build the graph of a resolved policy. Throws a plain Error for an unknown --group-by label (the CLI checks first). */
export function buildGraph(ir: ResolvedPolicy, opts: GraphOptions = {}): SegmentGraph {
  const groupBy = opts.groupBy;
  if (groupBy !== undefined && !(groupBy in ir.policy.doc.labels)) throw new Error(`unknown label '${groupBy}'`);
  const showDenied = Boolean(opts.showDenied);
  const namer = new ServiceNamer(ir);

  // Outside nodes: named externals and anonymous cidrs terms, each address attributed to the most specific.
  const outsideByKey = new Map<string, OutsideNode>();
  for (const e of ir.externals) {
    const doc = (ir.policy.doc.externals ?? []).find((x) => x.name === e.name);
    const declared = doc ? [...doc.cidrs, ...(doc.except?.length ? [`except ${doc.except.length} ranges`] : [])] : e.addresses.toCidrs();
    outsideByKey.set(`external:${e.name}`, { key: `external:${e.name}`, name: e.name, kind: 'external', addresses: e.addresses, description: e.description, declared, attributed: AddressSet.EMPTY });
  }
  for (const r of ir.rules) {
    for (const p of [...r.fromAddresses, ...r.toAddresses]) {
      if (p.external !== undefined) continue;
      const key = p.label;
      if (!outsideByKey.has(key)) outsideByKey.set(key, { key, name: p.label.replace(/^cidrs:/, ''), kind: 'cidrs', addresses: p.addresses, declared: p.addresses.toCidrs(), attributed: AddressSet.EMPTY });
    }
  }
  const outside = [...outsideByKey.values()].sort((a, b) => cmp(a.key, b.key));
  const sizes = new Map(outside.map((o) => [o.key, size(o.addresses)]));
  const attributed = new Map<string, AddressSet>();
  for (const atom of addressAtoms(outside.map((o) => o.addresses), outside.reduce((u, o) => u.union(o.addresses), AddressSet.EMPTY))) {
    let best: OutsideNode | undefined;
    for (const o of outside) {
      if (!o.addresses.contains(atom.family, atom.lo)) continue;
      if (!best || sizes.get(o.key)! < sizes.get(best.key)! || (sizes.get(o.key) === sizes.get(best.key) && o.key < best.key)) best = o;
    }
    if (best) attributed.set(best.key, (attributed.get(best.key) ?? AddressSet.EMPTY).union(AddressSet.fromRanges([atom])));
  }
  for (const o of outside) o.attributed = attributed.get(o.key) ?? AddressSet.EMPTY;

  const edges: GraphEdge[] = [];
  const addEdge = (from: string, to: string, egress: SideUnion | undefined, ingress: SideUnion | undefined, internet: boolean) => {
    const allowed = (egress?.allowed ?? ServiceSet.ANY).intersect(ingress?.allowed ?? ServiceSet.ANY);
    const potential = (egress?.potential ?? ServiceSet.ANY).intersect(ingress?.potential ?? ServiceSet.ANY);
    const allows = [...(egress?.allows ?? []), ...(ingress?.allows ?? [])];
    const denies = [...(egress?.denies ?? []), ...(ingress?.denies ?? [])];
    if (!allowed.isEmpty()) {
      const rules = originNames(allows, allowed);
      edges.push({ key: `${from}->${to}#allow`, from, to, kind: 'allow', services: allowed, label: namer.label(allowed, rules), rules, internet });
    }
    const cut = potential.subtract(allowed);
    if (showDenied && !cut.isEmpty()) {
      const rules = originNames(denies, cut);
      edges.push({ key: `${from}->${to}#deny`, from, to, kind: 'deny', services: cut, label: namer.label(cut, originNames(allows, cut)), rules, internet: false });
    }
  };

  // Segment → segment, only for pairs where both sides have an allow that could match.
  const segs = ir.segments;
  const mayMatch = (entries: readonly FlatSideEntry[], peer: string): boolean => {
    const addr = ir.segment(peer).addresses;
    return entries.some((e) => (e.peer.kind === 'segment' ? e.peer.segment === peer : e.peer.addresses.overlaps(addr)));
  };
  for (const s of segs) {
    const eg = sideOf(ir, s.name, 'egress').allow;
    if (eg.length === 0) continue;
    for (const d of segs) {
      if (!mayMatch(eg, d.name) || !mayMatch(sideOf(ir, d.name, 'ingress').allow, s.name)) continue;
      addEdge(`segment:${s.name}`, `segment:${d.name}`, sideUnion(ir, s.name, 'egress', d.name, d.addresses), sideUnion(ir, d.name, 'ingress', s.name, s.addresses), false);
    }
  }
  // Outside hosts ↔ segments: only the segment's side applies.
  for (const o of outside) {
    const isPublic = !o.attributed.subtract(NON_PUBLIC).subtract(ir.internalCidrs).isEmpty();
    for (const d of segs) addEdge(o.key, `segment:${d.name}`, undefined, sideUnion(ir, d.name, 'ingress', undefined, o.attributed), isPublic);
    for (const s of segs) addEdge(`segment:${s.name}`, o.key, sideUnion(ir, s.name, 'egress', undefined, o.attributed), undefined, false);
  }
  edges.sort((a, b) => cmp(a.key, b.key));

  const exposure = new Map<string, Set<string>>();
  for (const e of edges) if (e.kind === 'allow' && e.internet) for (const l of e.label) (exposure.get(e.to) ?? exposure.set(e.to, new Set()).get(e.to)!).add(l);

  const nodes: GraphNode[] = [];
  for (const s of segs) {
    const key = `segment:${s.name}`;
    const exp = [...(exposure.get(key) ?? [])].sort(cmp);
    nodes.push({
      key,
      id: safeId('seg', s.name),
      kind: 'segment',
      name: s.name,
      labels: s.labels,
      group: groupBy !== undefined ? `${groupBy}=${s.labels[groupBy]}` : undefined,
      description: s.description,
      ...ownerOf(ir, s.location?.file),
      cidrs: s.declaredAddresses ? s.addresses.toCidrs().slice(0, 4) : [],
      public: false,
      exposed: exp.length > 0,
      exposure: exp,
    });
  }
  outside.forEach((o) => {
    nodes.push({
      key: o.key,
      id: o.kind === 'external' ? safeId('ext', o.name) : safeId('cidrs', o.name),
      kind: o.kind,
      name: o.name,
      description: o.description,
      cidrs: o.declared.slice(0, 4),
      public: !o.attributed.subtract(NON_PUBLIC).subtract(ir.internalCidrs).isEmpty(),
      exposed: false,
      exposure: [],
    });
  });
  return { policy: ir.name, groupBy, showDenied, nodes, edges, groups: groupsOf(nodes), diff: false };
}

/** The owner of the fragment a node was declared in, as an optional field. */
function ownerOf(ir: ResolvedPolicy, file: string | undefined): { owner?: string } {
  const owner = file === undefined ? undefined : ir.policy.sources.find((s) => s.file === file)?.owner;
  return owner ? { owner } : {};
}

function groupsOf(nodes: readonly GraphNode[]): GraphGroup[] {
  const byGroup = new Map<string, string[]>();
  for (const n of nodes) if (n.group !== undefined) (byGroup.get(n.group) ?? byGroup.set(n.group, []).get(n.group)!).push(n.key);
  return [...byGroup.keys()].sort(cmp).map((g) => ({ id: safeId('g', g), label: g, nodes: byGroup.get(g)!.sort(cmp) }));
}

function sortNodes(nodes: GraphNode[]): GraphNode[] {
  const rank = (n: GraphNode) => (n.kind === 'segment' ? 0 : 1);
  return nodes.sort((a, b) => rank(a) - rank(b) || cmp(a.name, b.name) || cmp(a.key, b.key));
}

/**
 * Overlay of two graphs: every node and edge of both, marked `added`
 * (only in `next`), `removed` (only in `prev`) or `changed` (an edge in both
 * whose services differ). Both graphs should use the same options.
 */
export function diffGraphs(prev: SegmentGraph, next: SegmentGraph): SegmentGraph {
  const prevNodes = new Map(prev.nodes.map((n) => [n.key, n]));
  const nextNodes = new Map(next.nodes.map((n) => [n.key, n]));
  const nodes: GraphNode[] = next.nodes.map((n) => (prevNodes.has(n.key) ? n : { ...n, change: 'added' as const }));
  for (const n of prev.nodes) if (!nextNodes.has(n.key)) nodes.push({ ...n, change: 'removed', exposed: false, exposure: [] });

  const prevEdges = new Map(prev.edges.map((e) => [e.key, e]));
  const nextEdges = new Map(next.edges.map((e) => [e.key, e]));
  const edges: GraphEdge[] = [];
  for (const e of next.edges) {
    const old = prevEdges.get(e.key);
    if (!old) edges.push({ ...e, change: 'added' });
    else if (!old.services.equals(e.services)) {
      const gained = e.services.subtract(old.services);
      const lost = old.services.subtract(e.services);
      edges.push({ ...e, change: 'changed', addedLabel: gained.isEmpty() ? [] : gained.toSpecs(), removedLabel: lost.isEmpty() ? [] : lost.toSpecs() });
    } else edges.push(e);
  }
  for (const e of prev.edges) if (!nextEdges.has(e.key)) edges.push({ ...e, change: 'removed' });
  edges.sort((a, b) => cmp(a.key, b.key));
  const sorted = sortNodes(nodes);
  return { policy: next.policy, groupBy: next.groupBy, showDenied: next.showDenied, nodes: sorted, edges, groups: groupsOf(sorted), diff: true };
}

/** Counts for summaries and tests. */
export function graphStats(g: SegmentGraph): { segments: number; outside: number; allowEdges: number; denyEdges: number; exposed: number } {
  return {
    segments: g.nodes.filter((n) => n.kind === 'segment').length,
    outside: g.nodes.filter((n) => n.kind !== 'segment').length,
    allowEdges: g.edges.filter((e) => e.kind === 'allow').length,
    denyEdges: g.edges.filter((e) => e.kind === 'deny').length,
    exposed: g.nodes.filter((n) => n.exposed).length,
  };
}
