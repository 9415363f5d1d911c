/**
 * Service sets: which (protocol, port) a rule covers, closed under union,
 * intersection and subtraction so that "allow any, deny tcp/22" is exact.
 *
 * The packet space is split into parts, each a set of numbers:
 *  - tcp (IP protocol 6), udp (17) and sctp (132): destination ports 0–65535,
 *  - icmp4: ICMP in IPv4 packets (protocol 1), by type×256+code,
 *  - icmp6: ICMPv6 in IPv6 packets (protocol 58), by type×256+code,
 *  - protos: every other IP protocol number (GRE 47, ESP 50, AH 51, …),
 *  - strayIcmp: ICMP of the wrong family (protocol 1 in IPv6 packets,
 *    58 in IPv4 packets), which only `any` names.
 * `any` is all of them; `icmp` is icmp4 and icmp6 whole.
 */
import { Family } from './address';
import { PORT_MAX, PortRange, PortSet } from './ports';

export const PROTO_ICMP = 1;
export const PROTO_IPIP = 4;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_GRE = 47;
export const PROTO_ESP = 50;
export const PROTO_AH = 51;
export const PROTO_ICMPV6 = 58;
export const PROTO_SCTP = 132;
export const PROTO_MAX = 255;

/** Protocols a spec names without ports (`esp`, …), by IP protocol number. */
export const NAMED_PROTOCOLS: Readonly<Record<string, number>> = Object.freeze({ ipip: PROTO_IPIP, gre: PROTO_GRE, esp: PROTO_ESP, ah: PROTO_AH });

/** The number a protocol name stands for; own keys only, so `constructor` or `__proto__` is no protocol. */
function namedProtocol(name: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(NAMED_PROTOCOLS, name) ? NAMED_PROTOCOLS[name] : undefined;
}

/** The protocol numbers of `protos`: every number without a part of its own. */
const OWN_PART = [PROTO_ICMP, PROTO_TCP, PROTO_UDP, PROTO_ICMPV6, PROTO_SCTP];
const ALL_PROTOS = PortSet.range(0, PROTO_MAX).subtract(PortSet.of(OWN_PART.map((p) => ({ lo: p, hi: p }))));

export type ServiceProtocol = 'tcp' | 'udp' | 'sctp' | 'icmp';

export interface ServiceParts {
  readonly tcp?: PortSet;
  readonly udp?: PortSet;
  readonly sctp?: PortSet;
  /** ICMP (IPv4) by type×256+code. */
  readonly icmp4?: PortSet;
  /** ICMPv6 by type×256+code. */
  readonly icmp6?: PortSet;
  /** Other protocol numbers (not 1, 6, 17, 58, 132). */
  readonly protos?: PortSet;
  readonly strayIcmp?: boolean;
  /** Shorthand: every ICMP type of both families (the `icmp` spec). */
  readonly icmp?: boolean;
  /** Shorthand: every protocol without a part of its own, and stray ICMP (what `any` adds to tcp, udp, sctp, icmp). */
  readonly other?: boolean;
}

/** The type×256+code set of one ICMP type, or of one type and code. */
export function icmpTypeCodes(type: number, code?: number): PortSet {
  return code === undefined ? PortSet.range(type * 256, type * 256 + 255) : PortSet.range(type * 256 + code);
}

export class ServiceSet {
  static readonly EMPTY = ServiceSet.of({});
  static readonly ANY = ServiceSet.of({ tcp: PortSet.ALL, udp: PortSet.ALL, sctp: PortSet.ALL, icmp: true, other: true });
  /** Every protocol without a part of its own, and stray ICMP: what `any` holds beyond tcp, udp, sctp and icmp. */
  static readonly OTHER = ServiceSet.of({ other: true });

  private constructor(
    readonly tcp: PortSet,
    readonly udp: PortSet,
    readonly sctp: PortSet,
    readonly icmp4: PortSet,
    readonly icmp6: PortSet,
    readonly protos: PortSet,
    readonly strayIcmp: boolean,
  ) {}

  static of(parts: ServiceParts): ServiceSet {
    const e = PortSet.EMPTY;
    const icmp = parts.icmp ? PortSet.ALL : e;
    const protos = (parts.protos ?? e).intersect(ALL_PROTOS).union(parts.other ? ALL_PROTOS : e);
    return new ServiceSet(parts.tcp ?? e, parts.udp ?? e, parts.sctp ?? e, (parts.icmp4 ?? e).union(icmp), (parts.icmp6 ?? e).union(icmp), protos, Boolean(parts.strayIcmp || parts.other));
  }

