/** `microseg lint POLICY [--fail-on error|warning|none] [--format …] [--today YYYY-MM-DD]`: validate plus the lint findings. */
import * as path from 'path';
import { Command } from 'commander';
import { failsOn, lint } from '../../analysis/lint';
import { lintGithub } from '../../report/github';
import { lintJson } from '../../report/json';
import { lintJunit } from '../../report/junit';
import { LintReport } from '../../report/lint-model';
import { lintMarkdown } from '../../report/markdown';
import { lintSarif } from '../../report/sarif';
import { placeOf } from '../../model/sarif-log';
import { lintText } from '../../report/text';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from '../errors';
import { CliIO } from '../io';
import { packageVersion } from '../package-root';
import { collect, displayPath, Loaded, loadForCommand, loadStandardsForCommand, printDiagnostics, todayFor, todayOption } from '../policy-input';

const FORMATS = ['text', 'json', 'markdown', 'sarif', 'junit', 'github'] as const;
const FAIL_ON = ['error', 'warning', 'none'] as const;

export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('lint')
    .description('validate a policy and report lint findings (conflicts, shadowed rules, world-open admin ports, …)')
    .argument('<policy>', 'policy file (YAML or JSON) or policy directory')
    .option('--fail-on <severity>', 'exit 1 on findings at or above: error, warning or none', 'error')
    .option('--format <format>', FORMATS.join(', '), 'text')
    .option('--standards <file>', 'a SegmentationStandards file, or a directory of them, to judge the policy by (repeatable; a policy directory\'s own standards always apply)', collect, [] as string[])
    .addOption(todayOption())
    .action((file: string, opts: { failOn: string; format: string; today?: string; standards: string[] }) => {
      if (!(FORMATS as readonly string[]).includes(opts.format)) throw new UsageError(`unknown format '${opts.format}' (expected ${FORMATS.join(', ')})`);
      if (!(FAIL_ON as readonly string[]).includes(opts.failOn)) throw new UsageError(`unknown --fail-on '${opts.failOn}' (expected error, warning or none)`);
      const today = todayFor(opts.today);
      const std = loadStandardsForCommand(io, opts.standards);
      // MS3007 says what MS2002 would: each expired allow is one finding, not a finding and a note.
      const loaded = withoutExpiryNotes(loadForCommand(io, file, today));
      const r = std.code === 0 ? loaded : { ok: false as const, code: Math.max(std.code, loaded.ok ? 0 : loaded.code), diagnostics: [...std.diagnostics, ...loaded.diagnostics] };
      printDiagnostics(io, r.ok ? [...std.diagnostics, ...r.diagnostics] : r.diagnostics);
      const format = opts.format as (typeof FORMATS)[number];
      if (!r.ok) {
        // A policy with validation errors still gets a complete machine-readable report carrying
        // those errors, so `lint --format sarif > lint.sarif` in CI uploads them rather than an
        // empty file. Text is for people and the errors are already on stderr; an unreadable file
        // (exit 2) is bad usage, not a report.
        if (r.code === EXIT_FINDINGS && format !== 'text') {
          const report: LintReport = { policy: '', file: displayPath(io, path.resolve(io.cwd, file)), today, findings: [], toolVersion: packageVersion(), diagnostics: r.diagnostics };
          io.out(renderers(report, io)[format]());
        }
        return done(r.code);
      }
      const findings = lint(r.ir, { today, standards: std.standards });
      const report: LintReport = { policy: r.ir.name, file: r.policy.file, today, findings, toolVersion: packageVersion(), diagnostics: r.diagnostics };
      io.out(renderers(report, io)[format]());
      const threshold = opts.failOn as (typeof FAIL_ON)[number];
      done(findings.some((f) => failsOn(f, threshold)) ? EXIT_FINDINGS : EXIT_OK);
    });
}

function renderers(report: LintReport, io: CliIO): Record<(typeof FORMATS)[number], () => string> {
  return { text: () => lintText(report, io.isTTY), json: () => lintJson(report), markdown: () => lintMarkdown(report), sarif: () => lintSarif(report, placeOf(io.cwd)), junit: () => lintJunit(report), github: () => lintGithub(report) };
}

function withoutExpiryNotes(r: Loaded): Loaded {
  return { ...r, diagnostics: r.diagnostics.filter((d) => d.code !== 'MS2002') };
}
