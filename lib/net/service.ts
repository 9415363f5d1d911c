/**
 * Service sets: which (protocol, port) a rule covers, closed under union,
 * intersection and subtraction so that "allow any, deny tcp/22" is exact.
 *
 * The protocol space is split into four parts:
 *  - tcp (IP protocol 6) with ports 0–65535,
 *  - udp (17) with ports 0–65535,
 *  - icmp: ICMP for IPv4 packets (protocol 1) and ICMPv6 for IPv6 packets (58),
 *  - other: every other IP protocol number (GRE, ESP, …, and ICMP of the wrong family).
 * `any` is all four.
 */
import { Family } from './address';
import { PORT_MAX, PortSet } from './ports';

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ICMPV6 = 58;

export type ServiceProtocol = 'tcp' | 'udp' | 'icmp';

export class ServiceSet {
  static readonly EMPTY = new ServiceSet(PortSet.EMPTY, PortSet.EMPTY, false, false);
  static readonly ANY = new ServiceSet(PortSet.ALL, PortSet.ALL, true, true);

  private constructor(
    readonly tcp: PortSet,
    readonly udp: PortSet,
    readonly icmp: boolean,
    readonly other: boolean,
  ) {}

  static of(parts: { tcp?: PortSet; udp?: PortSet; icmp?: boolean; other?: boolean }): ServiceSet {
    return new ServiceSet(parts.tcp ?? PortSet.EMPTY, parts.udp ?? PortSet.EMPTY, parts.icmp ?? false, parts.other ?? false);
  }

  static tcp(lo: number, hi: number = lo): ServiceSet {
    return ServiceSet.of({ tcp: PortSet.range(lo, hi) });
  }

  static udp(lo: number, hi: number = lo): ServiceSet {
    return ServiceSet.of({ udp: PortSet.range(lo, hi) });
  }

  isEmpty(): boolean {
    return this.tcp.isEmpty() && this.udp.isEmpty() && !this.icmp && !this.other;
  }

  isAny(): boolean {
    return this.tcp.isAll() && this.udp.isAll() && this.icmp && this.other;
  }

  union(o: ServiceSet): ServiceSet {
    return new ServiceSet(this.tcp.union(o.tcp), this.udp.union(o.udp), this.icmp || o.icmp, this.other || o.other);
  }

  intersect(o: ServiceSet): ServiceSet {
    return new ServiceSet(this.tcp.intersect(o.tcp), this.udp.intersect(o.udp), this.icmp && o.icmp, this.other && o.other);
  }

  subtract(o: ServiceSet): ServiceSet {
    return new ServiceSet(this.tcp.subtract(o.tcp), this.udp.subtract(o.udp), this.icmp && !o.icmp, this.other && !o.other);
  }

  equals(o: ServiceSet): boolean {
    return this.tcp.equals(o.tcp) && this.udp.equals(o.udp) && this.icmp === o.icmp && this.other === o.other;
  }

  containsSet(o: ServiceSet): boolean {
    return o.subtract(this).isEmpty();
  }

  overlaps(o: ServiceSet): boolean {
    return !this.intersect(o).isEmpty();
  }

  /** Does this set admit a packet of this family, IP protocol number and destination port? */
  has(family: Family, proto: number, port = 0): boolean {
    if (proto === PROTO_TCP) return this.tcp.has(port);
    if (proto === PROTO_UDP) return this.udp.has(port);
    if ((family === 4 && proto === PROTO_ICMP) || (family === 6 && proto === PROTO_ICMPV6)) return this.icmp;
    return this.other;
  }

  /** Canonical spec list: `any`, or `tcp`, `tcp/443`, `tcp/8000-8099`, `udp/53`, `icmp`, `other`. */
  toSpecs(): string[] {
    if (this.isAny()) return ['any'];
    const out: string[] = [];
    for (const [name, ports] of [
      ['tcp', this.tcp],
      ['udp', this.udp],
    ] as const) {
      if (ports.isAll()) out.push(name);
      else for (const r of ports.ranges) out.push(r.lo === r.hi ? `${name}/${r.lo}` : `${name}/${r.lo}-${r.hi}`);
    }
    if (this.icmp) out.push('icmp');
    if (this.other) out.push('other');
    return out;
  }

