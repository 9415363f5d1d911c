/**
 * GCP VPC Flow Logs: Cloud Logging entries, newline-delimited JSON as an
 * export writes them (or a JSON array as `gcloud logging read
 * --format=json` prints them), each with
 *
 *   jsonPayload.connection.{src_ip, src_port, dest_ip, dest_port, protocol}
 *   jsonPayload.{start_time, packets_sent, bytes_sent}
 *
 * VPC Flow Logs record traffic that happened, so a record is accepted
 * unless it carries a firewall-log `disposition` of DENIED.
 */
import { FlowRecord, epochSeconds, portNumber, protocolNumber, recordProblem } from './record';
import { ReadTally } from './stream';

export function gcpEntry(entry: unknown, lineNo: number, text: string, tally: ReadTally, emit: (r: FlowRecord) => void): void {
  tally.lines++;
  const e = entry as { jsonPayload?: Record<string, any>; timestamp?: string } | null;
  const p = e && typeof e === 'object' ? e.jsonPayload : undefined;
  const c = p && typeof p === 'object' ? p.connection : undefined;
  if (!c || typeof c !== 'object') {
    tally.skip(lineNo, 'no jsonPayload.connection', text);
    return;
  }
  const disposition = typeof p!.disposition === 'string' ? p!.disposition.toUpperCase() : undefined;
  const n = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0);
  const r: FlowRecord = {
    src: String(c.src_ip ?? ''),
    dst: String(c.dest_ip ?? ''),
    srcPort: portNumber(c.src_port),
    dstPort: portNumber(c.dest_port),
    proto: protocolNumber(c.protocol),
    action: disposition === 'DENIED' || disposition === 'BLOCKED' ? 'reject' : 'accept',
    start: epochSeconds(p!.start_time ?? e!.timestamp),
    packets: n(p!.packets_sent),
    bytes: n(p!.bytes_sent),
  };
  const problem = recordProblem(r);
  if (problem) {
    tally.skip(lineNo, problem, text);
    return;
  }
  tally.records++;
  emit(r);
}
