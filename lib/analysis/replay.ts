/**
 * Replaying observed traffic through a policy. Flow logs say which
 * addresses talked on which port and whether the cloud let it through;
 * AWS logs carry no rule ids, and no log knows our segments. So each
 * distinct flow is oriented (client → server), its ends are mapped to
 * workloads by address via the inventory and so to segments, and the
 * meaning (lib/resolve/meaning.ts) says which allows admitted it: exactly
 * the rules a compiled policy would have used.
 *
 * Orientation: the end that opened the connection is the client. Azure
 * tuples and AWS `tcp-flags` say which end that is; otherwise, for TCP and
 * UDP, the end with the lower port is taken as the server (clients use
 * ephemeral ports, 32768+ on Linux, 49152+ on Windows), so a response
 * record folds into its request.
 */
import { AddressSet, Family, parseAddress } from '../net/address';
import { PROTO_ICMP, PROTO_ICMPV6, PROTO_SCTP, PROTO_TCP, PROTO_UDP, ServiceSet } from '../net/service';
import { PortSet } from '../net/ports';
import { ResolvedPolicy, SideEntry } from '../resolve/ir';
import { matchingEntries, PeerEndpoint } from '../resolve/meaning';
import { AddressBook, Membership } from './inventory';
import { canonicalAddress, FlowRecord } from './flows/record';

/** One distinct oriented flow, with what the logs say about it. */
export interface ObservedFlow {
  readonly client: string;
  readonly server: string;
  readonly proto: number;
  /** Service port (0 for protocols without ports). */
  readonly port: number;
  /** The connections' verdict: reject when any record of a connection says REJECT, else accept when one says ACCEPT, else unknown. */
  readonly action: FlowRecord['action'];
  /** Connections (one per client port): what `stale` and `discover` count as hits. */
  hits: number;
  /** Log records of those connections (a GCP SRC and DEST report, Azure B/C/E states, both interfaces of AWS: several per connection). */
  records: number;
  packets: number;
  bytes: number;
  /** Epoch seconds; NaN when unknown. */
  first: number;
  last: number;
  /** Firewall rules the logs name as deciding (GCP Firewall Rules Logging), sorted. */
  decidedBy?: string[];
}

const PORTED = new Set([6, 17, 132]);

export function orient(r: FlowRecord): { client: string; server: string; port: number; clientPort: number } {
  if (!PORTED.has(r.proto)) return { client: r.src, server: r.dst, port: 0, clientPort: 0 };
  const swap = r.initiator === 'dst' || (r.initiator === undefined && r.srcPort < r.dstPort);
  return swap ? { client: r.dst, server: r.src, port: r.srcPort, clientPort: r.dstPort } : { client: r.src, server: r.dst, port: r.dstPort, clientPort: r.srcPort };
}

/** One connection: the records of one (client, client port, server, protocol, port). */
interface Connection {
  action: FlowRecord['action'];
  records: number;
  packets: number;
  bytes: number;
  first: number;
  last: number;
  decidedBy?: Set<string>;
}

const RANK: Record<FlowRecord['action'], number> = { unknown: 0, accept: 1, reject: 2 };

/**
 * Folds records into distinct flows of connections. A connection is one
 * client port of an oriented flow, so the reports of one connection (GCP
 * SRC and DEST, Azure's B, C and E states, the two interfaces of an AWS
 * flow, request and response) are one hit. Addresses are compared in
 * canonical form. Memory grows with connections, never with lines.
 */
export class FlowAggregator {
  private readonly conns = new Map<string, { client: string; server: string; proto: number; port: number; byPort: Map<number, Connection> }>();

  add(r: FlowRecord): void {
    const o = orient({ ...r, src: canonicalAddress(r.src), dst: canonicalAddress(r.dst) });
    const key = `${o.client}|${o.server}|${r.proto}|${o.port}`;
    let f = this.conns.get(key);
    if (!f) {
      f = { client: o.client, server: o.server, proto: r.proto, port: o.port, byPort: new Map() };
      this.conns.set(key, f);
    }
    const c = f.byPort.get(o.clientPort);
    if (!c) {
      f.byPort.set(o.clientPort, { action: r.action, records: 1, packets: r.packets, bytes: r.bytes, first: r.start, last: r.start, ...(r.decidedBy ? { decidedBy: new Set([r.decidedBy]) } : {}) });
      return;
    }
    c.records++;
    c.packets += r.packets;
    c.bytes += r.bytes;
    if (RANK[r.action] > RANK[c.action]) c.action = r.action;
    if (r.start < c.first || Number.isNaN(c.first)) c.first = r.start;
    if (r.start > c.last || Number.isNaN(c.last)) c.last = r.start;
    if (r.decidedBy) (c.decidedBy ??= new Set()).add(r.decidedBy);
  }

