/**
 * `microseg drift POLICY --state FILE --target aws|azure|gcp`: compares
 * the JSON of `terraform show -json` (state or plan) with what the policy
 * compiles to, by resource and by flow. Exit 1 when there is drift, 2 when
 * the state cannot be read or is not `terraform show -json` output.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { checkStateTarget, drift, driftMarkdown, driftText, readState, StateError } from '../../analysis/drift';
import { sortDiagnostics } from '../../model/diagnostics';
import { compileTargets } from '../compile-targets';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from '../errors';
import { CliIO } from '../io';
import { loadForCommand, printDiagnostics, todayOption } from '../policy-input';
import { parseFormat } from './lifecycle-input';
import { isTargetName } from '../../targets/registry';

export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('drift')
    .description('compare `terraform show -json` output (state or plan) with what the policy compiles to: resources added, removed or changed by hand, and the flows they change')
    .argument('<policy>', 'policy file (YAML or JSON) or policy directory')
    .option('--state <file>', 'output of `terraform show -json` (state) or `terraform show -json PLANFILE`')
    .option('--target <target>', 'aws, azure or gcp')
    .option('--format <format>', 'text, json or markdown', 'text')
    .addOption(todayOption())
    .action((file: string, opts: { today?: string; state?: string; target?: string; format: string }) => {
      const format = parseFormat(opts.format, ['text', 'json', 'markdown']);
      if (!opts.state) throw new UsageError('drift needs --state FILE (the output of `terraform show -json`)');
      if (!opts.target || !isTargetName(opts.target)) throw new UsageError(`drift needs --target aws, azure or gcp${opts.target ? ` (not '${opts.target}')` : ''}`);
      const r = loadForCommand(io, file, opts.today);
      printDiagnostics(io, r.diagnostics);
      if (!r.ok) return done(r.code);
      const statePath = path.resolve(io.cwd, opts.state);
      // A state that cannot be read, is not JSON or is not `terraform show -json` output is bad input (exit 2),
      // never "drift" (exit 1): a CI job must not mistake a wrong --state for a changed cloud.
      const bad = (message: string) => {
        io.err(`${opts.state} error MS8030 ${message}\n`);
        done(EXIT_USAGE);
      };
      let text: string;
      try {
        text = fs.readFileSync(statePath, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return bad(code === 'EISDIR' ? `${opts.state} is a directory, not the output of \`terraform show -json\`` : code === 'ENOENT' ? `cannot read ${opts.state}: no such file` : `cannot read ${opts.state}: ${(e as Error).message}`);
      }
      let state;
      try {
        state = readState(JSON.parse(text));
        checkStateTarget(opts.target, state);
      } catch (e) {
        if (e instanceof SyntaxError) return bad(`${opts.state} is not JSON: ${e.message}`);
        if (e instanceof StateError) return bad(`${opts.state}: ${e.message}`);
        throw e;
      }
      const c = compileTargets(r.ir, [opts.target]);
      printDiagnostics(io, sortDiagnostics(c.diagnostics.filter((d) => d.severity === 'error')));
      if (c.failed) return done(EXIT_FINDINGS);
      const rep = drift(r.ir, c.outputs[0], state);
      io.out(format === 'json' ? JSON.stringify(rep, null, 2) + '\n' : format === 'markdown' ? driftMarkdown(rep) : driftText(rep));
      done(rep.inSync ? EXIT_OK : EXIT_FINDINGS);
    });
}
