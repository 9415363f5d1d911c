/**
 * Random small policies (overlapping addresses, externals, allows, deny
 * guardrails): whatever compiles is exact up to the permitted deviation,
 * and whatever does not compile fails with a located PolicyError.
 */
import fc from 'fast-check';
import { PolicyError } from '../../../lib/model/diagnostics';
import { SegmentationPolicy } from '../../../lib/model/policy';
import { resolve } from '../../../lib/resolve/resolve';
import { backend } from '../../../lib/targets/aws';
import { AwsModel, compareFlows, maxGroupLoad } from './evaluate';

const CIDRS = ['10.0.0.0/24', '10.0.0.0/25', '10.0.1.0/24', '10.0.0.0/16', '192.0.2.0/24', 'fd00::/64', 'fd00::/16'];
const SERVICES = ['tcp/22', 'tcp/80-90', 'tcp/85-100', 'udp/53', 'icmp', 'tcp', 'any'];
const TIERS = ['a', 'b', 'c'];

const cidrs = fc.subarray(CIDRS, { minLength: 1, maxLength: 3 });
const selector = fc.oneof(
  fc.constantFrom(...TIERS).map((t) => ({ tier: t })),
  fc.constant({}),
  fc.constantFrom('e1', 'e2', 'e3').map((e) => ({ external: e })),
  cidrs.map((c) => ({ cidrs: c })),
);
const services = fc.subarray(SERVICES, { minLength: 1, maxLength: 2 });
const rule = fc.record({ from: selector, to: selector, services });

const policy = fc.record({
  addresses: fc.tuple(...TIERS.map(() => fc.option(cidrs, { nil: undefined }))),
  e1: cidrs,
  e2: fc.tuple(cidrs, fc.subarray(CIDRS, { maxLength: 1 })),
  // "everything but ours": large CIDR sets, so prefix lists (and their quota weight) take part.
  e3: fc.subarray(CIDRS.filter((c) => !c.includes(':')), { minLength: 1, maxLength: 2 }),
  rules: fc.array(rule, { minLength: 1, maxLength: 4 }),
  denies: fc.array(rule, { maxLength: 2 }),
});

test('random policies compile exactly or fail with located errors', () => {
  let compiled = 0;
  let withLists = 0;
  fc.assert(
    fc.property(policy, (p) => {
      const doc = {
        apiVersion: 'microseg/v1',
        kind: 'SegmentationPolicy',
        metadata: { name: 'r' },
        labels: { tier: TIERS },
        segments: TIERS.map((t, i) => ({ name: `s-${t}`, labels: { tier: t }, ...(p.addresses[i] ? { addresses: p.addresses[i] } : {}) })),
        externals: [
          { name: 'e1', cidrs: p.e1 },
          { name: 'e2', cidrs: p.e2[0], ...(p.e2[1].length ? { except: p.e2[1] } : {}) },
          { name: 'e3', cidrs: ['0.0.0.0/0', '::/0'], except: [...p.e3, 'fd00::/16'] },
        ],
        guardrails: p.denies.map((r, i) => ({ name: `deny-${i}`, action: 'deny', ...r })),
        rules: p.rules.map((r, i) => ({ name: `allow-${i}`, ...r })),
      };
      let ir;
      try {
        ir = resolve(SegmentationPolicy.fromObject(doc, 'random'));
      } catch (e) {
        if (e instanceof PolicyError) return; // not a valid policy (e.g. externals on both sides)
        throw e;
      }
      let out;
      try {
        out = backend.compile(ir);
      } catch (e) {
        if (!(e instanceof PolicyError)) throw e;
        expect(e.diagnostics.filter((d) => d.severity === 'error').every((d) => /^MS400\d$/.test(d.code))).toBe(true);
        return;
      }
      compiled++;
      if (out.terraform.resource.aws_ec2_managed_prefix_list) withLists++;
      expect(compareFlows(ir, new AwsModel(out.terraform, out.identities)).mismatches).toEqual([]);
      expect(maxGroupLoad(out.terraform)).toBeLessThanOrEqual(60);
    }),
    { numRuns: 40, seed: 20261123 },
  );
  expect(compiled).toBeGreaterThan(10);
  expect(withLists).toBeGreaterThanOrEqual(4);
});
