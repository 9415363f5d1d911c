/**
 * One evaluation model for the three clouds. Each cloud reader (aws.ts,
 * azure.ts, gcp.ts) turns the Terraform JSON into ordered rule chains; a
 * packet is admitted on a side when every chain that applies to the
 * workload admits it, and a chain decides by its first matching rule:
 *
 *   AWS    one chain: every rule of every attached group (all allows), default deny.
 *   Azure  one chain per NSG applying to the workload, by priority, default rules appended.
 *   GCP    one chain of every firewall of the network, by priority with deny first
 *          on ties, implied rules appended.
 *
 * Rules match the local workload (the one whose side it is) by identity or
 * address, the peer by identity OR address, and the packet by protocol,
 * destination port (ICMP type/code packed as type*256+code) and source port.
 */
import { AddressSet, Family } from '../net/address';
import { PortSet } from '../net/ports';
import { layerOf, nextLayerStart } from './layers';
import { VerifyIssue } from './terraform';

export type Direction = 'ingress' | 'egress';

export const PROTO = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58, SCTP: 132 } as const;

/** Protocols whose packets carry ports that rules may match. */
export const PORT_PROTOCOLS: readonly number[] = [PROTO.TCP, PROTO.UDP, PROTO.SCTP];
export const ICMP_PROTOCOLS: readonly number[] = [PROTO.ICMP, PROTO.ICMPV6];

/** A probe packet. `port` is the destination port (tcp/udp/sctp) or type*256+code (icmp/icmpv6), 0 otherwise. */
export interface Packet {
  readonly family: Family;
  readonly proto: number;
  readonly port: number;
  readonly srcPort: number;
}

/** Match by identity OR by address. */
export interface EndpointMatch {
  readonly ids: ReadonlySet<string>;
  readonly addrs: AddressSet;
}

export interface ProtoMatch {
  /** Every IP protocol (AWS -1, Azure *, GCP all); ports are then not consulted. */
  readonly all: boolean;
  readonly protos: ReadonlySet<number>;
  /** Destination ports for tcp/udp/sctp; undefined: all. */
  readonly ports?: PortSet;
  /** ICMP type*256+code for icmp/icmpv6; undefined: all. */
  readonly icmp?: PortSet;
  /** Source ports (Azure only); undefined: all. */
  readonly srcPorts?: PortSet;
}

export interface NormRule {
  /** `next`: leave this rule's layer, the packet goes on to the next one (layers.ts). */
  readonly action: 'allow' | 'deny' | 'next';
  /** Every clause must match the local workload. */
  readonly local: readonly EndpointMatch[];
  readonly peer: EndpointMatch;
  /** Any of these matches the packet. */
  readonly protos: readonly ProtoMatch[];
  /** Terraform address (and inline rule name) for reports. */
  readonly origin: string;
  /** Short human description, e.g. `allow tcp/443 from 10.0.0.0/8 (priority 200)`. */
  readonly label: string;
  /** Layer of a layered chain (layers.ts); absent: 0. Non-decreasing along a chain. */
  readonly layer?: number;
}

export interface Chain {
  /** The NSG, or `aws`, `gcp-network` … */
  readonly name: string;
  /** First match decides; no match denies. */
  readonly rules: readonly NormRule[];
}

/** What a cloud reader produces. */
export interface CloudModel {
  readonly target: string;
  /** Identity tokens carried by workloads of each segment (from identities.json). */
  readonly identities: ReadonlyMap<string, ReadonlySet<string>>;
  /** Chains applying to a workload of the segment, per direction. */
  chains(segment: string, dir: Direction): readonly Chain[];
  readonly issues: readonly VerifyIssue[];
  /** Every port boundary the output names, per protocol number (icmp: type*256+code). */
  readonly portSets: ReadonlyMap<number, PortSet[]>;
  readonly srcPortSets: ReadonlyMap<number, PortSet[]>;
  /** Protocol numbers the output names explicitly. */
  readonly protocols: ReadonlySet<number>;
}

/**
 * A reader's CloudModel: its identities and issues, the boundaries it noted,
 * and its chains built once per segment and direction on first use (the
 * product check asks for each many times).
 */
export function cloudModel(
  target: string,
  parts: { readonly identities: ReadonlyMap<string, ReadonlySet<string>>; readonly issues: readonly VerifyIssue[]; readonly bounds: Boundaries },
  build: (segment: string, dir: Direction) => Chain[],
): CloudModel {
  const cache = new Map<string, Chain[]>();
  return {
    target,
    identities: parts.identities,
    issues: parts.issues,
    portSets: parts.bounds.portSets,
    srcPortSets: parts.bounds.srcPortSets,
    protocols: parts.bounds.protocols,
    chains(segment: string, dir: Direction): Chain[] {
      const key = `${segment}\u0000${dir}`;
      let c = cache.get(key);
      if (!c) cache.set(key, (c = build(segment, dir)));
      return c;
    },
  };
}

function hitsIds(m: EndpointMatch, ids: ReadonlySet<string>): boolean {
  for (const i of m.ids) if (ids.has(i)) return true;
  return false;
}

export function endpointMatches(m: EndpointMatch, ids: ReadonlySet<string>, family: Family, address: bigint): boolean {
  return hitsIds(m, ids) || m.addrs.contains(family, address);
}

