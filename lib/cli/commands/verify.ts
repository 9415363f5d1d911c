/** `microseg verify POLICY DIR [--target …] [--format text|json|sarif]`: re-read compiled output and check it against the policy. */
import { Command } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import { TARGET_NAMES, TargetName } from '../../targets/target';
import { runVerify, VerifyFormat } from '../../verify/report';
import { selectTargets } from '../compile-targets';
import { UsageError } from '../errors';
import { CliIO } from '../io';
import { loadForCommand, printDiagnostics } from '../policy-input';

const FORMATS: readonly VerifyFormat[] = ['text', 'json', 'sarif'];

export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('verify')
    .description('evaluate compiled Terraform JSON the way each cloud does and compare it with the policy, flow by flow')
    .argument('<policy>', 'policy file (YAML or JSON) or policy directory')
    .argument('<dir>', 'output directory of `microseg compile` (holds <target>/cdk.tf.json and identities.json)')
    .option('--target <target>', 'aws, azure, gcp, a comma-separated list, or all (default: every target found in DIR)')
    .option('--format <format>', 'text, json or sarif', 'text')
    .action((file: string, dir: string, opts: { target?: string; format: string }) => {
      if (!FORMATS.includes(opts.format as VerifyFormat)) throw new UsageError(`unknown format '${opts.format}' (expected ${FORMATS.join(', ')})`);
      const abs = path.resolve(io.cwd, dir);
      if (!fs.existsSync(abs)) throw new UsageError(`${dir}: no such directory`);
      if (!fs.statSync(abs).isDirectory()) throw new UsageError(`${dir}: not a directory (give the --out directory of \`microseg compile\`)`);
      const r = loadForCommand(io, file);
      printDiagnostics(io, r.diagnostics);
      if (!r.ok) return done(r.code);
      let targets: TargetName[];
      if (opts.target) targets = selectTargets(r.ir, opts.target);
      else targets = TARGET_NAMES.filter((t) => fs.existsSync(path.join(abs, t, 'cdk.tf.json')));
      if (targets.length === 0) throw new UsageError(`${dir}: no compiled target found (expected ${TARGET_NAMES.map((t) => `${t}/cdk.tf.json`).join(', ')})`);
      const run = runVerify(r.ir, abs, targets, opts.format as VerifyFormat);
      io.out(run.stdout);
      io.err(run.stderr);
      done(run.exitCode);
    });
}
