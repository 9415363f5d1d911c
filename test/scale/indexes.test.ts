/**
 * The indexes that keep 10,000 segments linear answer exactly what the scans
 * they replace answered: label terms through SegmentLabelIndex, atoms meeting
 * an address set through AtomIndex, and sortKeys (which now keeps what is
 * already in order) serialising to the same bytes as a full sorted copy.
 */
import * as fc from 'fast-check';
import { labelsMatch, SegmentLabelIndex } from '../../lib/model/selectors';
import { AddressSet } from '../../lib/net/address';
import { sortKeys } from '../../lib/targets/serialise';
import { AtomIndex } from '../../lib/verify/atom-index';
import { LocalAtom } from '../../lib/verify/sides';

const value = fc.constantFrom('a', 'b', 'c');
const labels = fc.record({ env: value, tier: value }, { requiredKeys: [] });
const selector = fc.dictionary(fc.constantFrom('env', 'tier', 'app'), fc.oneof(value, fc.uniqueArray(value, { minLength: 1, maxLength: 3 })), { maxKeys: 3 });

describe('SegmentLabelIndex', () => {
  test('selects what a scan of every segment selects, in document order', () => {
    fc.assert(
      fc.property(fc.array(labels, { maxLength: 30 }), selector, (ls, sel) => {
        const segments = ls.map((l, i) => ({ name: `s${i}`, labels: l as Record<string, string> }));
        const scan = segments.filter((s) => labelsMatch(sel, s.labels)).map((s) => s.name);
        expect(new SegmentLabelIndex(segments).matching(sel)).toEqual(scan);
      }),
      { numRuns: 300 },
    );
  });
});

/** A /24 in 10.0.0.0/16 (the third octet drawn), or one of a few wide blocks that overlap them. */
const cidr = fc.oneof(fc.integer({ min: 0, max: 40 }).map((o) => `10.0.${o}.0/24`), fc.constantFrom('10.0.0.0/8', '10.0.0.0/20', '10.0.16.0/21', '192.168.0.0/16'));
const atomOf = (cidrs: string[]): LocalAtom => {
  const set = AddressSet.fromCidrs(cidrs);
  return { set, key: cidrs.join(','), lo: set.ranges[0].lo };
};
const meets = (a: AddressSet, b: AddressSet) => !a.intersect(b).isEmpty();

describe('AtomIndex', () => {
  test('finds exactly the owners with an atom meeting the set', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.array(cidr, { minLength: 1, maxLength: 3 }), { maxLength: 3 }), { maxLength: 25 }), fc.array(cidr, { minLength: 1, maxLength: 4 }), (owners, query) => {
        const atomsOf = owners.map((atoms) => atoms.map(atomOf));
        const q = AddressSet.fromCidrs(query);
        const got = new Set<number>();
        new AtomIndex(atomsOf).meeting(q, got);
        const want = atomsOf.flatMap((atoms, i) => (atoms.some((a) => meets(a.set, q)) ? [i] : []));
        expect([...got].sort((a, b) => a - b)).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});

/** The sortKeys the document used to be written with: a sorted copy of everything. */
function sortedCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedCopy);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortedCopy((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

describe('sortKeys', () => {
  test('serialises to the bytes of a full sorted copy, and leaves its input as it was', () => {
    const key = fc.constantFrom('//', 'Name', 'a', 'b', 'description', 'microseg:policy', 'tags', 'z_1', '10', '9');
    const json = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 5 })),
    })).node;
    fc.assert(
      fc.property(json, (doc) => {
        const before = JSON.stringify(doc);
        expect(JSON.stringify(sortKeys(doc), null, 2)).toBe(JSON.stringify(sortedCopy(doc), null, 2));
        expect(JSON.stringify(doc)).toBe(before);
      }),
      { numRuns: 500 },
    );
  });

  test('keeps an object whose keys are in order all the way down', () => {
    const inOrder = { '//': { metadata: { path: 'x' } }, a: [{ b: 1, c: 2 }], tags: { Name: 'n', 'microseg:policy': 'p' } };
    expect(sortKeys(inOrder)).toBe(inOrder);
    const nested = { a: { z: 1, b: 2 } };
    const sorted = sortKeys(nested);
    expect(sorted).not.toBe(nested);
    expect(Object.keys(sorted.a)).toEqual(['b', 'z']);
  });
});
