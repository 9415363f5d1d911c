/** Which segments share addresses: what GCP's address-based matching (egress towards segments, hierarchical rules by address) must know. */
import { AddressSet } from '../../net/address';

/**
 * For each segment, the other segments whose addresses overlap its own, in
 * policy (IR) order: one sweep over every segment's ranges sorted by start,
 * instead of comparing every segment with every other (a tenth of a 10,000
 * segment compile).
 */
export function overlapIndex(segments: readonly { readonly name: string; readonly addresses: AddressSet }[]): (name: string) => string[] {
  const ranges = segments.flatMap((s, i) => s.addresses.ranges.map((r) => ({ family: r.family, lo: r.lo, hi: r.hi, i })));
  ranges.sort((a, b) => a.family - b.family || (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const with_ = segments.map(() => new Set<number>());
  let open: typeof ranges = [];
  for (const r of ranges) {
    open = open.filter((o) => o.family === r.family && o.hi >= r.lo);
    for (const o of open) {
      if (o.i === r.i) continue;
      with_[o.i].add(r.i);
      with_[r.i].add(o.i);
    }
    open.push(r);
  }
  const index = new Map(segments.map((s, i) => [s.name, i]));
  return (name) => [...with_[index.get(name)!]].sort((a, b) => a - b).map((i) => segments[i].name);
}
