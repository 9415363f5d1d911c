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
import { Diagnostic, hasErrors } from '../../model/diagnostics';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from '../errors';
import { CliIO } from '../io';
import { displayPath, loadForCommand, printDiagnostics, todayOption } from '../policy-input';
import { checkGroupBy, writeFileAtomically } from './graph';

type Row = { name: string; address?: string; labels?: Record<string, string> };

const isRow = (x: unknown): x is Row => Boolean(x) && typeof x === 'object' && typeof (x as Row).name === 'string';

/**
 * Coverage from --inventory: a precomputed coverage object (JSON with
 * `total`, `managed`, `segments`, `unmanaged`), or an inventory, read and
 * matched by lib/analysis/inventory (YAML, JSON or CSV) when present.
 */
export function readCoverage(io: CliIO, ir: ResolvedPolicy, file: string): { coverage: CoverageReport; diagnostics: readonly Diagnostic[] } {
  const full = path.resolve(io.cwd, file);
  const text = fs.readFileSync(full, 'utf8');
  const precomputed = asCoverageObject(text);
  if (precomputed) return { coverage: precomputed, diagnostics: [] };
  // The lifecycle analyses read every inventory format (CSV too) and decide membership; use them when present.
  let inv: typeof import('../../analysis/inventory') | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    inv = require('../../analysis/inventory');
  } catch {
    inv = undefined;
  }
  if (inv && typeof inv.readInventory === 'function' && typeof inv.memberships === 'function') {
    const inventory = inv.readInventory(full, displayPath(io, full));
    const members = inv.memberships(ir, inventory);
    const counts = new Map(ir.segments.map((x) => [x.name, 0]));
    const unmanaged = members.filter((m) => m.segment === undefined);
    for (const m of members) if (m.segment !== undefined) counts.set(m.segment, (counts.get(m.segment) ?? 0) + 1);
    return {
      coverage: {
        total: members.length,
        managed: members.length - unmanaged.length,
        segments: [...counts].map(([segment, workloads]) => ({ segment, workloads })),
        unmanaged: unmanaged.slice(0, 200).map((m) => ({ name: m.workload.name, address: m.workload.address, labels: m.workload.labels })),
        unmanagedCount: unmanaged.length,
      },
      diagnostics: inventory.diagnostics,
    };
  }
  return { coverage: coverageFromRows(ir, file, text), diagnostics: [] };
}

function asCoverageObject(text: string): CoverageReport | undefined {
  let obj: Record<string, unknown> | undefined;
  try {
    obj = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (obj && typeof obj.total === 'number' && typeof obj.managed === 'number' && Array.isArray(obj.segments)) return { unmanaged: [], ...(obj as object) } as unknown as CoverageReport;
  return undefined;
}

/** Fallback when the inventory module is absent: JSON or YAML rows `{name, address, labels}`. */
function coverageFromRows(ir: ResolvedPolicy, file: string, text: string): CoverageReport {
  let data: unknown;
  try {
    data = /\.json$/i.test(file) ? JSON.parse(text) : parse(text);
  } catch (e) {
    throw new UsageError(`--inventory ${file}: not JSON or YAML (${(e as Error).message.split('\n')[0]})`);
  }
  const obj = data as Record<string, unknown>;
  const rows = Array.isArray(data) ? data : obj && Array.isArray(obj.workloads) ? obj.workloads : undefined;
  if (!rows || !rows.every(isRow)) throw new UsageError(`--inventory ${file}: expected a list of workloads {name, address, labels} or a coverage object`);
  return coverageFromInventory(ir, rows);
}

export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('report')
    .description('write one self-contained HTML report: graph, lint findings, per-segment tables, coverage, searchable rules')
    .argument('<policy>', 'policy file (YAML or JSON) or policy directory')
    .option('--out <file>', 'HTML file to write', 'report.html')
    .option('--inventory <file>', 'workload inventory (or a precomputed coverage object) for the coverage section')
    .option('--group-by <label>', "group segments in the graph by a label, or 'none' (default: env, when the policy has it)")
    .addOption(todayOption())
    .action(async (file: string, opts: { today?: string; out: string; inventory?: string; groupBy?: string }) => {
      const r = loadForCommand(io, file, opts.today);
      printDiagnostics(io, r.diagnostics);
      if (!r.ok) return done(r.code);
      if (opts.groupBy !== 'none') checkGroupBy(r.ir, opts.groupBy);
      let coverage: CoverageReport | undefined;
      if (opts.inventory !== undefined) {
        const c = readCoverage(io, r.ir, opts.inventory);
        printDiagnostics(io, c.diagnostics);
        if (hasErrors(c.diagnostics)) {
          io.err(`report: inventory ${opts.inventory} has errors; nothing written\n`);
          return done(EXIT_FINDINGS);
        }
        coverage = c.coverage;
      }
      const html = await buildReport(r.ir, { groupBy: opts.groupBy, coverage });
      writeFileAtomically(io, opts.out, html);
      io.out(`report of '${r.ir.name}' written to ${opts.out} (${Math.round(html.length / 1024)} KiB)\n`);
      done(EXIT_OK);
    });
}
