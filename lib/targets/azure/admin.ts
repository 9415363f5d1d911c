/**
 * Deny guardrails as Virtual Network Manager security admin rules
 * (`targets.azure.guardrails: network-manager`): evaluated before every NSG,
 * in a configuration the security team governs, so whoever may edit an
 * application's NSG cannot remove them.
 *
 * Admin rules match addresses, not application security groups. A deny
 * guardrail G compiles per direction into rules whose local side (inbound:
 * destination, outbound: source) is the addresses of the segments whose
 * side G denies, and whose peer side is the addresses of what G denies
 * there: a denied segment by its `addresses`, an external by its CIDRs.
 * Segments whose sides deny the same peers (the same G, services and
 * family) share one rule; `sameLabels` makes several.
 *
 * Every workload of a segment sits in its segment's addresses, so such a
 * rule denies at least what G denies. It is exact when it denies nothing
 * else that the policy admits: admin-exact.ts proves that or fails with a
 * located error saying which addresses to declare. The NSGs then carry the
 * allows and the deny-alls only.
 */
import { AddressSet, Family } from '../../net/address';
import { PROTO_AH, PROTO_ESP, PROTO_TCP, PROTO_UDP, ServiceSet } from '../../net/service';
import { segmentFamilies } from '../../resolve/families';
import { Direction, Origin, ResolvedPolicy } from '../../resolve/ir';
import { sideOf } from '../../resolve/peers';
import { targetBudget } from '../../resolve/budget';
import { fitName, fitText } from '../kit/names';
import { largestContributors, Reporter } from '../kit/report';
import { AzureLimits } from './limits';
import { allocatePriorities, AzureProtocol, protocolParts } from './plan';

export type AdminProtocol = 'Tcp' | 'Udp' | 'Icmp' | 'Esp' | 'Ah' | 'Any';

export interface PlannedAdminRule {
  /** Stable identity, independent of priority: `guardrail|dir|protocol|family|group`. */
  readonly key: string;
  /** Azure rule name (≤ nameMax), also the construct id. */
  readonly name: string;
  readonly direction: 'Inbound' | 'Outbound';
  readonly priority: number;
  /** Keys of the admin rules that must hold their new priorities before this one takes its own (plan.ts, allocatePriorities). */
  readonly after?: readonly string[];
  readonly protocol: AdminProtocol;
  /** Destination ports: `*` (every port, or a protocol without ports) or ranges (`443`, `8000-8099`). */
  readonly ports: '*' | readonly string[];
  readonly family: Family;
  /** The workloads' own addresses (inbound destination, outbound source). */
  readonly local: AddressSet;
  /** What is denied (inbound source, outbound destination). */
  readonly peer: AddressSet;
  /** The services of the rule (its protocol part of the guardrail's services). */
  readonly services: ServiceSet;
  /** Segments whose side the rule realises, sorted. */
  readonly segments: readonly string[];
  /** Segments whose addresses make up `peer` (the rest comes from externals and CIDRs), sorted. */
  readonly peerSegments: readonly string[];
  readonly description: string;
  readonly origin: Origin;
}

export interface AdminPlan {
  readonly configurationName: string;
  readonly collectionName: string;
  readonly networkGroupName: string;
  /** Sorted by key. */
  readonly rules: readonly PlannedAdminRule[];
}

/** Virtual Network Manager's limits: https://learn.microsoft.com/en-us/azure/virtual-network-manager/concept-limitations#security-admin-rule-limitations */
export const ADMIN_LIMITS = {
  /** IP prefixes in all security admin rules combined. */
  prefixes: 1000,
  /** Admin rules in one level of Virtual Network Manager. */
  rules: 100,
  /** Priorities of admin rules, unique per rule collection. */
  priorities: [1, 4096] as readonly [number, number],
};

const PROTOCOL: Record<AzureProtocol, AdminProtocol> = { Tcp: 'Tcp', Udp: 'Udp', Icmp: 'Icmp', Esp: 'Esp', Ah: 'Ah', '*': 'Any' };

