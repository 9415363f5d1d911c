/**
 * Random valid policies for the property tests: small, but covering labels,
 * segments with and without addresses (IPv4 and IPv6, overlapping),
 * externals with `except`, services with ranges, icmp, any, every other
 * protocol spec (sctp ports, ICMP types, esp, gre, proto/N), guardrails
 * allow and deny, sameLabels. Built so that almost every draw validates.
 */
import fc from 'fast-check';

const V4_POOL = ['10.1.0.0/24', '10.1.0.0/25', '10.1.0.128/25', '10.2.0.0/16', '10.0.0.0/8', '192.168.1.0/24', '172.16.5.0/24', '100.64.0.0/10'];
const V6_POOL = ['fd00::/64', 'fd00:1::/48', 'fc00::/7', 'fd00::/16'];
const EXT_POOL = ['0.0.0.0/0', '::/0', '203.0.113.0/24', '10.1.0.0/16', '198.51.100.0/25', '2001:db8::/32', '192.168.1.128/25', 'fd00::/64'];
const PORTS = ['22', '53', '80', '443', '5432', '8000-8099', '8080', '1-1023', '443-8443'];

const spec = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom('tcp', 'udp'), fc.constantFrom(...PORTS)).map(([p, n]) => `${p}/${n}`) },
  { weight: 1, arbitrary: fc.constantFrom('icmp', 'any', 'tcp', 'udp') },
  { weight: 1, arbitrary: fc.constant('web') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('esp', 'ah', 'gre', 'ipip', 'sctp', 'sctp/2905', 'sctp/36412-36413', 'proto/115', 'proto/6', 'proto/1', 'icmpv6', 'icmp/8', 'icmp/3/4', 'icmp/0', 'icmpv6/128', 'icmpv6/1/4'),
  },
);

export interface GenOptions {
  readonly maxSegments?: number;
  readonly maxRules?: number;
  /** Every segment declares addresses of its own (10.9.i.0/24, some also fd09:i::/64): disjoint, as address-matching layers need. */
  readonly disjointAddresses?: boolean;
}

