/**
 * The two warehouse queries. Both return small result sets that the
 * commands read back with `--from-query-result`:
 *
 *   stale:    rule, proto, port, hits, flows, last_seen   (one row per allow and service port used)
 *   discover: client_key, server_key, proto, port, hits   (one row per observed label-pattern pair and port)
 *
 * `client_key`/`server_key` are segment names (or discovered label keys),
 * `internet`, or `addr:<address>` for an internal host outside the inventory.
 */
import { AddressSet } from '../../net/address';
import { ResolvedPolicy } from '../../resolve/ir';
import { Membership } from '../inventory';
import { constTable, Dialect, ENTRY_COLUMNS, entryRows, FLOWS_CTE, ipv4Int, mappedCte, rawFlows, SqlOptions, VERDICT_CTES } from './common';

/** Address → segment for addresses held by workloads of exactly one segment (shared addresses are left out, as replay.ts does). */
export function inventoryRows(members: readonly Membership[], keyOf: (m: Membership) => string | undefined = (m) => m.segment): [string, string][] {
  const by = new Map<string, Set<string>>();
  for (const m of members) {
    const k = keyOf(m);
    if (k === undefined) continue;
    const s = by.get(m.workload.address) ?? new Set<string>();
    s.add(k);
    by.set(m.workload.address, s);
  }
  return [...by.entries()]
    .filter(([, s]) => s.size === 1)
    .map(([a, s]) => [a, [...s][0]] as [string, string])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function header(kind: string, ir: ResolvedPolicy | undefined, o: SqlOptions): string {
  const d = o.dialect ?? o.warehouse;
  return [
    `-- microseg ${kind}${ir ? ` for policy '${ir.name}'` : ''}: ${o.warehouse === 'athena' ? 'AWS VPC Flow Logs in Athena' : 'GCP VPC Flow Logs exported to BigQuery'} (${d} dialect)`,
    `-- Generated; run it as is and pass the result (CSV or JSON) to --from-query-result.`,
  ].join('\n');
}

export function staleSql(ir: ResolvedPolicy, members: readonly Membership[], o: SqlOptions): string {
  const d: Dialect = o.dialect ?? o.warehouse;
  const ctes = [
    constTable(d, 'inventory', [['address', 'string'], ['segment', 'string']], inventoryRows(members)),
    constTable(d, 'entries', ENTRY_COLUMNS, entryRows(ir)),
    rawFlows(o),
    FLOWS_CTE,
    mappedCte(d, true),
    VERDICT_CTES,
  ];
  return `${header('stale', ir, o)}
WITH
${ctes.join(',\n')}
SELECT h.rule, j.proto, j.port, SUM(j.records) AS hits, COUNT(*) AS flows, MAX(j.last_seen) AS last_seen
FROM judged j
JOIN (SELECT DISTINCT client, server, proto, port, rule FROM matches WHERE action = 'allow') h
  ON h.client = j.client AND h.server = j.server AND h.proto = j.proto AND h.port = j.port
WHERE j.allowed = 1
GROUP BY h.rule, j.proto, j.port
ORDER BY h.rule, j.proto, j.port
`;
}

/** Is an address internal? IPv4 by ranges; IPv6 by the fc00::/7 prefix when internalCidrs names it. */
function internalTest(d: Dialect, addr: string, num: string, internal: AddressSet): string {
  const v6 = internal.family(6).contains(6, 0xfc00n << 112n) && internal.family(6).contains(6, (0xfe00n << 112n) - 1n);
  const v4 = `EXISTS (SELECT 1 FROM internal i WHERE ${num} BETWEEN i.lo AND i.hi)`;
  return v6 ? `(${v4} OR (strpos(${addr}, ':') > 0 AND (lower(${addr}) LIKE 'fc%' OR lower(${addr}) LIKE 'fd%')))` : v4;
}

function keyExpr(d: Dialect, seg: string, addr: string, num: string, internal: AddressSet): string {
  return `CASE WHEN ${seg} IS NOT NULL THEN ${seg} WHEN ${internalTest(d, addr, num, internal)} THEN CONCAT('addr:', ${addr}) ELSE 'internet' END`;
}

/**
 * Observed pairs for discover. `keys` maps inventory addresses to discovered
 * segment keys (or, with a policy, to its segments); with `ir`, only flows
 * the policy does not allow are returned.
 */
export function discoverSql(keys: readonly [string, string][], internal: AddressSet, o: SqlOptions, ir?: ResolvedPolicy): string {
  const d: Dialect = o.dialect ?? o.warehouse;
  const internalRows = internal.ranges.filter((r) => r.family === 4).map((r) => [r.lo, r.hi]);
  const ctes = [
    constTable(d, 'inventory', [['address', 'string'], ['segment', 'string']], [...keys]),
    constTable(d, 'internal', [['lo', 'int'], ['hi', 'int']], internalRows),
    ...(ir ? [constTable(d, 'entries', ENTRY_COLUMNS, entryRows(ir))] : []),
    rawFlows(o),
    FLOWS_CTE,
    mappedCte(d, true),
    ...(ir ? [VERDICT_CTES] : []),
    `keyed AS (
  SELECT
    ${keyExpr(d, 'm.cseg', 'm.client', 'm.cnum', internal)} AS client_key,
    ${keyExpr(d, 'm.sseg', 'm.server', 'm.snum', internal)} AS server_key,
    m.proto, m.port, m.records
  FROM ${ir ? 'judged' : 'mapped'} m${ir ? '\n  WHERE m.allowed = 0' : ''}
)`,
  ];
  return `${header('discover', ir, o)}
WITH
${ctes.join(',\n')}
SELECT client_key, server_key, proto, port, SUM(records) AS hits
FROM keyed
GROUP BY client_key, server_key, proto, port
ORDER BY client_key, server_key, proto, port
`;
}

export { ipv4Int };
