/**
 * The survey of docs/ci.md as a test: policies of examples/ and
 * test/fixtures, each edit of edits.ts both ways, every cloud, judged by the
 * apply check. A sample of two small policies by default (seconds);
 * MICROSEG_DEEP=1 surveys every policy that compiles and prints the tally.
 * The numbers are pinned: an edit that becomes unsafe fails here.
 */
import { survey, surveyPolicies } from './survey';

const DEEP = Boolean(process.env.MICROSEG_DEEP);
// Measured 2 December 2026 (docs/ci.md): 144 unsafe before Azure and GCP names left rule names, 48 after, 27 since AWS
// rule ids left last ports, 2 since the new version is compiled with the old output as --previous (AWS keeps every
// group that output had, emptied when no rule needs it) and an AWS segment keeps its prefix lists unless they do not
// fit (no switch of every CIDR rule when the lists need one more group), 0 since an Azure rule that wins a contested
// priority slot waits for the rules that lost it (a new segment's rules no longer probe into a slot being left).
// Checking AWS's rules-per-group quota at every moment found 2 more (a rule pulled between full groups); 0 again since
// AWS rules stay in the group the previous output had them in.
const EXPECTED_DEEP = { aws: 0, azure: 0, gcp: 0 };
const EXPECTED_SAMPLE_TRANSITIONS = 84;
const EXPECTED_SAMPLE = {
  // Widening by one more service spills a segment's rules into an overflow group; narrowing back, compiled with the
  // widened output as --previous, keeps that group (empty, releasable) instead of destroying it while workloads carry it.
  unsafe: { aws: 0, azure: 0, gcp: 0 },
  failures: [],
};
const SAMPLE = ['test/fixtures/good/spec-example.yaml', 'test/fixtures/lint/address-leak-ok.yaml'];

test(DEEP ? 'every policy of examples/ and test/fixtures, every edit, both ways' : 'two policies, every edit, both ways', () => {
  const all = surveyPolicies();
  const policies = DEEP ? all : all.filter((p) => SAMPLE.includes(p.file));
  expect(policies.map((p) => p.file).filter((f) => SAMPLE.includes(f))).toEqual(SAMPLE);
  const t = survey(policies);
  if (DEEP) console.log(JSON.stringify({ transitions: t.transitions, unsafe: t.unsafe, byCloud: t.byCloud, byKind: t.byKind, reasons: t.reasons }, null, 1), '\n' + t.failures.join('\n'));
  const unsafe = Object.fromEntries(Object.entries(t.byCloud).map(([c, v]) => [c, v.unsafe]));
  if (DEEP) {
    expect(t.transitions).toBe(1004);
    expect(unsafe).toEqual(EXPECTED_DEEP);
  } else {
    expect(t.transitions).toBe(EXPECTED_SAMPLE_TRANSITIONS);
    expect({ unsafe, failures: t.failures }).toEqual(EXPECTED_SAMPLE);
  }
}, 1_800_000);
