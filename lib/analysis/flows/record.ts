/**
 * One observed flow, as every reader hands it on: the packet's addresses,
 * ports and IP protocol, the cloud's verdict, and when. Addresses stay
 * strings here (parsed once per distinct flow, not once per line).
 */
import { isIP } from 'net';
import { formatAddress, parseAddress } from '../../net/address';

export type FlowAction = 'accept' | 'reject' | 'unknown';

export interface FlowRecord {
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  /** IP protocol number (6 tcp, 17 udp, 1 icmp, 58 icmpv6, …). */
  readonly proto: number;
  readonly action: FlowAction;
  /** Start of the capture window, epoch seconds; NaN when the log does not say. */
  readonly start: number;
  readonly packets: number;
  readonly bytes: number;
  /**
   * Which end opened the connection, when the log says so (Azure tuples are
   * written from the initiator; AWS `tcp-flags` show SYN or SYN-ACK).
   * Undefined: the analyses orient the flow by its ports.
   */
  readonly initiator?: 'src' | 'dst';
  /**
   * The firewall that decided, when the log names it (GCP Firewall Rules
   * Logging: the NAME of `rule_details.reference`
   * `network:NET/firewall:NAME`). Lets `stale` credit exactly that rule.
   */
  readonly decidedBy?: string;
}

export type FlowFormat = 'aws' | 'azure' | 'gcp';

const PROTO_NAMES: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58, 'ipv6-icmp': 58, gre: 47, esp: 50, ah: 51, sctp: 132 };

/** Validate the parts every reader shares; returns the reason a record is malformed, or undefined. */
export function recordProblem(r: FlowRecord): string | undefined {
  const fs = isIP(r.src);
  if (fs === 0) return `invalid source address '${r.src}'`;
  const fd = isIP(r.dst);
  if (fd === 0) return `invalid destination address '${r.dst}'`;
  if (fs !== fd) return 'source and destination are of different address families';
  if (!validPort(r.srcPort)) return `invalid source port '${r.srcPort}'`;
  if (!validPort(r.dstPort)) return `invalid destination port '${r.dstPort}'`;
  if (!Number.isInteger(r.proto) || r.proto < 0 || r.proto > 255) return `invalid protocol '${r.proto}'`;
  return undefined;
}

function validPort(p: number): boolean {
  return Number.isInteger(p) && p >= 0 && p <= 65535;
}

/** A protocol written as a number (`6`) or a name (`TCP`, `udp`). NaN when neither. */
export function protocolNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return NaN;
  const t = v.trim().toLowerCase();
  if (/^\d{1,3}$/.test(t)) return Number(t);
  return PROTO_NAMES[t] ?? NaN;
}

/** A port that may be absent (ICMP, other protocols): absent → 0. */
export function portNumber(v: unknown): number {
  if (v === undefined || v === null || v === '' || v === '-') return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d{1,5}$/.test(v.trim())) return Number(v.trim());
  return NaN;
}

/** Epoch seconds from seconds, milliseconds or an ISO timestamp. */
export function epochSeconds(v: unknown): number {
  if (typeof v === 'number') return v > 1e11 ? Math.floor(v / 1000) : v;
  if (typeof v !== 'string' || v === '' || v === '-') return NaN;
  if (/^\d+$/.test(v)) return epochSeconds(Number(v));
  const t = Date.parse(v);
  return Number.isNaN(t) ? NaN : Math.floor(t / 1000);
}

const canonCache = new Map<string, string>();
const PLAIN_V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * An address in canonical text (RFC 5952 for IPv6: lowercase, no leading
 * zeros, longest zero run as `::`), so `2001:DB8:0:0::0A` in a log and
 * `2001:db8::a` in an inventory are one host in every analysis. Cached:
 * logs repeat a few thousand addresses millions of times.
 */
export function canonicalAddress(text: string): string {
  if (PLAIN_V4.test(text)) return text;
  const hit = canonCache.get(text);
  if (hit !== undefined) return hit;
  const p = parseAddress(text);
  const out = p ? formatAddress(p.family, p.value) : text;
  if (canonCache.size > 100_000) canonCache.clear();
  canonCache.set(text, out);
  return out;
}
