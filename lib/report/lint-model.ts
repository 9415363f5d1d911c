/** What every lint reporter is given: the findings and where they came from. */
import { LintFinding } from '../analysis/lint';
import { Diagnostic } from '../model/diagnostics';

export interface LintReport {
  readonly policy: string;
  /** The policy file as shown (relative to the working directory). */
  readonly file: string;
  readonly today: string;
  readonly findings: readonly LintFinding[];
  readonly toolVersion: string;
  /**
   * Diagnostics from loading and validation (MS0xxx/MS1xxx…). When the policy
   * has validation errors there are no findings (lint needs a valid policy),
   * and these are what the report carries, so a CI upload is never empty.
   */
  readonly diagnostics?: readonly Diagnostic[];
}

/** Findings and validation diagnostics together: what a report's summary counts. */
export function reportCounts(r: LintReport): { error: number; warning: number; info: number; suppressed: number } {
  const c = counts(r.findings);
  for (const d of r.diagnostics ?? []) c[d.severity]++;
  return c;
}

/** Where a diagnostic points, as reporters show it: the policy file when it has none of its own. */
export function diagnosticWhere(d: Diagnostic, file: string): { file: string; line?: number; col?: number } {
  return d.location ? { file: d.location.file, line: d.location.line, col: d.location.col } : { file: d.file ?? file };
}

export function counts(findings: readonly LintFinding[]): { error: number; warning: number; info: number; suppressed: number } {
  const c = { error: 0, warning: 0, info: 0, suppressed: 0 };
  for (const f of findings) {
    if (f.suppressed) c.suppressed++;
    else c[f.severity]++;
  }
  return c;
}
