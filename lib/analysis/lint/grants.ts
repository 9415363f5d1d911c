/**
 * What one allow grants, cell by cell: every (source atom, destination atom)
 * its side entries act on, and which sides those are. A segment pair acts on
 * the source's egress and the destination's ingress; an address term acts on
 * one side only and matches outside hosts and workloads alike at those
 * addresses (the meaning matches address entries by address).
 */
import { AddressRange, formatAddress } from '../../net/address';
import { Direction, ResolvedPolicy, ResolvedRule } from '../../resolve/ir';
import { AtomEndpoint, atomsIn } from '../flow-space';

export interface GrantCell {
  readonly src: AtomEndpoint;
  readonly dst: AtomEndpoint;
  /** How the rule names each end: a segment name or an address term label. */
  readonly srcName: string;
  readonly dstName: string;
  /** The sides the rule's entries act on for this cell. */
  readonly sides: readonly { readonly segment: string; readonly direction: Direction }[];
}

export function* grantCells(ir: ResolvedPolicy, r: ResolvedRule, atoms: readonly AddressRange[]): Generator<GrantCell> {
  const segAtoms = (n: string) => atomsIn(atoms, ir.segment(n).addresses);
  for (const [f, t] of r.segmentPairs) {
    const bs = segAtoms(t);
    for (const a of segAtoms(f)) {
      for (const b of bs) {
        if (a.family !== b.family) continue;
        yield {
          src: { segment: f, range: a },
          dst: { segment: t, range: b },
          srcName: f,
          dstName: t,
          sides: [
            { segment: f, direction: 'egress' },
            { segment: t, direction: 'ingress' },
          ],
        };
      }
    }
  }
  // Hosts at an address term's addresses: outside hosts, and workloads of any segment living there.
  const hostsAt = (set: ResolvedRule['fromAddresses'][number]): AtomEndpoint[] => {
    const inSet = atomsIn(atoms, set.addresses);
    const out: AtomEndpoint[] = inSet.map((range) => ({ range }));
    for (const s of ir.segments) for (const range of atomsIn(inSet, s.addresses)) out.push({ segment: s.name, range });
    return out;
  };
  for (const p of r.fromAddresses) {
    const srcs = hostsAt(p);
    for (const t of r.toSegments) {
      const bs = segAtoms(t);
      for (const src of srcs) {
        for (const b of bs) {
          if (src.range.family !== b.family) continue;
          yield { src, dst: { segment: t, range: b }, srcName: p.label, dstName: t, sides: [{ segment: t, direction: 'ingress' }] };
        }
      }
    }
  }
  for (const p of r.toAddresses) {
    const dsts = hostsAt(p);
    for (const f of r.fromSegments) {
      for (const a of segAtoms(f)) {
        for (const dst of dsts) {
          if (dst.range.family !== a.family) continue;
          yield { src: { segment: f, range: a }, dst, srcName: f, dstName: p.label, sides: [{ segment: f, direction: 'egress' }] };
        }
      }
    }
  }
}

/** `shop-web-prod`, `shop-web-prod at 10.1.0.0/24`, `internet`, `outside host at 203.0.113.0`. */
export function describeEnd(e: AtomEndpoint): string {
  const at = formatAddress(e.range.family, e.range.lo);
  return e.segment ? `${e.segment} (${at})` : `outside host ${at}`;
}
