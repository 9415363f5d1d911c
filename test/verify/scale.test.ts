/**
 * The output of a 100-segment policy verifies equivalent, per target, and the
 * report is the same twice (speed is measured in `npm run bench`, not here). The policy is the benchmark's generator (bench/generate.js):
 * disjoint /24s and /64s, stragglers without addresses, externals with
 * except, guardrails, sameLabels, per-app calls. Also run in the property
 * spirit: the output of every landed back end must verify.
 */
import { generatePolicy } from '../../bench/generate';
import { SegmentationPolicy } from '../../lib/model/policy';
import { resolve } from '../../lib/resolve/resolve';
import { loadBackend } from '../../lib/targets/registry';
import { CLOUD_TARGETS as TARGET_NAMES } from '../../lib/targets/target'; // the bench policy pings (ICMP), which kubernetes refuses (MS9002)
import { verifyOutput } from '../../lib/verify';
import { formatVerifyText } from '../../lib/verify/report';

const SEGMENTS = Number(process.env.MICROSEG_VERIFY_SEGMENTS ?? 100);
const ir = resolve(SegmentationPolicy.fromObject(generatePolicy(SEGMENTS), 'bench.yaml'));

describe.each(TARGET_NAMES)('%s', (t) => {
  it(
    `verifies the output of a ${SEGMENTS}-segment policy equivalent, the same report twice`,
    () => {
      const t0 = Date.now();
      const out = loadBackend(t).compile(ir);
      const compileMs = Date.now() - t0;
      const r = verifyOutput(ir, t, out.terraform, out.identities);
      // eslint-disable-next-line no-console
      console.log(
        `${t}: ${SEGMENTS} segments, ${out.stats.rules} rules, ${out.stats.resources} resources; compile ${compileMs} ms, verify ${r.elapsedMs} ms ` +
          `(${r.checked.serviceAtoms} service atoms, ${r.checked.pairChecks} pair checks, ${r.checked.outsideChecks} outside checks, ${r.toleratedCount} tolerated)`,
      );
      if (r.verdict !== 'equivalent') throw new Error(formatVerifyText([r]));
      expect(r.verdict).toBe('equivalent');
      expect(r.mismatchCount).toBe(0);
      // Nothing carries over between checks in one process (caches are per check):
      // a second run gives the same report.
      const { elapsedMs: _a, ...first } = r;
      const { elapsedMs: _b, ...second } = verifyOutput(ir, t, out.terraform, out.identities);
      expect(second).toEqual(first);
    },
    120_000,
  );
});
