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
import { Diagnostic } from '../../model/diagnostics';
import { AddressSet, Family } from '../../net/address';
import { PortSet } from '../../net/ports';
import { ServiceSet } from '../../net/service';
import { Direction, Origin, ResolvedPolicy, SideEntry } from '../../resolve/ir';
import { AllowOnlyModel, arrow, isSegmentEntry, peerAddresses, peerSegment, planAllowOnly, SideWork, uniqueOrigins } from '../kit/allow-only';
import { Reporter } from '../kit/report';
import { PlannedAdminPolicy, planAdminLayer } from './admin';
import { KubernetesSettings, kubernetesSettings } from './settings';

/** One NetworkPolicy port entry; no `port`: every port of the protocol. */
export interface PlannedPort {
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
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
  /** AdminNetworkPolicies holding the deny guardrails (`guardrails: admin-network-policy`), one per segment they reach. */
  readonly admin: readonly PlannedAdminPolicy[];
  readonly notes: readonly Diagnostic[];
  readonly stats: { readonly policies: number; readonly rules: number; readonly subtractions: number };
}

// ---------------------------------------------------------------------------
// Phases 1 and 2 (lib/targets/kit/allow-only.ts): NetworkPolicy is an allow-only model

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** An ipBlock per CIDR or one with excepts, whichever is fewer, per family. */
function blockCount(a: AddressSet): number {
  return ([4, 6] as Family[]).reduce((n, f) => n + ipBlocks(a.family(f)).length, 0);
}

/** NetworkPolicy: an address set costs its ipBlocks; the two remarks in pod-selector terms. */
function networkPolicyModel(rep: Reporter): AllowOnlyModel {
  return {
    cost: blockCount,
    onPartialDeny: ({ segment, dir, peer, services, guardrails, rules }) =>
      rep.add(
        'MS9001',
        `${guardrails.map((g) => `guardrail ${g.name}`).join(', ')} denies by address part of the addresses segment ${peer} may hold, while ${rules
          .map((r) => `${r.kind} ${r.name}`)
          .join(', ')} allows ${arrow(dir, segment.name, peer)} by pod selector on ${services}; a pod selector cannot exclude addresses and NetworkPolicy has no deny, so the ${dir} of ${segment.name} cannot be exact. Declare addresses for ${peer} that the deny covers wholly or not at all.`,
        guardrails[0].location,
      ),
    onSubtraction: ({ from, to, services, guardrails, narrowed, removedOf, target }) =>
      rep.add(
        'MS9101',
        `${guardrails.map((g) => `guardrail ${g.name}`).join(', ')} denies ${from} -> ${to} on ${services}, which ${narrowed
          .map((r) => `${r.kind} ${r.name}`)
          .join(', ')} would admit by ipBlock; enforced by excepting the addresses of ${removedOf} from the ${target.dir} ipBlocks of ${target.segment.name}, which also blocks any other host at those addresses on these services`,
        guardrails[0].location,
      ),
  };
}

// ---------------------------------------------------------------------------
// Services and addresses in NetworkPolicy terms

/** NetworkPolicy ports for a service set, `'all'` for every protocol, undefined when it cannot be said. */
export function toPorts(svc: ServiceSet): readonly PlannedPort[] | 'all' | undefined {
  if (svc.isAny()) return 'all';
  if (svc.hasIcmp() || svc.hasOther()) return undefined;
  const out: PlannedPort[] = [];
  for (const [protocol, ports] of [
    ['TCP', svc.tcp],
    ['UDP', svc.udp],
    ['SCTP', svc.sctp],
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
    const odd = entries.filter((e) => e.services.hasIcmp() || e.services.hasOther());
    const culprits = uniqueOrigins(odd.length ? odd : entries.filter((e) => e.services.overlaps(svc)));
    const cut = uniqueOrigins(w.side.deny.filter((e) => e.services.overlaps(ServiceSet.ANY.subtract(svc))));
    const key = culprits.map((o) => o.name).join(',');
    const u = unsayables.get(key) ?? unsayables.set(key, { culprits, cut: new Map(), sides: [], svc: ServiceSet.EMPTY }).get(key)!;
    for (const g of cut) u.cut.set(g.name, g);
    u.sides.push(`the ${w.dir} of ${w.segment.name} towards ${what}`);
    u.svc = u.svc.union(odd.length ? svc.subtract(ServiceSet.of({ tcp: PortSet.ALL, udp: PortSet.ALL, sctp: PortSet.ALL })) : svc);
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
  const rep = new Reporter(ir, 'kubernetes');
  const settings = kubernetesSettings(ir, (code, message, path) => rep.add(code, message, undefined, path));
  rep.failIfErrors();
  // With AdminNetworkPolicies, the denies that layer enforces are out of the NetworkPolicies' IR.
  const admin = settings.guardrails === 'admin-network-policy' ? planAdminLayer(ir, settings, toPorts, rep) : undefined;
  const { work, subtractions } = planAllowOnly(admin?.rest ?? ir, networkPolicyModel(rep), 'kubernetes');
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
  rep.failIfErrors();
  return {
    policy: ir.name,
    settings,
    segments,
    admin: admin?.policies ?? [],
    notes: rep.notes,
    stats: {
      policies: segments.length * 2 + (admin?.policies.length ?? 0),
      rules: segments.reduce((n, s) => n + s.ingress.length + s.egress.length, 0) + (admin?.policies.reduce((n, a) => n + a.ingress.length + a.egress.length, 0) ?? 0),
      subtractions,
    },
  };
}
