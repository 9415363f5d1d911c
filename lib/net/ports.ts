/**
 * Port sets: sorted, disjoint, non-adjacent inclusive ranges within 0–65535.
 */

export const PORT_MAX = 65535;

export interface PortRange {
  readonly lo: number;
  readonly hi: number;
}

function checkRange(r: PortRange): void {
  if (!Number.isInteger(r.lo) || !Number.isInteger(r.hi) || r.lo < 0 || r.hi > PORT_MAX || r.lo > r.hi) {
    throw new RangeError(`invalid port range ${String(r.lo)}-${String(r.hi)} (expected integers 0 <= lo <= hi <= ${PORT_MAX})`);
  }
}

function normalise(ranges: readonly PortRange[]): PortRange[] {
  for (const r of ranges) checkRange(r);
  const sorted = [...ranges].sort((a, b) => a.lo - b.lo || a.hi - b.hi);
  const out: PortRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.lo <= last.hi + 1) {
      if (r.hi > last.hi) out[out.length - 1] = { lo: last.lo, hi: r.hi };
    } else out.push({ lo: r.lo, hi: r.hi });
  }
  return out;
}

export class PortSet {
  static readonly EMPTY = new PortSet([]);
  static readonly ALL = new PortSet([{ lo: 0, hi: PORT_MAX }]);

  readonly ranges: readonly PortRange[];

  private constructor(normalised: PortRange[]) {
    this.ranges = normalised;
  }

  /** Throws a RangeError on a range outside 0–65535, with lo > hi or non-integer bounds. */
  static of(ranges: readonly PortRange[]): PortSet {
    return new PortSet(normalise(ranges));
  }

  /** Throws a RangeError like `of`. */
  static range(lo: number, hi: number = lo): PortSet {
    checkRange({ lo, hi });
    return new PortSet([{ lo, hi }]);
  }

  isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  isAll(): boolean {
    return this.ranges.length === 1 && this.ranges[0].lo === 0 && this.ranges[0].hi === PORT_MAX;
  }

  union(o: PortSet): PortSet {
    if (o.isEmpty()) return this;
    if (this.isEmpty()) return o;
    return PortSet.of([...this.ranges, ...o.ranges]);
  }

  intersect(o: PortSet): PortSet {
    const out: PortRange[] = [];
    let i = 0;
    let j = 0;
    while (i < this.ranges.length && j < o.ranges.length) {
      const a = this.ranges[i];
      const b = o.ranges[j];
      const lo = Math.max(a.lo, b.lo);
      const hi = Math.min(a.hi, b.hi);
      if (lo <= hi) out.push({ lo, hi });
      if (a.hi < b.hi) i++;
      else j++;
    }
    return new PortSet(out);
  }

  subtract(o: PortSet): PortSet {
    return this.intersect(o.complement());
  }

  complement(): PortSet {
    const out: PortRange[] = [];
    let next = 0;
    for (const r of this.ranges) {
      if (r.lo > next) out.push({ lo: next, hi: r.lo - 1 });
      next = r.hi + 1;
    }
    if (next <= PORT_MAX) out.push({ lo: next, hi: PORT_MAX });
    return new PortSet(out);
  }

  has(port: number): boolean {
    let a = 0;
    let b = this.ranges.length - 1;
    while (a <= b) {
      const m = (a + b) >> 1;
      const r = this.ranges[m];
      if (r.hi < port) a = m + 1;
      else if (r.lo > port) b = m - 1;
      else return true;
    }
    return false;
  }

  equals(o: PortSet): boolean {
    return this.ranges.length === o.ranges.length && this.ranges.every((r, i) => r.lo === o.ranges[i].lo && r.hi === o.ranges[i].hi);
  }

  overlaps(o: PortSet): boolean {
    let i = 0;
    let j = 0;
    while (i < this.ranges.length && j < o.ranges.length) {
      const a = this.ranges[i];
      const b = o.ranges[j];
      if (a.lo <= b.hi && b.lo <= a.hi) return true;
      if (a.hi < b.hi) i++;
      else j++;
    }
    return false;
  }

  containsSet(o: PortSet): boolean {
    return o.subtract(this).isEmpty();
  }

  /** `443`, `8000-8099`, joined by commas; `all` for every port. */
  toString(): string {
    if (this.isAll()) return 'all';
    return this.ranges.map((r) => rangeText(r.lo, r.hi)).join(',');
  }
}

/** A port (or ICMP type) range as every cloud and report writes it: `443`, `8000-8099`. */
export function rangeText(lo: number, hi: number): string {
  return lo === hi ? `${lo}` : `${lo}-${hi}`;
}
