/** `microseg validate POLICY [--format text|json]`: schema, references, CIDRs, ports. */
import { Command } from 'commander';
import { formatDiagnostic } from '../../model/diagnostics';
import { count } from '../../model/words';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from '../errors';
import { CliIO } from '../io';
import { loadForCommand, printDiagnostics, todayOption } from '../policy-input';

export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('validate')
    .description('check a policy: schema, references, CIDRs, ports; exit 0 when valid, 1 when not')
    .argument('<policy>', 'policy file (YAML or JSON) or policy directory')
    .option('--format <format>', 'text or json', 'text')
    .addOption(todayOption())
    .action((file: string, opts: { today?: string; format: string }) => {
      if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError(`unknown format '${opts.format}' (expected text or json)`);
      const r = loadForCommand(io, file, opts.today);
      const code = r.ok ? EXIT_OK : r.code;
      if (opts.format === 'json') {
        io.out(
          JSON.stringify(
            {
              valid: r.ok,
              policy: r.ok ? r.policy.name : undefined,
              diagnostics: r.diagnostics.map((d) => ({ code: d.code, severity: d.severity, message: d.message, location: d.location, text: formatDiagnostic(d) })),
            },
            null,
            2,
          ) + '\n',
        );
      } else {
        printDiagnostics(io, r.diagnostics);
        if (r.ok) {
          const ir = r.ir;
          io.out(`${file}: valid policy '${ir.name}': ${count(ir.segments.length, 'segment')}, ${count(ir.externals.length, 'external')}, ${count(ir.rules.length, 'rule or guardrail', 'rules and guardrails')}\n`);
        }
      }
      done(code === EXIT_OK ? EXIT_OK : code ?? EXIT_FINDINGS);
    });
}
