/**
 * `microseg diff OLD NEW [--format text|json|markdown]` and
 * `microseg diff NEW --base-ref REF` (OLD read with `git show REF:NEW`; a
 * policy file or directory absent at REF is compared with an empty one):
 * flows added and removed, by rule and by segment pair, with a risk summary.
 * With `--apply-check`: both versions compiled for each target and the
 * change judged as a live apply (lib/analysis/apply-check); exit 1 when unsafe.
 * The new version is compiled as CI compiles it, with the old version's
 * output as `--previous` (identities it lists are kept).
 */
import { Command } from 'commander';
import { checkApply } from '../../analysis/apply-check';
import { diffPolicies } from '../../analysis/diff';
import { sortDiagnostics } from '../../model/diagnostics';
import { diffJson } from '../../report/json';
import { diffMarkdown } from '../../report/markdown';
import { diffText } from '../../report/text';
import { applyCheckJson, applyCheckMarkdown, applyCheckText } from '../../report/apply-check';
import { compileTargets, selectTargets } from '../compile-targets';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from '../errors';
import { CliIO } from '../io';
import { loadAtRef } from '../git-policy';
import { Loaded, loadForCommand, printDiagnostics, todayOption } from '../policy-input';

export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('diff')
    .description('flows added and removed between two versions of a policy, by rule and by segment pair, with a risk summary')
    .argument('<old>', 'old policy file (or, with --base-ref and no <new>, the policy whose old version git holds)')
    .argument('[new]', 'new policy file')
    .option('--base-ref <ref>', 'read the old policy from git: `git show REF:<path>`')
    .option('--format <format>', 'text, json or markdown', 'text')
    .option('--apply-check', 'compile both versions and check that applying the change never drops, opens or collides (exit 1 when unsafe)')
    .option('--target <targets>', 'with --apply-check: aws, azure, gcp (comma-separated) or all', 'all')
    .option('--release', 'with --apply-check: compile the new version as `compile --previous OLD --release` would (what OLD lists as releasable is destroyed)', false)
    .addOption(todayOption())
    .action((a: string, b: string | undefined, opts: { today?: string; baseRef?: string; format: string; applyCheck?: boolean; target: string; release: boolean }) => {
      if (!['text', 'json', 'markdown'].includes(opts.format)) throw new UsageError(`unknown format '${opts.format}' (expected text, json or markdown)`);
      if (!b && !opts.baseRef) throw new UsageError('diff needs OLD and NEW, or NEW with --base-ref REF');
      const newFile = b ?? a;
      const neu = loadForCommand(io, newFile, opts.today);
      let old: Loaded;
      if (opts.baseRef) old = loadAtRef(io, opts.baseRef, a, neu.ok ? neu.policy : undefined, opts.today);
      else old = loadForCommand(io, a, opts.today);
      printDiagnostics(io, sortDiagnostics([...old.diagnostics, ...neu.diagnostics]));
      if (!old.ok || !neu.ok) return done(Math.max(old.ok ? 0 : old.code, neu.ok ? 0 : neu.code) === EXIT_USAGE ? EXIT_USAGE : EXIT_FINDINGS);
      if (opts.applyCheck) {
        const targets = selectTargets(neu.ir, opts.target);
        const before = compileTargets(old.ir, targets);
        // As a user's CI compiles the new version: with the old version's output as --previous (its identities kept).
        const after = compileTargets(neu.ir, targets, {
          previous: new Map(before.outputs.map((o) => [o.target, o.identities])),
          previousTerraform: new Map(before.outputs.map((o) => [o.target, o.terraform])),
          release: opts.release,
        });
        if (before.failed || after.failed) {
          printDiagnostics(io, sortDiagnostics([...before.diagnostics, ...after.diagnostics].filter((x) => x.severity === 'error')));
          return done(EXIT_FINDINGS);
        }
        const r = checkApply(old.ir, neu.ir, after.outputs.map((o) => ({ old: before.outputs.find((x) => x.target === o.target)!, new: o })));
        io.out(opts.format === 'json' ? applyCheckJson(r) : opts.format === 'markdown' ? applyCheckMarkdown(r) : applyCheckText(r));
        return done(r.safe ? EXIT_OK : EXIT_FINDINGS);
      }
      const d = diffPolicies(old.ir, neu.ir);
      io.out(opts.format === 'json' ? diffJson(d) : opts.format === 'markdown' ? diffMarkdown(d) : diffText(d, io.isTTY));
      done(EXIT_OK);
    });
}
