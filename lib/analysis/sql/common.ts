/**
 * One SQL query per analysis, for estates whose flow logs live in a
 * warehouse. The query carries the policy and the inventory with it, as
 * constant tables (`inventory`: address → segment; `entries`: every allow
 * and deny of every segment side, split into IPv4 ranges and port ranges),
 * and replays the meaning in SQL exactly as replay.ts does in Node:
 * orient each record by its ports, map both ends to segments by address,
 * match side entries by identity or address and by service, and call a
 * flow allowed when every side it needs has an allow and no deny.
 *
 * Limits, stated in docs/lifecycle.md: address-based peers (externals,
 * CIDRs) are matched for IPv4 only, plus fc00::/7 for "internal"; an IPv6
 * flow is still credited when both its ends are inventory workloads.
 *
 * Dialects: `athena` (Trino), `bigquery`, and `duckdb`, which runs either
 * warehouse's query over tables of the same shape so tests can execute it.
 */
import { AddressSet } from '../../net/address';
import { ServiceSet } from '../../net/service';
import { FlatSideEntry, ResolvedPolicy } from '../../resolve/ir';
import { flatSide } from '../../resolve/peers';

export type Warehouse = 'athena' | 'bigquery';
export type Dialect = Warehouse | 'duckdb';

export interface SqlOptions {
  /** Which table layout to read: AWS VPC Flow Logs in Athena, or the GCP flow-log export in BigQuery. */
  readonly warehouse: Warehouse;
  /** SQL dialect to write; defaults to the warehouse's own. */
  readonly dialect?: Dialect;
  /** Table to read (default `vpc_flow_logs` / `compute_googleapis_com_vpc_flows`). */
  readonly table?: string;
  /** Window, epoch seconds; without `to`, the window ends now. */
  readonly days?: number;
  readonly to?: number;
}

export const DEFAULT_TABLES: Record<Warehouse, string> = { athena: 'vpc_flow_logs', bigquery: 'compute_googleapis_com_vpc_flows' };

