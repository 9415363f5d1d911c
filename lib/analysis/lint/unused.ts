/**
 * MS3009–MS3011 unused: a declared service that nothing references, an
 * external that no rule or guardrail names, a segment that no allow selects
 * (its workloads can neither send nor receive anything).
 */
import { selectorTerms, termExternals } from '../../model/selectors';
import { LintCheck, RawFinding } from './types';
import { externalPath, segmentPath } from './where';

export const unused: LintCheck = {
  rules: [
    {
      code: 'MS3009',
      kind: 'unused-service',
      title: 'unused service',
      why: 'A named service that no rule uses is dead weight and hints at a rule that was deleted or misspelt.',
      fix: 'Delete the service, or use it in the rule it was written for.',
    },
    {
      code: 'MS3010',
      kind: 'unused-external',
      title: 'unused external',
      why: 'An external that no rule or guardrail names has no effect; it may stand for a rule that was forgotten.',
      fix: 'Delete the external, or reference it where it was meant to be used.',
    },
    {
      code: 'MS3011',
      kind: 'unused-segment',
      title: 'segment selected by no allow',
      why: 'No allow selects the segment, so its workloads can neither send nor receive anything: usually a missing rule or a label typo.',
      fix: 'Add the rules the segment needs, or delete the segment.',
    },
  ],
  check(ctx) {
    const doc = ctx.policy.doc;
    const out: RawFinding[] = [];
    const lists = [
      ...(doc.guardrails ?? []).map((r, i) => ({ r, path: ['guardrails', i] as (string | number)[] })),
      ...(doc.rules ?? []).map((r, i) => ({ r, path: ['rules', i] as (string | number)[] })),
    ];
    // Services: referenced by rules, guardrails, other services or lint.adminPorts.
    const used = new Set<string>();
    for (const { r } of lists) for (const s of r.services) used.add(s);
    for (const [name, specs] of Object.entries(doc.services ?? {})) for (const s of specs) if (s !== name) used.add(s);
    for (const s of doc.lint?.adminPorts ?? []) used.add(s);
    for (const name of Object.keys(doc.services ?? {}).sort()) {
      if (!used.has(name)) out.push({ code: 'MS3009', message: `service '${name}' is used by no rule or guardrail`, path: ['services', name], at: 'key', subjects: [name] });
    }
    const named = new Set<string>();
    for (const { r, path } of lists) {
      for (const side of ['from', 'to'] as const) for (const t of selectorTerms(r[side], [...path, side])) for (const e of termExternals(t)) named.add(e);
    }
    for (const e of ctx.ir.externals) {
      if (!named.has(e.name)) out.push({ code: 'MS3010', message: `external '${e.name}' is named by no rule or guardrail`, path: externalPath(doc, e.name), subjects: [e.name] });
    }
    const selected = new Set<string>();
    for (const r of ctx.ir.rules) {
      if (r.origin.action !== 'allow') continue;
      for (const [f, t] of r.segmentPairs) selected.add(f).add(t);
      if (r.toAddresses.length) for (const s of r.fromSegments) selected.add(s);
      if (r.fromAddresses.length) for (const s of r.toSegments) selected.add(s);
    }
    for (const s of ctx.ir.segments) {
      if (!selected.has(s.name)) out.push({ code: 'MS3011', message: `segment '${s.name}' is selected by no allow: its workloads can neither send nor receive`, path: segmentPath(doc, s.name), subjects: [s.name] });
    }
    return out;
  },
};
