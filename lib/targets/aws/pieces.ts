/**
 * Service sets in AWS terms. A security group rule carries one `ip_protocol`
 * and, for tcp/udp, one port range, for ICMP one type and code (`icmp` for
 * IPv4, `icmpv6` for IPv6, -1 for every one); any other protocol is its
 * number with every port. So a service set becomes a list of pieces: `-1`
 * (everything), tcp or udp ranges, ICMP types, protocol numbers (sctp as
 * 132, esp 50, …). AWS has no "every protocol except tcp/22" and no SCTP
 * ports: those sets have no piece list, and the caller reports them.
 */
import { Family } from '../../net/address';
import { PortSet } from '../../net/ports';
import { icmpTypeCodes, PROTO_SCTP, ServiceSet } from '../../net/service';

/** ICMP of one family: every type (`type` absent), one type's every code (`code` absent), or one type and code. */
export type IcmpPiece = { readonly proto: 'icmp'; readonly family: Family; readonly type?: number; readonly code?: number };

export type Piece =
  | { readonly proto: '-1' }
  | IcmpPiece
  | { readonly proto: 'tcp' | 'udp'; readonly lo: number; readonly hi: number }
  /** Every packet of one other IP protocol (sctp, esp, gre, …): AWS takes no ports for them. */
  | { readonly proto: 'number'; readonly n: number };

/** The AWS `ip_protocol` and ports of a piece for one address family. */
export interface AwsProtocol {
  /** `-1`, `tcp`, `udp`, `icmp`, `icmpv6` or a protocol number. */
  readonly ipProtocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
}

export function pieceKey(p: Piece): string {
  if (p.proto === 'tcp' || p.proto === 'udp') return `${p.proto}/${p.lo}-${p.hi}`;
  if (p.proto === 'icmp') return `icmp${p.family}/${p.type ?? -1}/${p.code ?? -1}`;
  if (p.proto === 'number') return `proto/${p.n}`;
  return p.proto;
}

export function pieceServices(p: Piece): ServiceSet {
  if (p.proto === '-1') return ServiceSet.ANY;
  if (p.proto === 'icmp') {
    const codes = p.type === undefined ? PortSet.ALL : icmpTypeCodes(p.type, p.code);
    return p.family === 4 ? ServiceSet.of({ icmp4: codes }) : ServiceSet.of({ icmp6: codes });
  }
  if (p.proto === 'number') return ServiceSet.protocol(p.n);
  return p.proto === 'tcp' ? ServiceSet.tcp(p.lo, p.hi) : ServiceSet.udp(p.lo, p.hi);
}

/** The families a piece's rules are written for: ICMP only its own, everything else one family-free rule (4 stands for it). */
export function pieceFamilies(p: Piece, usable: readonly Family[]): Family[] {
  return p.proto === 'icmp' ? usable.filter((f) => f === p.family) : [4];
}

/** AWS protocol for a piece; ICMP depends on the family of the packets it is meant for. */
export function awsProtocol(p: Piece, family: Family): AwsProtocol {
  if (p.proto === '-1') return { ipProtocol: '-1' };
  // from_port is the ICMP type and to_port the code, -1 meaning every one.
  if (p.proto === 'icmp') return { ipProtocol: family === 4 ? 'icmp' : 'icmpv6', fromPort: p.type ?? -1, toPort: p.code ?? -1 };
  if (p.proto === 'number') return { ipProtocol: String(p.n) };
  return { ipProtocol: p.proto, fromPort: p.lo, toPort: p.hi };
}

/** ICMP type×256+code ranges of one family as AWS pieces: whole types, single codes. */
function icmpPieces(family: Family, set: PortSet): IcmpPiece[] {
  if (set.isAll()) return [{ proto: 'icmp', family }];
  const out: IcmpPiece[] = [];
  for (const r of set.ranges) {
    for (let v = r.lo; v <= r.hi; ) {
      if ((v & 255) === 0 && v + 255 <= r.hi) {
        out.push({ proto: 'icmp', family, type: v >> 8 });
        v += 256;
      } else {
        out.push({ proto: 'icmp', family, type: v >> 8, code: v & 255 });
        v++;
      }
    }
  }
  return out;
}

/**
 * Why AWS cannot write `s` exactly, or undefined when it can: SCTP takes no
 * ports in a security group, and ICMP of the wrong family (part of "any but
 * some") has no rule of its own.
 */
export function awsRefusal(s: ServiceSet): { code: 'MS4003' | 'MS4007'; what: string } | undefined {
  if (s.isAny()) return undefined;
  if (s.strayIcmp) return { code: 'MS4003', what: 'every IP protocol but some' };
  if (!s.sctp.isEmpty() && !s.sctp.isAll()) return { code: 'MS4007', what: `SCTP ports (${s.sctp})` };
  return undefined;
}

/** Pieces covering exactly `s`, or undefined when AWS cannot say it (awsRefusal). */
export function toPieces(s: ServiceSet): Piece[] | undefined {
  if (s.isAny()) return [{ proto: '-1' }];
  if (awsRefusal(s)) return undefined;
  const out: Piece[] = [];
  for (const r of s.tcp.ranges) out.push({ proto: 'tcp', lo: r.lo, hi: r.hi });
  for (const r of s.udp.ranges) out.push({ proto: 'udp', lo: r.lo, hi: r.hi });
  if (s.sctp.isAll()) out.push({ proto: 'number', n: PROTO_SCTP });
  out.push(...icmpPieces(4, s.icmp4), ...icmpPieces(6, s.icmp6));
  for (const n of s.protocolNumbers()) out.push({ proto: 'number', n });
  return out;
}

export { serviceAtoms } from '../../net/service';

/** A stable text key of a service set, for grouping. */
export function serviceKey(s: ServiceSet): string {
  return s.key();
}
