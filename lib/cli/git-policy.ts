/**
 * A policy as git holds it at a revision (`--base-ref REF`): one file read
 * with `git show REF:path`, or, when the path is a directory at REF, every
 * `*.yaml`/`*.yml`/`*.json` under it in sorted path order, composed exactly
 * as a directory on disk is.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { isPolicyFileName, joinShown, sortPaths } from '../model/directory';
import { checkPolicySource, checkPolicySources, CheckResult } from '../model/policy';
import { UsageError } from './errors';
import { CliIO } from './io';

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The policy file or directory `file` (relative to the working directory) at `ref`, checked; `shown` names it in diagnostics. */
export function checkPolicyAtRef(io: CliIO, ref: string, file: string, shown: string): CheckResult {
  const abs = path.resolve(io.cwd, file);
  const cwd = path.dirname(abs);
  const object = `${ref}:./${path.basename(abs)}`;
  try {
    const type = git(cwd, ['cat-file', '-t', object]).trim();
    if (type !== 'tree') return checkPolicySource(git(cwd, ['show', object]), shown);
    const names = sortPaths(git(cwd, ['ls-tree', '-r', '--name-only', '-z', object]).split('\0').filter((n) => n !== '' && n.split('/').every((part) => !part.startsWith('.')) && isPolicyFileName(path.posix.basename(n))));
    const files = names.map((n) => ({ file: joinShown(shown, n), text: git(cwd, ['show', `${object}/${n}`]) }));
    return checkPolicySources(shown, files);
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new UsageError(`cannot read ${file} at ${ref}: ${(err.stderr || err.message).trim()}`);
  }
}