export function protoMatches(pm: ProtoMatch, p: Packet): boolean {
  if (pm.all) return true;
  if (!pm.protos.has(p.proto)) return false;
  if (PORT_PROTOCOLS.includes(p.proto)) {
    if (pm.ports && !pm.ports.has(p.port)) return false;
    if (pm.srcPorts && !pm.srcPorts.has(p.srcPort)) return false;
  }
  if (ICMP_PROTOCOLS.includes(p.proto) && pm.icmp && !pm.icmp.has(p.port)) return false;
  return true;
}

export function ruleMatchesPacket(r: NormRule, p: Packet): boolean {
  return r.protos.some((pm) => protoMatches(pm, p));
}

/** Does a rule apply to a local workload with these identities, anywhere in the local address atom? Atoms never straddle a rule's local addresses. */
export function ruleMatchesLocal(r: NormRule, ids: ReadonlySet<string>, family: Family, atomLo: bigint): boolean {
  return r.local.every((m) => endpointMatches(m, ids, family, atomLo));
}

/** Local address sets named by a chain's rules: the boundaries of a segment's local atoms. */
export function localAddressSets(chains: readonly Chain[]): AddressSet[] {
  const out: AddressSet[] = [];
  for (const c of chains) out.push(...localSetsOf(c.rules));
  return out;
}

/** Per rule list (GCP's one list of every firewall is shared by every segment): read once, not once per segment. */
const localSetsCache = new WeakMap<readonly NormRule[], readonly AddressSet[]>();
function localSetsOf(rules: readonly NormRule[]): readonly AddressSet[] {
  let out = localSetsCache.get(rules);
  if (!out) {
    const sets: AddressSet[] = [];
    for (const r of rules) for (const m of r.local) if (!m.addrs.isEmpty()) sets.push(m.addrs);
    localSetsCache.set(rules, (out = sets));
  }
  return out;
}

/**
 * Addresses of peers admitted by a chain, for a peer carrying identities
 * whose matching rules are `hit` (indices into rules). First match decides;
 * a `next` rule passes what it matches on to the next layer (layers.ts).
 */
export function walkChain(rules: readonly NormRule[], hit: (i: number) => boolean, universe: AddressSet): AddressSet {
  let rest = universe;
  let admitted = AddressSet.EMPTY;
  // Peers a `next` rule of the current layer sent on: undecided again from the next layer's first rule.
  let passed = AddressSet.EMPTY;
  let layer = rules.length ? layerOf(rules[0]) : 0;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    const l = layerOf(r);
    if (l !== layer) {
      layer = l;
      rest = rest.union(passed);
      passed = AddressSet.EMPTY;
    }
    if (rest.isEmpty()) continue;
    const m = hit(i) ? rest : rest.intersect(r.peer.addrs);
    if (m.isEmpty()) continue;
    if (r.action === 'allow') admitted = admitted.union(m);
    else if (r.action === 'next') passed = passed.union(m);
    rest = rest.subtract(m);
  }
  return admitted;
}

/** The single-packet answer with the deciding rule of each chain, for example flows. */
export interface PacketDecision {
  readonly admitted: boolean;
  /** One line per chain: `chain: rule label` or `chain: no rule matches (deny)`. */
  readonly decidedBy: string[];
}

export function decidePacket(
  chains: readonly Chain[],
  local: { ids: ReadonlySet<string>; family: Family; address: bigint },
  peer: { ids: ReadonlySet<string>; family: Family; address: bigint },
  p: Packet,
): PacketDecision {
  let admitted = true;
  const decidedBy: string[] = [];
  const matches = (r: NormRule) =>
    ruleMatchesLocal(r, local.ids, local.family, local.address) && ruleMatchesPacket(r, p) && endpointMatches(r.peer, peer.ids, peer.family, peer.address);
  for (const c of chains) {
    // First match decides; a `next` rule skips the rest of its layer (layers.ts).
    let r: NormRule | undefined;
    for (let i = 0; i < c.rules.length; ) {
      if (!matches(c.rules[i])) {
        i++;
        continue;
      }
      if (c.rules[i].action !== 'next') {
        r = c.rules[i];
        break;
      }
      i = nextLayerStart(c.rules, i);
    }
    if (!r) {
      admitted = false;
      decidedBy.push(`${c.name}: no rule matches (deny)`);
    } else {
      if (r.action !== 'allow') admitted = false;
      decidedBy.push(`${c.name}: ${r.origin} ${r.label}`);
    }
  }
  return { admitted, decidedBy };
}

/** Collects the port and protocol boundaries a reader names. */
export class Boundaries {
  readonly portSets = new Map<number, PortSet[]>();
  readonly srcPortSets = new Map<number, PortSet[]>();
  readonly protocols = new Set<number>();

  note(pm: ProtoMatch): void {
    if (pm.all) return;
    for (const p of pm.protos) {
      this.protocols.add(p);
      if (PORT_PROTOCOLS.includes(p)) {
        if (pm.ports) push(this.portSets, p, pm.ports);
        if (pm.srcPorts) push(this.srcPortSets, p, pm.srcPorts);
      }
      if (ICMP_PROTOCOLS.includes(p) && pm.icmp) push(this.portSets, p, pm.icmp);
    }
  }
}

function push(m: Map<number, PortSet[]>, k: number, v: PortSet): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}
