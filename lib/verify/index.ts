/**
 * The verifier: reads a target's synthesized Terraform JSON and its
 * identities.json back, evaluates them the way the cloud does, and compares
 * every flow with the policy's meaning. Independent of the back ends: it
 * never sees their plans, only what they wrote.
 */
import { ResolvedPolicy } from '../resolve/ir';
import { TargetName } from '../model/targets';
import { awsTolerance, readAws } from './aws';
import { readAzure } from './azure';
import { checkEquivalence, Mismatch } from './equivalence';
import { gcpTolerance, readGcp } from './gcp';
import { kubernetesTolerance, readKubernetes } from './kubernetes';
import { CloudModel } from './model';
import { IdentitiesLike, VerifyIssue } from './terraform';
import { EXACT, Tolerance } from './tolerance';

export type { Mismatch, FlowEnd, Tolerance } from './equivalence';
export type { VerifyIssue } from './terraform';
export { checkEquivalence } from './equivalence';

export interface VerifyReport {
  readonly policy: string;
  readonly target: TargetName;
  /**
   * equivalent: no mismatch and nothing unevaluable; inconclusive: something could not be evaluated (an error
   * issue), whatever the part read says — its mismatches are kept, but the parts not read may explain them;
   * not-equivalent: every part read and a mismatch found.
   */
  readonly verdict: 'equivalent' | 'not-equivalent' | 'inconclusive';
  readonly mismatchCount: number;
  readonly mismatches: readonly Mismatch[];
  readonly toleratedCount: number;
  readonly tolerated: readonly Mismatch[];
  readonly issues: readonly VerifyIssue[];
  readonly checked: { segments: number; serviceAtoms: number; pairChecks: number; outsideChecks: number };
  readonly elapsedMs: number;
}

export interface VerifyOptions {
  /** How many example mismatches (and tolerated deviations) to keep; counts are always complete. */
  readonly maxExamples?: number;
  /** See EquivalenceOptions.wideCarriers: the same verdict at any value; tests lower it. */
  readonly wideCarriers?: number;
}

/** The deviations each target may have at shared addresses (docs/verification.md); Azure has none. */
const TOLERANCE: Record<TargetName, (ir: ResolvedPolicy) => Tolerance> = { aws: awsTolerance, azure: () => EXACT, gcp: gcpTolerance, kubernetes: kubernetesTolerance };

/** Read an output into the cloud model the equivalence check evaluates. */
export function readModel(ir: ResolvedPolicy, target: TargetName, terraformJson: Record<string, any>, identities: IdentitiesLike): CloudModel {
  const segments = ir.segments.map((s) => s.name);
  if (target === 'aws') return readAws(terraformJson, identities, segments);
  if (target === 'azure') return readAzure(terraformJson, identities, segments, ir.internalCidrs);
  if (target === 'kubernetes') return readKubernetes(terraformJson, identities, segments);
  return readGcp(terraformJson, identities, segments);
}

export function verifyOutput(
  ir: ResolvedPolicy,
  target: TargetName,
  terraformJson: Record<string, any>,
  identities: IdentitiesLike,
  opts: VerifyOptions = {},
): VerifyReport {
  const t0 = Date.now();
  const issues: VerifyIssue[] = [];
  if (identities?.target !== undefined && identities.target !== target) {
    issues.push({ code: 'MS7012', severity: 'error', message: `identities.json is for target '${String(identities.target)}', not '${target}'` });
  }
  const model = readModel(ir, target, terraformJson, identities);
  const r = checkEquivalence(ir, model, { tolerance: TOLERANCE[target](ir), maxExamples: opts.maxExamples, wideCarriers: opts.wideCarriers });
  // After the check: readers build chains on first use, and some find issues only then (Azure's admin rule ties).
  issues.push(...model.issues);
  // An error issue means part of the output was not read (a rule dropped, a value not evaluated): mismatches found
  // without it may be the verifier's own blindness, so they never outrank inconclusive (docs/verification.md).
  const verdict = issues.some((i) => i.severity === 'error') ? 'inconclusive' : r.mismatchCount > 0 ? 'not-equivalent' : 'equivalent';
  return {
    policy: ir.name,
    target,
    verdict,
    mismatchCount: r.mismatchCount,
    mismatches: r.mismatches,
    toleratedCount: r.toleratedCount,
    tolerated: r.tolerated,
    issues: dedupe(issues),
    checked: r.checked,
    elapsedMs: Date.now() - t0,
  };
}

function dedupe(issues: VerifyIssue[]): VerifyIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.code}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
