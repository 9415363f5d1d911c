import * as fc from 'fast-check';
import * as ipaddr from 'ipaddr.js';
import { AddressRange, AddressSet, addressAtoms, Family, FAMILY_MAX, formatAddress, parseAddress, parseCidr } from '../../lib/net/address';
import * as net from '../../lib/net';
import { check, intersect, rangesArb, RUNS, setEq, subtract, union } from './oracle';

const v4 = (s: string) => parseAddress(s)!.value;
const v6 = (s: string) => parseAddress(s)!.value;

function ok(text: string) {
  const r = parseCidr(text);
  if (!r.ok) throw new Error(`expected '${text}' to parse: ${r.reason}`);
  return r.cidr;
}

/** Ranges sorted by (family, lo), disjoint, non-adjacent, in bounds. */
function expectNormal(s: AddressSet): void {
  s.ranges.forEach((r, i) => {
    check(r.lo <= r.hi && r.lo >= 0n && r.hi <= FAMILY_MAX[r.family], 'range in bounds');
    const p = s.ranges[i - 1];
    if (p) check(p.family < r.family || (p.family === r.family && p.hi + 1n < r.lo), 'sorted, disjoint, non-adjacent');
  });
}

describe('parseCidr', () => {
  test.each([
    ['10.0.0.0/8', 4, 8, '10.0.0.0/8', false],
    ['10.0.0.1/8', 4, 8, '10.0.0.0/8', true],
    ['0.0.0.0/0', 4, 0, '0.0.0.0/0', false],
    ['255.255.255.255/32', 4, 32, '255.255.255.255/32', false],
    ['192.168.1.7', 4, 32, '192.168.1.7/32', false],
    ['::/0', 6, 0, '::/0', false],
    ['::1', 6, 128, '::1/128', false],
    ['fc00::/7', 6, 7, 'fc00::/7', false],
    ['fd12:3456::/7', 6, 7, 'fc00::/7', true],
    ['2001:db8::1/64', 6, 64, '2001:db8::/64', true],
    ['2001:DB8:0000:0000::/32', 6, 32, '2001:db8::/32', false],
    ['::ffff:10.0.0.1/128', 6, 128, '::ffff:a00:1/128', false],
    ['  10.0.0.0/8\t', 4, 8, '10.0.0.0/8', false],
    ['\n2001:db8::/32 ', 6, 32, '2001:db8::/32', false],
  ] as const)('%j parses', (text, family, prefix, canonical, hostBitsSet) => {
    const c = ok(text);
    expect(c.family).toBe(family);
    expect(c.prefix).toBe(prefix);
    expect(c.canonical).toBe(canonical);
    expect(c.hostBitsSet).toBe(hostBitsSet);
    expect(c.hi - c.lo).toBe((1n << BigInt((family === 4 ? 32 : 128) - prefix)) - 1n);
  });

  test('bounds of ::/0 and 0.0.0.0/0', () => {
    expect(ok('::/0')).toMatchObject({ lo: 0n, hi: FAMILY_MAX[6] });
    expect(ok('0.0.0.0/0')).toMatchObject({ lo: 0n, hi: FAMILY_MAX[4] });
    expect(ok('fc00::/7')).toMatchObject({ lo: 0xfc00n << 112n, hi: (0xfe00n << 112n) - 1n });
  });

  test.each([
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/',
    '10.0.0.0/-1',
    '10.0.0.0/+8',
    '10.0.0.0/08',
    '10.0.0.0/1000',
    '10.0.0.0/8/8',
    '10.0.0.0/8.0',
    '010.0.0.0/8',
    '10.00.0.0/16',
    '0x0a.0.0.0/8',
    '0xa000000',
    '012.1.2.3',
    '10.1/16',
    '10.1.2',
    '167772160',
    '1.2.3.256',
    '1.2.3.4.5',
    '-1.2.3.4',
    '10.0.0.0 /8',
    '10.0.0.0/ 8',
    '10. 0.0.0/8',
    '10.0.0.0\n/8',
    'fe80::1%eth0',
    'fe80::1%eth0/64',
    '[::1]/128',
    '::ffff:010.0.0.1',
    '::ffff:0x0a.0.0.1',
    '::ffff:10.1',
    '1:2:3:4:5:6:7:8:9',
    '::1::',
    '12345::/16',
    'gggg::/16',
    '',
    '   ',
    '/8',
    'localhost',
  ])('%j is rejected', (text) => {
    const r = parseCidr(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(typeof r.reason).toBe('string');
  });

  test('non-strings are rejected', () => {
    for (const x of [undefined, null, 10, {}, ['10.0.0.0/8']]) expect(parseCidr(x).ok).toBe(false);
  });

  test('the prefix message names the family width', () => {
    const r = parseCidr('10.0.0.0/33');
    expect(r.ok === false && r.reason).toMatch(/longer than 32 bits/);
  });

  test('property: every v4 address/prefix parses to its masked block', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: FAMILY_MAX[4] }), fc.integer({ min: 0, max: 32 }), (v, p) => {
        const c = ok(`${formatAddress(4, v)}/${p}`);
        const mask = (1n << BigInt(32 - p)) - 1n;
        expect(c.lo).toBe(v & ~mask);
        expect(c.hi).toBe((v & ~mask) | mask);
        expect(c.hostBitsSet).toBe((v & mask) !== 0n);
        expect(ok(c.canonical)).toMatchObject({ lo: c.lo, hi: c.hi, hostBitsSet: false, canonical: c.canonical });
      }),
      { numRuns: RUNS },
    );
  });

  test('property: every v6 address/prefix parses to its masked block, whatever the spelling', () => {
    fc.assert(
      fc.property(v6Arb, fc.integer({ min: 0, max: 128 }), fc.boolean(), (v, p, upper) => {
        const full = ipaddr.fromByteArray(toBytes(v)).toNormalizedString();
        const text = `${upper ? full.toUpperCase() : full}/${p}`;
        const c = ok(text);
        const mask = (1n << BigInt(128 - p)) - 1n;
        expect(c.lo).toBe(v & ~mask);
        expect(c.hi).toBe((v & ~mask) | mask);
        expect(c.hostBitsSet).toBe((v & mask) !== 0n);
        expect(c.canonical).toBe(`${formatAddress(6, v & ~mask)}/${p}`);
      }),
      { numRuns: RUNS },
    );
  });
});

