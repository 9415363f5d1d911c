/**
 * Property test of issue 23, item 6: a random policy, a random small edit
 * (add, remove, rename, widen, narrow, reorder, add a deny, add a segment),
 * both ways, on every cloud. A version applied onto itself is one safe
 * moment. On Azure and GCP every edit is safe to apply: no moment drops a
 * flow both versions allow, opens one both deny, holds two objects the
 * cloud refuses at once, or destroys an identity workloads carry (an Azure
 * label ASG whose last rule goes stays, releasable, compiled with the old
 * output as `--previous`). Every version is compiled with the one before it as `--previous`,
 * as CI compiles. On AWS reordering, renaming, widening, adding a rule and
 * adding a segment are required safe; the other edits are tallied
 * (MICROSEG_DEEP=1 prints the tally).
 *
 * 60 runs by default (a fixed seed: about 15 s idle, 50 s on a loaded
 * machine; some 200 transitions required safe); MICROSEG_DEEP=1 runs 1000
 * random ones (4 to 7 minutes).
 */
import fc from 'fast-check';
import { checkTargetApply } from '../../../lib/analysis/apply-check';
import { compileTargets } from '../../../lib/cli/compile-targets';
import { ResolvedPolicy } from '../../../lib/resolve/ir';
import { TargetName, TargetOutput } from '../../../lib/targets/target';
import { policyArbitrary } from '../../verify/arbitrary';
import { applyEdit, EDIT_KINDS, EditKind } from './edits';
import { irOf, TARGETS } from './helpers';

// On AWS reordering, renaming, widening, adding a rule and adding a segment: a group the old output had is kept
// (compiled with it as --previous, as CI compiles), and a segment keeps its prefix lists when they need one more group.
const MUST_BE_SAFE: Record<'aws' | 'azure' | 'gcp', readonly EditKind[]> = { aws: ['reorder', 'rename', 'widen', 'add', 'segment'], azure: EDIT_KINDS, gcp: EDIT_KINDS };
const DEEP = Boolean(process.env.MICROSEG_DEEP);
const RUNS = 60;

function tryIr(doc: Record<string, any>, file: string): ResolvedPolicy | undefined {
  try {
    return irOf(doc, file);
  } catch {
    return undefined;
  }
}

/** `previous`: the output the compile is shown (`compile --previous`), as diff --apply-check and CI feed it. */
function compileOne(ir: ResolvedPolicy, t: TargetName, previous?: TargetOutput): TargetOutput | undefined {
  const r = compileTargets(ir, [t], previous ? { previous: new Map([[t, previous.identities]]), previousTerraform: new Map([[t, previous.terraform]]) } : {});
  return r.failed ? undefined : r.outputs[0];
}

test('random policy, random edit, both ways, every cloud', () => {
  const tally: Record<string, { transitions: number; unsafe: number }> = {};
  let transitions = 0;
  let required = 0;
  fc.assert(
    fc.property(policyArbitrary({ maxSegments: 3, maxRules: 3 }), fc.constantFrom(...EDIT_KINDS), fc.nat(5), (doc, kind, pick) => {
      const base = { ...doc, targets: TARGETS };
      const edited = applyEdit(base, kind, pick);
      const a = tryIr(base, 'old.yaml');
      const b = edited && tryIr(edited, 'new.yaml');
      if (!a || !b) return;
      for (const cloud of ['aws', 'azure', 'gcp'] as const) {
        const oa = compileOne(a, cloud);
        const ob = oa && compileOne(b, cloud, oa);
        const back = ob && compileOne(a, cloud, ob);
        if (!oa || !ob || !back) continue;
        const self = checkTargetApply(a, a, oa, oa);
        expect(self.safe).toBe(true);
        expect(self.moments.checked).toBe(1);
        for (const [x, y, ox, oy] of [[a, b, oa, ob], [b, a, ob, back]] as const) {
          const r = checkTargetApply(x, y, ox, oy);
          transitions++;
          const t = (tally[`${cloud} ${kind}`] ??= { transitions: 0, unsafe: 0 });
          t.transitions++;
          if (!r.safe) t.unsafe++;
          if (!MUST_BE_SAFE[cloud].includes(kind)) continue;
          required++;
          expect({ kind, cloud, dropped: r.dropped, opened: r.opened, conflicts: r.conflicts, identities: r.identitiesDestroyed }).toEqual({ kind, cloud, dropped: 0, opened: 0, conflicts: [], identities: [] });
        }
      }
    }),
    DEEP ? { numRuns: 1000 } : { numRuns: RUNS, seed: 2323 },
  );
  // Most draws compile on every cloud: the requirement must have been exercised, not skipped.
  expect(required).toBeGreaterThan(DEEP ? 2000 : 150);
  if (DEEP) console.log(`apply-check property: ${transitions} transitions, ${required} required safe`, JSON.stringify(tally, null, 1));
}, 900_000);