export function policyArbitrary(opts: GenOptions = {}): fc.Arbitrary<Record<string, unknown>> {
  const maxSegments = opts.maxSegments ?? 4;
  const maxRules = opts.maxRules ?? 4;
  const tiers = ['a', 'b', 'c'];
  const envs = ['p', 's'];
  return fc
    .record({
      assignments: fc.uniqueArray(fc.tuple(fc.constantFrom(...tiers), fc.constantFrom(...envs)), { minLength: 1, maxLength: maxSegments, selector: ([t, e]) => `${t}-${e}` }),
      addresses: fc.array(
        fc.oneof(
          { weight: 2, arbitrary: fc.constant(undefined) },
          { weight: 3, arbitrary: fc.uniqueArray(fc.constantFrom(...V4_POOL, ...V6_POOL), { minLength: 1, maxLength: 2 }) },
        ),
        { minLength: maxSegments, maxLength: maxSegments },
      ),
      externals: fc.array(
        fc.record({
          cidrs: fc.uniqueArray(fc.constantFrom(...EXT_POOL), { minLength: 1, maxLength: 2 }),
          except: fc.option(fc.uniqueArray(fc.constantFrom(...V4_POOL, ...V6_POOL), { minLength: 1, maxLength: 2 }), { nil: undefined }),
        }),
        { maxLength: 2 },
      ),
      rules: fc.array(ruleDraw(), { minLength: 1, maxLength: maxRules }),
      guardrails: fc.array(fc.tuple(fc.constantFrom('allow', 'deny'), ruleDraw()), { maxLength: 2 }),
      customInternal: fc.boolean(),
    })
    .map((d) => {
      const segments = d.assignments.map(([t, e], i) => ({
        name: `${t}-${e}`,
        labels: { tier: t, env: e },
        ...(opts.disjointAddresses ? { addresses: [`10.9.${i}.0/24`, ...(d.addresses[i]?.some((c) => c.includes(':')) ? [`fd09:${i}::/64`] : [])] } : d.addresses[i] ? { addresses: d.addresses[i] } : {}),
      }));
      const externals = d.externals.map((x, i) => ({ name: `ext${i}`, cidrs: x.cidrs, ...(x.except ? { except: x.except } : {}) }));
      const usedTiers = [...new Set(segments.map((s) => s.labels.tier))];
      const sel = (s: SelDraw): { sel: unknown; canBeExternal: boolean; segmentOnly: boolean } => {
        const seg = segments[s.i % segments.length];
        switch (s.kind) {
          case 'tier':
            return { sel: { tier: usedTiers[s.i % usedTiers.length] }, canBeExternal: false, segmentOnly: true };
          case 'all':
            return { sel: {}, canBeExternal: false, segmentOnly: true };
          case 'segment':
            return { sel: { segment: seg.name }, canBeExternal: false, segmentOnly: true };
          case 'external':
            if (externals.length === 0) return { sel: { segment: seg.name }, canBeExternal: false, segmentOnly: true };
            return { sel: { external: externals[s.i % externals.length].name }, canBeExternal: true, segmentOnly: false };
          case 'cidrs':
            return { sel: { cidrs: [EXT_POOL[s.i % EXT_POOL.length]] }, canBeExternal: true, segmentOnly: false };
          case 'mixed':
            return { sel: [{ segment: seg.name }, { cidrs: [V4_POOL[s.i % V4_POOL.length]] }], canBeExternal: true, segmentOnly: false };
        }
      };
      const build = (r: RuleDraw, name: string) => {
        const from = sel(r.from);
        let to = sel(r.to);
        // Both sides only externals is an error: keep one side a segment selector.
        if (!from.segmentOnly && !to.segmentOnly && from.canBeExternal && to.canBeExternal && r.to.kind !== 'mixed') to = sel({ kind: 'segment', i: r.to.i });
        const sameLabels = r.sameLabels && from.segmentOnly && to.segmentOnly ? { sameLabels: [r.sameLabels] } : {};
        return { name, from: from.sel, to: to.sel, services: r.services, ...sameLabels };
      };
      const doc: Record<string, unknown> = {
        apiVersion: 'microseg/v1',
        kind: 'SegmentationPolicy',
        metadata: { name: 'prop' },
        ...(d.customInternal ? { network: { internalCidrs: ['10.0.0.0/8', '192.168.0.0/16', 'fd00::/8'] } } : {}),
        labels: { tier: tiers, env: envs },
        segments,
        ...(externals.length ? { externals } : {}),
        services: { web: ['tcp/80', 'tcp/443'] },
        rules: d.rules.map((r, i) => build(r, `r${i}`)),
        ...(d.guardrails.length ? { guardrails: d.guardrails.map(([action, r], i) => ({ ...build(r, `g${i}`), action })) } : {}),
      };
      return doc;
    });
}

type SelDraw = { kind: 'tier' | 'all' | 'segment' | 'external' | 'cidrs' | 'mixed'; i: number };
type RuleDraw = { from: SelDraw; to: SelDraw; services: string[]; sameLabels?: 'tier' | 'env' };

function selDraw(): fc.Arbitrary<SelDraw> {
  return fc.record({
    kind: fc.constantFrom<SelDraw['kind']>('tier', 'all', 'segment', 'segment', 'external', 'external', 'cidrs', 'mixed'),
    i: fc.nat({ max: 7 }),
  });
}

function ruleDraw(): fc.Arbitrary<RuleDraw> {
  return fc.record(
    {
      from: selDraw(),
      to: selDraw(),
      services: fc.uniqueArray(spec, { minLength: 1, maxLength: 3 }),
      sameLabels: fc.constantFrom<'tier' | 'env'>('tier', 'env'),
    },
    { requiredKeys: ['from', 'to', 'services'] },
  );
}
