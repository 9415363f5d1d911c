/**
 * GCP VPC Flow Logs: Cloud Logging entries, newline-delimited JSON as an
 * export writes them (or a JSON array as `gcloud logging read
 * --format=json` prints them), each with
 *
 *   jsonPayload.connection.{src_ip, src_port, dest_ip, dest_port, protocol}
 *   jsonPayload.{start_time, packets_sent, bytes_sent}
 *
 * Verdicts, as GCP documents them (cloud.google.com/vpc/docs/flow-logs,
 * "Key properties"): ingress packets are sampled after ingress firewall
 * rules, egress packets *before* egress firewall rules, so "even if an
 * egress firewall rule denies outbound packets, those packets can be
 * sampled". A report from the destination VM (`reporter: DEST`) is
 * traffic that got in: accepted. A report from the source
 * (`reporter: SRC`) proves only that the VM sent it: verdict unknown,
 * unless the destination's report of the same connection is in the logs
 * too (the aggregator merges them into one connection, accepted).
 *
 * Firewall Rules Logging entries (cloud.google.com/firewall/docs/
 * firewall-rules-logging, "Log format") carry `jsonPayload.disposition`
 * (ALLOWED / DENIED) and `jsonPayload.rule_details.reference`
 * `network:NET/firewall:NAME`: the verdict and the firewall rule that
 * decided, so `stale` credits exactly that rule.
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
  const reporter = typeof p!.reporter === 'string' ? p!.reporter.toUpperCase() : undefined;
  const details = p!.rule_details && typeof p!.rule_details === 'object' ? (p!.rule_details as Record<string, unknown>) : undefined;
  const ref = details && typeof details.reference === 'string' ? /\/firewall:([^/]+)$/.exec(details.reference) : null;
  const action: FlowRecord['action'] =
    disposition === 'DENIED' || disposition === 'BLOCKED'
      ? 'reject'
      : disposition === 'ALLOWED'
        ? 'accept'
        : reporter === 'SRC' && disposition === undefined
          ? 'unknown'
          : 'accept';
  const n = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0);
  const r: FlowRecord = {
    src: String(c.src_ip ?? ''),
    dst: String(c.dest_ip ?? ''),
    srcPort: portNumber(c.src_port),
    dstPort: portNumber(c.dest_port),
    proto: protocolNumber(c.protocol),
    action,
    start: epochSeconds(p!.start_time ?? e!.timestamp),
    packets: n(p!.packets_sent),
    bytes: n(p!.bytes_sent),
    ...(ref ? { decidedBy: ref[1] } : {}),
  };
  const problem = recordProblem(r);
  if (problem) {
    tally.skip(lineNo, problem, text);
    return;
  }
  tally.records++;
  emit(r);
}
