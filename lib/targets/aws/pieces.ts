/**
 * Service sets in AWS terms. A security group rule carries one `ip_protocol`
 * and, for tcp/udp, one port range; so a service set becomes a list of
 * pieces: `-1` (everything), tcp or udp ranges, and ICMP (`icmp` for IPv4,
 * `icmpv6` for IPv6). AWS has no "every protocol except tcp/22": a set that
 * holds `other` (GRE, ESP, …) without holding everything has no piece list
 * within quota, and the caller reports it.
 */
import { Family } from '../../net/address';
import { PortSet } from '../../net/ports';
import { ServiceSet } from '../../net/service';

export type Piece = { readonly proto: '-1' } | { readonly proto: 'icmp' } | { readonly proto: 'tcp' | 'udp'; readonly lo: number; readonly hi: number };

/** The AWS `ip_protocol` and ports of a piece for one address family. */
export interface AwsProtocol {
  readonly ipProtocol: '-1' | 'tcp' | 'udp' | 'icmp' | 'icmpv6';
  readonly fromPort?: number;
  readonly toPort?: number;
}

export function pieceKey(p: Piece): string {
  return p.proto === 'tcp' || p.proto === 'udp' ? `${p.proto}/${p.lo}-${p.hi}` : p.proto;
}

export function pieceServices(p: Piece): ServiceSet {
  if (p.proto === '-1') return ServiceSet.ANY;
  if (p.proto === 'icmp') return ServiceSet.of({ icmp: true });
  return p.proto === 'tcp' ? ServiceSet.tcp(p.lo, p.hi) : ServiceSet.udp(p.lo, p.hi);
}

/** AWS protocol for a piece; ICMP depends on the family of the packets it is meant for. */
export function awsProtocol(p: Piece, family: Family): AwsProtocol {
  if (p.proto === '-1') return { ipProtocol: '-1' };
  // from_port/to_port -1 with ICMP mean every type and code.
  if (p.proto === 'icmp') return { ipProtocol: family === 4 ? 'icmp' : 'icmpv6', fromPort: -1, toPort: -1 };
  return { ipProtocol: p.proto, fromPort: p.lo, toPort: p.hi };
}

/** Pieces covering exactly `s`, or undefined when `s` holds `other` without being everything. */
export function toPieces(s: ServiceSet): Piece[] | undefined {
  if (s.isAny()) return [{ proto: '-1' }];
  if (s.other) return undefined;
  const out: Piece[] = [];
  for (const r of s.tcp.ranges) out.push({ proto: 'tcp', lo: r.lo, hi: r.hi });
  for (const r of s.udp.ranges) out.push({ proto: 'udp', lo: r.lo, hi: r.hi });
  if (s.icmp) out.push({ proto: 'icmp' });
  return out;
}

export { serviceAtoms } from '../../net/service';

/** A stable text key of a service set, for grouping. */
export function serviceKey(s: ServiceSet): string {
  return `t${s.tcp.toString()}|u${s.udp.toString()}|${s.icmp ? 'i' : ''}${s.other ? 'o' : ''}`;
}
