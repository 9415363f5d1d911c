import { impact } from '../../../lib/analysis/impact';
import { parseInventory, readInventory } from '../../../lib/analysis/inventory';
import { WORKLOADS } from '../../fixtures/lifecycle/generate';
import { fix, fixturePolicy, run } from './helpers';

describe('inventory', () => {
  test('YAML, JSON and CSV give the same workloads', () => {
    const y = readInventory(fix('inventory.yaml'));
    const j = readInventory(fix('inventory.json'));
    const c = readInventory(fix('inventory.csv'));
    expect(y.diagnostics).toEqual([]);
    expect(j.diagnostics).toEqual([]);
    expect(c.diagnostics).toEqual([]);
    expect(y.workloads).toHaveLength(WORKLOADS.length);
    const strip = (ws: typeof y.workloads) => ws.map(({ location: _l, ...w }) => w);
    expect(strip(j.workloads)).toEqual(strip(y.workloads));
    expect(strip(c.workloads)).toEqual(strip(y.workloads));
  });

  test('bad rows are located errors, the good rows are kept', () => {
    const inv = parseInventory(
      ['workloads:', '  - name: a', '    address: 10.0.0.1', '  - name: b', '    address: 10.0.0.300', '  - address: 10.0.0.2', '  - name: a', '    address: 10.0.0.3', '  - name: c', '    address: 10.0.0.0/24', '  - name: d', '    address: 10.0.0.4', '    labels: [x]'].join('\n'),
      'inv.yaml',
    );
    expect(inv.workloads.map((w) => w.name)).toEqual(['a']);
    expect(inv.diagnostics.map((d) => `${d.location!.line} ${d.code}`)).toEqual(['4 MS8003', '6 MS8002', '7 MS8004', '9 MS8003', '11 MS8005']);
    const csv = parseInventory('name,address,labels.env,labels.tier\nweb-1,10.0.0.1,prod,web\nweb-2,nope,prod,web\n', 'inv.csv');
    expect(csv.workloads[0].labels).toEqual({ env: 'prod', tier: 'web' });
    expect(csv.diagnostics.map((d) => `${d.location!.file}:${d.location!.line} ${d.code}`)).toEqual(['inv.csv:3 MS8003']);
    expect(parseInventory('workloads: [', 'x.yaml').diagnostics[0].code).toBe('MS8001');
  });
});

describe('impact', () => {
  test('coverage, unmanaged, ambiguous and misplaced workloads on the fixture', () => {
    const r = impact(fixturePolicy(), readInventory(fix('inventory.yaml')));
    expect(r.coverage).toEqual({ managed: 16, total: 19, percent: 84.2 });
    expect(r.unmanaged.map((u) => [u.name, u.reason])).toEqual([
      ['batch-1', 'ambiguous'],
      ['cache-1', 'no-segment'],
      ['legacy-1', 'no-segment'],
    ]);
    expect(r.ambiguous).toEqual([{ name: 'batch-1', address: '10.1.4.4', candidates: ['app-prod', 'db-prod', 'web-prod'] }]);
    expect(r.outsideAddresses).toEqual([{ name: 'app-prod-9', address: '10.1.9.9', segment: 'app-prod' }]);
    expect(Object.fromEntries(r.segments.map((s) => [s.segment, s.workloads]))).toEqual({ 'app-prod': 4, 'app-staging': 2, 'db-prod': 2, 'db-staging': 1, 'web-prod': 5, 'web-staging': 2 });
  });

  test('against a base: exactly the pairs that gain metrics and lose tcp/6432', () => {
    const r = impact(fixturePolicy(), readInventory(fix('inventory.yaml')), fixturePolicy('policy-base.yaml'));
    expect(r.summary).toMatchObject({ pairsGaining: 20, pairsLosing: 10 });
    expect(r.changes!.every((c) => (c.gained.length ? c.gained.join() === 'tcp/9100-9110' : c.lost.join() === 'tcp/6432'))).toBe(true);
    expect(r.changes).toContainEqual({ from: 'app-prod-9', to: 'db-prod-1', fromSegment: 'app-prod', toSegment: 'db-prod', gained: [], lost: ['tcp/6432'] });
    expect(r.moved).toEqual([]);
  });

  test('the command: JSON shape, markdown, exit codes', async () => {
    const j = await run(['impact', 'policy.yaml', '--inventory', 'inventory.csv', '--base', 'policy-base.yaml', '--format', 'json']);
    expect(j.code).toBe(0);
    const o = JSON.parse(j.stdout);
    expect(o.coverage).toEqual({ managed: 16, total: 19, percent: 84.2 });
    expect(o.unmanaged[0]).toMatchObject({ name: 'batch-1', address: '10.1.4.4' });
    expect(o.changes).toHaveLength(30);
    const md = await run(['impact', 'policy.yaml', '--inventory', 'inventory.yaml', '--format', 'markdown']);
    expect(md.stdout).toMatch(/Coverage: \*\*16 of 19\*\* workloads \(84.2%\)/);
    expect((await run(['impact', 'policy.yaml', '--inventory', 'inventory.yaml', '--fail-on-unmanaged'])).code).toBe(1);
    expect((await run(['impact', 'policy.yaml'])).code).toBe(2);
  });
});
