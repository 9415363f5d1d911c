import * as fc from 'fast-check';
import { Family } from '../../lib/net/address';
import { PORT_MAX, PortSet } from '../../lib/net/ports';
import { parseServiceSpec, PROTO_ICMP, PROTO_ICMPV6, PROTO_SCTP, PROTO_TCP, PROTO_UDP, ServiceSet } from '../../lib/net/service';
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
    ['sctp', ['sctp']],
    ['sctp/2905', ['sctp/2905']],
    ['SCTP/36412-36413', ['sctp/36412-36413']],
    ['esp', ['esp']],
    ['ah', ['ah']],
    ['gre', ['gre']],
    ['ipip', ['ipip']],
    ['proto/50', ['esp']],
    ['proto/47', ['gre']],
    ['proto/0', ['proto/0']],
    ['proto/255', ['proto/255']],
    ['proto/115', ['proto/115']],
    // Numbers with a spec of their own mean the same as it.
    ['proto/6', ['tcp']],
    ['proto/17', ['udp']],
    ['proto/132', ['sctp']],
    ['proto/58', ['icmpv6']],
    ['proto/1', ['proto/1']],
    ['icmp/8', ['icmp/8']],
    ['icmp/3/4', ['icmp/3/4']],
    ['icmp/0/0', ['icmp/0/0']],
    ['icmp/255/255', ['icmp/255/255']],
    ['icmpv6', ['icmpv6']],
    ['icmpv6/128', ['icmpv6/128']],
    ['icmpv6/1/4', ['icmpv6/1/4']],
  ])('%j parses to %j', (text, specs) => {
    expect(parsed(text).toSpecs()).toEqual(specs);
  });

  test.each([
    ['tcp/65536', /out of range/],
    ['tcp/99999', /out of range/],
    ['udp/1-70000', /out of range/],
    ['tcp/10-5', /reversed/],
    ['icmp/256', /ICMP type '256' out of range 0–255/],
    ['icmp/8/256', /ICMP code '256' out of range 0–255/],
    ['icmp/8/', /invalid ICMP type/],
    ['icmp/8/0/1', /invalid ICMP type/],
    ['icmp/echo', /ICMP type 'echo' out of range/],
    ['icmpv6/-1', /ICMP type '-1' out of range/],
    ['gre/1', /gre takes no port/],
    ['esp/500', /esp takes no port/],
    ['proto/256', /protocol number '256' out of range 0–255/],
    ['proto/', /protocol number '' out of range/],
    ['proto/tcp', /protocol number 'tcp' out of range/],
    ['sctp/70000', /out of range/],
    ['sctp/9-1', /reversed/],
    ['foo/1', /unknown protocol 'foo'/],
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
    ['constructor', /^not-literal$/],
    ['__proto__', /^not-literal$/],
    ['toString/1', /unknown protocol 'tostring'/],
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

  test('has: sctp, ICMP types per family, protocol numbers', () => {
    const echo = parsed('icmp/8');
    expect(echo.has(4, PROTO_ICMP, 8 * 256)).toBe(true);
    expect(echo.has(4, PROTO_ICMP, 8 * 256 + 255)).toBe(true);
    expect(echo.has(4, PROTO_ICMP, 0)).toBe(false); // echo reply
    expect(echo.has(6, PROTO_ICMPV6, 8 * 256)).toBe(false); // icmp/TYPE is IPv4's ICMP only
    const v6 = parsed('icmpv6/128/0');
    expect(v6.has(6, PROTO_ICMPV6, 128 * 256)).toBe(true);
    expect(v6.has(6, PROTO_ICMPV6, 128 * 256 + 1)).toBe(false);
    expect(v6.has(4, PROTO_ICMP, 128 * 256)).toBe(false);
    expect(parsed('sctp/2905').has(6, PROTO_SCTP, 2905)).toBe(true);
    expect(parsed('sctp/2905').has(6, PROTO_SCTP, 2906)).toBe(false);
    expect(parsed('esp').has(4, 50)).toBe(true);
    expect(parsed('esp').has(6, 50)).toBe(true);
    expect(parsed('esp').has(4, 51)).toBe(false);
    expect(parsed('proto/1').has(4, PROTO_ICMP, 777)).toBe(true);
    expect(parsed('proto/1').has(6, PROTO_ICMP)).toBe(false); // protocol 1 in IPv6 is stray ICMP, only `any` holds it
    expect(parsed('proto/1').union(parsed('proto/58')).equals(parsed('icmp'))).toBe(true);
    expect(ServiceSet.ANY.subtract(parsed('tcp')).subtract(parsed('udp')).subtract(parsed('sctp')).subtract(parsed('icmp')).equals(ServiceSet.of({ other: true }))).toBe(true);
  });

  test('any minus ICMP echo, minus esp: exact, printable, and the rest parses back', () => {
    const s = ServiceSet.ANY.subtract(parsed('icmp/8')).subtract(parsed('esp'));
    expect(s.has(4, PROTO_ICMP, 8 * 256 + 3)).toBe(false);
    expect(s.has(4, PROTO_ICMP, 0)).toBe(true);
    expect(s.has(6, PROTO_ICMPV6, 8 * 256)).toBe(true);
    expect(s.has(4, 50)).toBe(false);
    expect(s.has(4, 51)).toBe(true);
    const specs = s.toSpecs();
    expect(specs.slice(0, 6)).toEqual(['tcp', 'udp', 'sctp', 'icmp/0', 'icmp/1', 'icmp/2']);
    expect(specs).toContain('icmpv6');
    expect(specs).not.toContain('esp');
    expect(specs).toContain('ah');
    expect(specs[specs.length - 1]).toBe('stray-icmp');
    const back = specs.filter((x) => x !== 'stray-icmp').reduce((acc, x) => acc.union(parsed(x)), ServiceSet.of({ strayIcmp: true }));
    expect(back.equals(s)).toBe(true);
  });

  test('any minus tcp/22 is exact and printable', () => {
    const s = ServiceSet.ANY.subtract(parsed('tcp/22'));
    expect(s.toSpecs()).toEqual(['tcp/0-21', 'tcp/23-65535', 'udp', 'sctp', 'icmp', 'other']);
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
const OTHER_PROTOS = [0, 2, 4, 47, 50, 51, 115, 255];
/** ICMP types and codes generated come from these; sampling one more of each sees every difference. */
const ICMP_TYPES = [0, 3, 8, 255];
const ICMP_CODES = [0, 4, 255];
const TYPE_CODES = [...ICMP_TYPES, 4].flatMap((t) => [...ICMP_CODES, 5].map((c) => t * 256 + c));
type Point = { f: Family; proto: number; port: number; key: string };
const POINTS: Point[] = [];
for (const f of [4, 6] as const) {
  for (const proto of [PROTO_TCP, PROTO_UDP, PROTO_SCTP]) for (const port of PORTS) POINTS.push({ f, proto, port, key: `${f}/${proto}/${port}` });
  const own = f === 4 ? PROTO_ICMP : PROTO_ICMPV6;
  for (const port of TYPE_CODES) POINTS.push({ f, proto: own, port, key: `${f}/${own}/${port}` });
  for (const proto of [f === 4 ? PROTO_ICMPV6 : PROTO_ICMP, ...OTHER_PROTOS]) POINTS.push({ f, proto, port: 0, key: `${f}/${proto}/0` });
}

type PortProto = 'tcp' | 'udp' | 'sctp';
type Part =
  | { k: PortProto; lo: number; hi: number }
  | { k: 'icmpType'; v6: boolean; type: number; code?: number }
  | { k: 'proto'; n: number }
  | { k: 'tcpAll' | 'udpAll' | 'sctpAll' | 'icmp' | 'icmpv6' | 'other' | 'any' | 'esp' | 'ah' | 'gre' | 'ipip' };

const NUMBER: Record<string, number> = { tcp: PROTO_TCP, udp: PROTO_UDP, sctp: PROTO_SCTP, esp: 50, ah: 51, gre: 47, ipip: 4 };

/** Protocol n in the family where it means something: 1 is IPv4's ICMP, 58 IPv6's. */
function protoHas(n: number, pt: Point): boolean {
  if (n === PROTO_ICMP) return pt.f === 4 && pt.proto === PROTO_ICMP;
  if (n === PROTO_ICMPV6) return pt.f === 6 && pt.proto === PROTO_ICMPV6;
  return pt.proto === n;
}

function partHas(p: Part, pt: Point): boolean {
  const isIcmp = (pt.f === 4 && pt.proto === PROTO_ICMP) || (pt.f === 6 && pt.proto === PROTO_ICMPV6);
  switch (p.k) {
    case 'tcp':
    case 'udp':
    case 'sctp':
      return pt.proto === NUMBER[p.k] && p.lo <= pt.port && pt.port <= p.hi;
    case 'tcpAll':
      return pt.proto === PROTO_TCP;
    case 'udpAll':
      return pt.proto === PROTO_UDP;
    case 'sctpAll':
      return pt.proto === PROTO_SCTP;
    case 'icmp':
      return isIcmp;
    case 'icmpv6':
      return pt.f === 6 && pt.proto === PROTO_ICMPV6;
    case 'icmpType':
      return isIcmp && pt.f === (p.v6 ? 6 : 4) && pt.port >> 8 === p.type && (p.code === undefined || (pt.port & 255) === p.code);
    case 'proto':
      return protoHas(p.n, pt);
    case 'esp':
    case 'ah':
    case 'gre':
    case 'ipip':
      return pt.proto === NUMBER[p.k];
    case 'other':
      return pt.proto !== PROTO_TCP && pt.proto !== PROTO_UDP && pt.proto !== PROTO_SCTP && !isIcmp;
    case 'any':
      return true;
  }
}

const portArb = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: PORT_MAX - 5, max: PORT_MAX }));
const partArb: fc.Arbitrary<Part> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom('tcp' as const, 'udp' as const, 'sctp' as const), portArb, portArb).map(([k, a, b]) => ({ k, lo: Math.min(a, b), hi: Math.max(a, b) })) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.boolean(), fc.constantFrom(...ICMP_TYPES), fc.option(fc.constantFrom(...ICMP_CODES), { nil: undefined }))
      .map(([v6, type, code]) => ({ k: 'icmpType' as const, v6, type, ...(code === undefined ? {} : { code }) })),
  },
  { weight: 2, arbitrary: fc.constantFrom(0, 1, 2, 4, 6, 17, 47, 50, 58, 115, 132, 255).map((n) => ({ k: 'proto' as const, n })) },
  {
    weight: 4,
    arbitrary: fc.constantFrom('tcpAll' as const, 'udpAll' as const, 'sctpAll' as const, 'icmp' as const, 'icmpv6' as const, 'other' as const, 'esp' as const, 'ah' as const, 'gre' as const, 'ipip' as const).map((k) => ({ k })),
  },
  { weight: 1, arbitrary: fc.constant({ k: 'any' as const }) },
);

