/** `microseg compile POLICY --target aws|azure|gcp|all --out DIR`: Terraform JSON and identities, atomically. */
import { Command } from 'commander';
import * as path from 'path';
import { count } from '../../model/words';
import { sortDiagnostics } from '../../model/diagnostics';
import { expiredSummary } from '../../resolve/expired';
import { writeAtomically } from '../atomic';
import { compileToFiles, planTargets, skippedLines } from '../compile-targets';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../errors';
import { CliIO } from '../io';
import { loadForCommand, printDiagnostics, todayOption } from '../policy-input';

export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('compile')
    .description('compile a policy to Terraform JSON (DIR/<target>/cdk.tf.json) and identities.json, atomically')
    .argument('<policy>', 'policy file (YAML or JSON) or policy directory')
    .option('--target <target>', 'aws, azure, gcp, kubernetes, a comma-separated list, or all', 'all')
    .option('--out <dir>', 'output directory', 'out')
    .option('--stub-versions', 'write "stubbed" instead of cdktf and provider versions (for golden files)', false)
    .addOption(todayOption())
    .action((file: string, opts: { today?: string; target: string; out: string; stubVersions: boolean }) => {
      const r = loadForCommand(io, file, opts.today);
      printDiagnostics(io, r.diagnostics);
      if (!r.ok) return done(r.code);
      const { targets, skipped } = planTargets(r.ir, opts.target);
      const c = compileToFiles(r.ir, targets, { stubVersions: opts.stubVersions, optional: opts.target === 'all' });
      for (const line of skippedLines([...skipped, ...c.skipped])) io.err(`note: ${line}\n`);
      printDiagnostics(io, sortDiagnostics(c.diagnostics));
      if (c.failed) {
        io.err(`compile failed: nothing written to ${opts.out}\n`);
        return done(EXIT_FINDINGS);
      }
      if (c.outputs.length === 0) {
        io.err(`compile: no target could be compiled: nothing written to ${opts.out}\n`);
        return done(EXIT_USAGE);
      }
      // Relative to the command's working directory, like every other path it reads.
      writeAtomically(path.resolve(io.cwd, opts.out), c.files);
      for (const o of c.outputs) {
        io.out(`${o.target}: ${count(o.stats.identities, 'identity', 'identities')}, ${count(o.stats.rules, 'rule')}, ${count(o.stats.resources, 'resource')} -> ${opts.out}/${o.target}/cdk.tf.json\n`);
      }
      if (r.ir.expired.length) io.out(`left out as of ${r.ir.today} (expired): ${expiredSummary(r.ir)}\n`);
      done(EXIT_OK);
    });
}
