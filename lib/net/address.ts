/**
 * Address algebra for IPv4 and IPv6: sets of addresses as sorted, disjoint,
 * non-adjacent inclusive intervals per family, with exact union, intersection
 * and subtraction, and a minimal CIDR cover for output. Parsing goes through
 * ipaddr.js; the interval arithmetic is ours because no maintained library
 * offers exact set algebra over both families with bigint precision.
 */
import * as ipaddr from 'ipaddr.js';
import { firstNotBefore, meetsAt } from './range-search';

export type Family = 4 | 6;

export const FAMILY_BITS: Record<Family, number> = { 4: 32, 6: 128 };
export const FAMILY_MAX: Record<Family, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

/** An inclusive interval of addresses of one family. */
export interface AddressRange {
  readonly family: Family;
  readonly lo: bigint;
  readonly hi: bigint;
}

/** A parsed CIDR. `hostBitsSet` tells whether the address had bits beyond the prefix (a warning, not an error). */
export interface ParsedCidr {
  readonly family: Family;
  readonly prefix: number;
  /** First address of the block (host bits cleared). */
  readonly lo: bigint;
  readonly hi: bigint;
  readonly hostBitsSet: boolean;
  /** Canonical text, host bits cleared: `10.0.0.0/8`, `fc00::/7`. */
  readonly canonical: string;
}

export type CidrParseResult = { ok: true; cidr: ParsedCidr } | { ok: false; reason: string };

function bytesToBigint(bytes: number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/**
 * Address value as text, in canonical form. IPv6 follows RFC 5952 section 4:
 * lowercase hex, no leading zeros, the longest run (first on a tie) of two or
 * more zero groups shortened to `::`. IPv4-mapped addresses stay in hex
 * (`::ffff:a00:1`), which every cloud API accepts.
 */
export function formatAddress(family: Family, value: bigint): string {
  if (family === 4) {
    const v = Number(value);
    return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

const FOUR_PART_DECIMAL = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/;

/**
 * Parse a single address (no prefix). Surrounding whitespace is ignored.
 * IPv4 must be four-part decimal without leading zeros (`010.0.0.1`,
 * `0xa.0.0.1`, `10.1` and `167772161` are rejected: tools disagree on what
 * they mean). IPv6 zone ids (`fe80::1%eth0`) are rejected, and so is an
 * embedded IPv4 tail that is not four-part decimal.
 */
export function parseAddress(text: string): { family: Family; value: bigint } | undefined {
  if (typeof text !== 'string') return undefined;
  const s = text.trim();
  if (FOUR_PART_DECIMAL.test(s)) {
    if (!ipaddr.IPv4.isValidFourPartDecimal(s)) return undefined;
    return { family: 4, value: bytesToBigint(ipaddr.IPv4.parse(s).toByteArray()) };
  }
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return undefined;
  if (s.includes('.') && !FOUR_PART_DECIMAL.test(s.slice(s.lastIndexOf(':') + 1))) return undefined;
  if (!ipaddr.IPv6.isValid(s)) return undefined;
  return { family: 6, value: bytesToBigint(ipaddr.IPv6.parse(s).toByteArray()) };
}

/** Texts parsed so far and their (frozen) results; emptied when it holds this many, so memory stays bounded. */
const PARSED_CIDRS = new Map<string, CidrParseResult>();
const PARSED_CIDRS_MAX = 1 << 16;

/**
 * Parse `a.b.c.d/n` or an IPv6 CIDR. A bare address is read as a host route (/32 or /128).
 * Results are frozen and remembered: the planners parse the same few thousand CIDRs again and again (AWS once per
 * CIDR rule and candidate), and ipaddr.js allocates on every parse.
 */
export function parseCidr(text: unknown): CidrParseResult {
  if (typeof text !== 'string') return { ok: false, reason: 'a CIDR must be a string' };
  const hit = PARSED_CIDRS.get(text);
  if (hit) return hit;
  if (PARSED_CIDRS.size >= PARSED_CIDRS_MAX) PARSED_CIDRS.clear();
  const result = parseCidrText(text);
  if (result.ok) Object.freeze(result.cidr);
  PARSED_CIDRS.set(text, Object.freeze(result));
  return result;
}

function parseCidrText(text: string): CidrParseResult {
  const s = text.trim();
  if (/\s/.test(s)) return { ok: false, reason: `'${s}' contains whitespace` };
  const slash = s.indexOf('/');
  const addrText = slash < 0 ? s : s.slice(0, slash);
  const addr = parseAddress(addrText);
  if (!addr) return { ok: false, reason: `'${s}' is not an IPv4 or IPv6 address` };
  const bits = FAMILY_BITS[addr.family];
  let prefix = bits;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^(?:0|[1-9]\d{0,2})$/.test(p)) return { ok: false, reason: `'${s}' has an invalid prefix length` };
    prefix = Number(p);
    if (prefix > bits) return { ok: false, reason: `'${s}': prefix /${prefix} is longer than ${bits} bits` };
  }
  const hostBits = BigInt(bits - prefix);
  const mask = (1n << hostBits) - 1n;
  const lo = addr.value & ~mask & FAMILY_MAX[addr.family];
  const hi = lo | mask;
  return {
    ok: true,
    cidr: {
      family: addr.family,
      prefix,
      lo,
      hi,
      hostBitsSet: (addr.value & mask) !== 0n,
      canonical: `${formatAddress(addr.family, lo)}/${prefix}`,
    },
  };
}

function compareRanges(a: AddressRange, b: AddressRange): number {
  return a.family !== b.family ? a.family - b.family : a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0;
}

function checkRange(r: AddressRange): void {
  if (r.family !== 4 && r.family !== 6) throw new RangeError(`invalid address family ${String(r.family)}`);
  if (typeof r.lo !== 'bigint' || typeof r.hi !== 'bigint' || r.lo < 0n || r.hi > FAMILY_MAX[r.family] || r.lo > r.hi) {
    throw new RangeError(`invalid IPv${r.family} range ${String(r.lo)}-${String(r.hi)}`);
  }
}

/** Coalesce ranges already sorted by (family, lo) into disjoint, non-adjacent ones. */
function coalesceSorted(sorted: readonly AddressRange[]): AddressRange[] {
  const out: AddressRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.family === r.family && r.lo <= last.hi + 1n) {
      if (r.hi > last.hi) out[out.length - 1] = { family: last.family, lo: last.lo, hi: r.hi };
    } else {
      out.push({ family: r.family, lo: r.lo, hi: r.hi });
    }
  }
  return out;
}