  toString(): string {
    return this.toSpecs().join(', ') || '(nothing)';
  }
}

export type ServiceParseResult = { ok: true; set: ServiceSet } | { ok: false; reason: string };

/**
 * Parse one literal service spec (`tcp/443`, `udp/53`, `tcp/8000-8099`, `tcp`,
 * `udp`, `icmp`, `any`). Ports run 0–65535, so every spec `toSpecs` emits for
 * tcp and udp (e.g. `tcp/0-21` from "any minus tcp/22") parses back. Named services are resolved by the caller; a string
 * that is not a literal returns `{ ok: false, reason: 'not-literal' }`.
 */
export function parseServiceSpec(text: string): ServiceParseResult {
  const s = text.trim().toLowerCase();
  if (s === 'any') return { ok: true, set: ServiceSet.ANY };
  if (s === 'icmp') return { ok: true, set: ServiceSet.of({ icmp: true }) };
  if (s === 'tcp') return { ok: true, set: ServiceSet.of({ tcp: PortSet.ALL }) };
  if (s === 'udp') return { ok: true, set: ServiceSet.of({ udp: PortSet.ALL }) };
  const m = /^([a-z0-9]+)\/(.*)$/.exec(s);
  if (!m) return { ok: false, reason: 'not-literal' };
  const proto = m[1];
  if (proto !== 'tcp' && proto !== 'udp') {
    if (proto === 'icmp') return { ok: false, reason: `'${text}': icmp takes no port` };
    return { ok: false, reason: `'${text}': unknown protocol '${proto}' (expected tcp, udp, icmp or any)` };
  }
  const pm = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(m[2]);
  if (!pm) return { ok: false, reason: `'${text}': invalid port '${m[2]}' (expected N or N-M)` };
  const lo = Number(pm[1]);
  const hi = pm[2] === undefined ? lo : Number(pm[2]);
  if (lo > PORT_MAX || hi > PORT_MAX) return { ok: false, reason: `'${text}': port out of range 0–65535` };
  if (lo > hi) return { ok: false, reason: `'${text}': reversed port range ${lo}-${hi}` };
  const ports = PortSet.range(lo, hi);
  return { ok: true, set: proto === 'tcp' ? ServiceSet.of({ tcp: ports }) : ServiceSet.of({ udp: ports }) };
}

function splitPorts(within: PortSet, cuts: readonly PortSet[]): PortSet[] {
  const points = new Set<number>();
  for (const c of cuts) for (const r of c.ranges) points.add(r.lo).add(r.hi + 1);
  const sorted = [...points].sort((a, b) => a - b);
  const out: PortSet[] = [];
  for (const r of within.ranges) {
    let lo = r.lo;
    for (const p of sorted) {
      if (p <= lo) continue;
      if (p > r.hi) break;
      out.push(PortSet.range(lo, p - 1));
      lo = p;
    }
    out.push(PortSet.range(lo, r.hi));
  }
  return out;
}

/**
 * Split `within` into atoms: pieces such that each atom lies wholly inside or
 * wholly outside every set of `cuts`. Tcp and udp split at range boundaries;
 * icmp and other are atoms of their own.
 */
export function serviceAtoms(within: ServiceSet, cuts: readonly ServiceSet[]): ServiceSet[] {
  const out: ServiceSet[] = [];
  for (const p of splitPorts(within.tcp, cuts.map((c) => c.tcp))) out.push(ServiceSet.of({ tcp: p }));
  for (const p of splitPorts(within.udp, cuts.map((c) => c.udp))) out.push(ServiceSet.of({ udp: p }));
  if (within.icmp) out.push(ServiceSet.of({ icmp: true }));
  if (within.other) out.push(ServiceSet.of({ other: true }));
  return out;
}

