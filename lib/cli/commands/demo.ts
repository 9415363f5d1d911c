/**
 * `microseg demo [POLICY]`: the main job on the bundled example (what
 * `npm start` runs): validate, compile to every target the policy declares
 * (the three clouds when it declares none; the others are listed as
 * skipped, with why), verify each output against the policy's meaning, and
 * print a summary.
 */
import { Command } from 'commander';
import * as path from 'path';
import { sortDiagnostics } from '../../model/diagnostics';
import { count } from '../../model/words';
import { expiredSummary } from '../../resolve/expired';
import { ResolvedPolicy } from '../../resolve/ir';
import { TargetOutput } from '../../targets/target';
import { verifyOutput } from '../../verify';
import { writeAtomically } from '../atomic';
import { compileTargets, outputFiles, planTargets, skippedLines } from '../compile-targets';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../errors';
import { CliIO } from '../io';
import { examplePolicyPath } from '../package-root';
import { displayPath, loadForCommand, printDiagnostics, todayOption } from '../policy-input';

interface VerifySummary {
  exact: boolean;
  text: string;
}

/** Verify one output against the policy's meaning. */
function verifyOne(ir: ResolvedPolicy, out: TargetOutput): VerifySummary {
  const report = verifyOutput(ir, out.target, out.terraform, out.identities);
  const checks = report.checked.pairChecks + report.checked.outsideChecks;
  const tolerated = report.toleratedCount ? `, ${report.toleratedCount} permitted shared-address deviations` : '';
  if (report.verdict === 'equivalent') return { exact: true, text: `exact: ${checks} side checks, 0 mismatches${tolerated} (${report.elapsedMs} ms)` };
  if (report.verdict === 'inconclusive') return { exact: false, text: `INCONCLUSIVE: ${report.issues.length} constructs could not be evaluated` };
  return { exact: false, text: `${report.mismatchCount} MISMATCHES (run microseg verify for examples)` };
}

export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('demo')
    .description('the main job on a policy (default: the bundled shop example): validate, compile every target, verify, summarise')
    .argument('[policy]', 'policy file (default: the bundled examples/shop/policy.yaml)')
    .option('--out <dir>', 'where to write the compiled targets', 'out')
    .addOption(todayOption())
    .action((file: string | undefined, opts: { today?: string; out: string }) => {
      const policyFile = file ?? displayPath(io, examplePolicyPath());
      const r = loadForCommand(io, policyFile, opts.today);
      printDiagnostics(io, r.diagnostics);
      if (!r.ok) return done(r.code);
      const ir = r.ir;
      const flows = ir.rules.reduce((n, rule) => n + rule.pairCount, 0);
      io.out(`policy '${ir.name}' (${policyFile}): valid\n`);
      io.out(
        `  ${count(ir.segments.length, 'segment')}, ${count(ir.externals.length, 'external')}, ${count(ir.rules.filter((x) => x.origin.kind === 'guardrail').length, 'guardrail')}, ${count(ir.rules.filter((x) => x.origin.kind === 'rule').length, 'rule')}, ${count(flows, 'segment pair')} named by rules\n`,
      );
      if (ir.expired.length) io.out(`  left out as of ${ir.today}: ${expiredSummary(ir)}\n`);
      io.out('\n');
      const plan = planTargets(ir, 'all');
      const c = compileTargets(ir, plan.targets, { optional: true });
      printDiagnostics(io, sortDiagnostics(c.diagnostics.filter((d) => d.severity !== 'info')));
      if (c.failed) {
        io.err('compile failed: nothing written\n');
        return done(EXIT_FINDINGS);
      }
      if (c.outputs.length === 0) {
        for (const line of skippedLines([...plan.skipped, ...c.skipped], false)) io.err(`${line}\n`);
        io.err('demo: no target could be compiled: nothing written\n');
        return done(EXIT_USAGE);
      }
      const outDir = path.join(opts.out, ir.name);
      writeAtomically(path.resolve(io.cwd, outDir), outputFiles(c.outputs));
      const rows: string[][] = [['target', 'identities', 'rules', 'resources', 'verification']];
      let exact = true;
      for (const o of c.outputs) {
        const v = verifyOne(ir, o);
        if (!v.exact) exact = false;
        rows.push([o.target, String(o.stats.identities), String(o.stats.rules), String(o.stats.resources), v.text]);
      }
      const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
      for (const row of rows) io.out('  ' + row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd() + '\n');
      for (const line of skippedLines([...plan.skipped, ...c.skipped], false)) io.out(`  ${line}\n`);
      io.out(`\nwritten: ${c.outputs.map((o) => `${outDir}/${o.target}/cdk.tf.json`).join(', ')}\n`);
      done(exact ? EXIT_OK : EXIT_FINDINGS);
    });
}
