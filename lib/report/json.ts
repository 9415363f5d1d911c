/**
 * JSON reports. Shapes (documented in docs/lint.md, stable within `version: 1`):
 *
 * lint: { version: 1, tool: "microseg", policy, file, today,
 *         summary: { error, warning, info, suppressed },
 *         findings: [{ id, kind, severity, title, message, why, file, line, col, path,
 *                      subjects, example?, related?: [{message, file?, line?, col?}],
 *                      suppressed?: { reason, line?, col? } }],
 *         diagnostics: [{ id, severity, title, message, file, line, col, path }] }
 *       (diagnostics: validation's; summary counts them too, and with a
 *        validation error `findings` is empty because lint did not run)
 * diff: { version: 1, ...DiffResult }       explain: { version: 1, ...ExplainResult }
 */
import { DiffResult } from '../analysis/diff';
import { ExplainResult } from '../analysis/explain';
import { formatPath } from '../model/diagnostics';
import { CODES } from '../model/codes';
import { diagnosticWhere, LintReport, reportCounts } from './lint-model';

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
  const diagnostics = (r.diagnostics ?? []).map((d) => {
    const w = diagnosticWhere(d, r.file);
    return { id: d.code, severity: d.severity, title: CODES[d.code]?.title ?? '', message: d.message, file: w.file, line: w.line ?? null, col: w.col ?? null, path: d.path ? formatPath(d.path) : '' };
  });
  return JSON.stringify({ version: 1, tool: 'microseg', policy: r.policy, file: r.file, today: r.today, summary: reportCounts(r), findings, diagnostics }, null, 2) + '\n';
}

export function diffJson(d: DiffResult): string {
  return JSON.stringify({ version: 1, ...d }, null, 2) + '\n';
}

export function explainJson(e: ExplainResult): string {
  return JSON.stringify({ version: 1, ...e }, null, 2) + '\n';
}
