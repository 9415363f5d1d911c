import * as fc from 'fast-check';
import { PORT_MAX, PortRange, PortSet } from '../../lib/net/ports';
import { check, intersect, rangesArb, RUNS, setEq, subtract, union } from './oracle';

function expectNormal(s: PortSet): void {
  s.ranges.forEach((r, i) => {
    check(Number.isInteger(r.lo) && Number.isInteger(r.hi) && 0 <= r.lo && r.lo <= r.hi && r.hi <= PORT_MAX, 'range in bounds');
    const p = s.ranges[i - 1];
    if (p) check(p.hi + 1 < r.lo, 'sorted, disjoint, non-adjacent');
  });
}

describe('PortSet unit', () => {
  test('constructors, ALL, EMPTY, toString', () => {
    expect(PortSet.ALL.isAll()).toBe(true);
    expect(PortSet.ALL.toString()).toBe('all');
    expect(PortSet.EMPTY.isEmpty()).toBe(true);
    expect(PortSet.EMPTY.toString()).toBe('');
    expect(PortSet.range(443).toString()).toBe('443');
    expect(PortSet.range(8000, 8099).toString()).toBe('8000-8099');
    expect(PortSet.of([{ lo: 5, hi: 9 }, { lo: 1, hi: 3 }, { lo: 4, hi: 4 }, { lo: 20, hi: 30 }]).toString()).toBe('1-9,20-30');
    expect(PortSet.of([{ lo: 0, hi: 100 }, { lo: 101, hi: PORT_MAX }]).isAll()).toBe(true);
    expect(PortSet.range(0, PORT_MAX).equals(PortSet.ALL)).toBe(true);
    expect(PortSet.range(22).complement().toString()).toBe('0-21,23-65535');
    expect(PortSet.ALL.complement().isEmpty()).toBe(true);
    expect(PortSet.EMPTY.complement().isAll()).toBe(true);
    expect(PortSet.ALL.subtract(PortSet.range(0)).toString()).toBe('1-65535');
    expect(PortSet.ALL.subtract(PortSet.range(PORT_MAX)).toString()).toBe('0-65534');
    expect(PortSet.range(PORT_MAX).has(PORT_MAX)).toBe(true);
    expect(PortSet.ALL.has(PORT_MAX + 1)).toBe(false);
    expect(PortSet.ALL.has(-1)).toBe(false);
  });

  test.each([
    [-1, 5],
    [0, PORT_MAX + 1],
    [10, 9],
    [1.5, 2],
    [Number.NaN, 3],
  ])('range(%p, %p) is rejected', (lo, hi) => {
    expect(() => PortSet.range(lo, hi)).toThrow(RangeError);
    expect(() => PortSet.of([{ lo, hi }])).toThrow(RangeError);
  });

  test('large sets stay fast', () => {
    const a: PortRange[] = [];
    const b: PortRange[] = [];
    for (let i = 0; i < 6000; i++) {
      a.push({ lo: i * 10, hi: i * 10 + 5 });
      b.push({ lo: i * 10 + 3, hi: i * 10 + 8 });
    }
    const A = PortSet.of(a);
    const B = PortSet.of(b);
    const d = A.subtract(B);
    expect(d.ranges).toHaveLength(6000);
    expect(d.union(A.intersect(B)).equals(A)).toBe(true);
    expect(d.overlaps(B)).toBe(false);
    expect(A.has(59995) && !A.has(59996)).toBe(true);
  });
});

/** Oracle windows: ports 0..200 and the top 201 ports up to 65535. */
const WINDOWS = [
  { name: '0..200', base: 0 },
  { name: '65335..65535', base: PORT_MAX - 200 },
];
const SPAN = 201;

describe.each(WINDOWS)('PortSet against a Set<number> oracle over $name', ({ base }) => {
  type Model = { set: PortSet; oracle: Set<number> };
  const modelArb: fc.Arbitrary<Model> = fc.tuple(rangesArb(SPAN, 6), fc.boolean()).map(([rs, viaUnion]) => {
    const ranges = rs.map(([lo, hi]) => ({ lo: base + lo, hi: base + hi }));
    const oracle = new Set<number>();
    for (const r of ranges) for (let p = r.lo; p <= r.hi; p++) oracle.add(p);
    const set = viaUnion ? ranges.reduce((acc, r) => acc.union(PortSet.range(r.lo, r.hi)), PortSet.EMPTY) : PortSet.of(ranges);
    return { set, oracle };
  });

  function oracleOf(s: PortSet): Set<number> {
    expectNormal(s);
    const out = new Set<number>();
    for (const r of s.ranges) {
      check(r.lo >= base && r.hi <= base + SPAN - 1, 'inside the window');
      for (let p = r.lo; p <= r.hi; p++) out.add(p);
    }
    return out;
  }
  const opts = { numRuns: RUNS };

  test('construction, has, isEmpty, toString', () => {
    fc.assert(
      fc.property(modelArb, (m) => {
        check(setEq(oracleOf(m.set), m.oracle), 'construction');
        for (let p = base - 1; p <= base + SPAN; p++) check(m.set.has(p) === m.oracle.has(p), `has ${p}`);
        expect(m.set.isEmpty()).toBe(m.oracle.size === 0);
        expect(m.set.isAll()).toBe(false);
        // toString lists the ranges.
        const text = m.set.toString();
        const back = text === '' ? [] : text.split(',').map((t) => t.split('-').map(Number));
        expect(PortSet.of(back.map(([lo, hi = lo]) => ({ lo, hi }))).equals(m.set)).toBe(true);
      }),
      opts,
    );
  });

  test('union / intersect / subtract / complement', () => {
    fc.assert(
      fc.property(modelArb, modelArb, (a, b) => {
        check(setEq(oracleOf(a.set.union(b.set)), union(a.oracle, b.oracle)), 'union');
        check(setEq(oracleOf(a.set.intersect(b.set)), intersect(a.oracle, b.oracle)), 'intersect');
        check(setEq(oracleOf(a.set.subtract(b.set)), subtract(a.oracle, b.oracle)), 'a - b');
        check(setEq(oracleOf(b.set.subtract(a.set)), subtract(b.oracle, a.oracle)), 'b - a');
        const c = a.set.complement();
        expectNormal(c);
        for (let p = base; p < base + SPAN; p++) check(c.has(p) === !a.oracle.has(p), `complement has ${p}`);
        // Outside the window the complement holds everything.
        check(c.has(0) === !a.oracle.has(0) && c.has(PORT_MAX) === !a.oracle.has(PORT_MAX) && c.has(30000), 'complement outside');
        expect(c.complement().equals(a.set)).toBe(true);
        expect(c.union(a.set).isAll()).toBe(true);
        expect(c.overlaps(a.set)).toBe(false);
      }),
      opts,
    );
  });

  test('equals / containsSet / overlaps', () => {
    fc.assert(
      fc.property(modelArb, modelArb, (a, b) => {
        expect(a.set.equals(b.set)).toBe(setEq(a.oracle, b.oracle));
        expect(a.set.containsSet(b.set)).toBe(subtract(b.oracle, a.oracle).size === 0);
        expect(a.set.overlaps(b.set)).toBe(intersect(a.oracle, b.oracle).size > 0);
        expect(a.set.subtract(b.set).union(a.set.intersect(b.set)).equals(a.set)).toBe(true);
        expect(a.set.union(b.set).equals(b.set.union(a.set))).toBe(true);
      }),
      opts,
    );
  });
});
