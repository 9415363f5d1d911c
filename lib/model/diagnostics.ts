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
  /** Source name when there is no location (`<define>`, `<object>`): printed with the path instead of line:col. */
  readonly file?: string;
}

/** `rules[2].from`, `labels.env`, `services["odd key"]`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_][-A-Za-z0-9_]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

/** Where a diagnostic points: `file:line:col`, else `file:path` for unlocated input, else `<policy>`. */
export function formatWhere(d: Diagnostic): string {
  if (d.location) return `${d.location.file}:${d.location.line}:${d.location.col}`;
  const file = d.file ?? '<policy>';
  return d.path && d.path.length > 0 ? `${file}:${formatPath(d.path)}` : file;
}

/** `file:line:col severity code message`, as the CLI prints it. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${formatWhere(d)} ${d.severity} ${d.code} ${d.message}`;
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

/** Sort by file, line, column (or path when unlocated), then code, so output is stable. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => {
    const fa = a.location?.file ?? a.file ?? '';
    const fb = b.location?.file ?? b.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    if (!a.location && !b.location) {
      const c = comparePaths(a.path ?? [], b.path ?? []);
      if (c !== 0) return c;
    }
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

/** Document order for paths: indices numerically, keys as strings, parents first. */
function comparePaths(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}
