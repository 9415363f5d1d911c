/**
 * A policy whose rules relate more segment pairs than the compiler holds is
 * a located error naming the rules that make it so (MS2001), before any
 * pair is built: never a heap crash minutes later.
 */
import * as YAML from 'yaml';
import { PolicyError, SegmentationPolicy } from '../../lib';
import { generatePolicy } from '../../bench/generate';
import { ResolvedPolicy } from '../../lib/resolve/ir';
import { MAX_SEGMENT_PAIRS, resolve } from '../../lib/resolve/resolve';
import { loadBackend } from '../../lib/targets/registry';
import { TargetName } from '../../lib/targets/target';
import { verifyOutput } from '../../lib/verify';

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

/**
 * Broad shapes, with the 10,000-segment numbers scaled down: 100 segments,
 * every side of 10 segments or more a segment set, a budget of 2,000 pairs.
 * Pairs between two segment sets are listed by no IR, so resolve holds them;
 * a back end counts them only where it must list them, and says so at the
 * rule (MS2001 for that target), never with a heap crash.
 */
describe('broad shapes: compiled where a target names a set by one identity, MS2001 at the rule where it must list pairs', () => {
  const shape = (extra: (doc: ReturnType<typeof generatePolicy>) => void) => {
    const doc = generatePolicy(100);
    extra(doc);
    const text = YAML.stringify(doc);
    return { text, ir: resolve(SegmentationPolicy.fromSource(text, 'broad.yaml'), { broadPeers: 10, maxSegmentPairs: 2000 }) };
  };
  const everything = shape((d) => d.rules.push({ name: 'everything', from: {}, to: {}, services: ['tcp/443'] }));
  const envDeny = shape((d) => {
    d.guardrails.push({ name: 'no-cross-env', action: 'deny', from: { env: 'staging' }, to: { env: 'prod' }, services: ['any'] });
    d.rules.push({ name: 'monitoring-everywhere', from: { external: 'monitoring' }, to: {}, services: ['tcp/9100'] });
  });
  const refusal = (target: TargetName, ir: ResolvedPolicy): PolicyError | undefined => {
    try {
      loadBackend(target).compile(ir);
      return undefined;
    } catch (e) {
      if (e instanceof PolicyError) return e;
      throw e;
    }
  };

  it('resolves both (their set pairs are not listed), though they relate more pairs than the budget', () => {
    expect(everything.ir.rule('everything').pairCount).toBe(10_000);
    expect(everything.ir.rule('everything').pairsListed).toBe(false);
    expect(envDeny.ir.rule('no-cross-env').pairCount).toBe(2_500);
    expect(envDeny.ir.pairBudget!.listed).toBeLessThan(2000);
  });

  it('env-deny compiles on aws, azure and gcp and verifies equivalent', () => {
    for (const target of ['aws', 'azure', 'gcp'] as const) {
      const out = loadBackend(target).compile(envDeny.ir);
      const r = verifyOutput(envDeny.ir, target, out.terraform, out.identities, { maxExamples: 1 });
      expect({ target, verdict: r.verdict, mismatches: r.mismatchCount }).toEqual({ target, verdict: 'equivalent', mismatches: 0 });
    }
  });

  it('everything compiles on azure (the all-segments ASG on both ends) and verifies; aws and gcp refuse it at the rule', () => {
    const out = loadBackend('azure').compile(everything.ir);
    expect(verifyOutput(everything.ir, 'azure', out.terraform, out.identities).verdict).toBe('equivalent');
    for (const target of ['aws', 'gcp'] as const) {
      const e = refusal(target, everything.ir);
      expect(e).toBeInstanceOf(PolicyError);
      const ds = e!.diagnostics;
      expect(ds.map((d) => d.code)).toEqual(['MS2001']);
      expect(ds[0].message).toMatch(new RegExp(`^policy too large for ${target}: rule 'everything' relates 10,000 segment pairs \\(`));
      expect(everything.text.split('\n')[ds[0].location!.line - 1]).toContain('everything');
    }
  });
});
