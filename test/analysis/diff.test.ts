/**
 * diff on two versions of the example shop policy (a pinned copy and a
 * modified one, five changes): exactly the expected flows, causes, groupings
 * and risk summary.
 */
import * as path from 'path';
import { diffPolicies } from '../../lib/analysis/diff';
import { SegmentationPolicy } from '../../lib/model/policy';
import { resolve } from '../../lib/resolve/resolve';

const load = (f: string) => resolve(SegmentationPolicy.fromFile(path.join(__dirname, '../fixtures/diff', f)));
const oldIr = load('shop-old.yaml');
const newIr = load('shop-new.yaml');
const d = diffPolicies(oldIr, newIr);

test('reports exactly the expected flows', () => {
  const lines = d.changes.map((c) => `${c.from.label} -> ${c.to.label}: ${c.added.map((s) => '+' + s).concat(c.removed.map((s) => '-' + s)).join(' ')} [${c.causes.join(',')}]`);
  expect(lines).toEqual([
    'corp-vpn -> shop-db-prod: +tcp/5432 [vpn-to-db-prod]',
    'internet -> shop-web-prod: +tcp/80 [internet-to-web]',
    'monitoring-prod -> shop-db-staging: +tcp/9100 [monitoring-scrapes]',
    'shop-app-prod -> shop-cache-prod: -tcp/6379 [app-to-cache]',
    'shop-app-staging -> shop-cache-staging: -tcp/6379 [app-to-cache]',
  ]);
  // Addresses are exact: the internet change covers both families, the segment ends their declared addresses.
  const web = d.changes[1];
  expect(web.to.addresses).toEqual(['10.10.1.0/24', 'fd00:10:1::/64']);
  expect(web.from.addresses).toEqual(newIr.externals.find((e) => e.name === 'internet')!.addresses.toCidrs());
  expect(d.changes[0].from.addresses).toEqual(['192.168.100.0/22']);
});

test('groups by rule and by segment pair', () => {
  expect(d.byRule.map((r) => `${r.kind} ${r.name} ${r.change} +${r.added.length} -${r.removed.length}`)).toEqual([
    'rule app-to-cache removed +0 -2',
    'rule internet-to-web modified +1 -0',
    'rule monitoring-scrapes modified +1 -0',
    'rule vpn-to-db-prod added +1 -0',
  ]);
  expect(d.byPair.map((p) => `${p.from} -> ${p.to}`)).toEqual([
    'corp-vpn -> shop-db-prod',
    'internet -> shop-web-prod',
    'monitoring-prod -> shop-db-staging',
    'shop-app-prod -> shop-cache-prod',
    'shop-app-staging -> shop-cache-staging',
  ]);
  expect(d.summary).toEqual({ flowsAdded: 3, flowsRemoved: 2, rulesChanged: 4 });
});

test('risk summary: internet exposure, cross-env flows, guardrail changes', () => {
  expect(d.risk.internetExposure.map((x) => d.changes[x.change].to.label)).toEqual(['shop-web-prod']);
  expect(d.risk.internetExposure[0].adminPorts).toEqual([]);
  // corp-vpn lies inside internalCidrs: not internet exposure.
  expect(d.risk.crossEnv.map((i) => `${d.changes[i].from.label} -> ${d.changes[i].to.label}`)).toEqual(['monitoring-prod -> shop-db-staging']);
  expect(d.risk.guardrails).toEqual([{ name: 'no-internet-to-data', change: 'modified', meaningChanged: false }]);
});

test('a policy against itself has no changes; swapping sides swaps added and removed', () => {
  const same = diffPolicies(oldIr, oldIr);
  expect(same.changes).toEqual([]);
  expect(same.byRule).toEqual([]);
  const back = diffPolicies(newIr, oldIr);
  expect(back.changes.map((c) => [c.from.label, c.to.label, c.removed, c.added])).toEqual(d.changes.map((c) => [c.from.label, c.to.label, c.added, c.removed]));
});
