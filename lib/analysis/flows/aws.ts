/**
 * AWS VPC Flow Logs, text form: space-separated fields, one record a line.
 * The default (version 2) format is
 *
 *   version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
 *
 * Files delivered to S3 begin with a header line naming the fields; a
 * custom format is read from that header (any order, extra fields such as
 * `tcp-flags` or `flow-direction` allowed). Without a header the default
 * format is assumed, unless the format string is given (`--aws-format`,
 * what CloudWatch Logs delivery needs: it writes no header). `-` means "no
 * value"; NODATA and SKIPDATA lines carry no flow and are counted as
 * ignored, not malformed.
 *
 * Documented behaviours this reader follows
 * (docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html and
 * …/vpc/latest/tgw/tgw-flow-logs.html#flow-log-records):
 * - without `action` (the field is optional in a custom format, and
 *   Transit Gateway flow logs have none) a record has no verdict: it is
 *   read with action `unknown`, never as ACCEPT;
 * - `pkt-srcaddr`/`pkt-dstaddr` are the packet's own addresses; `srcaddr`/
 *   `dstaddr` are the interface's (a transit gateway's, a NAT gateway's),
 *   so when present and not `-` the pkt- fields decide the flow's ends;
 * - CloudWatch exports put a timestamp (and with `aws logs tail`, the log
 *   stream name) before each message: both are stripped.
 */
import { AWS_DEFAULT_FORMAT_FIELDS } from '../../targets/aws/flow-logs';
import { FlowRecord, epochSeconds, recordProblem } from './record';
import { ReadTally } from './stream';

/** The default format's fields, in order: the same list the AWS back end extends for the flow logs it turns on. */
export const AWS_DEFAULT_FIELDS = AWS_DEFAULT_FORMAT_FIELDS;

const REQUIRED = ['srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol'];

/** Field names of a format string as configured (`${version} ${srcaddr} …`, or the bare names); an Error says what is wrong. */
export function parseAwsFormat(format: string): string[] {
  const names = format.trim().split(/\s+/).filter(Boolean).map((n) => n.replace(/^\$\{(.*)\}$/, '$1').replace(/_/g, '-'));
  const bad = names.find((n) => !/^[a-z][a-z0-9-]*$/.test(n));
  if (bad !== undefined) throw new Error(`'${bad}' is not a flow-log field (write the format as configured: '\${version} \${srcaddr} …')`);
  const missing = REQUIRED.filter((r) => !names.includes(r));
  if (missing.length) throw new Error(`the format has no ${missing.join(', ')}: flows need addresses, ports and protocol`);
  return names;
}

/** A CloudWatch export's prefix: an ISO timestamp (and maybe a log stream name) before the message. */
const TIMESTAMP_PREFIX = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?\s+/;

/** The message of a line, without a CloudWatch timestamp prefix. */
export function stripTimestamp(line: string): string {
  const m = TIMESTAMP_PREFIX.exec(line);
  return m ? line.slice(m[0].length) : line;
}

/** A header line's field names (`_` read as `-`), or undefined when the line is not a header. */
export function parseAwsHeader(line: string): string[] | undefined {
  const names = line.trim().split(/\s+/).map((n) => n.replace(/_/g, '-').replace(/^\$\{(.*)\}$/, '$1'));
  if (!names.every((n) => /^[a-z][a-z0-9-]*$/.test(n))) return undefined;
  return REQUIRED.every((r) => names.includes(r)) ? names : undefined;
}

/** Does a line look like a default-format record (`2 123456789012 eni-… …`)? */
export function looksLikeAwsRecord(line: string): boolean {
  let f = stripTimestamp(line.trim()).split(/\s+/);
  // `aws logs tail`: a log stream name (eni-…-all) before the record.
  if (f.length === AWS_DEFAULT_FIELDS.length + 1) f = f.slice(1);
  return f.length === AWS_DEFAULT_FIELDS.length && /^\d+$/.test(f[0]) && /^(eni-|-)/.test(f[2]);
}

/** The line parser for one field layout. */
export class AwsLineParser {
  private fields: readonly string[];
  private idx: ReturnType<typeof indexOf>;

  /** `fields`: the configured format, for files without a header (a header in the file still wins). */
  constructor(private readonly tally: ReadTally, fields: readonly string[] = AWS_DEFAULT_FIELDS) {
    this.fields = fields;
    this.idx = indexOf(fields);
  }

  line(raw: string, lineNo: number, emit: (r: FlowRecord) => void): void {
    this.tally.lines++;
    if (raw.trim() === '') {
      this.tally.ignored++;
      return;
    }
    const text = stripTimestamp(raw);
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
    // `aws logs tail` writes the log stream name after the timestamp.
    if (f.length === this.fields.length + 1 && text !== raw) f = f.slice(1);
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
    // The packet's own addresses, where the interface is a gateway's (transit, NAT).
    const pktSrc = ix.pktSrc >= 0 ? f[ix.pktSrc] : '-';
    const pktDst = ix.pktDst >= 0 ? f[ix.pktDst] : '-';
    const r: FlowRecord = {
      src: pktSrc !== '-' ? pktSrc : src,
      dst: pktDst !== '-' ? pktDst : f[ix.dst],
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
    pktSrc: at('pkt-srcaddr'),
    pktDst: at('pkt-dstaddr'),
  };
}
