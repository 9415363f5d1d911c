/**
 * Splitting a list at a per-rule quota. A chunk becomes one cloud rule's
 * side, and an empty side can mean "everything" (a GCP firewall rule without
 * target tags applies to every instance), so a chunk is never empty, by type:
 * an empty list has no chunks at all, and a caller that needs at least one
 * rule must say so with `nonEmpty`.
 */

/** A list with at least one element. */
export type NonEmpty<T> = readonly [T, ...T[]];

export function isNonEmpty<T>(xs: readonly T[]): xs is NonEmpty<T> {
  return xs.length > 0;
}

/** `xs` as a non-empty list, or a thrown internal error naming `what` (a guard upstream was dropped). */
export function nonEmpty<T>(xs: readonly T[], what: string): NonEmpty<T> {
  if (!isNonEmpty(xs)) throw new Error(`internal: ${what} is empty`);
  return xs;
}

/** `xs` in order, in chunks of at most `size` elements; none for an empty list. */
export function chunk<T>(xs: readonly T[], size: number): NonEmpty<T>[] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`internal: chunk size ${size}`);
  const out: NonEmpty<T>[] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size) as unknown as NonEmpty<T>);
  return out;
}

/** Chunks of a non-empty list: at least one. */
export function chunkNonEmpty<T>(xs: NonEmpty<T>, size: number): NonEmpty<NonEmpty<T>> {
  return chunk(xs, size) as unknown as NonEmpty<NonEmpty<T>>;
}