/** What one protocol part of a rule matches: its share of the guardrail's services. */
const PART_SERVICES: Record<AzureProtocol, ServiceSet> = {
  Tcp: ServiceSet.protocol(PROTO_TCP),
  Udp: ServiceSet.protocol(PROTO_UDP),
  Icmp: ServiceSet.of({ icmp: true }),
  Esp: ServiceSet.protocol(PROTO_ESP),
  Ah: ServiceSet.protocol(PROTO_AH),
  '*': ServiceSet.ANY,
};

interface Group {
  origin: Origin;
  direction: Direction;
  services: ServiceSet;
  family: Family;
  peer: AddressSet;
  peerSegments: Set<string>;
  segments: string[];
}

/**
 * Every deny guardrail's entries, per direction, family and peer set: the
 * rule groups, keyed so that equal peers on different segments share one.
 */
function groups(ir: ResolvedPolicy): Group[] {
  const out = new Map<string, Group>();
  for (const seg of ir.segments) {
    const families = segmentFamilies(seg);
    for (const direction of ['ingress', 'egress'] as const) {
      const byOrigin = new Map<string, { origin: Origin; services: ServiceSet; peerSegments: Set<string>; addresses: AddressSet }>();
      for (const e of sideOf(ir, seg.name, direction).deny) {
        const k = `${e.origin.name}\u0000${e.services.toString()}`;
        let g = byOrigin.get(k);
        if (!g) byOrigin.set(k, (g = { origin: e.origin, services: e.services, peerSegments: new Set(), addresses: AddressSet.EMPTY }));
        if (e.peer.kind === 'segment') g.peerSegments.add(e.peer.segment);
        else g.addresses = g.addresses.union(e.peer.addresses);
      }
      for (const g of byOrigin.values()) {
        const peerAll = [...g.peerSegments].reduce((a, s) => a.union(ir.segment(s).addresses), g.addresses);
        for (const family of families) {
          const peer = peerAll.family(family);
          if (peer.isEmpty() || seg.addresses.family(family).isEmpty()) continue;
          const peerSegments = [...g.peerSegments].filter((s) => !ir.segment(s).addresses.family(family).isEmpty());
          const key = [g.origin.name, direction, g.services.toString(), family, peer.toString(), peerSegments.sort().join(',')].join('\u0000');
          const x = out.get(key);
          if (x) x.segments.push(seg.name);
          else out.set(key, { origin: g.origin, direction, services: g.services, family, peer, peerSegments: new Set(peerSegments), segments: [seg.name] });
        }
      }
    }
  }
  return [...out.values()];
}

