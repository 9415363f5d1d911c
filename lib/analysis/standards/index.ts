/**
 * Standards as lint findings (MS3101–MS3105): each standard resolved against
 * the policy, judged on the policy's meaning (evaluate.ts), and each broken
 * one reported where the fix belongs: at the rule or allow guardrail that
 * grants a forbidden flow (never, only), or at the standard whose flow is no
 * longer allowed (always), always with an example flow. Suppressions in the
 * policy do not apply: a standard is the organisation's, not the policy's.
 */
import { severityOf } from '../../model/codes';
import { SourceLocation } from '../../model/diagnostics';
import { duplicateStandards, LocatedStandard } from '../../model/standards';
import { ResolvedPolicy } from '../../resolve/ir';
import { atomsOf, denyingGuardrails, grantingRules } from '../flow-space';
import { describeEnd } from '../lint/grants';
import { LintFinding, LintRule, RelatedLocation } from '../lint/types';
import { rulePath } from '../lint/where';
import { AddressSet } from '../../net/address';
import { evaluateStandard, policyJudge, ResolvedStandard, StandardViolation } from './evaluate';
import { resolveStandard, StandardNote } from './resolve';
import { outputAddressSets, outputJudge } from './output';
import { CloudModel } from '../../verify/model';

export type { FlowJudge, ResolvedStandard, StandardViolation } from './evaluate';
export { evaluateStandard, policyJudge } from './evaluate';
export { resolveStandard } from './resolve';

export const STANDARD_RULES: readonly LintRule[] = [
  { code: 'MS3101', kind: 'standard', title: 'standard broken: never', why: 'The organisation forbids these flows; this rule allows some of them.', fix: 'Narrow the rule so it grants none of the forbidden flows, or take it up with the owner of the standard.' },
  { code: 'MS3102', kind: 'standard', title: 'standard broken: only', why: 'The organisation allows these flows only from named sources; this rule admits another.', fix: 'Narrow the rule to the sources the standard names, or take it up with the owner of the standard.' },
  { code: 'MS3103', kind: 'standard', title: 'standard broken: always', why: 'The organisation requires these flows to stay allowed (availability); the policy no longer allows some of them.', fix: 'Restore the rule that granted the flow, or narrow the deny guardrail that removes it.' },
  { code: 'MS3104', kind: 'standard', title: 'standard selects nothing in this policy', why: 'Part of the standard names something this policy does not have, so it judges nothing here.', fix: 'Check the spelling; a name another repository uses can be left as it is.' },
  { code: 'MS3105', kind: 'standard', title: 'standard names an unknown service', why: 'An unknown service would make the standard judge nothing.', fix: 'Use a literal spec (tcp/22), a built-in service name or a name from the policy\'s services.' },
];

const CODE = { never: 'MS3101', only: 'MS3102', always: 'MS3103' } as const;

/** The standards to judge a policy by: its directory's own, then those given with --standards. */
export function standardsFor(ir: ResolvedPolicy, extra: readonly LocatedStandard[] = []): LocatedStandard[] {
  return [...ir.policy.standards, ...extra];
}

/** Resolve every standard; the notes (MS3104/MS3105) and the resolved ones. */
export function resolveStandards(ir: ResolvedPolicy, standards: readonly LocatedStandard[]): { resolved: ResolvedStandard[]; notes: StandardNote[] } {
  const resolved: ResolvedStandard[] = [];
  const notes: StandardNote[] = [];
  for (const s of standards) {
    const r = resolveStandard(ir, s);
    notes.push(...r.notes);
    if (r.resolved) resolved.push(r.resolved);
  }
  return { resolved, notes };
}

/** Address sets a standard names: atoms must be cut at them too. */
export function standardAddressSets(resolved: readonly ResolvedStandard[]): AddressSet[] {
  return resolved.flatMap((r) => [r.from.outside, r.to.outside]);
}

function finding(code: string, message: string, where: { location?: SourceLocation; file: string; path?: (string | number)[] }, subjects: string[], example?: string, related?: RelatedLocation[]): LintFinding {
  const rule = STANDARD_RULES.find((r) => r.code === code)!;
  return {
    code,
    severity: severityOf(code),
    message,
    ...(where.location ? { location: where.location } : { file: where.file }),
    ...(where.path ? { path: where.path } : {}),
    kind: rule.kind,
    title: rule.title,
    why: rule.why,
    subjects,
    ...(example ? { example } : {}),
    ...(related && related.length ? { related } : {}),
  };
}

