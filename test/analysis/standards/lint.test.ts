/** Standards judged on the policy's meaning: each of never, only and always held and broken, located where the fix belongs. */
import * as fs from 'fs';
import * as path from 'path';
import { lint } from '../../../lib/analysis/lint';
import { formatDiagnostic } from '../../../lib/model/diagnostics';
import { checkPolicySources } from '../../../lib/model/policy';
import { checkStandardsSource, loadStandardsFile } from '../../../lib/model/standards';
import { resolve } from '../../../lib/resolve/resolve';

const ex = path.join(__dirname, '../../../examples/teams');
const files = () => fs.readdirSync(path.join(ex, 'policy')).sort().map((f) => ({ file: `policy/${f}`, text: fs.readFileSync(path.join(ex, 'policy', f), 'utf8') }));
const org = loadStandardsFile(path.join(ex, 'standards/org-baseline.yaml'), 'standards/org-baseline.yaml');
const edit = (file: string, from: string, to: string) => files().map((f) => (f.file === `policy/${file}` ? { ...f, text: f.text.replace(from, to) } : f));
const lintOf = (fs_: { file: string; text: string }[], standards = org.standards) => {
  const c = checkPolicySources('policy', fs_);
  expect(c.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  return lint(resolve(c.policy!), { today: '2026-12-01', standards }).filter((f) => /^MS31/.test(f.code)).map((f) => `${formatDiagnostic(f)} | ${f.example ?? ''}`);
};

test('the org standards file loads: three standards, one of each kind', () => {
  expect(org.diagnostics).toEqual([]);
  expect(org.standards.map((s) => [s.name, s.kind])).toEqual([['prod-db-only-from-app', 'only'], ['no-world-admin', 'never'], ['monitoring-scrapes', 'always']]);
});

test('the example lints clean under the org standards', () => {
  expect(lintOf(files())).toEqual([]);
});

test('never: a rule opening ssh to the world is an error at that rule, with an example flow', () => {
  const f = edit('shop.yaml', 'services: [https]\n  - name: vpn-to-staging-web', 'services: [https, tcp/22]\n  - name: vpn-to-staging-web');
  expect(lintOf(f)).toEqual([
    "policy/shop.yaml:23:11 error MS3101 rule 'internet-to-web' breaks standard 'no-world-admin' (never {cidrs: [0.0.0.0/0, ::/0]} → {} on tcp/22, tcp/3389): it allows outside host 0.0.0.0 → shop-web-prod (10.10.1.0) on tcp/22 (and 6 more flow cells) | outside host 0.0.0.0 → shop-web-prod (10.10.1.0) on tcp/22",
  ]);
});

test('only: billing admitting the shop app into its database is an error at the rule; app tiers are allowed', () => {
  const f = edit('billing.yaml', 'from: {segment: billing-app-prod}\n    to: {segment: billing-db-prod}', 'from: [{segment: billing-app-prod}, {segment: shop-web-prod}]\n    to: {segment: billing-db-prod}');
  expect(lintOf(f)).toEqual([
    "policy/billing.yaml:25:11 error MS3102 rule 'billing-app-to-db' breaks standard 'prod-db-only-from-app' (only [{tier: app}, {segment: monitoring}] may reach {env: prod, tier: db} on any): it allows shop-web-prod (10.10.1.0) → billing-db-prod (10.10.13.0) on tcp/5432 | shop-web-prod (10.10.1.0) → billing-db-prod (10.10.13.0) on tcp/5432",
  ]);
  // The shop app reaching the billing db is from the app tier: the standard holds.
  expect(lintOf(edit('billing.yaml', 'from: {segment: billing-app-prod}\n    to: {segment: billing-db-prod}', 'from: [{segment: billing-app-prod}, {segment: shop-app-prod}]\n    to: {segment: billing-db-prod}'))).toEqual([]);
});

test('always: narrowing the scrape guardrail breaks the standard, reported at the standard', () => {
  const f = edit('base.yaml', 'to: {env: prod}\n    services: [node-exporter, icmp]', 'to: {env: prod, tier: [web, app, ops]}\n    services: [node-exporter, icmp]');
  expect(lintOf(f)).toEqual([
    "standards/org-baseline.yaml:16:11 error MS3103 standard 'monitoring-scrapes' (always {segment: monitoring} → {env: prod} on tcp/9100) is broken: monitoring (10.10.30.0) → billing-db-prod (10.10.13.0) on tcp/9100 is not allowed (no rule grants it) (and 1 more flow cell) | monitoring (10.10.30.0) → billing-db-prod (10.10.13.0) on tcp/9100",
  ]);
  const denied = [...files(), { file: 'policy/zz-deny.yaml', text: 'apiVersion: microseg/v1\nkind: PolicyFragment\nmetadata: {name: lockdown, owner: team-security}\nscope: {app: billing}\nguardrails:\n  - {name: lock-billing-db, action: deny, from: {}, to: {segment: billing-db-prod}, services: [tcp/9100]}\n' }];
  expect(lintOf(denied)).toEqual([expect.stringMatching(/MS3103 standard 'monitoring-scrapes' .* is not allowed \(denied by guardrail 'lock-billing-db'\)/)]);
});

test('a standard naming what the policy lacks is a warning; an unknown service an error', () => {
  const s = checkStandardsSource('apiVersion: microseg/v1\nkind: SegmentationStandards\nmetadata: {name: x}\nstandards:\n  - {name: a, never: {from: {zone: pci}, to: {segment: nope}, services: [tcp/22]}}\n  - {name: b, always: {from: {}, to: {}, services: [telnett]}}\n', 'x.yaml');
  expect(s.diagnostics).toEqual([]);
  const c = checkPolicySources('policy', files());
  const out = lint(resolve(c.policy!), { today: '2026-12-01', standards: s.standards }).filter((f) => /^MS31/.test(f.code)).map(formatDiagnostic);
  expect(out).toEqual([
    "x.yaml:5:29 warning MS3104 standard 'a': this policy has no label 'zone'",
    "x.yaml:5:46 warning MS3104 standard 'a': this policy has no segment 'nope'",
    "x.yaml:6:53 error MS3105 standard 'b': unknown service 'telnett': not a literal spec, not a built-in service, not in this policy's services",
  ]);
});

test('standards documents are checked on their own: one kind per entry, unique names, term forms', () => {
  const s = checkStandardsSource('apiVersion: microseg/v1\nkind: SegmentationStandards\nmetadata: {name: x}\nstandards:\n  - {name: a, never: {from: {}, to: {}, services: [any]}, always: {from: {}, to: {}, services: [any]}}\n  - {name: a, only: {from: {segment: x, tier: app}, to: {}, services: [any]}}\n  - {name: c}\n', 'x.yaml');
  expect(s.diagnostics.map(formatDiagnostic)).toEqual([
    'x.yaml:5:5 error MS1311 standard has never and always: write one kind per standard',
    "x.yaml:6:12 error MS1312 duplicate standard name 'a'",
    "x.yaml:6:28 error MS1255 selector term mixes 'segment' with 'tier': use a list of terms for a union",
    'x.yaml:7:5 error MS1311 standard needs one of never, only or always',
  ]);
});
