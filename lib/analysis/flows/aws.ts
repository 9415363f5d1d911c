/**
 * AWS VPC Flow Logs, text form: space-separated fields, one record a line.
 * The default (version 2) format is
 *
 *   version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
 *
 * Files delivered to S3 begin with a header line naming the fields; a
 * custom format is read from that header (any order, extra fields such as
 * `tcp-flags` or `flow-direction` allowed). Without a header the default
 * format is assumed. `-` means "no value"; NODATA and SKIPDATA lines carry
 * no flow and are counted as ignored, not malformed.
 */
import { FlowRecord, epochSeconds, recordProblem } from './record';
import { ReadTally } from './stream';

export const AWS_DEFAULT_FIELDS = [
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
] as const;

const REQUIRED = ['srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol'];

/** A header line's field names (`_` read as `-`), or undefined when the line is not a header. */
export function parseAwsHeader(line: string): string[] | undefined {
  const names = line.trim().split(/\s+/).map((n) => n.replace(/_/g, '-').replace(/^\$\{(.*)\}$/, '$1'));
  if (!names.every((n) => /^[a-z][a-z0-9-]*$/.test(n))) return undefined;
  return REQUIRED.every((r) => names.includes(r)) ? names : undefined;
}

/** Does a line look like a default-format record (`2 123456789012 eni-… …`)? */
export function looksLikeAwsRecord(line: string): boolean {
  const f = line.trim().split(/\s+/);
  return f.length === AWS_DEFAULT_FIELDS.length && /^\d+$/.test(f[0]) && /^(eni-|-)/.test(f[2]);
}

/** The line parser for one field layout. */
export class AwsLineParser {
  private fields: readonly string[] = AWS_DEFAULT_FIELDS;
  private idx = indexOf(AWS_DEFAULT_FIELDS);

  constructor(private readonly tally: ReadTally) {}

  line(text: string, lineNo: number, emit: (r: FlowRecord) => void): void {
    this.tally.lines++;
    if (text.trim() === '') {
      this.tally.ignored++;
      return;
    }
    // Records start with a digit (the version); only other lines can be headers.
    const c0 = text.charCodeAt(0);
    const header = c0 >= 48 && c0 <= 57 ? undefined : parseAwsHeader(text);
    if (header) {
      // A header may begin any file (and files are often concatenated).
      this.fields = header;
      this.idx = indexOf(header);
      this.tally.ignored++;
      return;
    }
    // Single spaces are the norm; fall back to any whitespace only when that does not fit.
    let f = text.split(' ');
    if (f.length !== this.fields.length) f = text.trim().split(/\s+/);
    if (f.length !== this.fields.length) {
      this.tally.skip(lineNo, `expected ${this.fields.length} fields, found ${f.length}`, text);
      return;
    }
    const ix = this.idx;
    const status = ix.logStatus >= 0 ? f[ix.logStatus] : 'OK';
    if (status === 'NODATA' || status === 'SKIPDATA') {
      this.tally.ignored++;
      return;
    }
    const src = f[ix.src];
    if (src === '-' && status !== 'OK') {
      this.tally.ignored++;
      return;
    }
    const act = ix.action >= 0 ? f[ix.action] : '-';
    let initiator: 'src' | 'dst' | undefined;
    if (ix.flags >= 0 && /^\d+$/.test(f[ix.flags])) {
      const flags = Number(f[ix.flags]);
      // SYN-ACK (18) comes from the server; a bare SYN (2) from the client.
      if ((flags & 18) === 18) initiator = 'dst';
      else if (flags & 2) initiator = 'src';
    }
    const r: FlowRecord = {
      src,
      dst: f[ix.dst],
      srcPort: num(f[ix.srcPort]),
      dstPort: num(f[ix.dstPort]),
      proto: num(f[ix.proto]),
      action: act === 'ACCEPT' ? 'accept' : act === 'REJECT' ? 'reject' : 'unknown',
      start: ix.start >= 0 ? epochSeconds(f[ix.start]) : NaN,
      packets: ix.packets >= 0 ? num(f[ix.packets]) || 0 : 0,
      bytes: ix.bytes >= 0 ? num(f[ix.bytes]) || 0 : 0,
      initiator,
    };
    const problem = recordProblem(r);
    if (problem) {
      this.tally.skip(lineNo, problem, text);
      return;
    }
    this.tally.records++;
    emit(r);
  }
}

function num(s: string): number {
  if (s === '-') return 0;
  // Number('') is 0 and Number('1e3') is 1000: accept decimal digits only.
  return /^\d+$/.test(s) ? Number(s) : NaN;
}

function indexOf(fields: readonly string[]) {
  const at = (n: string) => fields.indexOf(n);
  return {
    src: at('srcaddr'),
    dst: at('dstaddr'),
    srcPort: at('srcport'),
    dstPort: at('dstport'),
    proto: at('protocol'),
    action: at('action'),
    logStatus: at('log-status'),
    start: at('start'),
    packets: at('packets'),
    bytes: at('bytes'),
    flags: at('tcp-flags'),
  };
}
