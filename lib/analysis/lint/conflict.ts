/**
 * MS3001 / MS3002 conflict: an allow whose grants a deny guardrail takes
 * away. Computed cell by cell on the sides the allow acts on; the removed
 * part is attributed to each guardrail whose deny entries match. Wholly
 * removed (the allow grants nothing at all) is an error: the rule is dead
 * code that someone believes is in force.
 */
import { ServiceSet } from '../../net/service';
import { matchingEntries } from '../../resolve/meaning';
import { probe } from '../flow-space';
import { describeEnd, grantCells } from './grants';
import { LintCheck, RawFinding } from './types';
import { rulePath } from './where';

export const conflict: LintCheck = {
  rules: [
    {
      code: 'MS3001',
      kind: 'conflict',
      title: 'allow partly removed by a deny guardrail',
      why: 'Part of what the rule says it allows is denied by a guardrail, so the rule does less than it reads.',
      fix: 'Narrow the rule (selectors, services or sameLabels) to what the guardrail permits, or change the guardrail if the exception is intended.',
    },
    {
      code: 'MS3002',
      kind: 'conflict',
      title: 'allow wholly removed by deny guardrails',
      why: 'Every flow the rule grants is denied by guardrails: the rule has no effect, yet readers believe it is in force.',
      fix: 'Delete the rule, or change the guardrail if the rule is meant to win (guardrails always beat rules).',
    },
  ],
  check(ctx) {
    const { ir } = ctx;
    const out: RawFinding[] = [];
    for (const r of ir.rules) {
      if (r.origin.action !== 'allow' || r.services.isEmpty()) continue;
      let cells = 0;
      let whollyRemoved = 0;
      const byGuardrail = new Map<string, { services: ServiceSet; pairs: Set<string>; example?: string }>();
      for (const c of grantCells(ir, r, ctx.atoms)) {
        cells++;
        let removed = ServiceSet.EMPTY;
        for (const side of c.sides) {
          const peer = side.direction === 'egress' ? c.dst : c.src;
          for (const d of matchingEntries(ir, side.segment, side.direction, probe(peer)).deny) {
            const cut = d.services.intersect(r.services);
            if (cut.isEmpty()) continue;
            removed = removed.union(cut);
            let g = byGuardrail.get(d.origin.name);
            if (!g) byGuardrail.set(d.origin.name, (g = { services: ServiceSet.EMPTY, pairs: new Set() }));
            g.services = g.services.union(cut);
            g.pairs.add(`${c.srcName} → ${c.dstName}`);
            g.example ??= `${describeEnd(c.src)} → ${describeEnd(c.dst)} on ${cut.toSpecs()[0]}`;
          }
        }
        if (r.services.subtract(removed).isEmpty()) whollyRemoved++;
      }
      if (byGuardrail.size === 0) continue;
      const names = [...byGuardrail.keys()].sort();
      const related = names.map((n) => ({ message: `guardrail '${n}'`, location: ir.rule(n).origin.location, path: rulePath(ir.policy.doc, n) }));
      const path = rulePath(ir.policy.doc, r.origin.name);
      if (cells > 0 && whollyRemoved === cells) {
        const first = byGuardrail.get(names[0])!;
        out.push({
          code: 'MS3002',
          message: `${r.origin.kind} '${r.origin.name}' is wholly removed by guardrail${names.length > 1 ? 's' : ''} ${names.map((n) => `'${n}'`).join(', ')}: it grants no flow`,
          path,
          subjects: [r.origin.name, ...names],
          example: first.example,
          related,
        });
        continue;
      }
      for (const n of names) {
        const g = byGuardrail.get(n)!;
        const pairs = [...g.pairs].sort();
        const shown = pairs.slice(0, 3).join(', ') + (pairs.length > 3 ? `, … (${pairs.length} in all)` : '');
        out.push({
          code: 'MS3001',
          message: `${r.origin.kind} '${r.origin.name}' is partly removed by guardrail '${n}': ${g.services.toString()} for ${shown}`,
          path,
          subjects: [r.origin.name, n],
          example: g.example,
          related: [{ message: `guardrail '${n}'`, location: ir.rule(n).origin.location, path: rulePath(ir.policy.doc, n) }],
        });
      }
    }
    return out;
  },
};
