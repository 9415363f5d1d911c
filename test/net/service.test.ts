import * as fc from 'fast-check';
import { Family } from '../../lib/net/address';
import { PORT_MAX, PortSet } from '../../lib/net/ports';
import { parseServiceSpec, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, ServiceSet } from '../../lib/net/service';
import { check, intersect, RUNS, setEq, subtract, union } from './oracle';

function parsed(text: string): ServiceSet {
  const r = parseServiceSpec(text);
  if (!r.ok) throw new Error(`expected '${text}' to parse: ${r.reason}`);
  return r.set;
}

describe('parseServiceSpec', () => {
  test.each([
    ['tcp/443', ['tcp/443']],
    ['TCP/443', ['tcp/443']],
    ['  udp/53 ', ['udp/53']],
    ['tcp/8000-8099', ['tcp/8000-8099']],
    ['tcp/0', ['tcp/0']],
    ['udp/65535', ['udp/65535']],
    ['tcp/0-65535', ['tcp']],
    ['tcp/5-5', ['tcp/5']],
    ['tcp', ['tcp']],
    ['udp', ['udp']],
    ['icmp', ['icmp']],
    ['ICMP', ['icmp']],
    ['any', ['any']],
  ])('%j parses to %j', (text, specs) => {
    expect(parsed(text).toSpecs()).toEqual(specs);
  });

  test.each([
    ['tcp/65536', /out of range/],
    ['tcp/99999', /out of range/],
    ['udp/1-70000', /out of range/],
    ['tcp/10-5', /reversed/],
    ['icmp/8', /icmp takes no port/],
    ['gre/1', /unknown protocol/],
    ['tcp/', /invalid port/],
    ['tcp/abc', /invalid port/],
    ['tcp/1-', /invalid port/],
    ['tcp/-1', /invalid port/],
    ['tcp/123456', /invalid port/],
    ['tcp/1,2', /invalid port/],
    ['tcp/ 443', /invalid port/],
    ['https', /^not-literal$/],
    ['tcp:443', /^not-literal$/],
    ['other', /^not-literal$/],
    ['', /^not-literal$/],
  ])('%j is rejected (%p)', (text, reason) => {
    const r = parseServiceSpec(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});

describe('ServiceSet unit', () => {
  test('has: protocols, families and ports', () => {
    const s = ServiceSet.tcp(443).union(ServiceSet.udp(53, 54)).union(ServiceSet.of({ icmp: true }));
    expect(s.has(4, PROTO_TCP, 443)).toBe(true);
    expect(s.has(6, PROTO_TCP, 443)).toBe(true);
    expect(s.has(4, PROTO_TCP, 444)).toBe(false);
    expect(s.has(4, PROTO_UDP, 54)).toBe(true);
    expect(s.has(4, PROTO_UDP, 443)).toBe(false);
    expect(s.has(4, PROTO_ICMP)).toBe(true);
    expect(s.has(6, PROTO_ICMPV6)).toBe(true);
    // ICMP of the wrong family is "other".
    expect(s.has(4, PROTO_ICMPV6)).toBe(false);
    expect(s.has(6, PROTO_ICMP)).toBe(false);
    expect(ServiceSet.of({ other: true }).has(4, PROTO_ICMPV6)).toBe(true);
    expect(ServiceSet.of({ other: true }).has(6, 47)).toBe(true);
    expect(ServiceSet.of({ other: true }).has(6, PROTO_TCP, 1)).toBe(false);
    expect(ServiceSet.of({ tcp: PortSet.ALL }).has(4, PROTO_TCP)).toBe(true); // port defaults to 0
  });

  test('any minus tcp/22 is exact and printable', () => {
    const s = ServiceSet.ANY.subtract(parsed('tcp/22'));
    expect(s.toSpecs()).toEqual(['tcp/0-21', 'tcp/23-65535', 'udp', 'icmp', 'other']);
    expect(s.isAny()).toBe(false);
    expect(s.union(parsed('tcp/22')).isAny()).toBe(true);
    expect(s.has(4, PROTO_TCP, 22)).toBe(false);
    expect(s.has(4, PROTO_TCP, 0)).toBe(true);
    // Every tcp/udp/icmp spec it prints parses back ('other' is not a literal).
    const back = s
      .toSpecs()
      .filter((x) => x !== 'other')
      .reduce((acc, x) => acc.union(parsed(x)), ServiceSet.of({ other: true }));
    expect(back.equals(s)).toBe(true);
  });

  test('EMPTY, ANY, toString', () => {
    expect(ServiceSet.EMPTY.isEmpty()).toBe(true);
    expect(ServiceSet.EMPTY.toString()).toBe('(nothing)');
    expect(ServiceSet.EMPTY.toSpecs()).toEqual([]);
    expect(ServiceSet.ANY.toString()).toBe('any');
    expect(ServiceSet.ANY.containsSet(ServiceSet.tcp(1))).toBe(true);
    expect(ServiceSet.tcp(1).containsSet(ServiceSet.ANY)).toBe(false);
    expect(ServiceSet.tcp(1, 5).overlaps(ServiceSet.udp(1, 5))).toBe(false);
    expect(parsed('tcp').union(parsed('udp')).union(parsed('icmp')).toString()).toBe('tcp, udp, icmp');
  });
});

/**
 * Oracle over a sampled (family, protocol, port) space. Generated port
 * endpoints come from 0..40 and 65530..65535; sampling 0..41 and 65529..65535
 * therefore sees every difference between two generated sets.
 */
const PORTS = [...Array.from({ length: 42 }, (_, i) => i), ...Array.from({ length: 7 }, (_, i) => PORT_MAX - 6 + i)];
const OTHER_PROTOS = [0, 2, 47, 50, 132, 255];
type Point = { f: Family; proto: number; port: number; key: string };
const POINTS: Point[] = [];
for (const f of [4, 6] as const) {
  for (const proto of [PROTO_TCP, PROTO_UDP]) for (const port of PORTS) POINTS.push({ f, proto, port, key: `${f}/${proto}/${port}` });
  for (const proto of [PROTO_ICMP, PROTO_ICMPV6, ...OTHER_PROTOS]) POINTS.push({ f, proto, port: 0, key: `${f}/${proto}/0` });
}

type Part = { k: 'tcp' | 'udp'; lo: number; hi: number } | { k: 'tcpAll' | 'udpAll' | 'icmp' | 'other' | 'any' };

function partHas(p: Part, pt: Point): boolean {
  const isIcmp = (pt.f === 4 && pt.proto === PROTO_ICMP) || (pt.f === 6 && pt.proto === PROTO_ICMPV6);
  switch (p.k) {
    case 'tcp':
      return pt.proto === PROTO_TCP && p.lo <= pt.port && pt.port <= p.hi;
    case 'udp':
      return pt.proto === PROTO_UDP && p.lo <= pt.port && pt.port <= p.hi;
    case 'tcpAll':
      return pt.proto === PROTO_TCP;
    case 'udpAll':
      return pt.proto === PROTO_UDP;
    case 'icmp':
      return isIcmp;
    case 'other':
      return pt.proto !== PROTO_TCP && pt.proto !== PROTO_UDP && !isIcmp;
    case 'any':
      return true;
  }
}

const portArb = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: PORT_MAX - 5, max: PORT_MAX }));
const partArb: fc.Arbitrary<Part> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom('tcp' as const, 'udp' as const), portArb, portArb).map(([k, a, b]) => ({ k, lo: Math.min(a, b), hi: Math.max(a, b) })) },
  { weight: 3, arbitrary: fc.constantFrom('tcpAll' as const, 'udpAll' as const, 'icmp' as const, 'other' as const).map((k) => ({ k })) },
  { weight: 1, arbitrary: fc.constant({ k: 'any' as const }) },
);

