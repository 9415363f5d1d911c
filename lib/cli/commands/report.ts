/**
 * `microseg report POLICY --out report.html [--inventory FILE]`: one
 * self-contained HTML file (graph, lint findings, per-segment tables,
 * coverage, searchable rules) that works opened from disk.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { parse } from 'yaml';
import { ResolvedPolicy } from '../../resolve/ir';
import { buildReport, CoverageReport, coverageFromInventory } from '../../report/html';
import { EXIT_OK, UsageError } from '../errors';
import { CliIO } from '../io';
import { loadForCommand, printDiagnostics } from '../policy-input';
import { checkGroupBy, writeFileAtomically } from './graph';

type Row = { name: string; address?: string; labels?: Record<string, string> };

const isRow = (x: unknown): x is Row => Boolean(x) && typeof x === 'object' && typeof (x as Row).name === 'string';

/**
 * Coverage from --inventory: a precomputed coverage object (`total`,
 * `managed`, `segments`, `unmanaged`), or inventory rows (a list, or
 * `{workloads: […]}`) in JSON or YAML. The lifecycle analyses own the
 * full inventory formats (CSV included); their coverage object plugs in here.
 */
export function readCoverage(io: CliIO, ir: ResolvedPolicy, file: string): CoverageReport {
  const text = fs.readFileSync(path.resolve(io.cwd, file), 'utf8');
  let data: unknown;
  try {
    data = /\.json$/i.test(file) ? JSON.parse(text) : parse(text);
  } catch (e) {
    throw new UsageError(`--inventory ${file}: not JSON or YAML (${(e as Error).message.split('\n')[0]})`);
  }
  const obj = data as Record<string, unknown>;
  if (obj && typeof obj.total === 'number' && typeof obj.managed === 'number' && Array.isArray(obj.segments)) {
    return { unmanaged: [], ...(obj as object) } as unknown as CoverageReport;
  }
  const rows = Array.isArray(data) ? data : obj && Array.isArray(obj.workloads) ? obj.workloads : undefined;
  if (!rows || !rows.every(isRow)) throw new UsageError(`--inventory ${file}: expected a list of workloads {name, address, labels} or a coverage object`);
  return coverageFromInventory(ir, rows);
}

export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('report')
    .description('write one self-contained HTML report: graph, lint findings, per-segment tables, coverage, searchable rules')
    .argument('<policy>', 'policy file (YAML or JSON)')
    .option('--out <file>', 'HTML file to write', 'report.html')
    .option('--inventory <file>', 'workload inventory (or a precomputed coverage object) for the coverage section')
    .option('--group-by <label>', "group segments in the graph by a label, or 'none' (default: env, when the policy has it)")
    .action(async (file: string, opts: { out: string; inventory?: string; groupBy?: string }) => {
      const r = loadForCommand(io, file);
      printDiagnostics(io, r.diagnostics);
      if (!r.ok) return done(r.code);
      if (opts.groupBy !== 'none') checkGroupBy(r.ir, opts.groupBy);
      const coverage = opts.inventory !== undefined ? readCoverage(io, r.ir, opts.inventory) : undefined;
      const html = await buildReport(r.ir, { groupBy: opts.groupBy, coverage });
      writeFileAtomically(io, opts.out, html);
      io.out(`report of '${r.ir.name}' written to ${opts.out} (${Math.round(html.length / 1024)} KiB)\n`);
      done(EXIT_OK);
    });
}
