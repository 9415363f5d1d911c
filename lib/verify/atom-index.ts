/**
 * Which segments have a local atom meeting an address set, without testing
 * every segment: the pair check asks it once per side whose default factor
 * class differs (GCP's egress by address reaches a few segments' addresses),
 * and testing all 10,000 receivers each time made the check quadratic.
 *
 * Ranges with the same bounds share one entry (segments defaulting to
 * `network.internalCidrs` all hold the same ranges); entries are dealt into
 * layers of non-overlapping ranges sorted by start, so a query is a binary
 * search per layer and then only the entries it meets.
 */
import { AddressRange, AddressSet } from '../net/address';
import { firstNotBefore, meetsAt } from '../net/range-search';
import { LocalAtom } from './sides';

interface Entry {
  readonly family: number;
  readonly lo: bigint;
  readonly hi: bigint;
  readonly owners: number[];
}

const before = (a: Entry, b: Entry) => (a.family !== b.family ? a.family - b.family : a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : a.hi < b.hi ? -1 : a.hi > b.hi ? 1 : 0);

export class AtomIndex {
  private readonly layers: Entry[][] = [];

  /** `atomsOf[i]`: the local atoms of owner i. */
  constructor(atomsOf: readonly (readonly LocalAtom[])[]) {
    const byBounds = new Map<string, Entry>();
    atomsOf.forEach((atoms, owner) => {
      for (const a of atoms) {
        for (const r of a.set.ranges) {
          const k = `${r.family}:${r.lo}-${r.hi}`;
          const e = byBounds.get(k);
          if (!e) byBounds.set(k, { family: r.family, lo: r.lo, hi: r.hi, owners: [owner] });
          else if (e.owners[e.owners.length - 1] !== owner) e.owners.push(owner);
        }
      }
    });
    for (const e of [...byBounds.values()].sort(before)) {
      const layer = this.layers.find((l) => {
        const last = l[l.length - 1];
        return last.family !== e.family || last.hi < e.lo;
      });
      if (layer) layer.push(e);
      else this.layers.push([e]);
    }
  }

  /** Add to `out` every owner with an atom sharing an address with `s`. */
  meeting(s: AddressSet, out: Set<number>): void {
    for (const r of s.ranges) for (const layer of this.layers) addMeeting(layer, r, out);
  }
}

/** Add to `out` the owners of the entries of one layer meeting `r`: from the first not wholly before it on (within a layer, ends grow with starts). */
function addMeeting(layer: readonly Entry[], r: AddressRange, out: Set<number>): void {
  for (let i = firstNotBefore(layer, r.family, r.lo); meetsAt(layer, i, r.family, r.lo, r.hi); i++) for (const o of layer[i].owners) out.add(o);
}