function build(p: Part, viaSpec: boolean): ServiceSet {
  switch (p.k) {
    case 'tcp':
      return viaSpec ? parsed(`tcp/${p.lo}-${p.hi}`) : ServiceSet.tcp(p.lo, p.hi);
    case 'udp':
      return viaSpec ? parsed(`udp/${p.lo}-${p.hi}`) : ServiceSet.udp(p.lo, p.hi);
    case 'tcpAll':
      return viaSpec ? parsed('tcp') : ServiceSet.of({ tcp: PortSet.ALL });
    case 'udpAll':
      return viaSpec ? parsed('udp') : ServiceSet.of({ udp: PortSet.ALL });
    case 'icmp':
      return viaSpec ? parsed('icmp') : ServiceSet.of({ icmp: true });
    case 'other':
      return ServiceSet.of({ other: true });
    case 'any':
      return viaSpec ? parsed('any') : ServiceSet.ANY;
  }
}

type Model = { set: ServiceSet; oracle: Set<string> };
const modelArb: fc.Arbitrary<Model> = fc.array(fc.tuple(partArb, fc.boolean()), { maxLength: 4 }).map((parts) => {
  const set = parts.reduce((acc, [p, viaSpec]) => acc.union(build(p, viaSpec)), ServiceSet.EMPTY);
  const oracle = new Set(POINTS.filter((pt) => parts.some(([p]) => partHas(p, pt))).map((pt) => pt.key));
  return { set, oracle };
});

