/**
 * Inputs shared by the lifecycle commands (impact, stale, discover, drift):
 * inventories, flow logs with a progress bar on a terminal, query results,
 * and the window options. Not a command itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Diagnostic, hasErrors } from '../../model/diagnostics';
import { severityOf } from '../../model/codes';
import { collectFlows, Collected } from '../../analysis/flows/collect';
import { describeRead, FlowFormatError } from '../../analysis/flows/read';
import { parseAwsFormat } from '../../analysis/flows/aws';
import { iso } from '../../analysis/stale';
import { count } from '../../model/words';
import { Inventory, readInventory } from '../../analysis/inventory';
import { UsageError } from '../errors';
import { CliIO } from '../io';
import { displayPath, printDiagnostics } from '../policy-input';

export function parseFormat(f: string, allowed: readonly string[]): string {
  if (!allowed.includes(f)) throw new UsageError(`unknown format '${f}' (expected ${allowed.join(', ')})`);
  return f;
}

/** Read an inventory; its diagnostics go to stderr. Undefined when it has errors: the caller exits 2, as for a wrong --state (an input file, not the policy, is wrong). */
export function inventoryForCommand(io: CliIO, file: string): Inventory | undefined {
  const full = path.resolve(io.cwd, file);
  if (!fs.existsSync(full)) throw new UsageError(`--inventory ${file}: no such file`);
  const inv = readInventory(full, displayPath(io, full));
  printDiagnostics(io, inv.diagnostics);
  return hasErrors(inv.diagnostics as Diagnostic[]) ? undefined : inv;
}

export function parseDays(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0) throw new UsageError(`--days must be a positive number, not '${v}'`);
  return Number(v);
}

export function parseUntil(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = /^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v);
  if (Number.isNaN(t)) throw new UsageError(`--until must be a date (2025-01-31 or an ISO timestamp) or epoch seconds, not '${v}'`);
  return Math.floor(t / 1000);
}

/** `--aws-format '<format string>'` as field names; a bad one is a usage error. */
export function parseAwsFormatOption(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  try {
    return parseAwsFormat(v);
  } catch (e) {
    throw new UsageError(`--aws-format: ${(e as Error).message}`);
  }
}

/** The window's end: `--until`, else now. */
export function windowEnd(until: number | undefined): number {
  return until ?? Math.floor(Date.now() / 1000);
}

/**
 * Stream every flow-log file once, drawing a progress bar on stderr when
 * stderr is a terminal; per-file summaries, MS8010 (malformed), MS8013
 * (no verdict) and MS8014 (all outside the window) to stderr.
 */
export async function flowsForCommand(io: CliIO, files: readonly string[], days?: number, until?: number, awsFormat?: readonly string[]): Promise<Collected> {
  if (files.length === 0) throw new UsageError('--flows needs at least one file');
  const full = files.map((f) => path.resolve(io.cwd, f));
  // Read errors from the streams do not carry the path ("EISDIR: illegal operation on a directory, read"): name it here.
  for (const [i, f] of full.entries()) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(f);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(`--flows ${files[i]}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? (e as Error).message})`}`);
    }
    if (st.isDirectory()) throw new UsageError(`--flows ${files[i]}: is a directory (give the flow-log files, e.g. ${path.join(files[i], '*.log')})`);
  }
  let drawn = false;
  const progress = io.errIsTTY
    ? (file: string, done: number, total: number) => {
        const pct = total > 0 ? done / total : 1;
        const width = 30;
        const bar = '#'.repeat(Math.round(pct * width)).padEnd(width, '-');
        io.err(`\r[${bar}] ${(pct * 100).toFixed(0).padStart(3)}% ${displayPath(io, file)}`);
        drawn = true;
      }
    : undefined;
  let c: Collected;
  try {
    c = await collectFlows(full, { days, until: days !== undefined ? windowEnd(until) : until, progress, read: awsFormat ? { awsFormat } : undefined });
  } catch (e) {
    if (e instanceof FlowFormatError) throw new UsageError(`MS8011 ${e.message}`);
    throw e;
  } finally {
    if (drawn) io.err('\r\x1b[K');
  }
  for (const r of c.reports) {
    const line = describeRead(r, displayPath(io, r.file));
    // The diagnostic's location is the file: the summary after the code then starts at the format, not the name again.
    if (r.malformed > 0) io.err(`${displayPath(io, r.file)} ${severityOf('MS8010')} MS8010 ${line.slice(displayPath(io, r.file).length + 2)}\n`);
    else io.err(line + '\n');
    const shown = displayPath(io, r.file);
    if (r.unknownVerdict > 0) {
      io.err(`${shown} ${severityOf('MS8013')} MS8013 ${count(r.unknownVerdict, 'record')} without a verdict (no action field, or a GCP source-side report, sampled before egress firewall rules): seen, verdict unknown; never counted as use or as evidence for discover\n`);
    }
    if (c.window && r.records > 0 && r.outsideWindow === r.records) {
      io.err(`${shown} ${severityOf('MS8014')} MS8014 all ${count(r.records, 'record')} lie outside the window ${iso(c.window.from)} – ${iso(c.window.to)}: the log spans ${iso(r.first)} – ${iso(r.last)} (pass --until, or newer logs)\n`);
    } else if (r.outsideWindow > 0) io.err(`${shown}: ${count(r.outsideWindow, 'record')} outside the window, not counted\n`);
  }
  return c;
}

/** MS8012 when the logs cover less of the window than asked. */
export function windowWarning(io: CliIO, c: Collected, days: number): void {
  if (Number.isNaN(c.first) || !c.window) return;
  const covered = (c.window.to - Math.max(c.first, c.window.from)) / 86400;
  if (covered < days - 1e-9) {
    io.err(`<flows> ${severityOf('MS8012')} MS8012 the flow logs cover ${covered.toFixed(1)} of the ${days} days asked for: a rule reported stale may only be unused in that part\n`);
  }
}
