/**
 * Loading a policy for a command: diagnostics to stderr in
 * `file:line:col severity code message` form, exit code decided here.
 */
import * as path from 'path';
import { Diagnostic, formatDiagnostic, hasErrors, sortDiagnostics } from '../model/diagnostics';
import { isUsageCode } from '../model/codes';
import { loadPolicy, SegmentationPolicy } from '../model/policy';
import { resolve } from '../resolve/resolve';
import { ResolvedPolicy } from '../resolve/ir';
import { CliIO } from './io';
import { EXIT_FINDINGS, EXIT_USAGE } from './errors';

export type Loaded = { ok: true; policy: SegmentationPolicy; ir: ResolvedPolicy; diagnostics: Diagnostic[] } | { ok: false; code: number; diagnostics: Diagnostic[] };

/** Paths in diagnostics are shown relative to the working directory, as editors and CI annotations expect. */
export function displayPath(io: CliIO, file: string): string {
  const rel = path.relative(io.cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

export function loadForCommand(io: CliIO, file: string): Loaded {
  const shown = displayPath(io, path.resolve(io.cwd, file));
  const { policy, diagnostics } = loadPolicy(path.resolve(io.cwd, file), shown);
  const sorted = sortDiagnostics(diagnostics);
  if (!policy || hasErrors(sorted)) {
    const usage = sorted.some((d) => d.severity === 'error' && isUsageCode(d.code));
    return { ok: false, code: usage ? EXIT_USAGE : EXIT_FINDINGS, diagnostics: sorted };
  }
  return { ok: true, policy, ir: resolve(policy), diagnostics: sorted };
}

export function printDiagnostics(io: CliIO, ds: readonly Diagnostic[]): void {
  for (const d of ds) io.err(formatDiagnostic(d) + '\n');
}
