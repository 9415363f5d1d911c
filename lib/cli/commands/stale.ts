/**
 * `microseg stale POLICY --flows FILE… --inventory FILE [--days 90]`:
 * allows that no observed flow used in the window, and allows used only in
 * part. `--emit-sql athena|bigquery` prints the same analysis as one
 * warehouse query instead; `--from-query-result FILE` reads its result.
 */
import * as path from 'path';
import { Command } from 'commander';
import { memberships } from '../../analysis/inventory';
import { AddressBook } from '../../analysis/inventory';
import { athenaStaleSql } from '../../analysis/sql/athena';
import { bigqueryStaleSql } from '../../analysis/sql/bigquery';
import { QueryResultError, readQueryRows, staleHitsFromRows } from '../../analysis/sql/result';
import { hitsFromFlows, staleMarkdown, staleReport, staleText } from '../../analysis/stale';
import { ResolvedPolicy } from '../../resolve/ir';
import { gcpIdentityKind, planGcp } from '../../targets/gcp/plan';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from '../errors';
import { CliIO } from '../io';
import { loadForCommand, printDiagnostics, todayOption } from '../policy-input';
import { flowsForCommand, inventoryForCommand, parseAwsFormatOption, parseDays, parseFormat, parseUntil, windowEnd, windowWarning } from './lifecycle-input';

interface Opts {
  today?: string;
  flows?: string[];
  inventory?: string;
  days: string;
  until?: string;
  format: string;
  emitSql?: string;
  table?: string;
  fromQueryResult?: string;
  failOnStale?: boolean;
  awsFormat?: string;
}

/**
 * Firewall name → rule names, from the GCP plan the policy compiles to:
 * GCP Firewall Rules Logging names the firewall that decided, and this
 * maps it back to our rules. Undefined when the policy does not compile
 * for GCP (its logs then fall back to replay).
 */
function gcpFirewallOrigins(ir: ResolvedPolicy): Map<string, string[]> | undefined {
  try {
    const cfg = ir.policy.doc.targets?.gcp ?? {};
    const plan = planGcp(ir, { identity: gcpIdentityKind(cfg.identity), project: cfg.project ?? 'project', guardrails: cfg.guardrails, tagParent: cfg.tagParent });
    return new Map([...plan.firewalls, ...plan.hierarchical].map((f) => [f.name, [...f.origins]]));
  } catch {
    return undefined;
  }
}

export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('stale')
    .description('rules and allow guardrails that no observed flow used in the window (replaying flow logs through the policy)')
    .argument('<policy>', 'policy file (YAML or JSON) or policy directory')
    .option('--flows <files...>', 'flow logs: AWS VPC Flow Logs, Azure NSG/VNet flow logs, GCP VPC Flow Logs (gzip accepted)')
    .option('--inventory <file>', 'workloads: YAML, JSON or CSV rows of name, address, labels')
    .option('--days <n>', 'window length in days, ending now (or at --until)', '90')
    .option('--until <date>', 'window end (ISO date or epoch seconds); default: now')
    .option('--aws-format <format>', "AWS flow-log format string as configured (`${version} ${srcaddr} …`), for files without a header line (CloudWatch Logs delivery)")
    .option('--format <format>', 'text, json or markdown', 'text')
    .option('--emit-sql <warehouse>', 'print the analysis as one SQL query instead: athena (AWS) or bigquery (GCP)')
    .option('--table <name>', 'flow-log table for --emit-sql')
    .option('--from-query-result <file>', 'read the result (CSV or JSON) of the --emit-sql query instead of flow logs')
    .option('--fail-on-stale', 'exit 1 when some rule is stale', false)
    .addOption(todayOption())
    .action(async (file: string, opts: Opts) => {
      const format = parseFormat(opts.format, ['text', 'json', 'markdown']);
      const days = parseDays(opts.days)!;
      const until = parseUntil(opts.until);
      const awsFormat = parseAwsFormatOption(opts.awsFormat);
      if (!opts.inventory) throw new UsageError('stale needs --inventory FILE (flows are mapped to workloads by address)');
      const r = loadForCommand(io, file, opts.today);
      printDiagnostics(io, r.diagnostics);
      if (!r.ok) return done(r.code);
      const inv = inventoryForCommand(io, opts.inventory);
      if (!inv) return done(EXIT_USAGE);
      const members = memberships(r.ir, inv);
      if (opts.emitSql !== undefined) {
        const o = { table: opts.table, days, to: until };
        if (opts.emitSql === 'athena') io.out(athenaStaleSql(r.ir, members, o));
        else if (opts.emitSql === 'bigquery') io.out(bigqueryStaleSql(r.ir, members, o));
        else throw new UsageError(`unknown warehouse '${opts.emitSql}' (expected athena or bigquery)`);
        return done(EXIT_OK);
      }
      let report;
      if (opts.fromQueryResult !== undefined) {
        if (opts.flows?.length) throw new UsageError('give either --flows or --from-query-result, not both');
        let hits;
        try {
          hits = staleHitsFromRows(opts.fromQueryResult, readQueryRows(path.resolve(io.cwd, opts.fromQueryResult)));
        } catch (e) {
          if (e instanceof QueryResultError) {
            io.err(`${opts.fromQueryResult} error MS8020 ${e.message}\n`);
            return done(EXIT_FINDINGS);
          }
          throw e;
        }
        report = staleReport(r.ir, hits, { days, to: until, from: until !== undefined ? until - days * 86400 : undefined });
      } else {
        if (!opts.flows || opts.flows.length === 0) throw new UsageError('stale needs --flows FILE… (or --from-query-result FILE)');
        const c = await flowsForCommand(io, opts.flows, days, windowEnd(until), awsFormat);
        windowWarning(io, c, days);
        const flows = c.aggregate.list();
        const origins = flows.some((f) => f.decidedBy) ? gcpFirewallOrigins(r.ir) : undefined;
        const { hits, unknown, unattributed } = hitsFromFlows(r.ir, new AddressBook(members), flows, origins);
        report = staleReport(r.ir, hits, {
          days,
          from: c.window?.from,
          to: c.window?.to,
          inputs: c.reports,
          unknown,
          unattributed: { ...unattributed, outsideWindow: c.outsideWindow },
        });
      }
      if (format === 'json') io.out(JSON.stringify(report, null, 2) + '\n');
      else if (format === 'markdown') io.out(staleMarkdown(report));
      else io.out(staleText(report));
      done(opts.failOnStale && report.stale.length > 0 ? EXIT_FINDINGS : EXIT_OK);
    });
}