/** `{tier: app}`, `[{tier: app}, {segment: monitoring}]`, as the standard writes it. */
function sideText(sel: unknown): string {
  const one = (t: unknown) => `{${Object.entries(t as Record<string, unknown>).map(([k, v]) => `${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`).join(', ')}}`;
  return Array.isArray(sel) ? `[${sel.map(one).join(', ')}]` : one(sel);
}

export function describeStandard(s: LocatedStandard): string {
  const b = s.body;
  const svc = b.services.join(', ');
  if (s.kind === 'only') return `only ${sideText(b.from)} may reach ${sideText(b.to)} on ${svc}`;
  return `${s.kind} ${sideText(b.from)} → ${sideText(b.to)} on ${svc}`;
}

export function exampleFlow(v: StandardViolation): string {
  return `${describeEnd(v.src)} → ${describeEnd(v.dst)} on ${v.services.toSpecs()[0]}`;
}

/** Standards judged on the policy's meaning, as lint findings. */
export function lintStandards(ir: ResolvedPolicy, extra: readonly LocatedStandard[] = []): LintFinding[] {
  const standards = standardsFor(ir, extra);
  if (standards.length === 0) return [];
  const out: LintFinding[] = duplicateStandards(standards).map((d) => ({ ...d, kind: 'standard', title: 'duplicate standard name', why: 'Standard names are global.', subjects: [] }));
  const { resolved, notes } = resolveStandards(ir, standards);
  for (const n of notes) out.push(finding(n.code, n.message, { location: n.location, file: n.standard.file }, [n.standard.name]));
  const atoms = atomsOf([ir], standardAddressSets(resolved));
  const judge = policyJudge(ir);
  for (const rs of resolved) {
    const s = rs.standard;
    const violations = evaluateStandard(ir, rs, judge, atoms);
    if (violations.length === 0) continue;
    const standardAt: RelatedLocation = { message: `standard '${s.name}' (${s.file})`, ...(s.location ? { location: s.location } : {}) };
    if (s.kind === 'always') {
      const v = violations[0];
      const denied = denyingGuardrails(ir, v.src, v.dst, v.services);
      const why = denied.length ? `denied by guardrail${denied.length > 1 ? 's' : ''} ${denied.map((d) => `'${d}'`).join(', ')}` : 'no rule grants it';
      const related = denied.map((d) => ({ message: `guardrail '${d}'`, location: ir.rule(d).origin.location, path: rulePath(ir.policy.doc, d) }));
      out.push(finding(CODE.always, `standard '${s.name}' (${describeStandard(s)}) is broken: ${exampleFlow(v)} is not allowed (${why})${more(violations.length)}`, { location: s.location, file: s.file }, [s.name, ...denied], exampleFlow(v), related));
      continue;
    }
    // never / only: blame each rule granting a forbidden flow, once, with its first example.
    const byRule = new Map<string, { first: StandardViolation; count: number }>();
    for (const v of violations) {
      for (const r of grantingRules(ir, v.src, v.dst, v.services)) {
        const hit = byRule.get(r);
        if (hit) hit.count++;
        else byRule.set(r, { first: v, count: 1 });
      }
    }
    for (const [name, { first, count }] of [...byRule].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const origin = ir.rule(name).origin;
      out.push(
        finding(
          CODE[s.kind],
          `${origin.kind} '${name}' breaks standard '${s.name}' (${describeStandard(s)}): it allows ${exampleFlow(first)}${more(count)}`,
          { location: origin.location, file: ir.policy.file, path: rulePath(ir.policy.doc, name) },
          [name, s.name],
          exampleFlow(first),
          [standardAt],
        ),
      );
    }
  }
  return out;
}

function more(n: number): string {
  return n > 1 ? ` (and ${n - 1} more flow cell${n - 1 === 1 ? '' : 's'})` : '';
}

export type { StandardNote } from './resolve';

/**
 * Standards judged on a compiled output (`verify --standards`): the same
 * evaluator with the output's own evaluation as judge. Each broken standard
 * is one finding at the standard, with the target and an example flow.
 */
export function verifyStandards(ir: ResolvedPolicy, model: CloudModel, target: string, extra: readonly LocatedStandard[] = []): LintFinding[] {
  const standards = standardsFor(ir, extra);
  if (standards.length === 0) return [];
  const { resolved, notes } = resolveStandards(ir, standards);
  const out: LintFinding[] = notes.filter((n) => n.code === 'MS3105').map((n) => finding(n.code, n.message, { location: n.location, file: n.standard.file }, [n.standard.name]));
  const atoms = atomsOf([ir], [...standardAddressSets(resolved), ...outputAddressSets(ir, model)]);
  const judge = outputJudge(ir, model, resolved);
  for (const rs of resolved) {
    const s = rs.standard;
    const violations = evaluateStandard(ir, rs, judge, atoms);
    if (violations.length === 0) continue;
    const v = violations[0];
    const what = s.kind === 'always' ? `does not allow ${exampleFlow(v)}` : `allows ${exampleFlow(v)}`;
    out.push(finding(CODE[s.kind], `${target} output breaks standard '${s.name}' (${describeStandard(s)}): it ${what}${more(violations.length)}`, { location: s.location, file: s.file }, [s.name], exampleFlow(v)));
  }
  return out;
}
