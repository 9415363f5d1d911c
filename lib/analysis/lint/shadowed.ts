/**
 * MS3003 shadowed / duplicate: a rule whose every flow is granted anyway by
 * other allows, so deleting it changes nothing. Exact: for every cell the
 * rule acts on, the flow services with the rule (∩ its services) must equal
 * those without it (the IR minus the rule's entries, judged by meaning.ts).
 * A rule that grants nothing at all is a conflict (MS3002), not reported here.
 * Rules are judged in name order against the policy without the rules
 * already reported, so of two exact duplicates only one is reported, and
 * deleting every reported rule together still changes nothing.
 */
import { atomFlow, grantingRules, withoutRule } from '../flow-space';
import { describeEnd, grantCells } from './grants';
import { LintCheck, RawFinding } from './types';
import { rulePath } from './where';

export const shadowed: LintCheck = {
  rules: [
    {
      code: 'MS3003',
      kind: 'shadowed',
      title: 'shadowed or duplicate rule',
      why: 'Every flow the rule grants is granted by other rules too: deleting it changes nothing, and narrowing the others will not close what readers think this rule controls.',
      fix: 'Delete the rule, or merge it with the rules that cover it; if it documents an intent on purpose, suppress the finding with that reason.',
    },
  ],
  check(ctx) {
    const { ir: full } = ctx;
    let ir = full;
    const out: RawFinding[] = [];
    for (const r of full.rules) {
      if (r.origin.action !== 'allow' || r.services.isEmpty()) continue;
      const without = withoutRule(ir, r.origin.name);
      let granted = 0;
      let shadow = true;
      let example: string | undefined;
      const covering = new Set<string>();
      for (const c of grantCells(ir, r, ctx.atoms)) {
        const withIt = atomFlow(ir, c.src, c.dst).intersect(r.services);
        if (withIt.isEmpty()) continue;
        granted++;
        const withoutIt = atomFlow(without, c.src, c.dst).intersect(r.services);
        if (!withoutIt.containsSet(withIt)) {
          shadow = false;
          break;
        }
        const others = grantingRules(without, c.src, c.dst, withIt);
        for (const o of others) covering.add(o);
        example ??= `${describeEnd(c.src)} → ${describeEnd(c.dst)} on ${withIt.toSpecs()[0]} is also granted by ${others.map((o) => `'${o}'`).join(', ')}`;
      }
      if (!shadow || granted === 0) continue;
      const names = [...covering].sort();
      ir = without;
      out.push({
        code: 'MS3003',
        message: `${r.origin.kind} '${r.origin.name}' is shadowed: every flow it grants is also granted by ${names.map((n) => `'${n}'`).join(', ')}`,
        path: rulePath(full.policy.doc, r.origin.name),
        subjects: [r.origin.name, ...names],
        example,
        related: names.map((n) => ({ message: `covered by '${n}'`, location: full.rule(n).origin.location, path: rulePath(full.policy.doc, n) })),
      });
    }
    return out;
  },
};