function oracleOf(s: ServiceSet): Set<string> {
  return new Set(POINTS.filter((pt) => s.has(pt.f, pt.proto, pt.port)).map((pt) => pt.key));
}

describe('ServiceSet against a sampled-space oracle', () => {
  const opts = { numRuns: RUNS };

  test('has agrees with the oracle', () => {
    fc.assert(
      fc.property(modelArb, (m) => {
        for (const pt of POINTS) check(m.set.has(pt.f, pt.proto, pt.port) === m.oracle.has(pt.key), `has ${pt.key}`);
        expect(m.set.isEmpty()).toBe(m.oracle.size === 0);
        expect(m.set.isAny()).toBe(m.oracle.size === POINTS.length);
      }),
      opts,
    );
  });

  test('union / intersect / subtract agree with has', () => {
    fc.assert(
      fc.property(modelArb, modelArb, (a, b) => {
        check(setEq(oracleOf(a.set.union(b.set)), union(a.oracle, b.oracle)), 'union');
        check(setEq(oracleOf(a.set.intersect(b.set)), intersect(a.oracle, b.oracle)), 'intersect');
        check(setEq(oracleOf(a.set.subtract(b.set)), subtract(a.oracle, b.oracle)), 'a - b');
        check(setEq(oracleOf(b.set.subtract(a.set)), subtract(b.oracle, a.oracle)), 'b - a');
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
      }),
      opts,
    );
  });

  test('toSpecs round trips through parseServiceSpec (tcp/udp/icmp/any parts)', () => {
    const OTHER = ServiceSet.of({ other: true });
    fc.assert(
      fc.property(modelArb, (m) => {
        const specs = m.set.toSpecs();
        if (m.set.isAny()) {
          expect(specs).toEqual(['any']);
          expect(parsed('any').equals(m.set)).toBe(true);
          return;
        }
        expect(specs.includes('other')).toBe(m.set.other);
        expect(specs.includes('any')).toBe(false);
        let back = ServiceSet.EMPTY;
        for (const spec of specs) {
          if (spec === 'other') continue;
          const p = parsed(spec);
          expect(p.toSpecs()).toEqual([spec]); // each spec is canonical
          back = back.union(p);
        }
        expect(back.equals(m.set.subtract(OTHER))).toBe(true);
        expect(back.toSpecs()).toEqual(specs.filter((s) => s !== 'other'));
      }),
      opts,
    );
  });
});
