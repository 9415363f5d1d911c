/**
 * Every policy of examples/ and test/fixtures that compiles, each edit of
 * edits.ts both ways, on every cloud: the apply check's verdicts counted.
 * Run by survey.test.ts (MICROSEG_DEEP=1 for every policy; a sample otherwise).
 */
import * as fs from 'fs';
import * as path from 'path';
import YAML from 'yaml';
import { checkTargetApply } from '../../../lib/analysis/apply-check';
import { compileTargets } from '../../../lib/cli/compile-targets';
import { TargetName, TargetOutput } from '../../../lib/targets/target';
import { ResolvedPolicy } from '../../../lib/resolve/ir';
import { applyEdit, EDIT_KINDS, EditKind } from './edits';
import { irOf, TARGETS } from './helpers';

const root = path.join(__dirname, '../../..');

export function surveyPolicies(): { file: string; doc: Record<string, any> }[] {
  const dirs = ['examples/shop', 'test/fixtures/good', 'test/fixtures/gcp', 'test/fixtures/diff', 'test/fixtures/lifecycle', 'test/fixtures/lint', 'test/fixtures/regress'];
  const out: { file: string; doc: Record<string, any> }[] = [];
  for (const d of dirs) {
    const abs = path.join(root, d);
    if (!fs.existsSync(abs)) continue;
    for (const f of fs.readdirSync(abs).filter((x) => x.endsWith('.yaml')).sort()) {
      const doc = YAML.parse(fs.readFileSync(path.join(abs, f), 'utf8'));
      if (doc?.kind !== 'SegmentationPolicy') continue;
      try {
        irOf(doc);
      } catch {
        continue;
      }
      out.push({ file: `${d}/${f}`, doc: { ...doc, targets: { ...TARGETS, ...(doc.targets ?? {}) } } });
    }
  }
  return out;
}

export interface Tally {
  transitions: number;
  unsafe: number;
  byCloud: Record<string, { transitions: number; unsafe: number }>;
  byKind: Record<string, { transitions: number; unsafe: number }>;
  /** Why: dropped, opened, conflict, identity. */
  reasons: Record<string, number>;
  failures: string[];
}

export function emptyTally(): Tally {
  return { transitions: 0, unsafe: 0, byCloud: {}, byKind: {}, reasons: { dropped: 0, opened: 0, conflict: 0, identity: 0 }, failures: [] };
}

/** `previous`: the output the compile is shown (`compile --previous`), as diff --apply-check and a user's CI feed it. */
function compileOne(ir: ResolvedPolicy, t: TargetName, previous?: TargetOutput): TargetOutput | undefined {
  const r = compileTargets(ir, [t], previous ? { previous: new Map([[t, previous.identities]]), previousTerraform: new Map([[t, previous.terraform]]) } : {});
  return r.failed ? undefined : r.outputs[0];
}

/** One policy, one edit, both ways, every cloud. */
export function surveyEdit(t: Tally, label: string, doc: Record<string, any>, kind: EditKind, pick = 0): void {
  const edited = applyEdit(doc, kind, pick);
  if (!edited) return;
  let a: ResolvedPolicy;
  let b: ResolvedPolicy;
  try {
    a = irOf(doc, 'old.yaml');
    b = irOf(edited, 'new.yaml');
  } catch {
    return;
  }
  for (const cloud of ['aws', 'azure', 'gcp'] as const) {
    // Forward: the old version as deployed, the new one compiled with it as --previous; back: the same from the new
    // version's output, as the next pull request would go.
    const oa = compileOne(a, cloud);
    const ob = oa && compileOne(b, cloud, oa);
    const oa2 = ob && compileOne(a, cloud, ob);
    if (!oa || !ob || !oa2) continue;
    for (const [x, y, ox, oy, way] of [[a, b, oa, ob, 'forward'], [b, a, ob, oa2, 'back']] as const) {
      const r = checkTargetApply(x, y, ox, oy);
      t.transitions++;
      const c = (t.byCloud[cloud] ??= { transitions: 0, unsafe: 0 });
      const k = (t.byKind[kind] ??= { transitions: 0, unsafe: 0 });
      c.transitions++;
      k.transitions++;
      if (r.safe) continue;
      t.unsafe++;
      c.unsafe++;
      k.unsafe++;
      if (r.dropped) t.reasons.dropped++;
      if (r.opened) t.reasons.opened++;
      if (r.conflicts.length) t.reasons.conflict++;
      if (r.identitiesDestroyed.length) t.reasons.identity++;
      if (t.failures.length < 40) t.failures.push(`${label} ${kind} ${way} ${cloud}: dropped ${r.dropped}, opened ${r.opened}, conflicts ${r.conflicts.length}, identities ${r.identitiesDestroyed.length}`);
    }
  }
}

export function survey(policies = surveyPolicies(), kinds: readonly EditKind[] = EDIT_KINDS): Tally {
  const t = emptyTally();
  for (const p of policies) for (const k of kinds) surveyEdit(t, p.file, p.doc, k);
  return t;
}
