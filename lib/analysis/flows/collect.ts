/**
 * Read several flow-log files into one aggregate, in one pass, in a time
 * window. The window ends at `until` (the CLI passes the current time
 * unless `--until` says otherwise), never at the newest record: one stray
 * far-future line must not move the window and turn every rule stale.
 * Records outside the window are counted per file, and the span of each
 * file's records is kept so that a log lying wholly outside the window
 * can be named with its dates.
 */
import { FlowAggregator } from '../replay';
import { FlowReadReport, readFlowLog, ReadFlowOptions } from './read';

export interface CollectOptions {
  readonly days?: number;
  /** Window end, epoch seconds (required with `days`). */
  readonly until?: number;
  readonly progress?: (file: string, done: number, total: number) => void;
  readonly read?: ReadFlowOptions;
}

/** A file's read report plus what the window did to it. */
export interface CollectedFile extends FlowReadReport {
  /** Records dropped as starting outside the window. */
  readonly outsideWindow: number;
}

export interface Collected {
  readonly aggregate: FlowAggregator;
  readonly reports: readonly CollectedFile[];
  readonly window?: { readonly from: number; readonly to: number };
  /** Span of the records the logs hold (all of them, not just the window). */
  readonly first: number;
  readonly last: number;
  /** Records outside the window, over all files. */
  readonly outsideWindow: number;
}

export async function collectFlows(files: readonly string[], opts: CollectOptions = {}): Promise<Collected> {
  if (opts.days !== undefined && opts.until === undefined) throw new Error('collectFlows: a window (days) needs its end (until)');
  const window = opts.days !== undefined ? { from: opts.until! - opts.days * 86400, to: opts.until! } : undefined;
  const aggregate = new FlowAggregator();
  const reports: CollectedFile[] = [];
  for (const f of files) {
    let outside = 0;
    const progress = opts.progress ? (d: number, t: number) => opts.progress!(f, d, t) : undefined;
    const r = await readFlowLog(
      f,
      (rec) => {
        // A record without a time cannot be placed: it is kept (the log says it happened).
        if (window && !Number.isNaN(rec.start) && (rec.start < window.from || rec.start > window.to)) outside++;
        else aggregate.add(rec);
      },
      { ...opts.read, progress },
    );
    reports.push({ ...r, outsideWindow: outside });
  }
  const firsts = reports.map((r) => r.first).filter((x) => !Number.isNaN(x));
  const lasts = reports.map((r) => r.last).filter((x) => !Number.isNaN(x));
  return {
    aggregate,
    reports,
    window,
    first: firsts.length ? Math.min(...firsts) : NaN,
    last: lasts.length ? Math.max(...lasts) : NaN,
    outsideWindow: reports.reduce((n, r) => n + r.outsideWindow, 0),
  };
}