export function str(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function typeOf(d: Dialect, t: 'string' | 'int'): string {
  if (d === 'bigquery') return t === 'string' ? 'STRING' : 'INT64';
  return t === 'string' ? 'VARCHAR' : 'BIGINT';
}

/** A constant table with typed columns; a NULL-only dummy row keeps it well-typed when empty and matches nothing. */
export function constTable(d: Dialect, name: string, cols: readonly [string, 'string' | 'int'][], rows: readonly (string | number | bigint | null)[][]): string {
  const lit = (v: string | number | bigint | null, t: 'string' | 'int') => (v === null ? `CAST(NULL AS ${typeOf(d, t)})` : typeof v === 'string' ? str(v) : String(v));
  const all = rows.length > 0 ? rows : [cols.map(() => null)];
  if (d === 'bigquery') {
    const struct = `STRUCT<${cols.map(([c, t]) => `${c} ${typeOf(d, t)}`).join(', ')}>`;
    const body = all.map((r) => `(${r.map((v, i) => lit(v, cols[i][1])).join(', ')})`).join(',\n    ');
    return `${name} AS (\n  SELECT * FROM UNNEST(ARRAY<${struct}>[\n    ${body}\n  ])\n)`;
  }
  const body = all.map((r) => `(${r.map((v, i) => lit(v, cols[i][1])).join(', ')})`).join(',\n    ');
  return `${name} (${cols.map(([c]) => c).join(', ')}) AS (\n  VALUES\n    ${body}\n)`;
}

/** IPv4 text → integer, NULL for IPv6. */
export function ipv4Int(d: Dialect, x: string): string {
  if (d === 'bigquery') return `IF(STRPOS(${x}, ':') > 0, NULL, NET.IPV4_TO_INT64(NET.IP_FROM_STRING(${x})))`;
  const part = (i: number) => `CAST(split_part(${x}, '.', ${i}) AS BIGINT)`;
  return `CASE WHEN strpos(${x}, ':') > 0 THEN NULL ELSE ${part(1)} * 16777216 + ${part(2)} * 65536 + ${part(3)} * 256 + ${part(4)} END`;
}

const V4 = '^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])([.](25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}$';

/** Records a reader would skip as malformed (bad IPv4 text, ports out of range) are left out here too. */
function validRecord(d: Dialect, src: string, dst: string, sp: string, dp: string): string[] {
  const re = (x: string) => (d === 'bigquery' ? `REGEXP_CONTAINS(${x}, r'${V4}')` : d === 'duckdb' ? `regexp_full_match(${x}, '${V4}')` : `regexp_like(${x}, '${V4}')`);
  const ok = (x: string) => `(strpos(${x}, ':') > 0 OR ${re(x)})`;
  return [ok(src), ok(dst), `${sp} BETWEEN 0 AND 65535`, `${dp} BETWEEN 0 AND 65535`];
}

/** The flow-log table as rows (src, dst, sp, dp, proto, t): accepted records in the window. */
export function rawFlows(o: SqlOptions): string {
  const d = o.dialect ?? o.warehouse;
  const table = o.table ?? DEFAULT_TABLES[o.warehouse];
  if (o.warehouse === 'athena') {
    const conds = [`action = 'ACCEPT'`, `log_status = 'OK'`, ...validRecord(d, 'srcaddr', 'dstaddr', 'srcport', 'dstport')];
    if (o.days !== undefined) {
      if (o.to !== undefined) conds.push(`start BETWEEN ${Math.floor(o.to - o.days * 86400)} AND ${Math.floor(o.to)}`);
      else conds.push(d === 'duckdb' ? `start >= epoch(now()) - ${Math.round(o.days * 86400)}` : `start >= to_unixtime(now()) - ${Math.round(o.days * 86400)}`);
    }
    return `raw AS (\n  SELECT srcaddr AS src, dstaddr AS dst, srcport AS sp, dstport AS dp, protocol AS proto, start AS t\n  FROM ${table}\n  WHERE ${conds.join('\n    AND ')}\n)`;
  }
  const c = 'jsonPayload.connection';
  const t = d === 'bigquery' ? 'UNIX_SECONDS(timestamp)' : 'CAST(epoch(timestamp) AS BIGINT)';
  const conds = [`${c}.src_ip IS NOT NULL`, ...validRecord(d, `${c}.src_ip`, `${c}.dest_ip`, `COALESCE(${c}.src_port, 0)`, `COALESCE(${c}.dest_port, 0)`)];
  if (o.days !== undefined) {
    if (o.to !== undefined) conds.push(`${t} BETWEEN ${Math.floor(o.to - o.days * 86400)} AND ${Math.floor(o.to)}`);
    else conds.push(d === 'bigquery' ? `timestamp >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL ${Math.round(o.days * 24)} HOUR)` : `${t} >= epoch(now()) - ${Math.round(o.days * 86400)}`);
  }
  // VPC Flow Logs only hold traffic that happened; a firewall-log disposition of DENIED is left out.
  conds.push(`COALESCE(jsonPayload.disposition, 'ALLOWED') NOT IN ('DENIED', 'BLOCKED')`);
  // GCP samples egress before egress firewall rules: a source-side report alone has no verdict (flows/gcp.ts).
  conds.push(`COALESCE(jsonPayload.reporter, 'DEST') <> 'SRC'`);
  return `raw AS (\n  SELECT ${c}.src_ip AS src, ${c}.dest_ip AS dst, COALESCE(${c}.src_port, 0) AS sp, COALESCE(${c}.dest_port, 0) AS dp, ${c}.protocol AS proto, ${t} AS t\n  FROM ${table}\n  WHERE ${conds.join('\n    AND ')}\n)`;
}

/** Records oriented client → server by their ports and folded into flows, as replay.ts `orient` does. */
export const FLOWS_CTE = `flows AS (
  SELECT
    CASE WHEN proto IN (6, 17, 132) AND sp < dp THEN dst ELSE src END AS client,
    CASE WHEN proto IN (6, 17, 132) AND sp < dp THEN src ELSE dst END AS server,
    proto,
    CASE WHEN proto IN (6, 17, 132) THEN (CASE WHEN sp < dp THEN sp ELSE dp END) ELSE 0 END AS port,
    -- One connection is one hit: distinct client ports, as replay.ts FlowAggregator counts them.
    COUNT(DISTINCT CASE WHEN proto IN (6, 17, 132) THEN (CASE WHEN sp < dp THEN dp ELSE sp END) ELSE 0 END) AS records,
    MAX(t) AS last_seen
  FROM raw
  GROUP BY 1, 2, 3, 4
)`;

/** Ends mapped to segments (or keys) via the inventory, and to IPv4 integers for address matching. */
export function mappedCte(d: Dialect, requireOne: boolean): string {
  return `mapped AS (
  SELECT f.client, f.server, f.proto, f.port, f.records, f.last_seen, ci.segment AS cseg, si.segment AS sseg,
    ${ipv4Int(d, 'f.client')} AS cnum,
    ${ipv4Int(d, 'f.server')} AS snum
  FROM flows f
  LEFT JOIN inventory ci ON ci.address = f.client
  LEFT JOIN inventory si ON si.address = f.server${requireOne ? '\n  WHERE ci.segment IS NOT NULL OR si.segment IS NOT NULL' : ''}
)`;
}

/**
 * Service set → (proto, lo, hi) pieces of the IPv4 flows the SQL reads; -2 stands for "every protocol without a part
 * of its own" (not 1, 6, 17, 58, 132). Flow logs carry no ICMP type (their port is 0), so any ICMP of a rule counts
 * for an ICMP record; protocol 58 in IPv4 is stray ICMP, which only `any` holds.
 */
export function servicePieces(s: ServiceSet): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (const [proto, ports] of [
    [6, s.tcp],
    [17, s.udp],
    [132, s.sctp],
  ] as const) {
    for (const r of ports.ranges) out.push([proto, r.lo, r.hi]);
  }
  if (!s.icmp4.isEmpty()) out.push([1, 0, 65535]);
  if (s.strayIcmp) out.push([58, 0, 65535]);
  if (s.protos.equals(ServiceSet.OTHER.protos)) out.push([-2, 0, 65535]);
  else for (const n of s.protocolNumbers()) out.push([n, 0, 65535]);
  return out;
}

