/** `microseg explain POLICY --from X --to Y [--service tcp/443] [--format text|json]`: allowed or denied per direction, and why. */
import { Command } from 'commander';
import { explain, ExplainInputError } from '../../analysis/explain';
import { explainJson } from '../../report/json';
import { explainText } from '../../report/text';
import { EXIT_OK, UsageError } from '../errors';
import { CliIO } from '../io';
import { loadForCommand, printDiagnostics, todayOption } from '../policy-input';

export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('explain')
    .description('is traffic between two endpoints allowed, in each direction, and which rules and guardrails decide it')
    .argument('<policy>', 'policy file (YAML or JSON) or policy directory')
    .requiredOption('--from <endpoint>', 'segment, label selector (env=prod,tier=web), external, address/CIDR, or segment@address')
    .requiredOption('--to <endpoint>', 'same forms as --from')
    .option('--service <service>', 'tcp/443, udp/53, sctp/2905, icmp/8, esp, proto/N, any, or a service name (default: every service)')
    .option('--format <format>', 'text or json', 'text')
    .addOption(todayOption())
    .action((file: string, opts: { today?: string; from: string; to: string; service?: string; format: string }) => {
      if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError(`unknown format '${opts.format}' (expected text or json)`);
      const r = loadForCommand(io, file, opts.today);
      printDiagnostics(io, r.diagnostics);
      if (!r.ok) return done(r.code);
      let result;
      try {
        result = explain(r.ir, { from: opts.from, to: opts.to, service: opts.service });
      } catch (e) {
        if (e instanceof ExplainInputError) throw new UsageError(e.message);
        throw e;
      }
      io.out(opts.format === 'json' ? explainJson(result) : explainText(result, io.isTTY));
      done(EXIT_OK);
    });
}
