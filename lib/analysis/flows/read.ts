/**
 * Read a flow-log file of any supported format: detect, stream, hand each
 * record on, and report what was read and what was skipped.
 */
import { AwsLineParser } from './aws';
import { azureRecord } from './azure';
import { Detected, detectFormat } from './detect';
import { gcpEntry } from './gcp';
import { streamJsonUnits } from './json';
import { FlowFormat, FlowRecord } from './record';
import { peek, ReadTally, SkippedExample, streamLines, StreamOptions } from './stream';

export interface FlowReadReport {
  readonly file: string;
  readonly format: FlowFormat;
  /** Lines (text formats) or flow tuples/entries (JSON formats) looked at. */
  readonly lines: number;
  readonly records: number;
  /** Records without a verdict (no `action` field, GCP source-side reports): seen, never counted as use. */
  readonly unknownVerdict: number;
  readonly ignored: number;
  readonly malformed: number;
  readonly examples: readonly SkippedExample[];
  /** Earliest and latest record start, epoch seconds (NaN when none carried a time). */
  readonly first: number;
  readonly last: number;
}

export interface ReadFlowOptions extends StreamOptions {
  /** Skip detection. */
  readonly format?: FlowFormat;
  readonly maxExamples?: number;
  /** AWS field names of the configured format, for files without a header (`--aws-format`). */
  readonly awsFormat?: readonly string[];
}

export class FlowFormatError extends Error {}

export async function detectFile(file: string, awsFormat?: readonly string[]): Promise<Detected> {
  const head = await peek(file);
  const d = detectFormat(head, awsFormat);
  if (!d) {
    throw new FlowFormatError(
      `${file}: not a recognised flow log (expected AWS VPC or Transit Gateway Flow Logs text with a header line or the default format, CloudWatch Logs exports, Azure NSG/VNet flow log JSON, or GCP VPC Flow Logs / Firewall Rules Logging JSON; for a headerless custom AWS format give --aws-format '<the format string>')`,
    );
  }
  return d;
}

/** Stream one file; `onRecord` sees every valid record. Malformed input is counted, never thrown. */
export async function readFlowLog(file: string, onRecord: (r: FlowRecord) => void, opts: ReadFlowOptions = {}): Promise<FlowReadReport> {
  const detected = await detectFile(file, opts.awsFormat);
  const format = opts.format ?? detected.format;
  const tally = new ReadTally(opts.maxExamples ?? 5);
  let first = Infinity;
  let last = -Infinity;
  let unknownVerdict = 0;
  const emit = (r: FlowRecord) => {
    if (r.action === 'unknown') unknownVerdict++;
    if (r.start < first) first = r.start;
    if (r.start > last) last = r.start;
    onRecord(r);
  };
  const onLong = (lineNo: number, head: string) => {
    tally.lines++;
    tally.skip(lineNo, 'line too long', head);
  };
  const aws = new AwsLineParser(tally, opts.awsFormat);
  const unit = (v: unknown, n: number, text: string) => {
    if (format === 'aws') {
      // CloudWatch Logs events (a wrapper's `events`, or one event): each `message` is one flow-log line.
      const events = v && typeof v === 'object' && Array.isArray((v as any).events) ? (v as any).events : [v];
      for (const ev of events) {
        const m = ev && typeof ev === 'object' ? (ev as { message?: unknown }).message : undefined;
        if (typeof m === 'string') aws.line(m, n, emit);
        else {
          tally.lines++;
          tally.skip(n, 'CloudWatch event without a string message', text || (JSON.stringify(ev) ?? '').slice(0, 200));
        }
      }
    } else if (format === 'azure') {
      const records = v && typeof v === 'object' && Array.isArray((v as any).records) ? (v as any).records : [v];
      for (const r of records) azureRecord(r, n, tally, emit);
    } else gcpEntry(v, n, text, tally, emit);
  };
  try {
    if (format === 'aws' && detected.layout === 'lines') {
      await streamLines(file, (line, n) => aws.line(line, n, emit), onLong, opts);
    } else if (detected.layout === 'lines') {
      await streamLines(
        file,
        (line, n) => {
          if (line.trim() === '') return;
          let v: unknown;
          try {
            v = JSON.parse(line);
          } catch (e) {
            tally.lines++;
            tally.skip(n, `invalid JSON: ${(e as Error).message}`, line);
            return;
          }
          unit(v, n, line);
        },
        onLong,
        opts,
      );
    } else {
      await streamJsonUnits(file, tally, (v, n) => unit(v, n, ''), opts);
    }
  } catch (e) {
    // A truncated or corrupt gzip stream: keep what was read, report the rest.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
      tally.lines++;
      tally.skip(tally.lines, `compressed stream is damaged: ${(e as Error).message}`, '');
    } else throw e;
  }
  return {
    file,
    format,
    lines: tally.lines,
    records: tally.records,
    unknownVerdict,
    ignored: tally.ignored,
    malformed: tally.malformed,
    examples: tally.examples,
    first: first === Infinity ? NaN : first,
    last: last === -Infinity ? NaN : last,
  };
}

/** A one-line summary for stderr: `flows.log.gz: aws, 10000 records, 3 malformed lines skipped (first: line 17: …)`. */
export function describeRead(r: FlowReadReport, shown = r.file): string {
  let s = `${shown}: ${r.format} flow log, ${r.records} records`;
  if (r.malformed > 0) {
    s += `, ${r.malformed} malformed skipped`;
    const ex = r.examples.map((e) => `line ${e.line}: ${e.reason}`).join('; ');
    if (ex) s += ` (first: ${ex})`;
  }
  return s;
}
