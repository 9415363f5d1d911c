/**
 * Loading a policy for a command: diagnostics to stderr in
 * `file:line:col severity code message` form, exit code decided here.
 */
import * as path from 'path';
import { Diagnostic, formatDiagnostic, hasErrors, PolicyError, sortDiagnostics } from '../model/diagnostics';
import { isUsageCode } from '../model/codes';
import { loadPolicy, SegmentationPolicy } from '../model/policy';
import { resolve } from '../resolve/resolve';
import { expiredNotes } from '../resolve/expired';
import { resolveToday } from '../model/today';
import { Option } from 'commander';
import { ResolvedPolicy } from '../resolve/ir';
import { LocatedStandard, loadStandardsFile } from '../model/standards';
import { CliIO } from './io';
import { EXIT_FINDINGS, EXIT_USAGE, UsageError } from './errors';

export type Loaded = { ok: true; policy: SegmentationPolicy; ir: ResolvedPolicy; diagnostics: Diagnostic[] } | { ok: false; code: number; diagnostics: Diagnostic[] };

/** Paths in diagnostics are shown relative to the working directory, as editors and CI annotations expect. */
export function displayPath(io: CliIO, file: string): string {
  const rel = path.relative(io.cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** `--today`, on every command that compiles or judges a policy: expired allows are left out (model/today.ts). */
export function todayOption(): Option {
  return new Option('--today <date>', 'the date expiry is judged against, YYYY-MM-DD (default: MICROSEG_TODAY, else the clock)');
}

/** The date of `--today`, else MICROSEG_TODAY, else the clock; a bad date is bad usage (exit 2). */
export function todayFor(explicit: string | undefined): string {
  try {
    return resolveToday(explicit);
  } catch (e) {
    throw new UsageError(`--today/MICROSEG_TODAY: ${(e as Error).message}`);
  }
}

/**
 * Load, validate and resolve a policy as of `todayFor(today)` (--today, else MICROSEG_TODAY, else the clock). The
 * diagnostics end with one MS2002 note per expired allow left out.
 */
export function loadForCommand(io: CliIO, file: string, today?: string): Loaded {
  const shown = displayPath(io, path.resolve(io.cwd, file));
  const { policy, diagnostics } = loadPolicy(path.resolve(io.cwd, file), shown);
  const sorted = sortDiagnostics(diagnostics);
  if (!policy || hasErrors(sorted)) {
    const usage = sorted.some((d) => d.severity === 'error' && isUsageCode(d.code));
    return { ok: false, code: usage ? EXIT_USAGE : EXIT_FINDINGS, diagnostics: sorted };
  }
  try {
    const ir = resolve(policy, { today: todayFor(today) });
    return { ok: true, policy, ir, diagnostics: sortDiagnostics([...sorted, ...expiredNotes(ir)]) };
  } catch (e) {
    // A policy too large to resolve (MS2001) is a located error like any other, never a crash.
    if (e instanceof PolicyError) return { ok: false, code: EXIT_FINDINGS, diagnostics: sortDiagnostics([...sorted, ...e.diagnostics]) };
    throw e;
  }
}

export function printDiagnostics(io: CliIO, ds: readonly Diagnostic[]): void {
  for (const d of ds) io.err(formatDiagnostic(d) + '\n');
}

/** `--standards FILE` (repeatable): org-wide standards documents, each file located as given. */
export function loadStandardsForCommand(io: CliIO, files: readonly string[]): { standards: LocatedStandard[]; diagnostics: Diagnostic[]; code: number } {
  const standards: LocatedStandard[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const f of files) {
    const abs = path.resolve(io.cwd, f);
    const r = loadStandardsFile(abs, displayPath(io, abs));
    standards.push(...r.standards);
    diagnostics.push(...r.diagnostics);
  }
  const sorted = sortDiagnostics(diagnostics);
  const errors = sorted.filter((d) => d.severity === 'error');
  return { standards, diagnostics: sorted, code: errors.length === 0 ? 0 : errors.some((d) => isUsageCode(d.code)) ? EXIT_USAGE : EXIT_FINDINGS };
}

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
