/**
 * The one binary search over address ranges. It needs a list sorted by
 * family, then start, in which ends grow with starts (no range inside
 * another): an AddressSet's ranges (disjoint), a layer of the verifier's atom
 * index (verify/atom-index.ts deals its ranges into such layers).
 */

/** A range of addresses of one family, inclusive (AddressRange, or anything carrying its bounds). */
export interface RangeBounds {
  readonly family: number;
  readonly lo: bigint;
  readonly hi: bigint;
}

/**
 * Index of the first range not wholly before address `at` of `family`, or
 * `ranges.length`: the only range that may contain `at`, and from it on,
 * in order, every range that meets an interval starting at `at`.
 */
export function firstNotBefore(ranges: readonly RangeBounds[], family: number, at: bigint): number {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const x = ranges[mid];
    if (x.family < family || (x.family === family && x.hi < at)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Does the range at `i` (firstNotBefore's answer, or any index) share an address with [from, to] of `family`? */
export function meetsAt(ranges: readonly RangeBounds[], i: number, family: number, from: bigint, to: bigint): boolean {
  return i < ranges.length && ranges[i].family === family && ranges[i].lo <= to && ranges[i].hi >= from;
}
