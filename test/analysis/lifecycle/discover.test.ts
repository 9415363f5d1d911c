import { discover, keyOf, labelSpace, pairsFromFlows } from '../../../lib/analysis/discover';
import { collectFlows } from '../../../lib/analysis/flows/collect';
import { readInventory } from '../../../lib/analysis/inventory';
import { packetService } from '../../../lib/analysis/replay';
import { SegmentationPolicy } from '../../../lib/model/policy';
import { parseAddress } from '../../../lib/net/address';
import { ServiceSet } from '../../../lib/net/service';
import { flowServices } from '../../../lib/resolve/meaning';
import { resolve } from '../../../lib/resolve/resolve';
import { loadBackend } from '../../../lib/targets/registry';
import { verifyOutput } from '../../../lib/verify';
import { fix, run } from './helpers';

async function discovered(file: string) {
  const inv = readInventory(fix('inventory.yaml'));
  const space = labelSpace(inv, ['env', 'tier', 'app']);
  const c = await collectFlows([fix(file)]);
  const flows = c.aggregate.list();
  const result = discover(space, pairsFromFlows(space, flows));
  const policy = SegmentationPolicy.fromSource(result.yaml, 'discovered.yaml');
  return { inv, space, flows, result, ir: resolve(policy) };
}

describe('discover', () => {
  test.each(['aws-flows.log', 'gcp-flows.jsonl', 'azure-vnet.json'])('%s: admits every observed accepted flow and nothing beyond the generalisation', async (file) => {
    const { space, flows, ir } = await discovered(file);
    const ep = (address: string) => {
      const k = keyOf(space, address)!;
      const p = parseAddress(address)!;
      return { segment: space.segments.has(k) ? k : undefined, family: p.family, address: p.value };
    };
    // Every accepted flow with a workload end is allowed.
    const observed = new Map<string, ServiceSet>();
    for (const f of flows) {
      if (f.action !== 'accept') continue;
      const [c, s] = [ep(f.client), ep(f.server)];
      if (!c.segment && !s.segment) continue;
      expect([f.client, f.server, f.proto, f.port, flowServices(ir, c, s).has(c.family, f.proto, f.port)]).toEqual([f.client, f.server, f.proto, f.port, true]);
      const k = `${keyOf(space, f.client)}|${keyOf(space, f.server)}`;
      const svc = f.proto === 1 || f.proto === 58 ? ServiceSet.of({ icmp: true }) : packetService(4, f.proto, f.port);
      observed.set(k, (observed.get(k) ?? ServiceSet.EMPTY).union(svc));
    }
    // Nothing beyond: between every inventory address and every probe, exactly the observed cell's services.
    const probes = ['10.1.0.10', '10.1.1.10', '10.1.2.10', '10.2.0.10', '10.2.1.10', '10.2.2.10', '10.1.3.5', '10.1.4.4', '10.1.9.9', '10.9.0.1', '8.8.4.4', '203.0.113.7', '192.168.100.7', '10.77.0.1'];
    for (const a of probes) {
      for (const b of probes) {
        if (a === b) continue;
        const [ka, kb] = [keyOf(space, a)!, keyOf(space, b)!];
        if (!space.segments.has(ka) && !space.segments.has(kb)) continue;
        const want = observed.get(`${ka}|${kb}`) ?? ServiceSet.EMPTY;
        expect([a, b, flowServices(ir, ep(a), ep(b)).toString()]).toEqual([a, b, want.toString()]);
      }
    }
  });

  test('rules generalise by label pattern, one rule per pattern, and the output compiles and verifies on every cloud', async () => {
    const { result, ir } = await discovered('aws-flows.log');
    const names = (result.doc.rules as { name: string }[]).map((r) => r.name);
    expect(names).toEqual(['app-to-db', 'cache-unlabelled-to-db-shop', 'web-to-app', 'app-to-web', 'hosts-to-prod-web-shop', 'internet-to-prod-web-shop', 'prod-app-shop-to-internet']);
    const webToApp = (result.doc.rules as Record<string, unknown>[]).find((r) => r.name === 'web-to-app');
    expect(webToApp).toMatchObject({ from: { tier: 'web' }, to: { tier: 'app' }, sameLabels: ['env'], services: ['tcp/8080'] });
    for (const t of ['aws', 'azure', 'gcp'] as const) {
      const out = loadBackend(t).compile(ir);
      const v = verifyOutput(ir, t, out.terraform as Record<string, any>, out.identities);
      expect([t, v.verdict, v.mismatchCount]).toEqual([t, 'equivalent', 0]);
    }
  }, 60000);

  test('a --labels entry no workload carries is bad usage with a suggestion, not a silent all-unlabelled dimension', async () => {
    const r = await run(['discover', '--flows', 'aws-flows.log', '--inventory', 'inventory.yaml', '--labels', 'env,tierr']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("--labels: no workload of inventory.yaml has the label 'tierr' (did you mean 'tier'?)");
  });

  test('against an existing policy: only what it does not allow, appended to it', async () => {
    const r = await run(['discover', '--flows', 'aws-flows.log', 'gcp-flows.jsonl', '--inventory', 'inventory.yaml', '--policy', 'policy-base.yaml']);
    expect(r.code).toBe(0);
    const p = SegmentationPolicy.fromSource(r.stdout, 'out.yaml');
    const added = p.doc.rules!.filter((x) => x.name.startsWith('discovered-'));
    expect(added.map((x) => [x.name, x.services])).toEqual([
      ['discovered-app-to-web', ['tcp/9100']],
      ['discovered-hosts-to-prod-db', ['tcp/5432']],
    ]);
    expect(p.doc.rules!.length).toBe(7);
  });

  test('discover SQL on DuckDB yields the rows the streaming path builds', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const { discoverSql } = await import('../../../lib/analysis/sql/queries');
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    await con.run(`CREATE TABLE vpc_flow_logs AS SELECT * FROM read_csv('${fix('aws-flows.log')}', delim = ' ', header = true, ignore_errors = true,
      columns = {'version': 'INTEGER', 'account_id': 'VARCHAR', 'interface_id': 'VARCHAR', 'srcaddr': 'VARCHAR', 'dstaddr': 'VARCHAR', 'srcport': 'INTEGER', 'dstport': 'INTEGER',
                 'protocol': 'BIGINT', 'packets': 'BIGINT', 'bytes': 'BIGINT', 'start': 'BIGINT', 'end': 'BIGINT', 'action': 'VARCHAR', 'log_status': 'VARCHAR'})`);
    const { space, flows } = await discovered('aws-flows.log');
    const keys = [...space.keyOfAddress].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const sql = discoverSql(keys, space.internal, { warehouse: 'athena', dialect: 'duckdb' });
    const rows = (await con.runAndReadAll(sql.replace(/^--.*$/gm, ''))).getRowObjectsJson() as Record<string, string>[];
    con.closeSync();
    // IPv4 only: address classes of IPv6 hosts are matched by prefix in SQL, the fixture's v6 client is public.
    const node = pairsFromFlows(space, flows).map((p) => [p.client, p.server, p.proto, p.port, p.hits]);
    const fromSql = rows.map((r) => [r.client_key, r.server_key, Number(r.proto), Number(r.port), Number(r.hits)]);
    expect(fromSql).toEqual(node);
  });
});
