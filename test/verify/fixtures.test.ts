/**
 * Every policy the repository ships (examples, fixtures, regression
 * counterexamples) compiled for every back end that loads: the verifier must
 * find each output equivalent. A back end may refuse a policy only with its
 * own documented error codes (printed, not failed).
 */
import * as path from 'path';
import { CODES } from '../../lib/model/codes';
import { PolicyError } from '../../lib/model/diagnostics';
import { SegmentationPolicy } from '../../lib/model/policy';
import { resolve } from '../../lib/resolve/resolve';
import { loadBackend } from '../../lib/targets/registry';
import { TARGET_NAMES, TargetBackend } from '../../lib/targets/target';
import { verifyOutput } from '../../lib/verify';
import { formatVerifyText } from '../../lib/verify/report';
import { ROOT, shippedPolicyFiles } from './shipped';

const root = ROOT;
const files = shippedPolicyFiles();
const policies = files.flatMap((f) => {
  try {
    return [[path.relative(root, f), resolve(SegmentationPolicy.fromFile(f))] as const];
  } catch {
    return []; // fixtures of invalid policies are the loader's business
  }
});
const CODE_RANGE = { aws: /^MS4/, azure: /^MS5/, gcp: /^MS6/, kubernetes: /^MS9/ };

describe.each(TARGET_NAMES)('%s', (t) => {
  // Every back end has landed: one that fails to load is a failure, not a skip.
  it(`verifies every shipped policy (${policies.length})`, () => {
    const backend: TargetBackend = loadBackend(t);
    expect(policies.length).toBeGreaterThan(10);
    const failures: string[] = [];
    for (const [name, ir] of policies) {
      let out;
      try {
        out = backend.compile(ir);
      } catch (e) {
        const codes = e instanceof PolicyError ? e.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code) : [];
        if (codes.length && codes.every((c) => CODE_RANGE[t].test(c) && CODES[c])) {
          // eslint-disable-next-line no-console
          console.log(`${t}: ${name} refused (${codes.join(', ')})`);
          continue;
        }
        failures.push(`${name}: compile threw ${(e as Error).message}`);
        continue;
      }
      const r = verifyOutput(ir, t, out.terraform, out.identities, { maxExamples: 2 });
      if (r.verdict !== 'equivalent') failures.push(`${name}:\n${formatVerifyText([r])}`);
    }
    expect(failures).toEqual([]);
  }, 60_000);
});
