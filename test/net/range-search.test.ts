/**
 * The one binary search over address ranges (lib/net/range-search.ts),
 * against a linear scan: on disjoint sets (AddressSet) and on lists with
 * overlapping ranges whose ends grow with their starts (the atom index's layers).
 */
import * as fc from 'fast-check';
import { firstNotBefore, meetsAt, RangeBounds } from '../../lib/net/range-search';
import { RUNS } from './oracle';

/** Ranges of two families, sorted by family then start, ends growing with starts (overlaps allowed). */
const layerArb: fc.Arbitrary<RangeBounds[]> = fc
  .array(fc.tuple(fc.constantFrom(4, 6), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 8 })), { maxLength: 12 })
  .map((xs) => {
    const sorted = xs.map(([family, lo, len]) => ({ family, lo: BigInt(lo), hi: BigInt(lo + len) })).sort((a, b) => a.family - b.family || Number(a.lo - b.lo) || Number(a.hi - b.hi));
    // Keep a range only when its end is past the end of the last range kept in its family: no range inside another
    // (comparing with the last one kept, not the one before it in `sorted`, which may itself have been dropped).
    const kept: RangeBounds[] = [];
    for (const r of sorted) {
      const last = kept[kept.length - 1];
      if (!last || last.family !== r.family || last.hi < r.hi) kept.push(r);
    }
    return kept;
  });
const point = fc.tuple(fc.constantFrom(4, 6), fc.integer({ min: 0, max: 70 })).map(([f, v]) => [f, BigInt(v)] as const);

describe('firstNotBefore and meetsAt', () => {
  it('find the first range not wholly before a point, as a linear scan does', () => {
    fc.assert(
      fc.property(layerArb, point, (rs, [family, at]) => {
        const linear = rs.findIndex((x) => x.family > family || (x.family === family && x.hi >= at));
        expect(firstNotBefore(rs, family, at)).toBe(linear === -1 ? rs.length : linear);
      }),
      { numRuns: RUNS * 10 },
    );
  });

  it('from there, the ranges meeting an interval are exactly those a linear scan finds', () => {
    fc.assert(
      fc.property(layerArb, point, fc.integer({ min: 0, max: 10 }), (rs, [family, from], len) => {
        const to = from + BigInt(len);
        const found: number[] = [];
        for (let i = firstNotBefore(rs, family, from); meetsAt(rs, i, family, from, to); i++) found.push(i);
        const linear = rs.flatMap((x, i) => (x.family === family && x.lo <= to && x.hi >= from ? [i] : []));
        expect(found).toEqual(linear);
      }),
      { numRuns: RUNS * 10 },
    );
  });

  it('answer for an empty list and past the end', () => {
    expect(firstNotBefore([], 4, 0n)).toBe(0);
    expect(meetsAt([], 0, 4, 0n, 0n)).toBe(false);
    const rs = [{ family: 4, lo: 5n, hi: 9n }];
    expect(firstNotBefore(rs, 4, 10n)).toBe(1);
    expect(firstNotBefore(rs, 6, 0n)).toBe(1);
    expect(firstNotBefore(rs, 4, 9n)).toBe(0);
    expect(meetsAt(rs, 0, 4, 0n, 4n)).toBe(false);
    expect(meetsAt(rs, 0, 4, 0n, 5n)).toBe(true);
  });
});