  static tcp(lo: number, hi: number = lo): ServiceSet {
    return ServiceSet.of({ tcp: PortSet.range(lo, hi) });
  }

  static udp(lo: number, hi: number = lo): ServiceSet {
    return ServiceSet.of({ udp: PortSet.range(lo, hi) });
  }

  /** Every packet of IP protocol `n` (0–255), in the family where the number means something: 1 is ICMP (IPv4), 58 ICMPv6. */
  static protocol(n: number): ServiceSet {
    if (n === PROTO_TCP) return ServiceSet.of({ tcp: PortSet.ALL });
    if (n === PROTO_UDP) return ServiceSet.of({ udp: PortSet.ALL });
    if (n === PROTO_SCTP) return ServiceSet.of({ sctp: PortSet.ALL });
    if (n === PROTO_ICMP) return ServiceSet.of({ icmp4: PortSet.ALL });
    if (n === PROTO_ICMPV6) return ServiceSet.of({ icmp6: PortSet.ALL });
    return ServiceSet.of({ protos: PortSet.range(n) });
  }

  private map2(o: ServiceSet, f: (a: PortSet, b: PortSet) => PortSet, g: (a: boolean, b: boolean) => boolean): ServiceSet {
    return new ServiceSet(f(this.tcp, o.tcp), f(this.udp, o.udp), f(this.sctp, o.sctp), f(this.icmp4, o.icmp4), f(this.icmp6, o.icmp6), f(this.protos, o.protos), g(this.strayIcmp, o.strayIcmp));
  }

  private parts(): PortSet[] {
    return [this.tcp, this.udp, this.sctp, this.icmp4, this.icmp6, this.protos];
  }

  isEmpty(): boolean {
    return this.parts().every((p) => p.isEmpty()) && !this.strayIcmp;
  }

  isAny(): boolean {
    return this.tcp.isAll() && this.udp.isAll() && this.sctp.isAll() && this.isIcmpWhole() && this.protos.equals(ALL_PROTOS) && this.strayIcmp;
  }

  /** Does it hold some ICMP or ICMPv6? */
  hasIcmp(): boolean {
    return !this.icmp4.isEmpty() || !this.icmp6.isEmpty();
  }

  /** Every ICMP type and code of both families (the `icmp` spec), and not by halves? */
  isIcmpWhole(): boolean {
    return this.icmp4.isAll() && this.icmp6.isAll();
  }

  /** ICMP of some types only (of either family): what clouds without ICMP types cannot say. */
  hasPartialIcmp(): boolean {
    return (!this.icmp4.isEmpty() && !this.icmp4.isAll()) || (!this.icmp6.isEmpty() && !this.icmp6.isAll());
  }

  /** Does it hold a protocol other than tcp, udp, sctp and ICMP (or stray ICMP)? */
  hasOther(): boolean {
    return !this.protos.isEmpty() || this.strayIcmp;
  }

  /** The other protocol numbers it holds, ascending (stray ICMP not included). */
  protocolNumbers(): number[] {
    const out: number[] = [];
    for (const r of this.protos.ranges) for (let p = r.lo; p <= r.hi; p++) out.push(p);
    return out;
  }

  /** The ICMP part for one family: icmp4 for IPv4, icmp6 for IPv6. */
  icmpOf(family: Family): PortSet {
    return family === 4 ? this.icmp4 : this.icmp6;
  }

  /** What a rule for packets of one family can admit of it: the other family's ICMP left out. */
  forFamily(family: Family): ServiceSet {
    const otherIcmp = family === 4 ? ServiceSet.of({ icmp6: PortSet.ALL }) : ServiceSet.of({ icmp4: PortSet.ALL });
    // Everything a packet of this family can be is `any` for it.
    if (this.union(otherIcmp).isAny()) return ServiceSet.ANY;
    return this.subtract(otherIcmp);
  }

  union(o: ServiceSet): ServiceSet {
    return this.map2(o, (a, b) => a.union(b), (a, b) => a || b);
  }

  intersect(o: ServiceSet): ServiceSet {
    return this.map2(o, (a, b) => a.intersect(b), (a, b) => a && b);
  }

  subtract(o: ServiceSet): ServiceSet {
    return this.map2(o, (a, b) => a.subtract(b), (a, b) => a && !b);
  }

  equals(o: ServiceSet): boolean {
    const a = this.parts();
    const b = o.parts();
    return a.every((p, i) => p.equals(b[i])) && this.strayIcmp === o.strayIcmp;
  }

  containsSet(o: ServiceSet): boolean {
    return o.subtract(this).isEmpty();
  }

