/**
 * The broad path at small sizes: every rule side resolved as one shared
 * segment set (`broadPeers: 1`, resolve/ir.ts), and the verifier settling
 * every identity carried by more than one segment by class (`wideCarriers:
 * 1`, verify/sides.ts). Each target must compile it to the very output it
 * compiles from the per-segment IR, and the verifier must find it
 * equivalent: so the set form means exactly what it stands for on every
 * consumer, and the verifier's classes decide as naming each peer does.
 */
import fc from 'fast-check';
import { PolicyError } from '../../lib/model/diagnostics';
import { SegmentationPolicy } from '../../lib/model/policy';
import { resolve } from '../../lib/resolve/resolve';
import { loadBackend } from '../../lib/targets/registry';
import { verifyOutput } from '../../lib/verify';
import { policyArbitrary } from './arbitrary';
import { propertyTest } from './property';

describe('broad rule sides as segment sets', () => {
  for (const target of ['aws', 'azure', 'gcp'] as const) {
    propertyTest(target, { label: 'segment sets, wide identities by class', settings: {}, runs: 100, resolve: { broadPeers: 1 }, wideCarriers: 1, sameAsDefault: true });
  }
});

/**
 * The verifier's classes against naming each peer, on broken outputs: in a
 * compiled random policy, give one rule resource another's value of a field
 * both have (a peer, a port, an action, a target...), or drop it when they
 * share none; the check with segment sets and wide identities by class must
 * count exactly the mismatches and tolerated deviations of the check without
 * them. (A verifier that settled a class wrongly passes every correct
 * output; only broken ones, too open as well as too closed, tell.)
 */
describe('the verifier settles segment sets and wide identities as it settles named peers', () => {
  const RULE_TYPES = /^(aws_vpc_security_group_(ingress|egress)_rule|azurerm_network_security_rule|google_compute_firewall)$/;
  const SKIP = new Set(['name', 'description', 'tags', '//', 'lifecycle', 'depends_on']);
  for (const target of ['aws', 'azure', 'gcp'] as const) {
    it(`${target}: same counts on outputs with one rule changed (300 cases)`, () => {
      const backend = loadBackend(target);
      let broken = 0;
      let compared = 0;
      fc.assert(
        fc.property(policyArbitrary({ maxSegments: 6, maxRules: 5 }), fc.nat(), fc.nat(), fc.nat(), (doc, i, j, k) => {
          let policy: SegmentationPolicy;
          try {
            policy = SegmentationPolicy.fromObject(doc, 'prop.yaml');
          } catch {
            return;
          }
          const plain = resolve(policy);
          let out;
          try {
            out = backend.compile(plain);
          } catch (e) {
            if (e instanceof PolicyError) return;
            throw e;
          }
          const tf = JSON.parse(JSON.stringify(out.terraform));
          const rules = Object.entries((tf.resource ?? {}) as Record<string, Record<string, Record<string, unknown>>>)
            .filter(([type]) => RULE_TYPES.test(type))
            .flatMap(([, byName]) => Object.values(byName));
          if (rules.length > 0) {
            const a = rules[i % rules.length];
            const b = rules[j % rules.length];
            const keys = Object.keys(a).filter((x) => !SKIP.has(x) && x in b && JSON.stringify(a[x]) !== JSON.stringify(b[x]));
            if (keys.length > 0) a[keys[k % keys.length]] = JSON.parse(JSON.stringify(b[keys[k % keys.length]]));
            else for (const byName of Object.values(tf.resource as Record<string, Record<string, unknown>>)) for (const [n, body] of Object.entries(byName)) if (body === a) delete byName[n];
          }
          const x = verifyOutput(plain, target, tf, out.identities, { maxExamples: 0 });
          const y = verifyOutput(resolve(policy, { broadPeers: 1 }), target, tf, out.identities, { maxExamples: 0, wideCarriers: 1 });
          compared++;
          if (x.mismatchCount > 0) broken++;
          expect([y.mismatchCount, y.toleratedCount, y.verdict]).toEqual([x.mismatchCount, x.toleratedCount, x.verdict]);
        }),
        { numRuns: 300 },
      );
      // Enough compiled, and enough of the changes mattered, for the comparison to mean something.
      expect(compared).toBeGreaterThan(80);
      expect(broken).toBeGreaterThan(compared * 0.2);
    }, 60_000);
  }
});
