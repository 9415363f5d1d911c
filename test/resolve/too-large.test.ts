/**
 * A policy whose rules relate more segment pairs than the compiler holds is
 * a located error naming the rules that make it so (MS2001), before any
 * pair is built: never a heap crash minutes later.
 */
import * as YAML from 'yaml';
import { PolicyError, SegmentationPolicy } from '../../lib';
import { generatePolicy } from '../../bench/generate';
import { MAX_SEGMENT_PAIRS, resolve } from '../../lib/resolve/resolve';

test('an everything-to-everything allow is MS2001 at the rule, naming it, once the pairs exceed the budget', () => {
  // 100 segments and a budget of 9,000 pairs stand for 10,000 segments and the 20 million the compiler holds.
  expect(MAX_SEGMENT_PAIRS).toBe(20_000_000);
  const n = 100;
  const doc = generatePolicy(n);
  doc.rules.push({ name: 'everything', from: {}, to: {}, services: ['tcp/443'] });
  const text = YAML.stringify(doc);
  const policy = SegmentationPolicy.fromSource(text, 'huge.yaml');
  expect(() => resolve(policy)).not.toThrow();
  let error: unknown;
  try {
    resolve(policy, { maxSegmentPairs: 9000 });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(PolicyError);
  const ds = (error as PolicyError).diagnostics;
  expect(ds).toHaveLength(1);
  expect(ds[0].code).toBe('MS2001');
  expect(ds[0].message).toMatch(/rule 'everything' relates 10,000 segment pairs/);
  // Located at the rule's name in the YAML.
  expect(ds[0].location?.file).toBe('huge.yaml');
  expect(text.split('\n')[ds[0].location!.line - 1]).toContain('everything');
});
