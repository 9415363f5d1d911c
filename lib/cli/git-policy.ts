/**
 * A policy as git holds it at a revision (`--base-ref REF`): one file read
 * with `git show REF:path`, or, when the path is a directory at REF, every
 * `*.yaml`/`*.yml`/`*.json` under it in sorted path order, composed exactly
 * as a directory on disk is. A path the revision does not hold is a policy
 * the change adds (an unknown revision is bad usage).
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { isPolicyFileName, joinShown, sortPaths } from '../model/directory';
import { absentPolicy, checkPolicySource, checkPolicySources, CheckResult, SegmentationPolicy } from '../model/policy';
import { resolve } from '../resolve/resolve';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './errors';
import { CliIO } from './io';
import { displayPath, Loaded, todayFor } from './policy-input';

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** What `--base-ref` found: the policy at the revision, or none there (the change adds it). */
export type PolicyAtRef = CheckResult & { readonly absent?: false } | { readonly absent: true; readonly diagnostics: [] };

/** The policy file or directory `file` (relative to the working directory) at `ref`, checked; `shown` names it in diagnostics. */
export function checkPolicyAtRef(io: CliIO, ref: string, file: string, shown: string): PolicyAtRef {
  const abs = path.resolve(io.cwd, file);
  const cwd = path.dirname(abs);
  const object = `${ref}:./${path.basename(abs)}`;
  const fail = (e: unknown): never => {
    const err = e as { stderr?: string; message: string };
    throw new UsageError(`cannot read ${file} at ${ref}: ${(err.stderr || err.message).trim()}`);
  };
  try {
    // The revision first: an unknown ref or no repository is bad usage, a path missing at a good ref is an added policy.
    git(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  } catch (e) {
    const err = e as { stderr?: string };
    if (err.stderr) fail(e);
    throw new UsageError(`cannot read ${file} at ${ref}: '${ref}' is not a revision of this repository`);
  }
  try {
    git(cwd, ['cat-file', '-e', object]);
  } catch {
    return { absent: true, diagnostics: [] };
  }
  try {
    const type = git(cwd, ['cat-file', '-t', object]).trim();
    if (type !== 'tree') return checkPolicySource(git(cwd, ['show', object]), shown);
    const names = sortPaths(git(cwd, ['ls-tree', '-r', '--name-only', '-z', object]).split('\0').filter((n) => n !== '' && n.split('/').every((part) => !part.startsWith('.')) && isPolicyFileName(path.posix.basename(n))));
    const files = names.map((n) => ({ file: joinShown(shown, n), text: git(cwd, ['show', `${object}/${n}`]) }));
    return checkPolicySources(shown, files);
  } catch (e) {
    return fail(e);
  }
}

/**
 * The base policy of `--base-ref REF` for a command on `file`, loaded. A
 * policy absent at REF (the change adds it) is the empty counterpart of
 * `current` (everything reads as added) with a note on stderr; without
 * `current` (it did not load) there is nothing to compare, and no diagnostic.
 */
export function loadAtRef(io: CliIO, ref: string, file: string, current: SegmentationPolicy | undefined, today?: string): Loaded {
  const name = displayPath(io, path.resolve(io.cwd, file));
  const shown = `${ref}:${name}`;
  const c = checkPolicyAtRef(io, ref, file, shown);
  if (c.absent) {
    if (!current) return { ok: false, code: EXIT_OK, diagnostics: [] };
    io.err(`note: ${name} is not in ${ref}: everything in it is reported as added\n`);
    const empty = absentPolicy(current, `${shown} (absent)`);
    return { ok: true, policy: empty, ir: resolve(empty, { today: todayFor(today) }), diagnostics: [] };
  }
  return c.policy ? { ok: true, policy: c.policy, ir: resolve(c.policy, { today: todayFor(today) }), diagnostics: c.diagnostics } : { ok: false, code: EXIT_FINDINGS, diagnostics: c.diagnostics };
}
