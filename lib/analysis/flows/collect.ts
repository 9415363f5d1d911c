/**
 * Read several flow-log files into one aggregate, in a time window. The
 * window ends at `until` or, by default, at the newest record of the logs
 * themselves, so the same logs give the same answer on any day; a first
 * pass finds that newest time only when it is needed (a second read of
 * the files, still streamed).
 */
import { FlowAggregator } from '../replay';
import { FlowReadReport, readFlowLog, ReadFlowOptions } from './read';

export interface CollectOptions {
  readonly days?: number;
  /** Window end, epoch seconds. */
  readonly until?: number;
  readonly progress?: (file: string, done: number, total: number) => void;
  readonly read?: ReadFlowOptions;
}

export interface Collected {
  readonly aggregate: FlowAggregator;
  readonly reports: readonly FlowReadReport[];
  readonly window?: { readonly from: number; readonly to: number };
  /** Span of the records the logs hold (all of them, not just the window). */
  readonly first: number;
  readonly last: number;
}

export async function collectFlows(files: readonly string[], opts: CollectOptions = {}): Promise<Collected> {
  let until = opts.until;
  let window: { from: number; to: number } | undefined;
  const progressFor = (f: string) => (opts.progress ? (d: number, t: number) => opts.progress!(f, d, t) : undefined);
  if (opts.days !== undefined && until === undefined) {
    let last = -Infinity;
    for (const f of files) {
      const r = await readFlowLog(f, (rec) => {
        if (rec.start > last) last = rec.start;
      }, { ...opts.read, progress: progressFor(f) });
      if (r.last > last) last = r.last;
    }
    until = last === -Infinity ? undefined : last;
  }
  if (opts.days !== undefined && until !== undefined) window = { from: until - opts.days * 86400, to: until };
  const aggregate = new FlowAggregator(window);
  const reports: FlowReadReport[] = [];
  for (const f of files) reports.push(await readFlowLog(f, (r) => aggregate.add(r), { ...opts.read, progress: progressFor(f) }));
  const firsts = reports.map((r) => r.first).filter((x) => !Number.isNaN(x));
  const lasts = reports.map((r) => r.last).filter((x) => !Number.isNaN(x));
  return { aggregate, reports, window, first: firsts.length ? Math.min(...firsts) : NaN, last: lasts.length ? Math.max(...lasts) : NaN };
}
