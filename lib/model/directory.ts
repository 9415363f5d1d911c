/**
 * Reading a policy directory from disk: every `*.yaml`, `*.yml` and `*.json`
 * under it, in sorted path order (plain code-point order of the path
 * relative to the directory, `/`-separated, so every machine agrees).
 * Entries whose name starts with `.` are skipped (`.github/`, editor files),
 * and symbolic links to directories are not followed (no loops).
 */
import * as fs from 'fs';
import * as path from 'path';
import { severityOf } from './codes';
import { SourceText } from './compose';
import { Diagnostic } from './diagnostics';
import { MAX_POLICY_BYTES } from './loader';

export const POLICY_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];
/** More files than this in one policy directory is refused: it is not a policy. */
export const MAX_POLICY_FILES = 10_000;

export function isPolicyFileName(name: string): boolean {
  return !name.startsWith('.') && POLICY_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

/** Sort relative paths the same way everywhere. */
export function sortPaths(paths: string[]): string[] {
  return paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Undefined when `dir` is not a directory (the caller reads it as a file). */
export function readPolicyDirectory(dir: string, displayName: string): { files: SourceText[]; diagnostics: Diagnostic[] } | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    return undefined;
  }
  if (!st.isDirectory()) return undefined;
  const diagnostics: Diagnostic[] = [];
  const rel: string[] = [];
  const walk = (abs: string, prefix: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true });
    } catch (e) {
      diagnostics.push({ code: 'MS0001', severity: severityOf('MS0001'), message: `cannot read policy directory: ${(e as Error).message}`, file: prefix ? `${displayName}/${prefix}` : displayName });
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const r = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(abs, e.name), r);
      else if ((e.isFile() || e.isSymbolicLink()) && isPolicyFileName(e.name)) rel.push(r);
    }
  };
  walk(dir, '');
  if (rel.length > MAX_POLICY_FILES) {
    diagnostics.push({ code: 'MS1013', severity: severityOf('MS1013'), message: `policy directory holds ${rel.length} files; at most ${MAX_POLICY_FILES} are read`, file: displayName });
    return { files: [], diagnostics };
  }
  const files: SourceText[] = [];
  for (const r of sortPaths(rel)) {
    const shown = joinShown(displayName, r);
    const abs = path.join(dir, ...r.split('/'));
    try {
      const fst = fs.statSync(abs);
      if (!fst.isFile()) continue; // a link to a directory or a device
      if (fst.size > MAX_POLICY_BYTES) {
        diagnostics.push({ code: 'MS1013', severity: severityOf('MS1013'), message: `document is larger than 10 MiB (${fst.size} bytes)`, location: { file: shown, line: 1, col: 1 } });
        continue;
      }
      files.push({ file: shown, text: fs.readFileSync(abs, 'utf8') });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      diagnostics.push({ code: 'MS0001', severity: severityOf('MS0001'), message: `cannot read policy file: ${err.code === 'EACCES' ? 'permission denied' : err.message}`, file: shown });
    }
  }
  return { files, diagnostics };
}

/** `policy/billing.yaml`, or `billing.yaml` when the directory is shown as `.`. */
export function joinShown(root: string, rel: string): string {
  if (root === '.' || root === '') return rel;
  return `${root.replace(/[\\/]+$/, '')}/${rel}`;
}