  /** Distinct flows, one per verdict of their connections; sorted, for deterministic output. */
  list(): ObservedFlow[] {
    const out: [string, ObservedFlow][] = [];
    for (const [key, f] of this.conns) {
      const byAction = new Map<string, ObservedFlow>();
      for (const c of f.byPort.values()) {
        const k = `${c.action}|${c.decidedBy ? [...c.decidedBy].sort().join(',') : ''}`;
        const o = byAction.get(k);
        if (!o) {
          byAction.set(k, {
            client: f.client,
            server: f.server,
            proto: f.proto,
            port: f.port,
            action: c.action,
            hits: 1,
            records: c.records,
            packets: c.packets,
            bytes: c.bytes,
            first: c.first,
            last: c.last,
            ...(c.decidedBy ? { decidedBy: [...c.decidedBy].sort() } : {}),
          });
          continue;
        }
        o.hits++;
        o.records += c.records;
        o.packets += c.packets;
        o.bytes += c.bytes;
        if (c.first < o.first || Number.isNaN(o.first)) o.first = c.first;
        if (c.last > o.last || Number.isNaN(o.last)) o.last = c.last;
      }
      for (const [k, o] of byAction) out.push([`${key}|${k}`, o]);
    }
    return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, f]) => f);
  }
}

/** The single service a packet is on, as a ServiceSet (for "which ports of a rule were used"). */
export function packetService(family: Family, proto: number, port: number): ServiceSet {
  if (proto === PROTO_TCP) return ServiceSet.tcp(port);
  if (proto === PROTO_UDP) return ServiceSet.udp(port);
  if (proto === PROTO_SCTP) return ServiceSet.of({ sctp: PortSet.range(port) });
  // Flow logs carry no ICMP type or code: an ICMP record stands for every type of its family.
  if (family === 4 && proto === PROTO_ICMP) return ServiceSet.of({ icmp4: PortSet.ALL });
  if (family === 6 && proto === PROTO_ICMPV6) return ServiceSet.of({ icmp6: PortSet.ALL });
  if (proto === PROTO_ICMP || proto === PROTO_ICMPV6) return ServiceSet.of({ strayIcmp: true });
  return ServiceSet.protocol(proto);
}

/** An end of an observed flow, mapped. */
export interface MappedEnd {
  readonly address: string;
  readonly family: Family;
  readonly value: bigint;
  /** Workloads at the address (any segment or none). */
  readonly workloads: readonly Membership[];
  /** The segment of the workload at the address; undefined for an outside host. */
  readonly segment?: string;
  /** True when workloads of several segments share the address. */
  readonly ambiguous: boolean;
}

export function mapEnd(book: AddressBook, address: string): MappedEnd | undefined {
  const p = parseAddress(address);
  if (!p) return undefined;
  const workloads = book.lookup(p.family, p.value);
  const segs = [...new Set(workloads.map((w) => w.segment).filter((s): s is string => s !== undefined))];
  return { address, family: p.family, value: p.value, workloads, segment: segs.length === 1 ? segs[0] : undefined, ambiguous: segs.length > 1 };
}

export type Verdict = 'allowed' | 'denied' | 'outside' | 'ambiguous' | 'unparsed';

/** What the policy says about one observed flow, and which allows admitted it. */
export interface Replayed {
  readonly flow: ObservedFlow;
  readonly client?: MappedEnd;
  readonly server?: MappedEnd;
  /** `outside`: both ends are outside hosts (not ours to judge). */
  readonly verdict: Verdict;
  /** Names of the allows (rules and allow guardrails) that admit the flow on either side. */
  readonly admittedBy: readonly string[];
  /** Deny guardrails that remove it. */
  readonly deniedBy: readonly string[];
  readonly service: ServiceSet;
}

export function replayFlow(ir: ResolvedPolicy, book: AddressBook, flow: ObservedFlow): Replayed {
  const client = mapEnd(book, flow.client);
  const server = mapEnd(book, flow.server);
  const none = { admittedBy: [], deniedBy: [], service: ServiceSet.EMPTY };
  if (!client || !server || client.family !== server.family) return { flow, client, server, verdict: 'unparsed', ...none };
  const service = packetService(client.family, flow.proto, flow.port);
  if (client.ambiguous || server.ambiguous) return { flow, client, server, verdict: 'ambiguous', ...none, service };
  if (client.segment === undefined && server.segment === undefined) return { flow, client, server, verdict: 'outside', ...none, service };
  const has = (e: SideEntry) => e.services.has(client.family, flow.proto, flow.port);
  const admittedBy = new Set<string>();
  const deniedBy = new Set<string>();
  let allowed = true;
  const side = (segment: string, dir: 'ingress' | 'egress', peer: PeerEndpoint) => {
    const m = matchingEntries(ir, segment, dir, peer);
    const allows = m.allow.filter(has);
    const denies = m.deny.filter(has);
    for (const e of allows) admittedBy.add(e.origin.name);
    for (const e of denies) deniedBy.add(e.origin.name);
    if (allows.length === 0 || denies.length > 0) allowed = false;
  };
  const peerOf = (e: MappedEnd): PeerEndpoint => ({ segment: e.segment, family: e.family, address: e.value });
  if (client.segment !== undefined) side(client.segment, 'egress', peerOf(server));
  if (server.segment !== undefined) side(server.segment, 'ingress', peerOf(client));
  return {
    flow,
    client,
    server,
    verdict: allowed ? 'allowed' : 'denied',
    // A rule "admitted" a flow only when the flow got through: allows that a deny overrode did not.
    admittedBy: allowed ? [...admittedBy].sort() : [],
    deniedBy: [...deniedBy].sort(),
    service,
  };
}

/** Merge port-level services into a set; used to say which part of a rule was used. */
export function unionServices(sets: Iterable<ServiceSet>): ServiceSet {
  let s = ServiceSet.EMPTY;
  for (const x of sets) s = s.union(x);
  return s;
}

export { AddressSet, PortSet };
