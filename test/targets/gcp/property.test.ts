/**
 * Random small policies (overlapping and disjoint addresses, IPv6, externals
 * with except, icmp, any, ranges, allow and deny guardrails) compile to GCP
 * output that is exact up to the permitted egress deviation, or fail with
 * MS6003 (never a silent weakening). The full property suite lives with the
 * verifier; this one keeps the back end honest on its own.
 */
import fc from 'fast-check';
import { PolicyError } from '../../../lib/model/diagnostics';
import { SegmentationPolicy } from '../../../lib/model/policy';
import { resolve } from '../../../lib/resolve/resolve';
import { backend } from '../../../lib/targets/gcp';
import { checkExactness } from './exactness';

const ADDRS = [undefined, ['10.1.0.0/16'], ['10.1.128.0/17'], ['10.2.0.0/16', 'fd00:2::/32'], ['fd00:3::/48']];
const SERVICES = ['tcp/22', 'tcp/80-90', 'udp/53', 'icmp', 'any', 'tcp', 'udp/1000-2000'];

const arbPolicy = fc
  .record({
    segs: fc.array(fc.constantFrom(...ADDRS.keys()), { minLength: 2, maxLength: 4 }),
    rules: fc.array(
      fc.record({
        from: fc.nat(6),
        to: fc.nat(6),
        services: fc.uniqueArray(fc.constantFrom(...SERVICES), { minLength: 1, maxLength: 3 }),
        kind: fc.constantFrom('rule', 'rule', 'deny', 'allow'),
      }),
      { minLength: 1, maxLength: 5 },
    ),
  })
  .map(({ segs, rules }) => {
    const names = segs.map((_, i) => `s${i}`);
    // Selector pool: a segment, all segments, an external, a cidrs term.
    const sel = (n: number, other: number): object => {
      const pool: object[] = [
        ...names.map((s) => ({ segment: s })),
        {},
        { external: 'net' },
        { cidrs: ['10.1.2.0/24', 'fd00:2::/64'] },
      ];
      const s = pool[n % pool.length];
      // At least one side must be able to be a segment.
      const o = pool[other % pool.length];
      const isExt = (x: object) => 'external' in x || 'cidrs' in x;
      return isExt(s) && isExt(o) ? {} : s;
    };
    return {
      apiVersion: 'microseg/v1',
      kind: 'SegmentationPolicy',
      metadata: { name: 'prop' },
      network: { internalCidrs: ['10.0.0.0/8', 'fd00::/8'] },
      labels: { id: names },
      segments: names.map((n, i) => ({ name: n, labels: { id: n }, ...(ADDRS[segs[i]] ? { addresses: ADDRS[segs[i]] } : {}) })),
      externals: [{ name: 'net', cidrs: ['0.0.0.0/0', '::/0'], except: ['10.0.0.0/9'] }],
      guardrails: rules
        .map((r, i) => ({ r, i }))
        .filter(({ r }) => r.kind !== 'rule')
        .map(({ r, i }) => ({ name: `g${i}`, action: r.kind, from: sel(r.from, r.to), to: sel(r.to, r.from), services: r.services })),
      rules: rules
        .map((r, i) => ({ r, i }))
        .filter(({ r }) => r.kind === 'rule')
        .map(({ r, i }) => ({ name: `r${i}`, from: sel(r.from, r.to), to: sel(r.to, r.from), services: r.services })),
    };
  });

test('random policies: exact up to the permitted deviation, or MS6003', () => {
  let compiled = 0;
  let refused = 0;
  fc.assert(
    fc.property(arbPolicy, (doc) => {
      const ir = resolve(SegmentationPolicy.fromObject(doc));
      let out;
      try {
        out = backend.compile(ir);
      } catch (e) {
        if (e instanceof PolicyError && e.diagnostics.every((d) => d.code === 'MS6003')) {
          refused++;
          return;
        }
        throw e;
      }
      compiled++;
      const r = checkExactness(ir, out.terraform, out.identities, { limit: 3 });
      expect(r.mismatches).toEqual([]);
    }),
    process.env.MICROSEG_DEEP ? { numRuns: 400 } : { numRuns: 40, seed: 6006 },
  );
  if (process.env.MICROSEG_DEEP) console.log(`gcp property: ${compiled} compiled, ${refused} refused (MS6003)`);
  expect(compiled).toBeGreaterThan(refused);
});