function v4Ranges(a: AddressSet): [bigint, bigint][] {
  return a.ranges.filter((r) => r.family === 4).map((r) => [r.lo, r.hi]);
}

export const ENTRY_COLUMNS: [string, 'string' | 'int'][] = [
  ['rule', 'string'],
  ['action', 'string'],
  ['seg', 'string'],
  ['dir', 'string'],
  ['peer_seg', 'string'],
  ['lo', 'int'],
  ['hi', 'int'],
  ['proto', 'int'],
  ['plo', 'int'],
  ['phi', 'int'],
];

/** Every side entry of the IR as rows of the `entries` table. */
export function entryRows(ir: ResolvedPolicy): (string | number | bigint | null)[][] {
  const rows: (string | number | bigint | null)[][] = [];
  const push = (seg: string, dir: string, action: string, e: FlatSideEntry) => {
    for (const [p, plo, phi] of servicePieces(e.services)) {
      if (e.peer.kind === 'segment') rows.push([e.origin.name, action, seg, dir, e.peer.segment, null, null, p, plo, phi]);
      else for (const [lo, hi] of v4Ranges(e.peer.addresses)) rows.push([e.origin.name, action, seg, dir, null, lo, hi, p, plo, phi]);
    }
  };
  for (const [seg, sides] of ir.sides) {
    for (const dir of ['ingress', 'egress'] as const) {
      for (const e of flatSide(sides[dir]).allow) push(seg, dir, 'allow', e);
      for (const e of flatSide(sides[dir]).deny) push(seg, dir, 'deny', e);
    }
  }
  return rows;
}

/** Side entries matching each mapped flow, per-side verdicts, and the allowed flows: the meaning in SQL. */
export const VERDICT_CTES = `matches AS (
  SELECT m.client, m.server, m.proto, m.port, e.rule, e.action, e.dir
  FROM mapped m
  JOIN entries e ON
    ((e.dir = 'egress' AND e.seg = m.cseg AND (e.peer_seg = m.sseg OR (e.peer_seg IS NULL AND m.snum BETWEEN e.lo AND e.hi)))
      OR (e.dir = 'ingress' AND e.seg = m.sseg AND (e.peer_seg = m.cseg OR (e.peer_seg IS NULL AND m.cnum BETWEEN e.lo AND e.hi))))
    AND ((e.proto = m.proto AND m.port BETWEEN e.plo AND e.phi) OR (e.proto = -2 AND m.proto NOT IN (1, 6, 17, 58, 132)))
),
sides AS (
  SELECT client, server, proto, port, dir,
    MAX(CASE WHEN action = 'allow' THEN 1 ELSE 0 END) AS a,
    MAX(CASE WHEN action = 'deny' THEN 1 ELSE 0 END) AS d
  FROM matches
  GROUP BY client, server, proto, port, dir
),
judged AS (
  SELECT m.client, m.server, m.proto, m.port, m.records, m.last_seen, m.cseg, m.sseg,
    CASE WHEN (m.cseg IS NULL OR (eg.a = 1 AND eg.d = 0)) AND (m.sseg IS NULL OR (ig.a = 1 AND ig.d = 0)) THEN 1 ELSE 0 END AS allowed
  FROM mapped m
  LEFT JOIN sides eg ON eg.client = m.client AND eg.server = m.server AND eg.proto = m.proto AND eg.port = m.port AND eg.dir = 'egress'
  LEFT JOIN sides ig ON ig.client = m.client AND ig.server = m.server AND ig.proto = m.proto AND ig.port = m.port AND ig.dir = 'ingress'
)`;
