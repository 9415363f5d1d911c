/**
 * `targets.kubernetes.guardrails: admin-network-policy`: deny guardrails as
 * AdminNetworkPolicies (policy.networking.k8s.io/v1alpha1), a cluster-scoped
 * layer evaluated before every NetworkPolicy, which namespace owners cannot
 * edit. An ANP `Deny` is final; what no ANP rule matches goes on to the
 * NetworkPolicies, which then hold the allows only.
 *
 * What the layer can say, per deny guardrail:
 * - segment → segment: an ingress `Deny` on the destination's pods, `from`
 *   the source segments' pods (namespace and full label set). This also
 *   stands for the guardrail's egress side: a flow needs both sides, and the
 *   destination's ingress refuses it. Exact, identity against identity: no
 *   address subtraction, no "stricter at shared addresses".
 * - segment → addresses: an egress `Deny` on the source's pods `to`
 *   `networks` (CIDRs, matching any destination address, pods' included, as
 *   the API defines and as the meaning says of address selectors).
 * - addresses → segment: ANP ingress peers are namespaces and pods only, so
 *   this part stays in the NetworkPolicy layer, where it is exact already
 *   (ipBlock `except`), and a note says so.
 * A guardrail whose services ANP ports cannot name (ICMP, other protocols,
 * "every port but some", every port of one protocol: ANP ports are numbered
 * 1–65535, so port 0 would escape) stays in the NetworkPolicy layer wholly,
 * with a note.
 *
 * Every ANP we write holds Deny rules only, so all share one priority:
 * whichever of two matching ones an implementation picks, it denies.
 */
import { AddressSet } from '../../net/address';
import { ServiceSet } from '../../net/service';
import { Direction, Origin, ResolvedPolicy, SideEntry } from '../../resolve/ir';
import { sideOf } from '../../resolve/peers';
import { targetBudget } from '../../resolve/budget';
import { withoutDenies } from '../../resolve/layers';
import { chunk } from '../kit/chunks';
import { Reporter } from '../kit/report';
import type { PlannedPort } from './plan';
import { KubernetesSettings } from './settings';

/** ANP limits (network-policy-api apis/v1alpha1): rules per direction, peers per rule, CIDRs per `networks` peer, rule name length. */
export const ANP_LIMITS = { rulesPerDirection: 100, peersPerRule: 100, networksPerPeer: 25, ruleName: 100, priorityMax: 1000 } as const;

export interface PlannedAdminRule {
  readonly name: string;
  readonly direction: Direction;
  /** Ingress: the source segments' pods. */
  readonly segments: readonly string[];
  /** Egress: destination CIDRs, at most `networksPerPeer` per peer. */
  readonly networks: readonly (readonly string[])[];
  readonly ports: readonly PlannedPort[] | 'all';
  readonly origin: Origin;
}

/** One AdminNetworkPolicy: its subject is one segment's pods. */
export interface PlannedAdminPolicy {
  readonly segment: string;
  readonly name: string;
  readonly priority: number;
  readonly ingress: readonly PlannedAdminRule[];
  readonly egress: readonly PlannedAdminRule[];
}

export interface AdminLayer {
  readonly policies: readonly PlannedAdminPolicy[];
  /** The IR the NetworkPolicy layer compiles: the denies the layer enforces taken out. */
  readonly rest: ResolvedPolicy;
}

type ToPorts = (svc: ServiceSet) => readonly PlannedPort[] | 'all' | undefined;

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Rule names: the guardrail's, with `-N` for further chunks, fitted to 100 characters. */
function ruleName(guardrail: string, part: number): string {
  const suffix = part === 0 ? '' : `-${part + 1}`;
  return guardrail.slice(0, ANP_LIMITS.ruleName - suffix.length) + suffix;
}

