/**
 * Azure flow logs: JSON documents whose `records[]` hold `flowTuples`,
 * comma-separated strings, one per flow event.
 *
 * - NSG flow logs v1 (`properties.flows[].flows[].flowTuples`):
 *   `time,src,dst,srcPort,dstPort,T|U,I|O,A|D` (8 fields, seconds)
 * - NSG flow logs v2: v1 plus `B|C|E,packetsS2D,bytesS2D,packetsD2S,bytesD2S` (13 fields)
 * - VNet flow logs (`flowRecords.flows[].flowGroups[].flowTuples`):
 *   `timeMs,src,dst,srcPort,dstPort,protocolNumber,I|O,B|C|E|D,encryption,packetsS2D,bytesS2D,packetsD2S,bytesD2S`
 *   where state `D` means denied.
 *
 * The tuple is written from the flow's initiator (source), so flows need
 * no orientation guess. A tuple in any `flowTuples` array of a record is
 * read, wherever the schema version nests it.
 */
import { FlowRecord, epochSeconds, protocolNumber, recordProblem } from './record';
import { ReadTally } from './stream';

/** Read every tuple of one record (an element of `records[]`). */
export function azureRecord(record: unknown, lineNo: number, tally: ReadTally, emit: (r: FlowRecord) => void): void {
  let found = false;
  const walk = (v: unknown, depth: number): void => {
    if (depth > 12 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
      return;
    }
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'flowTuples' && Array.isArray(x)) {
        found = true;
        for (const t of x) azureTuple(t, lineNo, tally, emit);
      } else if (typeof x === 'object') walk(x, depth + 1);
    }
  };
  walk(record, 0);
  if (!found) tally.ignored++;
}

export function azureTuple(t: unknown, lineNo: number, tally: ReadTally, emit: (r: FlowRecord) => void): void {
  tally.lines++;
  if (typeof t !== 'string') {
    tally.skip(lineNo, 'flow tuple is not a string', JSON.stringify(t) ?? String(t));
    return;
  }
  const f = t.split(',');
  if (f.length !== 8 && f.length !== 13) {
    tally.skip(lineNo, `flow tuple has ${f.length} fields (expected 8 or 13)`, t);
    return;
  }
  const vnet = /^\d+$/.test(f[5]);
  let action: FlowRecord['action'];
  if (vnet) action = f[7] === 'D' ? 'reject' : 'accept';
  else action = f[7] === 'A' ? 'accept' : f[7] === 'D' ? 'reject' : 'unknown';
  const proto = vnet ? Number(f[5]) : f[5] === 'T' ? 6 : f[5] === 'U' ? 17 : protocolNumber(f[5]);
  const counts = f.length === 13 ? (vnet ? [f[9], f[10], f[11], f[12]] : [f[9], f[10], f[11], f[12]]) : [];
  const n = (s: string | undefined) => (s && /^\d+$/.test(s) ? Number(s) : 0);
  const r: FlowRecord = {
    src: f[1],
    dst: f[2],
    srcPort: f[3] === '' ? 0 : /^\d+$/.test(f[3]) ? Number(f[3]) : NaN,
    dstPort: f[4] === '' ? 0 : /^\d+$/.test(f[4]) ? Number(f[4]) : NaN,
    proto,
    action,
    start: epochSeconds(f[0]),
    packets: n(counts[0]) + n(counts[2]),
    bytes: n(counts[1]) + n(counts[3]),
    initiator: 'src',
  };
  const problem = recordProblem(r) ?? (Number.isNaN(r.start) ? `invalid time '${f[0]}'` : undefined);
  if (problem) {
    tally.skip(lineNo, problem, t);
    return;
  }
  tally.records++;
  emit(r);
}
