/**
 * Which address families a segment's workloads can use.
 *
 * By the meaning (docs/policy-reference.md), a workload of a segment holds only
 * addresses in the segment's `addresses` (network.internalCidrs when none are
 * declared), and the source and destination of a packet share a family. So a
 * segment whose addresses hold no IPv6 never sends or receives an IPv6
 * packet: rules of that family on its sides can never match, and the back
 * ends leave them out. Segments without declared addresses inherit
 * internalCidrs, which by default hold both families.
 */
import { AddressSet, Family } from '../net/address';
import { ResolvedSegment } from './ir';

export const FAMILIES: readonly Family[] = [4, 6];

/** The families a workload of the segment can hold, in order 4, 6. */
export function segmentFamilies(seg: Pick<ResolvedSegment, 'addresses'>): Family[] {
  return FAMILIES.filter((f) => seg.addresses.hasFamily(f));
}

/** Can a workload of the segment hold an address of family `f`? */
export function holdsFamily(seg: Pick<ResolvedSegment, 'addresses'>, f: Family): boolean {
  return seg.addresses.hasFamily(f);
}

const BOTH: readonly Family[] = Object.freeze([4, 6] as Family[]);
const ONLY_4: readonly Family[] = Object.freeze([4] as Family[]);
const ONLY_6: readonly Family[] = Object.freeze([6] as Family[]);
const NONE: readonly Family[] = Object.freeze([] as Family[]);

/** Families both segments can hold: the only ones a packet between their workloads can have. One shared list per answer (the planners ask per segment pair). */
export function sharedFamilies(a: Pick<ResolvedSegment, 'addresses'>, b: Pick<ResolvedSegment, 'addresses'>): readonly Family[] {
  const v4 = a.addresses.hasFamily(4) && b.addresses.hasFamily(4);
  const v6 = a.addresses.hasFamily(6) && b.addresses.hasFamily(6);
  return v4 ? (v6 ? BOTH : ONLY_4) : v6 ? ONLY_6 : NONE;
}

/**
 * The part of `addrs` a workload of the segment can exchange packets with:
 * the addresses of the families it can hold (a peer address of another
 * family can never be the other end of its packets).
 */
export function sameFamilyAs(seg: Pick<ResolvedSegment, 'addresses'>, addrs: AddressSet): AddressSet {
  const fams = segmentFamilies(seg);
  if (fams.length === FAMILIES.length) return addrs;
  return fams.reduce((acc, f) => acc.union(addrs.family(f)), AddressSet.EMPTY);
}
