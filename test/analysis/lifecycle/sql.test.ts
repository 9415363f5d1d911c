/**
 * The warehouse queries, executed: DuckDB runs the Athena and BigQuery
 * queries (in its dialect, over tables of the warehouses' shapes loaded
 * from the fixtures) and must agree with the Node streaming path.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { AddressBook, memberships, readInventory } from '../../../lib/analysis/inventory';
import { collectFlows } from '../../../lib/analysis/flows/collect';
import { athenaStaleSql } from '../../../lib/analysis/sql/athena';
import { bigqueryStaleSql } from '../../../lib/analysis/sql/bigquery';
import { staleSql } from '../../../lib/analysis/sql/queries';
import { hitsFromFlows, staleReport } from '../../../lib/analysis/stale';
import { BASE_TIME, DAYS } from '../../fixtures/lifecycle/generate';
import { fix, fixturePolicy, run } from './helpers';

const UNTIL = BASE_TIME + DAYS * 86400;
let db: DuckDBInstance;
let con: DuckDBConnection;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-sql-'));

beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  con = await db.connect();
  // The Athena table of the AWS docs (default v2 columns); malformed lines are dropped as Athena's SerDe would null them.
  await con.run(`CREATE TABLE vpc_flow_logs AS SELECT * FROM read_csv('${fix('aws-flows.log')}', delim = ' ', header = true, ignore_errors = true,
    columns = {'version': 'INTEGER', 'account_id': 'VARCHAR', 'interface_id': 'VARCHAR', 'srcaddr': 'VARCHAR', 'dstaddr': 'VARCHAR', 'srcport': 'INTEGER', 'dstport': 'INTEGER',
               'protocol': 'BIGINT', 'packets': 'BIGINT', 'bytes': 'BIGINT', 'start': 'BIGINT', 'end': 'BIGINT', 'action': 'VARCHAR', 'log_status': 'VARCHAR'})`);
  // The BigQuery export's shape: jsonPayload.connection.* as nested records, timestamp as TIMESTAMP.
  await con.run(`CREATE TABLE compute_googleapis_com_vpc_flows AS SELECT * FROM read_json('${fix('gcp-flows.jsonl')}', format = 'newline_delimited', ignore_errors = true,
    columns = {'jsonPayload': 'STRUCT(connection STRUCT(src_ip VARCHAR, dest_ip VARCHAR, src_port BIGINT, dest_port BIGINT, protocol BIGINT), disposition VARCHAR, reporter VARCHAR)', 'timestamp': 'TIMESTAMP'})`);
}, 30000);

afterAll(() => {
  con?.closeSync();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const r = await con.runAndReadAll(sql.replace(/^--.*$/gm, ''));
  return r.getRowObjectsJson() as Record<string, unknown>[];
}

async function nodeHits(file: string) {
  const ir = fixturePolicy();
  const members = memberships(ir, readInventory(fix('inventory.yaml')));
  const c = await collectFlows([fix(file)], { days: 90, until: UNTIL });
  // The SQL matches address-based peers (externals, CIDRs) for IPv4 only (docs/lifecycle.md): compare on IPv4 traffic.
  const { hits } = hitsFromFlows(ir, new AddressBook(members), c.aggregate.list().filter((f) => !f.client.includes(':')));
  return { ir, members, report: staleReport(ir, hits, { days: 90 }) };
}

const summary = (r: { used: readonly { rule: string; hits: number; flows: number; observedServices: readonly string[] }[]; stale: readonly { rule: string }[] }) => ({
  used: r.used.map((u) => [u.rule, u.hits, u.flows, u.observedServices.join(' ')]),
  stale: r.stale.map((s) => s.rule),
});

describe('warehouse SQL on DuckDB agrees with the streaming path', () => {
  test.each([
    ['athena', 'aws-flows.log'],
    ['bigquery', 'gcp-flows.jsonl'],
  ] as const)('%s stale query', async (warehouse, file) => {
    const { ir, members, report } = await nodeHits(file);
    const sql = staleSql(ir, members, { warehouse, dialect: 'duckdb', days: 90, to: UNTIL });
    const result = await rows(sql);
    expect(result.length).toBeGreaterThan(0);
    // Read back through the command, as a user would with the warehouse's CSV/JSON download.
    const out = path.join(tmp, `${warehouse}.json`);
    fs.writeFileSync(out, JSON.stringify(result));
    const cli = await run(['stale', 'policy.yaml', '--inventory', 'inventory.yaml', '--from-query-result', out, '--format', 'json', '--until', String(UNTIL)]);
    expect(cli.code).toBe(0);
    expect(summary(JSON.parse(cli.stdout))).toEqual(summary(report));
    // CSV too.
    const csv = path.join(tmp, `${warehouse}.csv`);
    const cols = Object.keys(result[0]);
    fs.writeFileSync(csv, [cols.join(','), ...result.map((r) => cols.map((c) => String(r[c] ?? '')).join(','))].join('\n') + '\n');
    const cli2 = await run(['stale', 'policy.yaml', '--inventory', 'inventory.yaml', '--from-query-result', csv, '--format', 'json']);
    expect(summary(JSON.parse(cli2.stdout))).toEqual(summary(report));
  });

  test('the warehouses own dialects differ only where they must', () => {
    const ir = fixturePolicy();
    const members = memberships(ir, readInventory(fix('inventory.yaml')));
    const a = athenaStaleSql(ir, members, { days: 90 });
    const b = bigqueryStaleSql(ir, members, { days: 90 });
    expect(a).toMatch(/FROM vpc_flow_logs/);
    expect(a).toMatch(/start >= to_unixtime\(now\(\)\) - 7776000/);
    expect(a).toMatch(/entries \(rule, action, seg, dir, peer_seg, lo, hi, proto, plo, phi\) AS \(\n  VALUES/);
    expect(b).toMatch(/FROM compute_googleapis_com_vpc_flows/);
    expect(b).toMatch(/UNNEST\(ARRAY<STRUCT<rule STRING/);
    expect(b).toMatch(/NET\.IPV4_TO_INT64\(NET\.IP_FROM_STRING\(f\.client\)\)/);
    expect(b).toMatch(/TIMESTAMP_SUB\(CURRENT_TIMESTAMP\(\), INTERVAL 2160 HOUR\)/);
    // Same logic: the verdict CTEs are shared text.
    const tail = (s: string) => s.slice(s.indexOf('matches AS ('));
    expect(tail(a)).toEqual(tail(b));
    // Deterministic.
    expect(athenaStaleSql(ir, members, { days: 90 })).toBe(a);
  });

  test('--emit-sql prints the query; a bad result file is MS8020', async () => {
    const r = await run(['stale', 'policy.yaml', '--inventory', 'inventory.yaml', '--emit-sql', 'athena']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^-- microseg stale for policy 'shop'/);
    const bad = path.join(tmp, 'bad.csv');
    fs.writeFileSync(bad, 'a,b\n1,2\n');
    const b = await run(['stale', 'policy.yaml', '--inventory', 'inventory.yaml', '--from-query-result', bad]);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/MS8020 .*no column 'rule'/);
  });
});