function build(p: Part, viaSpec: boolean): ServiceSet {
  switch (p.k) {
    case 'tcp':
      return viaSpec ? parsed(`tcp/${p.lo}-${p.hi}`) : ServiceSet.tcp(p.lo, p.hi);
    case 'udp':
      return viaSpec ? parsed(`udp/${p.lo}-${p.hi}`) : ServiceSet.udp(p.lo, p.hi);
    case 'sctp':
      return viaSpec ? parsed(`sctp/${p.lo}-${p.hi}`) : ServiceSet.of({ sctp: PortSet.range(p.lo, p.hi) });
    case 'tcpAll':
      return viaSpec ? parsed('tcp') : ServiceSet.of({ tcp: PortSet.ALL });
    case 'udpAll':
      return viaSpec ? parsed('udp') : ServiceSet.of({ udp: PortSet.ALL });
    case 'sctpAll':
      return viaSpec ? parsed('sctp') : ServiceSet.protocol(PROTO_SCTP);
    case 'icmp':
      return viaSpec ? parsed('icmp') : ServiceSet.of({ icmp: true });
    case 'icmpv6':
      return viaSpec ? parsed('icmpv6') : ServiceSet.protocol(PROTO_ICMPV6);
    case 'icmpType':
      return parsed(`${p.v6 ? 'icmpv6' : 'icmp'}/${p.type}${p.code === undefined ? '' : `/${p.code}`}`);
    case 'proto':
      return viaSpec ? parsed(`proto/${p.n}`) : ServiceSet.protocol(p.n);
    case 'esp':
    case 'ah':
    case 'gre':
    case 'ipip':
      return viaSpec ? parsed(p.k) : ServiceSet.protocol(NUMBER[p.k]);
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

  test('toSpecs round trips through parseServiceSpec (every part but `other`)', () => {
    const OTHER = ServiceSet.of({ other: true });
    fc.assert(
      fc.property(modelArb, (m) => {
        const specs = m.set.toSpecs();
        if (m.set.isAny()) {
          expect(specs).toEqual(['any']);
          expect(parsed('any').equals(m.set)).toBe(true);
          return;
        }
        expect(specs.includes('other')).toBe(m.set.containsSet(OTHER));
        expect(specs.includes('any')).toBe(false);
        let back = ServiceSet.EMPTY;
        for (const spec of specs) {
          if (spec === 'other') continue;
          const p = parsed(spec);
          expect(p.toSpecs()).toEqual([spec]); // each spec is canonical
          back = back.union(p);
        }
        const rest = specs.includes('other') ? m.set.subtract(OTHER) : m.set;
        expect(back.equals(rest)).toBe(true);
        expect(back.toSpecs()).toEqual(specs.filter((s) => s !== 'other'));
      }),
      opts,
    );
  });
});