export function planAdminLayer(ir: ResolvedPolicy, settings: KubernetesSettings, toPorts: ToPorts, rep: Reporter): AdminLayer {
  // Which deny guardrails the layer can take: those whose services ANP ports can name.
  const portsOf = new Map<string, readonly PlannedPort[] | 'all'>();
  for (const r of ir.rules) {
    if (r.origin.kind !== 'guardrail' || r.origin.action !== 'deny' || r.services.isEmpty()) continue;
    const ports = toPorts(r.services);
    // An ANP port needs a number (1–65535): "every port of TCP" would leave port 0 out, so it is not said either.
    if (ports === 'all' || (ports && ports.every((p) => p.port !== undefined))) portsOf.set(r.origin.name, ports);
    else rep.add('MS9102', `guardrail ${r.origin.name} stays in the NetworkPolicy layer: AdminNetworkPolicy ports cannot name ${r.services}`, r.origin.location);
  }
  const inLayer = (e: SideEntry, dir: Direction) => portsOf.has(e.origin.name) && (e.peer.kind !== 'addresses' || dir === 'egress');
  // The layer lists a deny's peer segments per side: one whose two ends are segment sets is counted first.
  const budget = targetBudget(ir, 'kubernetes', 'the AdminNetworkPolicy layer lists its peers one segment at a time');
  for (const r of ir.rules) if (portsOf.has(r.origin.name) && !r.pairsListed) budget.add(r.origin, r.pairCount);

  const policies: PlannedAdminPolicy[] = [];
  const addressIngress = new Set<string>();
  for (const seg of ir.segments) {
    const sides = { ingress: sideOf(ir, seg.name, 'ingress'), egress: sideOf(ir, seg.name, 'egress') };
    const ingress: PlannedAdminRule[] = [];
    const egress: PlannedAdminRule[] = [];
    // Ingress: per guardrail, the source segments it denies into this segment.
    const from = new Map<string, { origin: Origin; segments: Set<string> }>();
    for (const e of sides.ingress.deny) {
      if (!portsOf.has(e.origin.name)) continue;
      if (e.peer.kind !== 'segment') {
        addressIngress.add(e.origin.name);
        continue;
      }
      const g = from.get(e.origin.name) ?? from.set(e.origin.name, { origin: e.origin, segments: new Set() }).get(e.origin.name)!;
      g.segments.add(e.peer.segment);
    }
    for (const name of [...from.keys()].sort(byName)) {
      const { origin, segments } = from.get(name)!;
      chunk([...segments].sort(byName), ANP_LIMITS.peersPerRule).forEach((part, i) =>
        ingress.push({ name: ruleName(name, i), direction: 'ingress', segments: part, networks: [], ports: portsOf.get(name)!, origin }),
      );
    }
    // Egress: per guardrail, the destination addresses it denies from this segment.
    const to = new Map<string, { origin: Origin; addrs: AddressSet }>();
    for (const e of sides.egress.deny) {
      if (!portsOf.has(e.origin.name) || e.peer.kind !== 'addresses') continue;
      const g = to.get(e.origin.name);
      to.set(e.origin.name, { origin: e.origin, addrs: (g?.addrs ?? AddressSet.EMPTY).union(e.peer.addresses) });
    }
    for (const name of [...to.keys()].sort(byName)) {
      const { origin, addrs } = to.get(name)!;
      const peers = chunk(addrs.toCidrs(), ANP_LIMITS.networksPerPeer);
      chunk(peers, ANP_LIMITS.peersPerRule).forEach((part, i) =>
        egress.push({ name: ruleName(name, i), direction: 'egress', segments: [], networks: part, ports: portsOf.get(name)!, origin }),
      );
    }
    if (ingress.length === 0 && egress.length === 0) continue;
    for (const [dir, rules] of [
      ['ingress', ingress],
      ['egress', egress],
    ] as const) {
      if (rules.length > ANP_LIMITS.rulesPerDirection)
        rep.add('MS9004', `segment ${seg.name} needs ${rules.length} ${dir} AdminNetworkPolicy rules, more than the ${ANP_LIMITS.rulesPerDirection} one policy holds`, seg.location);
    }
    const name = `${settings.namePrefix}${ir.name}-${seg.name}-guardrails`;
    if (name.length > 253) rep.add('MS9003', `AdminNetworkPolicy name '${name}' is longer than 253 characters`, seg.location);
    policies.push({ segment: seg.name, name, priority: settings.adminPriority, ingress, egress });
  }
  for (const g of [...addressIngress].sort(byName)) {
    rep.add('MS9103', `the part of guardrail ${g} that denies by source address stays in the NetworkPolicy layer (ipBlock except): AdminNetworkPolicy ingress rules match pods and namespaces only`, ir.rule(g).origin.location);
  }
  const rest = withoutDenies(ir, (e, _segment, dir) => !inLayer(e, dir));
  return { policies, rest };
}
