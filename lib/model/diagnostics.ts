/**
 * Diagnostics: every problem found in a policy, located in its source.
 * Collected, never thrown for bad input; codes are stable and documented in
 * docs/diagnostics.md.
 */

export type Severity = 'error' | 'warning' | 'info';

/** A position in a policy source, 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface Diagnostic {
  /** Stable code such as `MS1001`; see docs/diagnostics.md. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly location?: SourceLocation;
  /** JSON path of the offending node, e.g. `['rules', 2, 'services', 0]`. */
  readonly path?: readonly (string | number)[];
}

/** `file:line:col severity code message`, as the CLI prints it. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.col}` : '<policy>';
  return `${where} ${d.severity} ${d.code} ${d.message}`;
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

/** Sort by file, line, column, then code, so output is stable. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => {
    const fa = a.location?.file ?? '';
    const fb = b.location?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const la = a.location?.line ?? 0;
    const lb = b.location?.line ?? 0;
    if (la !== lb) return la - lb;
    const ca = a.location?.col ?? 0;
    const cb = b.location?.col ?? 0;
    if (ca !== cb) return ca - cb;
    return a.code < b.code ? -1 : a.code > b.code ? 1 : a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
  });
}

/** Thrown by the typed API (`SegmentationPolicy.fromFile` etc.) and by compile steps: lists every diagnostic. */
export class PolicyError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[], headline = 'invalid segmentation policy') {
    const errs = diagnostics.filter((d) => d.severity === 'error');
    super(`${headline} (${errs.length} error${errs.length === 1 ? '' : 's'}):\n` + errs.map((d) => '  ' + formatDiagnostic(d)).join('\n'));
    this.name = 'PolicyError';
    this.diagnostics = diagnostics;
  }
}
