/**
 * `microseg impact POLICY --inventory FILE [--base OLD | --base-ref REF]`:
 * a dry run against real workloads: coverage, unmanaged and ambiguous
 * workloads, and against a base policy the workload pairs that gain or
 * lose services.
 */
import { Command } from 'commander';
import { impact, impactMarkdown, impactText } from '../../analysis/impact';
import { loadAtRef } from '../git-policy';
import { ResolvedPolicy } from '../../resolve/ir';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from '../errors';
import { CliIO } from '../io';
import { loadForCommand, printDiagnostics, todayOption } from '../policy-input';
import { inventoryForCommand, parseFormat } from './lifecycle-input';

export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('impact')
    .description('dry run against an inventory: coverage, unmanaged workloads, and workload pairs that gain or lose services against a base policy')
    .argument('<policy>', 'policy file (YAML or JSON) or policy directory')
    .option('--inventory <file>', 'workloads: YAML, JSON or CSV rows of name, address, labels')
    .option('--base <file>', 'the policy in force now')
    .option('--base-ref <ref>', 'read the base policy from git: `git show REF:<policy>`')
    .option('--format <format>', 'text, json or markdown', 'text')
    .option('--fail-on-unmanaged', 'exit 1 when some workload is in no segment', false)
    .addOption(todayOption())
    .action((file: string, opts: { today?: string; inventory?: string; base?: string; baseRef?: string; format: string; failOnUnmanaged: boolean }) => {
      const format = parseFormat(opts.format, ['text', 'json', 'markdown']);
      if (!opts.inventory) throw new UsageError('impact needs --inventory FILE');
      if (opts.base && opts.baseRef) throw new UsageError('give --base or --base-ref, not both');
      const r = loadForCommand(io, file, opts.today);
      printDiagnostics(io, r.diagnostics);
      if (!r.ok) return done(r.code);
      let base: ResolvedPolicy | undefined;
      if (opts.base || opts.baseRef) {
        const b = opts.base ? loadForCommand(io, opts.base, opts.today) : loadAtRef(io, opts.baseRef!, file, r.policy, opts.today);
        printDiagnostics(io, b.diagnostics);
        if (!b.ok) return done(b.code);
        base = b.ir;
      }
      const inv = inventoryForCommand(io, opts.inventory);
      if (!inv) return done(EXIT_USAGE);
      const rep = impact(r.ir, inv, base);
      io.out(format === 'json' ? JSON.stringify(rep, null, 2) + '\n' : format === 'markdown' ? impactMarkdown(rep) : impactText(rep));
      done(opts.failOnUnmanaged && rep.unmanaged.length > 0 ? EXIT_FINDINGS : EXIT_OK);
    });
}