function normalise(ranges: AddressRange[]): AddressRange[] {
  for (const r of ranges) checkRange(r);
  return coalesceSorted([...ranges].sort(compareRanges));
}

/** Immutable set of IPv4 and IPv6 addresses. */
export class AddressSet {
  static readonly EMPTY = new AddressSet([]);
  static readonly ALL = new AddressSet([
    { family: 4, lo: 0n, hi: FAMILY_MAX[4] },
    { family: 6, lo: 0n, hi: FAMILY_MAX[6] },
  ]);

  /** Sorted by family then address; disjoint and non-adjacent. */
  readonly ranges: readonly AddressRange[];

  private constructor(normalised: AddressRange[]) {
    this.ranges = normalised;
  }

  /** Throws a RangeError on a range outside its family or with lo > hi. */
  static fromRanges(ranges: readonly AddressRange[]): AddressSet {
    return new AddressSet(normalise([...ranges]));
  }

  /** Throws on an invalid CIDR: validate user input with `parseCidr` first. */
  static fromCidrs(cidrs: readonly string[]): AddressSet {
    return AddressSet.fromRanges(
      cidrs.map((c) => {
        const p = parseCidr(c);
        if (!p.ok) throw new Error(p.reason);
        return { family: p.cidr.family, lo: p.cidr.lo, hi: p.cidr.hi };
      }),
    );
  }

  static allOf(family: Family): AddressSet {
    return new AddressSet([{ family, lo: 0n, hi: FAMILY_MAX[family] }]);
  }

  isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  family(f: Family): AddressSet {
    return new AddressSet(this.ranges.filter((r) => r.family === f));
  }

  hasFamily(f: Family): boolean {
    // Ranges are sorted by family (4 before 6): the first or the last one tells, without a scan (a hot test in the planners).
    const r = this.ranges;
    return r.length > 0 && (f === 4 ? r[0].family === 4 : r[r.length - 1].family === 6);
  }

  union(other: AddressSet): AddressSet {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    // Both inputs are normalised: merge them linearly, then coalesce.
    const a = this.ranges;
    const b = other.ranges;
    const merged: AddressRange[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (j >= b.length || (i < a.length && compareRanges(a[i], b[j]) <= 0)) merged.push(a[i++]);
      else merged.push(b[j++]);
    }
    return new AddressSet(coalesceSorted(merged));
  }

  intersect(other: AddressSet): AddressSet {
    const out: AddressRange[] = [];
    let i = 0;
    let j = 0;
    const a = this.ranges;
    const b = other.ranges;
    while (i < a.length && j < b.length) {
      const x = a[i];
      const y = b[j];
      if (x.family !== y.family) {
        if (x.family < y.family) i++;
        else j++;
        continue;
      }
      const lo = x.lo > y.lo ? x.lo : y.lo;
      const hi = x.hi < y.hi ? x.hi : y.hi;
      if (lo <= hi) out.push({ family: x.family, lo, hi });
      if (x.hi < y.hi) i++;
      else j++;
    }
    return new AddressSet(out);
  }

  subtract(other: AddressSet): AddressSet {
    if (other.isEmpty() || this.isEmpty()) return this;
    // Linear sweep: both lists are sorted by (family, lo) and disjoint.
    const a = this.ranges;
    const b = other.ranges;
    const out: AddressRange[] = [];
    let j = 0;
    for (const r of a) {
      const f = r.family;
      let lo = r.lo;
      const hi = r.hi;
      while (j < b.length && (b[j].family < f || (b[j].family === f && b[j].hi < lo))) j++;
      let k = j;
      while (lo <= hi && k < b.length && b[k].family === f && b[k].lo <= hi) {
        const o = b[k];
        if (o.lo > lo) out.push({ family: f, lo, hi: o.lo - 1n });
        if (o.hi >= hi) {
          // o covers the rest of r and may reach into the next range of a: keep it.
          lo = hi + 1n;
          break;
        }
        lo = o.hi + 1n;
        k++;
      }
      if (lo <= hi) out.push({ family: f, lo, hi });
      j = k;
    }
    return new AddressSet(out);
  }

