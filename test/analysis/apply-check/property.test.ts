/**
 * Property test of issue 23: a random policy, a random small edit, both
 * ways, on every cloud. What must hold today: a version applied onto
 * itself is one safe moment; reordering or renaming rules never drops,
 * opens or collides on any cloud. The other edits are tallied (MICROSEG_DEEP=1 prints the tally): they are the
 * "unsafe before" of docs/ci.md until addresses stop depending on rule names.
 */
import fc from 'fast-check';
import { checkTargetApply } from '../../../lib/analysis/apply-check';
import { compileTargets } from '../../../lib/cli/compile-targets';
import { ResolvedPolicy } from '../../../lib/resolve/ir';
import { TargetName, TargetOutput } from '../../../lib/targets/target';
import { policyArbitrary } from '../../verify/arbitrary';
import { applyEdit, EDIT_KINDS, EditKind } from './edits';
import { irOf, TARGETS } from './helpers';

// Reordering rules touches no address on any cloud. Renaming a rule is safe everywhere: no AWS rule id, Azure
// rule name or GCP firewall name carries a rule name (they derive from what the rule is, kit/rule-identity.ts).
// On AWS also widening, adding a rule and adding a segment: a group the old output had is kept (compiled with it as
// --previous, as CI compiles), and a segment keeps its prefix lists when they need one more group.
const MUST_BE_SAFE: Record<TargetName, readonly EditKind[]> = {
  aws: ['reorder', 'rename', 'widen', 'add', 'segment'],
  azure: ['reorder', 'rename'],
  gcp: ['reorder', 'rename'],
  kubernetes: ['reorder', 'rename'],
};
const DEEP = Boolean(process.env.MICROSEG_DEEP);

function tryIr(doc: Record<string, any>, file: string): ResolvedPolicy | undefined {
  try {
    return irOf(doc, file);
  } catch {
    return undefined;
  }
}

/** `previous`: the output the compile is shown (`compile --previous`), as diff --apply-check and CI feed it. */
function compileOne(ir: ResolvedPolicy, t: TargetName, previous?: TargetOutput): TargetOutput | undefined {
  const r = compileTargets(ir, [t], previous ? { previous: new Map([[t, previous.identities]]) } : {});
  return r.failed ? undefined : r.outputs[0];
}

test('random policy, random edit, both ways, every cloud', () => {
  const tally: Record<string, { transitions: number; unsafe: number }> = {};
  let transitions = 0;
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
          if (MUST_BE_SAFE[cloud].includes(kind)) expect({ kind, cloud, dropped: r.dropped, opened: r.opened, conflicts: r.conflicts, identities: r.identitiesDestroyed }).toEqual({ kind, cloud, dropped: 0, opened: 0, conflicts: [], identities: [] });
        }
      }
    }),
    DEEP ? { numRuns: 200 } : { numRuns: 12, seed: 2323 },
  );
  expect(transitions).toBeGreaterThan(0);
  if (DEEP) console.log(`apply-check property: ${transitions} transitions`, JSON.stringify(tally, null, 1));
}, 600_000);
