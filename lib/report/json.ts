/**
 * JSON reports. Shapes (documented in docs/lint.md, stable within `version: 1`):
 *
 * lint: { version: 1, tool: "microseg", policy, file, today,
 *         summary: { error, warning, info, suppressed },
 *         findings: [{ id, kind, severity, title, message, why, file, line, col, path,
 *                      subjects, example?, related?: [{message, file?, line?, col?}],
 *                      suppressed?: { reason, line?, col? } }] }
 * diff: { version: 1, ...DiffResult }       explain: { version: 1, ...ExplainResult }
 */
import { DiffResult } from '../analysis/diff';
import { ExplainResult } from '../analysis/explain';
import { formatPath } from '../model/diagnostics';
import { counts, LintReport } from './lint-model';

export function lintJson(r: LintReport): string {
  const findings = r.findings.map((f) => ({
    id: f.code,
    kind: f.kind,
    severity: f.severity,
    title: f.title,
    message: f.message,
    why: f.why,
    file: f.location?.file ?? f.file ?? r.file,
    line: f.location?.line ?? null,
    col: f.location?.col ?? null,
    path: f.path ? formatPath(f.path) : '',
    subjects: f.subjects,
    ...(f.example ? { example: f.example } : {}),
    ...(f.related ? { related: f.related.map((x) => ({ message: x.message, ...(x.location ? { file: x.location.file, line: x.location.line, col: x.location.col } : {}) })) } : {}),
    ...(f.suppressed ? { suppressed: { reason: f.suppressed.reason, ...(f.suppressed.location ? { line: f.suppressed.location.line, col: f.suppressed.location.col } : {}) } } : {}),
  }));
  return JSON.stringify({ version: 1, tool: 'microseg', policy: r.policy, file: r.file, today: r.today, summary: counts(r.findings), findings }, null, 2) + '\n';
}

export function diffJson(d: DiffResult): string {
  return JSON.stringify({ version: 1, ...d }, null, 2) + '\n';
}

export function explainJson(e: ExplainResult): string {
  return JSON.stringify({ version: 1, ...e }, null, 2) + '\n';
}