  overlaps(o: ServiceSet): boolean {
    return !this.intersect(o).isEmpty();
  }

  /** Does this set admit a packet of this family, IP protocol number and destination port (ICMP: type×256+code)? */
  has(family: Family, proto: number, port = 0): boolean {
    if (proto === PROTO_TCP) return this.tcp.has(port);
    if (proto === PROTO_UDP) return this.udp.has(port);
    if (proto === PROTO_SCTP) return this.sctp.has(port);
    if (family === 4 && proto === PROTO_ICMP) return this.icmp4.has(port);
    if (family === 6 && proto === PROTO_ICMPV6) return this.icmp6.has(port);
    if (proto === PROTO_ICMP || proto === PROTO_ICMPV6) return this.strayIcmp;
    return this.protos.has(proto);
  }

  /**
   * Canonical spec list: `any`, or `tcp`, `tcp/443`, `tcp/8000-8099`, `udp/53`, `sctp/…`, `icmp`,
   * `icmp/8`, `icmp/3/4`, `icmpv6`, `icmpv6/128`, `proto/1` (ICMP of IPv4 only), `esp`, `proto/N`, and
   * `other` for every protocol without a spec of its own.
   */
  toSpecs(): string[] {
    if (this.isAny()) return ['any'];
    const out: string[] = [];
    for (const [name, ports] of [
      ['tcp', this.tcp],
      ['udp', this.udp],
      ['sctp', this.sctp],
    ] as const) {
      if (ports.isAll()) out.push(name);
      else for (const r of ports.ranges) out.push(r.lo === r.hi ? `${name}/${r.lo}` : `${name}/${r.lo}-${r.hi}`);
    }
    if (this.isIcmpWhole()) out.push('icmp');
    else {
      out.push(...icmpSpecs('icmp', this.icmp4, 'proto/1'));
      out.push(...icmpSpecs('icmpv6', this.icmp6, 'icmpv6'));
    }
    if (this.protos.equals(ALL_PROTOS) && this.strayIcmp) out.push('other');
    else {
      for (const p of this.protocolNumbers()) out.push(protocolSpec(p));
      if (this.strayIcmp) out.push('stray-icmp');
    }
    return out;
  }

  toString(): string {
    return this.toSpecs().join(', ') || '(nothing)';
  }

  /** A stable, cheap text key of the set, for grouping (not for people). */
  key(): string {
    return `t${this.tcp}|u${this.udp}|s${this.sctp}|i${this.icmp4}|j${this.icmp6}|p${this.protos}|${this.strayIcmp ? 'x' : ''}`;
  }
}

/** `esp`, `gre`, …, or `proto/N`. */
export function protocolSpec(n: number): string {
  const name = Object.keys(NAMED_PROTOCOLS).find((k) => NAMED_PROTOCOLS[k] === n);
  return name ?? `proto/${n}`;
}

/** ICMP type×256+code ranges as specs: whole types as `icmp/T`, single codes as `icmp/T/C`. */
function icmpSpecs(name: string, set: PortSet, whole: string): string[] {
  if (set.isAll()) return [whole];
  const out: string[] = [];
  for (const r of set.ranges) {
    let v = r.lo;
    while (v <= r.hi) {
      const type = v >> 8;
      if ((v & 255) === 0 && v + 255 <= r.hi) {
        out.push(`${name}/${type}`);
        v += 256;
      } else {
        out.push(`${name}/${type}/${v & 255}`);
        v++;
      }
    }
  }
  return out;
}

export type ServiceParseResult = { ok: true; set: ServiceSet } | { ok: false; reason: string };

const EXPECTED = 'expected tcp, udp, sctp (with /PORT or /PORT-PORT), icmp, icmp/TYPE[/CODE], icmpv6[/TYPE[/CODE]], esp, ah, gre, ipip, proto/N or any';

function portRange(text: string, spec: string): { ok: true; r: PortRange } | { ok: false; reason: string } {
  const pm = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!pm) return { ok: false, reason: `'${spec}': invalid port '${text}' (expected N or N-M)` };
  const lo = Number(pm[1]);
  const hi = pm[2] === undefined ? lo : Number(pm[2]);
  if (lo > PORT_MAX || hi > PORT_MAX) return { ok: false, reason: `'${spec}': port out of range 0–65535` };
  if (lo > hi) return { ok: false, reason: `'${spec}': reversed port range ${lo}-${hi}` };
  return { ok: true, r: { lo, hi } };
}