  overlaps(other: AddressSet): boolean {
    const a = this.ranges;
    const b = other.ranges;
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const x = a[i];
      const y = b[j];
      if (x.family !== y.family) {
        if (x.family < y.family) i++;
        else j++;
        continue;
      }
      if (x.lo <= y.hi && y.lo <= x.hi) return true;
      if (x.hi < y.hi) i++;
      else j++;
    }
    return false;
  }

  containsSet(other: AddressSet): boolean {
    return other.subtract(this).isEmpty();
  }

  contains(family: Family, value: bigint): boolean {
    return meetsAt(this.ranges, firstNotBefore(this.ranges, family, value), family, value, value);
  }

  containsAddress(text: string): boolean {
    const a = parseAddress(text);
    return a ? this.contains(a.family, a.value) : false;
  }

  equals(other: AddressSet): boolean {
    if (this.ranges.length !== other.ranges.length) return false;
    return this.ranges.every((r, i) => {
      const o = other.ranges[i];
      return r.family === o.family && r.lo === o.lo && r.hi === o.hi;
    });
  }

  /** Minimal list of CIDR blocks covering exactly this set, sorted (IPv4 first). */
  toCidrs(family?: Family): string[] {
    const out: string[] = [];
    for (const r of this.ranges) {
      if (family !== undefined && r.family !== family) continue;
      out.push(...rangeToCidrs(r));
    }
    return out;
  }

  /** Number of CIDR blocks `toCidrs` would produce, without building strings. */
  cidrCount(family?: Family): number {
    let n = 0;
    for (const r of this.ranges) {
      if (family !== undefined && r.family !== family) continue;
      n += rangeCidrCount(r);
    }
    return n;
  }

  /** A representative address (the lowest) of each range: handy for example flows. */
  sample(): { family: Family; value: bigint } | undefined {
    const r = this.ranges[0];
    return r ? { family: r.family, value: r.lo } : undefined;
  }

  toString(): string {
    return this.toCidrs().join(',') || '(none)';
  }
}

/** floor(log2(v)) for v > 0. */
function log2(v: bigint): number {
  return v.toString(2).length - 1;
}

function largestBlock(family: Family, lo: bigint, hi: bigint): number {
  // Largest k such that lo is aligned to 2^k and lo + 2^k - 1 <= hi.
  const align = lo === 0n ? FAMILY_BITS[family] : log2(lo & -lo);
  const fit = log2(hi - lo + 1n);
  return align < fit ? align : fit;
}

function rangeToCidrs(r: AddressRange): string[] {
  const out: string[] = [];
  const bits = FAMILY_BITS[r.family];
  let lo = r.lo;
  while (lo <= r.hi) {
    const k = largestBlock(r.family, lo, r.hi);
    out.push(`${formatAddress(r.family, lo)}/${bits - k}`);
    lo += 1n << BigInt(k);
    if (k === bits) break;
  }
  return out;
}

function rangeCidrCount(r: AddressRange): number {
  let n = 0;
  const bits = FAMILY_BITS[r.family];
  let lo = r.lo;
  while (lo <= r.hi) {
    const k = largestBlock(r.family, lo, r.hi);
    n++;
    lo += 1n << BigInt(k);
    if (k === bits) break;
  }
  return n;
}

/**
 * Split a list of sets into atoms: the coarsest partition of their union such
 * that every input set is a union of atoms. Returned as ranges, sorted.
 * The verifier and the analyses probe one address per atom.
 */
export function addressAtoms(sets: readonly AddressSet[], universe: AddressSet = AddressSet.ALL): AddressRange[] {
  const cutsByFamily = new Map<Family, bigint[]>([
    [4, []],
    [6, []],
  ]);
  for (const s of [universe, ...sets]) {
    for (const r of s.ranges) {
      const c = cutsByFamily.get(r.family)!;
      c.push(r.lo, r.hi + 1n);
    }
  }
  const sorted = new Map<Family, bigint[]>();
  for (const [f, c] of cutsByFamily) {
    c.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    sorted.set(f, c.filter((p, i) => i === 0 || p !== c[i - 1]));
  }
  const out: AddressRange[] = [];
  for (const u of universe.ranges) {
    const points = sorted.get(u.family)!;
    // First cut strictly above u.lo.
    let a = 0;
    let b = points.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (points[m] <= u.lo) a = m + 1;
      else b = m;
    }
    let lo = u.lo;
    for (let i = a; i < points.length && points[i] <= u.hi; i++) {
      out.push({ family: u.family, lo, hi: points[i] - 1n });
      lo = points[i];
    }
    out.push({ family: u.family, lo, hi: u.hi });
  }
  return out;
}
