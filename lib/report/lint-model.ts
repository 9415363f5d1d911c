/** What every lint reporter is given: the findings and where they came from. */
import { LintFinding } from '../analysis/lint';

export interface LintReport {
  readonly policy: string;
  /** The policy file as shown (relative to the working directory). */
  readonly file: string;
  readonly today: string;
  readonly findings: readonly LintFinding[];
  /** Non-lint diagnostics from loading (validation warnings). */
  readonly toolVersion: string;
}

export function counts(findings: readonly LintFinding[]): { error: number; warning: number; info: number; suppressed: number } {
  const c = { error: 0, warning: 0, info: 0, suppressed: 0 };
  for (const f of findings) {
    if (f.suppressed) c.suppressed++;
    else c[f.severity]++;
  }
  return c;
}