/** A number 0–max written in decimal, or undefined. */
function small(text: string, max: number): number | undefined {
  if (!/^\d{1,3}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

function parseIcmp(name: 'icmp' | 'icmpv6', rest: string, spec: string): ServiceParseResult {
  const parts = rest.split('/');
  if (parts.length > 2 || parts.some((p) => p === '')) return { ok: false, reason: `'${spec}': invalid ICMP type '${rest}' (expected ${name}/TYPE or ${name}/TYPE/CODE)` };
  const type = small(parts[0], 255);
  const code = parts.length === 2 ? small(parts[1], 255) : undefined;
  if (type === undefined) return { ok: false, reason: `'${spec}': ICMP type '${parts[0]}' out of range 0–255` };
  if (parts.length === 2 && code === undefined) return { ok: false, reason: `'${spec}': ICMP code '${parts[1]}' out of range 0–255` };
  const set = icmpTypeCodes(type, code);
  return { ok: true, set: name === 'icmp' ? ServiceSet.of({ icmp4: set }) : ServiceSet.of({ icmp6: set }) };
}

/**
 * Parse one literal service spec: `tcp/443`, `udp/53`, `tcp/8000-8099`, `sctp/2905`, `tcp`, `udp`, `sctp`,
 * `icmp` (every ICMP, ICMPv6 for IPv6), `icmp/8`, `icmp/3/4` (ICMP for IPv4), `icmpv6`, `icmpv6/128[/0]`,
 * `esp`, `ah`, `gre`, `ipip`, `proto/N` (0–255; `proto/6` is `tcp`, `proto/1` ICMP for IPv4, `proto/58`
 * ICMPv6) and `any`. Ports run 0–65535, so every port spec `toSpecs` emits (e.g. `tcp/0-21` from "any minus
 * tcp/22") parses back. Named services are resolved by the caller; a string that is not a literal returns
 * `{ ok: false, reason: 'not-literal' }`.
 */
export function parseServiceSpec(text: string): ServiceParseResult {
  const s = text.trim().toLowerCase();
  if (s === 'any') return { ok: true, set: ServiceSet.ANY };
  if (s === 'icmp') return { ok: true, set: ServiceSet.of({ icmp: true }) };
  if (s === 'icmpv6') return { ok: true, set: ServiceSet.protocol(PROTO_ICMPV6) };
  if (s === 'tcp' || s === 'udp' || s === 'sctp') return { ok: true, set: ServiceSet.protocol(s === 'tcp' ? PROTO_TCP : s === 'udp' ? PROTO_UDP : PROTO_SCTP) };
  const named = namedProtocol(s);
  if (named !== undefined) return { ok: true, set: ServiceSet.protocol(named) };
  const m = /^([a-z0-9]+)\/(.*)$/.exec(s);
  if (!m) return { ok: false, reason: 'not-literal' };
  const proto = m[1];
  if (proto === 'icmp' || proto === 'icmpv6') return parseIcmp(proto, m[2], text);
  if (proto === 'proto') {
    const n = small(m[2], PROTO_MAX);
    if (n === undefined) return { ok: false, reason: `'${text}': protocol number '${m[2]}' out of range 0–255` };
    return { ok: true, set: ServiceSet.protocol(n) };
  }
  if (namedProtocol(proto) !== undefined) return { ok: false, reason: `'${text}': ${proto} takes no port` };
  if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp') return { ok: false, reason: `'${text}': unknown protocol '${proto}' (${EXPECTED})` };
  const p = portRange(m[2], text);
  if (!p.ok) return p;
  const ports = PortSet.range(p.r.lo, p.r.hi);
  return { ok: true, set: ServiceSet.of({ [proto]: ports }) };
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

type PartName = 'tcp' | 'udp' | 'sctp' | 'icmp4' | 'icmp6' | 'protos';
const PART_NAMES: readonly PartName[] = ['tcp', 'udp', 'sctp', 'icmp4', 'icmp6', 'protos'];

/**
 * Split `within` into atoms: pieces such that each atom lies wholly inside or
 * wholly outside every set of `cuts`. Each part splits at its range
 * boundaries; stray ICMP is an atom of its own.
 */
export function serviceAtoms(within: ServiceSet, cuts: readonly ServiceSet[]): ServiceSet[] {
  const out: ServiceSet[] = [];
  for (const name of PART_NAMES) {
    for (const p of splitPorts(within[name], cuts.map((c) => c[name]))) out.push(ServiceSet.of({ [name]: p }));
  }
  if (within.strayIcmp) out.push(ServiceSet.of({ strayIcmp: true }));
  return out;
}
