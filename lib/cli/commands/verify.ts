/** `microseg verify POLICY DIR [--target …] [--format text|json|sarif]`: re-read compiled output and check it against the policy. */
import { Command } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import { TARGET_NAMES, TargetName } from '../../targets/target';
import { placeOf } from '../../model/sarif-log';
import { runVerify, VerifyFormat } from '../../verify/report';
import { selectTargets } from '../compile-targets';
import { UsageError } from '../errors';
import { CliIO } from '../io';
import { collect, loadForCommand, loadStandardsForCommand, printDiagnostics, todayOption } from '../policy-input';
import { verifyStandards } from '../../analysis/standards';
import { formatDiagnostic } from '../../model/diagnostics';
import { readModel } from '../../verify';

const FORMATS: readonly VerifyFormat[] = ['text', 'json', 'sarif'];

export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('verify')
    .description('evaluate compiled Terraform JSON the way each cloud does and compare it with the policy, flow by flow')
    .argument('<policy>', 'policy file (YAML or JSON) or policy directory')
    .argument('<dir>', 'output directory of `microseg compile` (holds <target>/cdk.tf.json and identities.json)')
    .option('--target <target>', 'aws, azure, gcp, kubernetes, a comma-separated list, or all (default: every target found in DIR)')
    .option('--format <format>', 'text, json or sarif', 'text')
    .option('--standards <file>', 'also judge the output by a SegmentationStandards file, or a directory of them (repeatable; a policy directory\'s own standards apply with --standards or --check-standards)', collect, [] as string[])
    .option('--check-standards', 'judge the output by the policy directory\'s own standards', false)
    .addOption(todayOption())
    .action((file: string, dir: string, opts: { today?: string; target?: string; format: string; standards: string[]; checkStandards: boolean }) => {
      if (!FORMATS.includes(opts.format as VerifyFormat)) throw new UsageError(`unknown format '${opts.format}' (expected ${FORMATS.join(', ')})`);
      const abs = path.resolve(io.cwd, dir);
      if (!fs.existsSync(abs)) throw new UsageError(`${dir}: no such directory`);
      if (!fs.statSync(abs).isDirectory()) throw new UsageError(`${dir}: not a directory (give the --out directory of \`microseg compile\`)`);
      const std = loadStandardsForCommand(io, opts.standards);
      printDiagnostics(io, std.diagnostics);
      if (std.code !== 0) return done(std.code);
      const r = loadForCommand(io, file, opts.today);
      printDiagnostics(io, r.diagnostics);
      if (!r.ok) return done(r.code);
      let targets: TargetName[];
      if (opts.target) targets = selectTargets(r.ir, opts.target);
      else targets = TARGET_NAMES.filter((t) => fs.existsSync(path.join(abs, t, 'cdk.tf.json')));
      if (targets.length === 0) throw new UsageError(`${dir}: no compiled target found (expected ${TARGET_NAMES.map((t) => `${t}/cdk.tf.json`).join(', ')})`);
      const run = runVerify(r.ir, abs, targets, opts.format as VerifyFormat, placeOf(io.cwd));
      io.out(run.stdout);
      io.err(run.stderr);
      let broken = 0;
      if (run.exitCode !== 2 && (opts.standards.length > 0 || opts.checkStandards)) {
        // Standards on the output itself: a hand-edited plan is judged, not the policy it came from.
        for (const t of targets) {
          const tf = JSON.parse(fs.readFileSync(path.join(abs, t, 'cdk.tf.json'), 'utf8'));
          const ids = JSON.parse(fs.readFileSync(path.join(abs, t, 'identities.json'), 'utf8'));
          const findings = verifyStandards(r.ir, readModel(r.ir, t, tf, ids), t, std.standards);
          for (const f of findings) io.err(formatDiagnostic(f) + '\n');
          broken += findings.filter((f) => f.severity === 'error').length;
        }
        if (broken === 0) io.err(`standards: ${r.ir.policy.standards.length + std.standards.length} held on ${targets.join(', ')}\n`);
      }
      done(broken > 0 && run.exitCode === 0 ? 1 : run.exitCode);
    });
}