function toBytes(v: bigint): number[] {
  const out: number[] = [];
  for (let i = 15; i >= 0; i--) out.push(Number((v >> BigInt(i * 8)) & 255n));
  return out;
}

/** 128-bit values with plenty of zero groups, so `::` placement gets exercised. */
const v6Arb = fc
  .array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 15 }), fc.integer({ min: 0, max: 0xffff })), {
    minLength: 8,
    maxLength: 8,
  })
  .map((g) => g.reduce((acc, x) => (acc << 16n) | BigInt(x), 0n));

describe('formatAddress / parseAddress', () => {
  test.each([
    ['::', 0n],
    ['::1', 1n],
    ['1::', 1n << 112n],
    ['2001:db8::1', v6('2001:0db8:0000:0000:0000:0000:0000:0001')],
    ['2001:db8::1:0:0:1', v6('2001:db8:0:0:1:0:0:1')],
    ['2001:0:0:1::1', v6('2001:0:0:1:0:0:0:1')],
    ['2001:db8:0:1:1:1:1:1', v6('2001:db8:0:1:1:1:1:1')],
    ['2001:db8::', v6('2001:DB8:0:0:0:0:0:0')],
    ['fe80::', 0xfe80n << 112n],
    ['1:0:1:0:1:0:1:0', v6('1:0:1:0:1:0:1:0')],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', FAMILY_MAX[6]],
    ['::ffff:a00:1', v6('::ffff:10.0.0.1')],
  ])('RFC 5952: %s', (text, value) => {
    expect(formatAddress(6, value)).toBe(text);
    expect(parseAddress(text)).toEqual({ family: 6, value });
  });

  test('IPv4 formatting', () => {
    expect(formatAddress(4, 0n)).toBe('0.0.0.0');
    expect(formatAddress(4, FAMILY_MAX[4])).toBe('255.255.255.255');
    expect(formatAddress(4, v4('10.1.200.3'))).toBe('10.1.200.3');
  });

  test('parseAddress trims, rejects prefixes and junk', () => {
    expect(parseAddress(' 10.0.0.1 ')).toEqual({ family: 4, value: 0x0a000001n });
    expect(parseAddress('10.0.0.1/32')).toBeUndefined();
    expect(parseAddress('10.0.0.01')).toBeUndefined();
    expect(parseAddress('fe80::1%1')).toBeUndefined();
  });

  test('property: v6 formatting matches RFC 5952 (ipaddr.js as reference) and parses back', () => {
    fc.assert(
      fc.property(v6Arb, (v) => {
        const text = formatAddress(6, v);
        expect(text).toBe((ipaddr.fromByteArray(toBytes(v)) as ipaddr.IPv6).toRFC5952String());
        expect(text).toBe(text.toLowerCase());
        expect(text).not.toMatch(/(^|:)0[0-9a-f]/);
        // Independent RFC 5952 check: `::` replaces exactly the first longest run of >= 2 zero groups.
        const groups = Array.from({ length: 8 }, (_, i) => Number((v >> BigInt((7 - i) * 16)) & 0xffffn));
        let start = -1;
        let len = 1;
        for (let i = 0; i < 8; i++) {
          let j = i;
          while (j < 8 && groups[j] === 0) j++;
          if (j - i > len) [start, len] = [i, j - i];
        }
        if (start < 0) {
          expect(text).not.toContain('::');
          expect(text.split(':').map((g) => parseInt(g, 16))).toEqual(groups);
        } else {
          const [left, right] = text.split('::');
          const l = left ? left.split(':') : [];
          const r = right ? right.split(':') : [];
          expect(text.split('::')).toHaveLength(2);
          expect(l.length).toBe(start);
          expect(l.length + r.length).toBe(8 - len);
        }
        expect(parseAddress(text)).toEqual({ family: 6, value: v });
      }),
      { numRuns: RUNS },
    );
  });

  test('property: v4 formatting round trips', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: FAMILY_MAX[4] }), (v) => {
        expect(parseAddress(formatAddress(4, v))).toEqual({ family: 4, value: v });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('AddressSet unit', () => {
  test('0.0.0.0/0 minus RFC1918 and CGNAT has the known minimal cover', () => {
    const s = AddressSet.fromCidrs(['0.0.0.0/0']).subtract(
      AddressSet.fromCidrs(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10']),
    );
    const expected = [
      '0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/3', '96.0.0.0/6',
      '100.0.0.0/10', '100.128.0.0/9', '101.0.0.0/8', '102.0.0.0/7', '104.0.0.0/5', '112.0.0.0/4', '128.0.0.0/3',
      '160.0.0.0/5', '168.0.0.0/6', '172.0.0.0/12', '172.32.0.0/11', '172.64.0.0/10', '172.128.0.0/9', '173.0.0.0/8',
      '174.0.0.0/7', '176.0.0.0/4', '192.0.0.0/9', '192.128.0.0/11', '192.160.0.0/13', '192.169.0.0/16',
      '192.170.0.0/15', '192.172.0.0/14', '192.176.0.0/12', '192.192.0.0/10', '193.0.0.0/8', '194.0.0.0/7',
      '196.0.0.0/6', '200.0.0.0/5', '208.0.0.0/4', '224.0.0.0/3',
    ]; // prettier-ignore
    expect(s.toCidrs()).toEqual(expected);
    expect(s.cidrCount()).toBe(expected.length);
    expect(s.toCidrs(6)).toEqual([]);
    expect(s.containsAddress('10.1.2.3')).toBe(false);
    expect(s.containsAddress('100.127.255.255')).toBe(false);
    expect(s.containsAddress('100.128.0.0')).toBe(true);
    expect(s.containsAddress('8.8.8.8')).toBe(true);
  });

  test('ALL, families and full-range CIDRs', () => {
    expect(AddressSet.ALL.toCidrs()).toEqual(['0.0.0.0/0', '::/0']);
    expect(AddressSet.ALL.cidrCount()).toBe(2);
    expect(AddressSet.ALL.toCidrs(6)).toEqual(['::/0']);
    expect(AddressSet.allOf(4).equals(AddressSet.fromCidrs(['0.0.0.0/1', '128.0.0.0/1']))).toBe(true);
    expect(AddressSet.ALL.family(6).equals(AddressSet.allOf(6))).toBe(true);
    expect(AddressSet.fromCidrs(['10.0.0.0/8']).hasFamily(6)).toBe(false);
    expect(AddressSet.EMPTY.toString()).toBe('(none)');
    expect(AddressSet.EMPTY.sample()).toBeUndefined();
    expect(AddressSet.fromCidrs(['::1', '10.0.0.5']).sample()).toEqual({ family: 4, value: 0x0a000005n });
    expect(AddressSet.fromCidrs(['::1', '10.0.0.5']).toString()).toBe('10.0.0.5/32,::1/128');
    expect(AddressSet.fromCidrs(['fc00::/8', 'fd00::/8']).toCidrs()).toEqual(['fc00::/7']);
    expect(AddressSet.allOf(6).subtract(AddressSet.fromCidrs(['::/128'])).cidrCount()).toBe(128);
    expect(AddressSet.allOf(6).subtract(AddressSet.fromCidrs(['::/128', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'])).cidrCount()).toBe(254);
  });

  test('fromCidrs throws on invalid input; fromRanges rejects malformed ranges', () => {
    expect(() => AddressSet.fromCidrs(['10.0.0.0/33'])).toThrow(/longer than 32/);
    expect(() => AddressSet.fromRanges([{ family: 4, lo: 5n, hi: 4n }])).toThrow(RangeError);
    expect(() => AddressSet.fromRanges([{ family: 4, lo: 0n, hi: 1n << 32n }])).toThrow(RangeError);
    expect(() => AddressSet.fromRanges([{ family: 6, lo: -1n, hi: 0n }])).toThrow(RangeError);
    expect(() => AddressSet.fromRanges([{ family: 5 as Family, lo: 0n, hi: 0n }])).toThrow(RangeError);
    expect(AddressSet.fromRanges([{ family: 6, lo: 0n, hi: FAMILY_MAX[6] }]).equals(AddressSet.allOf(6))).toBe(true);
  });

  test('index re-exports the public pieces', () => {
    expect(net.AddressSet).toBe(AddressSet);
    expect(net.parseCidr).toBe(parseCidr);
    expect(typeof net.PortSet.range).toBe('function');
    expect(typeof net.ServiceSet.of).toBe('function');
    expect(typeof net.parseServiceSpec).toBe('function');
    expect(net.addressAtoms).toBe(addressAtoms);
    expect(net.PORT_MAX).toBe(65535);
  });

  test('large sets: union/subtract/intersect stay linear and exact', () => {
    // 10,000 ranges on each side: a quadratic subtract (the old one) needs ~1e8 steps here.
    const n = 10000;
    const a: AddressRange[] = [];
    const b: AddressRange[] = [];
    for (let i = 0; i < n; i++) {
      a.push({ family: 4, lo: BigInt(i * 16), hi: BigInt(i * 16 + 9) });
      b.push({ family: 4, lo: BigInt(i * 16 + 5), hi: BigInt(i * 16 + 17) });
      a.push({ family: 6, lo: BigInt(i * 16), hi: BigInt(i * 16 + 9) });
    }
    const A = AddressSet.fromRanges(a);
    const B = AddressSet.fromRanges(b);
    const t0 = performance.now();
    const d = A.subtract(B);
    const x = A.intersect(B);
    const u = A.union(B);
    const elapsed = performance.now() - t0;
    expect(d.ranges.length).toBe(2 * n); // v4: [16i+2, 16i+4] (and [0,4]); v6 untouched
    expect(d.ranges[0]).toEqual({ family: 4, lo: 0n, hi: 4n });
    expect(d.ranges[1]).toEqual({ family: 4, lo: 18n, hi: 20n });
    expect(d.union(x).equals(A)).toBe(true);
    expect(d.overlaps(B)).toBe(false);
    expect(u.subtract(B).equals(d)).toBe(true);
    expect(u.containsSet(A) && u.containsSet(B)).toBe(true);
    expect(elapsed).toBeLessThan(2000);
  });
});

/**
 * Oracle: a small universe per family (64 addresses each) placed at `base4`
 * and `base6`. Oracle elements are numbers: 0..63 for IPv4 offsets, 64..127
 * for IPv6 offsets.
 */
const SPAN = 64;
const UNIVERSES: Array<{ name: string; base4: bigint; base6: bigint }> = [
  { name: '10.0.0.0/26 + fc00::/122', base4: v4('10.0.0.0'), base6: v6('fc00::') },
  { name: '0.0.0.0/26 + ::/122', base4: 0n, base6: 0n },
  { name: '255.255.255.192/26 + ffff…ffc0/122', base4: FAMILY_MAX[4] - 63n, base6: FAMILY_MAX[6] - 63n },
];

describe.each(UNIVERSES)('AddressSet against a Set<number> oracle in $name', ({ base4, base6 }) => {
  const base = (f: Family) => (f === 4 ? base4 : base6);
  const UNIVERSE = AddressSet.fromRanges([
    { family: 4, lo: base4, hi: base4 + 63n },
    { family: 6, lo: base6, hi: base6 + 63n },
  ]);

  type Model = { set: AddressSet; oracle: Set<number> };
  const modelArb: fc.Arbitrary<Model> = fc
    .tuple(rangesArb(SPAN), rangesArb(SPAN), fc.boolean())
    .map(([r4, r6, viaCidrs]) => {
      const ranges: AddressRange[] = [];
      const oracle = new Set<number>();
      for (const [f, rs] of [
        [4, r4],
        [6, r6],
      ] as const) {
        for (const [lo, hi] of rs) {
          ranges.push({ family: f, lo: base(f) + BigInt(lo), hi: base(f) + BigInt(hi) });
          for (let x = lo; x <= hi; x++) oracle.add(x + (f === 6 ? SPAN : 0));
        }
      }
      let set = AddressSet.fromRanges(ranges);
      // Sometimes build the same set from single-address CIDRs in shuffled order.
      if (viaCidrs) {
        const texts = [...oracle].reverse().map((o) => (o < SPAN ? formatAddress(4, base4 + BigInt(o)) : formatAddress(6, base6 + BigInt(o - SPAN))));
        set = AddressSet.fromCidrs(texts);
      }
      return { set, oracle };
    });

  const pointOf = (o: number): [Family, bigint] => (o < SPAN ? [4, base4 + BigInt(o)] : [6, base6 + BigInt(o - SPAN)]);

  function oracleOf(s: AddressSet): Set<number> {
    expectNormal(s);
    const out = new Set<number>();
    for (const r of s.ranges) {
      const b = base(r.family);
      check(r.lo >= b && r.hi <= b + 63n, 'inside the universe');
      for (let x = r.lo; x <= r.hi; x++) out.add(Number(x - b) + (r.family === 6 ? SPAN : 0));
    }
    return out;
  }

  const opts = { numRuns: RUNS };

  test('construction matches the oracle', () => {
    fc.assert(fc.property(modelArb, (m) => expect(setEq(oracleOf(m.set), m.oracle)).toBe(true)), opts);
  });

  test('union / intersect / subtract', () => {
    fc.assert(
      fc.property(modelArb, modelArb, (a, b) => {
        expect(setEq(oracleOf(a.set.union(b.set)), union(a.oracle, b.oracle))).toBe(true);
        expect(setEq(oracleOf(a.set.intersect(b.set)), intersect(a.oracle, b.oracle))).toBe(true);
        expect(setEq(oracleOf(a.set.subtract(b.set)), subtract(a.oracle, b.oracle))).toBe(true);
        expect(setEq(oracleOf(b.set.subtract(a.set)), subtract(b.oracle, a.oracle))).toBe(true);
      }),
      opts,
    );
  });

  test('contains / containsAddress', () => {
    fc.assert(
      fc.property(modelArb, (m) => {
        for (let o = 0; o < 2 * SPAN; o++) {
          const [f, v] = pointOf(o);
          check(m.set.contains(f, v) === m.oracle.has(o), `contains offset ${o}`);
          if (o % 16 === 5) check(m.set.containsAddress(formatAddress(f, v)) === m.oracle.has(o), `containsAddress offset ${o}`);
          // The same value in the other family is never a member (universes are per family).
          const other = f === 4 ? o + SPAN : o - SPAN;
          check(m.set.contains(f === 4 ? 6 : 4, v) === (base4 === base6 && m.oracle.has(other)), `family separation at ${o}`);
        }
        // Just outside the universe.
        if (base4 > 0n) expect(m.set.contains(4, base4 - 1n)).toBe(false);
        if (base4 + 64n <= FAMILY_MAX[4]) expect(m.set.contains(4, base4 + 64n)).toBe(false);
      }),
      opts,
    );
  });

  test('equals / containsSet / overlaps / isEmpty', () => {
    fc.assert(
      fc.property(modelArb, modelArb, (a, b) => {
        expect(a.set.equals(b.set)).toBe(setEq(a.oracle, b.oracle));
        expect(a.set.containsSet(b.set)).toBe(subtract(b.oracle, a.oracle).size === 0);
        expect(a.set.overlaps(b.set)).toBe(intersect(a.oracle, b.oracle).size > 0);
        expect(a.set.overlaps(b.set)).toBe(b.set.overlaps(a.set));
        expect(a.set.isEmpty()).toBe(a.oracle.size === 0);
        // Equal sets built differently compare equal.
        const rebuilt = a.set.subtract(b.set).union(a.set.intersect(b.set));
        expect(rebuilt.equals(a.set)).toBe(true);
        expect(a.set.union(b.set).equals(b.set.union(a.set))).toBe(true);
      }),
      opts,
    );
  });

  test('toCidrs: exact round trip and the unique minimal cover', () => {
    fc.assert(
      fc.property(modelArb, (m) => {
        const cidrs = m.set.toCidrs();
        expect(m.set.cidrCount()).toBe(cidrs.length);
        expect(m.set.cidrCount(4) + m.set.cidrCount(6)).toBe(cidrs.length);
        expect([...m.set.toCidrs(4), ...m.set.toCidrs(6)]).toEqual(cidrs);
        expect(AddressSet.fromCidrs(cidrs).equals(m.set)).toBe(true);
        const parsed = cidrs.map((c) => ok(c));
        for (const [i, p] of parsed.entries()) {
          check(!p.hostBitsSet, 'aligned');
          check(p.canonical === cidrs[i], 'canonical text');
          const q = parsed[i - 1];
          if (q && q.family === p.family) {
            check(q.hi < p.lo, 'sorted and disjoint');
            // No two neighbours are the halves of one larger block.
            const size = p.hi - p.lo + 1n;
            const mergeable = q.prefix === p.prefix && q.hi + 1n === p.lo && q.lo % (2n * size) === 0n;
            check(!mergeable, `${cidrs[i - 1]} and ${cidrs[i]} merge`);
          }
        }
        // Oracle: the minimal cover is exactly the set of maximal aligned blocks inside the set.
        const expected: string[] = [];
        for (const [f, off] of [
          [4, 0],
          [6, SPAN],
        ] as const) {
          for (let k = 6; k >= 0; k--) {
            const size = 1 << k;
            for (let start = 0; start < SPAN; start += size) {
              const inside = (s: number, n: number) => {
                for (let x = s; x < s + n; x++) if (!m.oracle.has(x + off)) return false;
                return true;
              };
              if (!inside(start, size)) continue;
              const parent = start - (start % (2 * size));
              if (k < 6 && inside(parent, 2 * size)) continue;
              expected.push(`${formatAddress(f, base(f) + BigInt(start))}/${(f === 4 ? 32 : 128) - k}`);
            }
          }
        }
        expect([...cidrs].sort()).toEqual(expected.sort());
      }),
      opts,
    );
  });

  test('addressAtoms: disjoint, cover the universe, every set is a union of atoms, adjacent atoms differ', () => {
    fc.assert(
      fc.property(fc.array(modelArb, { maxLength: 4 }), (models) => {
        const atoms = addressAtoms(
          models.map((m) => m.set),
          UNIVERSE,
        );
        const atomSets = atoms.map((a) => oracleOf(AddressSet.fromRanges([a])));
        // Disjoint and covering: sizes add up and the union is the universe.
        const all = new Set<number>();
        for (const s of atomSets) for (const x of s) all.add(x);
        expect(atomSets.reduce((n, s) => n + s.size, 0)).toBe(2 * SPAN);
        expect(all.size).toBe(2 * SPAN);
        // Sorted.
        atoms.forEach((a, i) => {
          const p = atoms[i - 1];
          if (p) expect(p.family < a.family || (p.family === a.family && p.hi < a.lo)).toBe(true);
        });
        // Each input set is exactly the union of the atoms it meets.
        const signature = (s: Set<number>) => models.map((m) => [...s].every((x) => m.oracle.has(x)));
        for (const m of models) {
          let u = new Set<number>();
          for (const s of atomSets) {
            const meet = intersect(s, m.oracle).size;
            check(meet === 0 || meet === s.size, 'atom inside or outside each set');
            if (meet) u = union(u, s);
          }
          expect(setEq(u, m.oracle)).toBe(true);
        }
        // Coarsest among interval partitions: contiguous neighbours differ in membership.
        atoms.forEach((a, i) => {
          const p = atoms[i - 1];
          if (p && p.family === a.family && p.hi + 1n === a.lo) {
            expect(signature(atomSets[i - 1])).not.toEqual(signature(atomSets[i]));
          }
        });
      }),
      opts,
    );
  });
});

describe('addressAtoms with the default universe', () => {
  test('covers both whole families', () => {
    expect(addressAtoms([])).toEqual([
      { family: 4, lo: 0n, hi: FAMILY_MAX[4] },
      { family: 6, lo: 0n, hi: FAMILY_MAX[6] },
    ]);
    const atoms = addressAtoms([AddressSet.fromCidrs(['10.0.0.0/8', '10.1.0.0/16', '::/1', 'ffff::/16'])]);
    expect(atoms.map((a) => `${formatAddress(a.family, a.lo)}-${formatAddress(a.family, a.hi)}`)).toEqual([
      '0.0.0.0-9.255.255.255',
      '10.0.0.0-10.255.255.255',
      '11.0.0.0-255.255.255.255',
      '::-7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      '8000::-fffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      'ffff::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    ]);
    const two = addressAtoms([AddressSet.fromCidrs(['10.0.0.0/8']), AddressSet.fromCidrs(['10.1.0.0/16'])]);
    expect(two.filter((a) => a.family === 4)).toHaveLength(5);
  });
});
