/**
 * `microseg discover --flows FILE… --inventory FILE [--labels env,tier,app] [--policy P]`:
 * least-privilege rules from observed accepted traffic, printed as a
 * policy YAML that validates. With `--policy`, that policy plus rules for
 * only the flows it does not yet allow.
 */
import * as path from 'path';
import { Command } from 'commander';
import { discover, labelSpace, pairsFromFlows, policySpace } from '../../analysis/discover';
import { AddressBook, memberships } from '../../analysis/inventory';
import { athenaDiscoverSql } from '../../analysis/sql/athena';
import { bigqueryDiscoverSql } from '../../analysis/sql/bigquery';
import { pairsFromRows, QueryResultError, readQueryRows } from '../../analysis/sql/result';
import { checkPolicyObject } from '../../model/policy';
import { suggest } from '../../model/suggest';
import { EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError } from '../errors';
import { CliIO } from '../io';
import { loadForCommand, printDiagnostics, todayOption } from '../policy-input';
import { flowsForCommand, inventoryForCommand, parseAwsFormatOption, parseDays, parseUntil } from './lifecycle-input';
import { count } from '../../model/words';

interface Opts {
  today?: string;
  flows?: string[];
  inventory?: string;
  labels?: string;
  policy?: string;
  name?: string;
  days?: string;
  until?: string;
  emitSql?: string;
  table?: string;
  fromQueryResult?: string;
  awsFormat?: string;
}

export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('discover')
    .description('propose least-privilege rules from observed accepted flows, generalised by labels, as policy YAML')
    .option('--flows <files...>', 'flow logs: AWS VPC Flow Logs, Azure NSG/VNet flow logs, GCP VPC Flow Logs (gzip accepted)')
    .option('--inventory <file>', 'workloads: YAML, JSON or CSV rows of name, address, labels')
    .option('--labels <list>', 'labels that define segments, comma-separated (default: every label of the inventory)')
    .option('--policy <file>', 'existing policy: keep it, and propose rules only for flows it does not allow')
    .option('--name <name>', 'metadata.name of the proposed policy', 'discovered')
    .option('--days <n>', 'only flows of the last N days (ending now, or at --until)')
    .option('--aws-format <format>', "AWS flow-log format string as configured (`${version} ${srcaddr} …`), for files without a header line (CloudWatch Logs delivery)")
    .option('--until <date>', 'window end (ISO date or epoch seconds)')
    .option('--emit-sql <warehouse>', 'print the observation step as one SQL query instead: athena (AWS) or bigquery (GCP)')
    .option('--table <name>', 'flow-log table for --emit-sql')
    .option('--from-query-result <file>', 'read the result (CSV or JSON) of the --emit-sql query instead of flow logs')
    .addOption(todayOption())
    .action(async (opts: Opts) => {
      if (!opts.inventory) throw new UsageError('discover needs --inventory FILE (flows are mapped to workloads by address)');
      const days = parseDays(opts.days);
      const until = parseUntil(opts.until);
      const awsFormat = parseAwsFormatOption(opts.awsFormat);
      let base;
      if (opts.policy) {
        const r = loadForCommand(io, opts.policy, opts.today);
        printDiagnostics(io, r.diagnostics);
        if (!r.ok) return done(r.code);
        base = r.ir;
      }
      const inv = inventoryForCommand(io, opts.inventory);
      if (!inv) return done(EXIT_USAGE);
      const labels = opts.labels?.split(',').map((s) => s.trim()).filter(Boolean);
      if (base && labels) throw new UsageError('--labels and --policy exclude each other: with a policy, its segments are used');
      // A label no workload carries would silently make every segment 'unlabelled' in it: almost surely a typo.
      const known = [...new Set(inv.workloads.flatMap((w) => Object.keys(w.labels)))].sort();
      for (const l of labels ?? []) {
        if (known.includes(l)) continue;
        const hint = suggest(l, known);
        throw new UsageError(`--labels: no workload of ${opts.inventory} has the label '${l}'${hint ? ` (did you mean '${hint}'?)` : ''}; its labels: ${known.join(', ') || 'none'}`);
      }
      const space = base ? policySpace(base, inv) : labelSpace(inv, labels);
      if (space.segments.size === 0) throw new UsageError(`no workload of ${opts.inventory} carries ${labels ? `any of the labels ${labels.join(', ')}` : 'labels'}`);
      if (opts.emitSql !== undefined) {
        const keys = [...space.keyOfAddress].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        const o = { table: opts.table, days, to: until };
        if (opts.emitSql === 'athena') io.out(athenaDiscoverSql(keys, space.internal, o, base));
        else if (opts.emitSql === 'bigquery') io.out(bigqueryDiscoverSql(keys, space.internal, o, base));
        else throw new UsageError(`unknown warehouse '${opts.emitSql}' (expected athena or bigquery)`);
        return done(EXIT_OK);
      }
      let pairs;
      if (opts.fromQueryResult !== undefined) {
        try {
          pairs = pairsFromRows(opts.fromQueryResult, readQueryRows(path.resolve(io.cwd, opts.fromQueryResult)));
        } catch (e) {
          if (e instanceof QueryResultError) {
            io.err(`${opts.fromQueryResult} error MS8020 ${e.message}\n`);
            return done(EXIT_FINDINGS);
          }
          throw e;
        }
      } else {
        if (!opts.flows || opts.flows.length === 0) throw new UsageError('discover needs --flows FILE… (or --from-query-result FILE)');
        const c = await flowsForCommand(io, opts.flows, days, until, awsFormat);
        pairs = pairsFromFlows(space, c.aggregate.list(), base ? { ir: base, book: new AddressBook(memberships(base, inv)) } : undefined);
      }
      const result = discover(space, pairs, { name: opts.name, base });
      // The proposal must validate: check it as any policy file would be.
      const check = checkPolicyObject(result.doc, '<discovered>');
      if (!check.policy) {
        printDiagnostics(io, check.diagnostics);
        io.err('discover: internal error: the proposed policy does not validate\n');
        return done(EXIT_INTERNAL);
      }
      for (const n of result.notes) io.err(`discover: ${n}\n`);
      io.err(`discover: ${count(result.stats.cells, 'observed segment/host pair')} -> ${count(result.stats.rules, 'rule')} over ${count(result.stats.segments, 'segment')}\n`);
      io.out(result.yaml);
      done(EXIT_OK);
    });
}
