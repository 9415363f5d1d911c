/** Shared helpers for the net property tests: run counts and small-universe oracles. */
import * as fc from 'fast-check';

/** Property-test runs: modest by default so test/net stays fast; MICROSEG_DEEP raises them. */
export const RUNS = process.env.MICROSEG_DEEP ? 3000 : 100;

/** A cheap assertion for hot loops (jest's expect costs microseconds per call). */
export function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`check failed: ${what}`);
}

export function setEq<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

export const union = <T>(a: ReadonlySet<T>, b: ReadonlySet<T>) => new Set([...a, ...b]);
export const intersect = <T>(a: ReadonlySet<T>, b: ReadonlySet<T>) => new Set([...a].filter((x) => b.has(x)));
export const subtract = <T>(a: ReadonlySet<T>, b: ReadonlySet<T>) => new Set([...a].filter((x) => !b.has(x)));

export function sorted(s: ReadonlySet<number>): number[] {
  return [...s].sort((x, y) => x - y);
}

/** Up to `maxRanges` inclusive [lo, hi] ranges inside [0, span-1], biased toward short runs and edges. */
export function rangesArb(span: number, maxRanges = 5): fc.Arbitrary<Array<[number, number]>> {
  const point = fc.oneof(fc.integer({ min: 0, max: span - 1 }), fc.constantFrom(0, 1, (span >> 1) - 1, span >> 1, span - 2, span - 1));
  const range = fc.tuple(point, fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: span - 1 }))).map(([lo, len]): [number, number] => [
    lo,
    Math.min(span - 1, lo + len),
  ]);
  return fc.array(range, { maxLength: maxRanges });
}