/** The admin rules of a policy's deny guardrails, before the exactness proof (admin-exact.ts). */
export function planAdminRules(ir: ResolvedPolicy, prefix: string, limits: AzureLimits, rep: Reporter): AdminPlan {
  // Admin rules list a deny's peer segments per side: one whose two ends are segment sets is counted first.
  const budget = targetBudget(ir, 'azure', 'security admin rules match its peers by their addresses, one segment at a time');
  for (const r of ir.rules) if (r.origin.action === 'deny' && !r.pairsListed && !r.services.isEmpty()) budget.add(r.origin, r.pairCount);
  const unprioritised: Omit<PlannedAdminRule, 'priority'>[] = [];
  // Rule groups of one guardrail, direction and family beyond the first (sameLabels) are named by their first segment.
  const firstOf = new Map<string, string>();
  const all = groups(ir).sort((a, b) => (a.segments[0] < b.segments[0] ? -1 : a.segments[0] > b.segments[0] ? 1 : 0));
  for (const g of all) {
    const parts = protocolParts(g.services);
    if (!parts) {
      rep.add(
        'MS5001',
        `guardrail '${g.origin.name}' has services ${g.services}, which security admin rules (Tcp, Udp, Icmp, Esp, Ah or Any) cannot express exactly`,
        g.origin.location,
      );
      continue;
    }
    const dirTag = g.direction === 'ingress' ? 'in' : 'out';
    const base = `${g.origin.name}|${dirTag}|ip${g.family}|${g.services.toString()}`;
    if (!firstOf.has(base)) firstOf.set(base, g.segments[0]);
    const groupTag = firstOf.get(base) === g.segments[0] ? '' : `@${g.segments[0]}`;
    const local = g.segments.reduce((a, s) => a.union(ir.segment(s).addresses.family(g.family)), AddressSet.EMPTY);
    const segments = [...g.segments].sort();
    const whose = segments.length === 1 ? segments[0] : `${segments[0]} and ${segments.length - 1} more segments`;
    for (const part of parts) {
      const protocol = PROTOCOL[part.protocol];
      const services = g.services.intersect(PART_SERVICES[part.protocol]);
      const what = `deny ${protocol.toLowerCase()}${part.ports === '*' ? '' : '/' + part.ports.join(',')}`;
      const where = g.direction === 'ingress' ? `into ${whose}` : `from ${whose}`;
      unprioritised.push({
        key: `${g.origin.name}|${dirTag}|${protocol.toLowerCase()}|ip${g.family}${groupTag}`,
        name: fitName(`${g.origin.name}.${dirTag}.${protocol.toLowerCase()}.ip${g.family}${groupTag.replace('@', '.')}`, limits.nameMax),
        direction: g.direction === 'ingress' ? 'Inbound' : 'Outbound',
        protocol,
        ports: part.ports,
        family: g.family,
        local,
        peer: g.peer,
        services,
        segments,
        peerSegments: [...g.peerSegments].sort(),
        description: fitText(`policy ${ir.name}, guardrail ${g.origin.name}: ${what} ${where}`, limits.descriptionMax),
        origin: g.origin,
      });
    }
  }
  rep.failIfErrors();
  unprioritised.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  const policyLoc = ir.policy.locate(['targets', 'azure', 'guardrails']) ?? ir.policy.locate(['metadata', 'name']);
  const blame = (weight: (r: Omit<PlannedAdminRule, 'priority'>) => number) => largestContributors(unprioritised.map((r) => ({ origin: r.origin, weight: weight(r) })));
  if (unprioritised.length > ADMIN_LIMITS.rules) {
    const b = blame(() => 1);
    rep.add('MS5009', `the deny guardrails need ${unprioritised.length} security admin rules, over Virtual Network Manager's ${ADMIN_LIMITS.rules} per level; ${b.text}`, b.location ?? policyLoc);
  }
  const prefixCount = (r: Omit<PlannedAdminRule, 'priority'>) => r.local.toCidrs(r.family).length + r.peer.toCidrs(r.family).length;
  const prefixes = unprioritised.reduce((n, r) => n + prefixCount(r), 0);
  if (prefixes > ADMIN_LIMITS.prefixes) {
    const b = blame(prefixCount);
    rep.add('MS5009', `the deny guardrails' security admin rules name ${prefixes} IP prefixes, over Virtual Network Manager's ${ADMIN_LIMITS.prefixes} in all admin rules combined; declare fewer, wider segment addresses; ${b.text}`, b.location ?? policyLoc);
  }
  rep.failIfErrors();

  const prios = allocatePriorities(
    unprioritised.map((r) => r.key),
    ADMIN_LIMITS.priorities,
  )!;
  const name = (kind: string) => fitName(`${prefix}${ir.name}-${kind}`, limits.nameMax);
  return {
    configurationName: name('guardrails'),
    collectionName: name('deny-guardrails'),
    networkGroupName: name('workloads'),
    rules: unprioritised.map((r) => {
      const a = prios.get(r.key)!;
      return { ...r, priority: a.priority, ...(a.losers.length ? { after: a.losers } : {}) };
    }),
  };
}
