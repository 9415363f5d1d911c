/**
 * Each finding kind: one fixture that triggers it (asserting the exact
 * findings) and one that does not. Today is pinned, so expiry is stable.
 */
import * as path from 'path';
import { failsOn, lint, LintFinding, resolveToday, LINT_RULES } from '../../lib/analysis/lint';
import { CODES } from '../../lib/model/codes';
import { SegmentationPolicy } from '../../lib/model/policy';
import { resolve } from '../../lib/resolve/resolve';

const TODAY = '2026-06-15';
const run = (name: string, today = TODAY): LintFinding[] => lint(resolve(SegmentationPolicy.fromFile(path.join(__dirname, '../fixtures/lint', name + '.yaml'))), { today });
const brief = (fs: LintFinding[]) => fs.map((f) => `${f.location?.line}:${f.location?.col} ${f.severity} ${f.code} ${f.message}${f.suppressed ? ' [suppressed]' : ''}`);

test('the clean fixture has no findings', () => {
  expect(run('clean')).toEqual([]);
});

test.each([
  ['conflict-partial', ["33:11 warning MS3001 rule 'web-to-db' is partly removed by guardrail 'staging-never-prod': tcp/5432 for web-staging → db-prod"]],
  ['conflict-whole', ["33:11 error MS3002 rule 'web-to-db' is wholly removed by guardrail 'no-db-from-web': it grants no flow"]],
  ['shadowed', ["32:11 warning MS3003 rule 'web-prod-to-db-prod' is shadowed: every flow it grants is also granted by 'web-to-db'"]],
  [
    'world-open',
    ["32:11 error MS3004 segment 'web-prod' admits admin port tcp/22 from 100 % of the IPv4 space (world-sized) through rule 'ssh-from-anywhere'"],
  ],
  ['broad', ["32:11 warning MS3005 rule 'flat-network' allows tcp/443 between every pair of the 3 segments"]],
  [
    'address-leak',
    [
      "26:11 warning MS3006 segment 'web-prod' reaches 'db-prod' on tcp/443 only through address-based rules 'anywhere-to-db', 'web-to-anywhere'",
      "26:11 warning MS3006 segment 'web-staging' reaches 'db-prod' on tcp/443 only through address-based rules 'anywhere-to-db', 'web-to-anywhere'",
    ],
  ],
  [
    'expired',
    [
      "12:11 warning MS3011 segment 'db-prod' is selected by no allow: its workloads can neither send nor receive",
      "32:14 warning MS3007 rule 'web-to-db' expired on 2026-01-31 (135 days ago) and is left out of every compiled output",
    ],
  ],
  [
    'unused',
    [
      "18:11 warning MS3011 segment 'db-staging' is selected by no allow: its workloads can neither send nor receive",
      "25:11 warning MS3010 external 'partner' is named by no rule or guardrail",
      '28:3 warning MS3009 service \'legacy-api\' is used by no rule or guardrail',
    ],
  ],
])('%s triggers exactly its finding, %s-ok does not', (name, expected) => {
  expect(brief(run(name))).toEqual(expected);
  if (name !== 'unused') expect(run(name + '-ok')).toEqual([]);
});

test('expiring soon is an info inside lint.expiryWarningDays (default 30), nothing outside it', () => {
  expect(brief(run('expired', '2026-01-15'))).toEqual(["32:14 info MS3008 rule 'web-to-db' expires on 2026-01-31, in 16 days, and is left out of every compiled output from 2026-02-01"]);
  expect(brief(run('expired', '2026-01-31'))).toEqual(["32:14 info MS3008 rule 'web-to-db' expires on 2026-01-31, in 0 days, and is left out of every compiled output from 2026-02-01"]);
  // From the day after, the allow is gone: db-prod is left with no allow at all.
  expect(brief(run('expired', '2026-02-01'))).toEqual([
    "12:11 warning MS3011 segment 'db-prod' is selected by no allow: its workloads can neither send nor receive",
    "32:14 warning MS3007 rule 'web-to-db' expired on 2026-01-31 (1 day ago) and is left out of every compiled output",
  ]);
  expect(run('expired', '2025-12-31')).toEqual([]);
});

test('suppressions: a matched finding is kept as suppressed and never fails; an unmatched one is a warning', () => {
  const fs = run('suppressed');
  expect(brief(fs)).toEqual([
    "32:11 error MS3004 segment 'web-prod' admits admin port tcp/22 from 100 % of the IPv4 space (world-sized) through rule 'ssh-from-anywhere' [suppressed]",
    "40:5 warning MS3012 suppression of MS3003 for 'web-to-db' matches no finding",
  ]);
  expect(fs[0].suppressed?.reason).toBe('honeypot, monitored by the SOC');
  expect(failsOn(fs[0], 'warning')).toBe(false);
  expect(failsOn(fs[1], 'warning')).toBe(true);
  expect(failsOn(fs[1], 'error')).toBe(false);
});

test('findings carry why, subjects and an example flow', () => {
  const [c] = run('conflict-partial');
  expect(c.subjects).toEqual(['web-to-db', 'staging-never-prod']);
  expect(c.example).toBe('web-staging (10.3.0.0) → db-prod (10.2.0.0) on tcp/5432');
  expect(c.related?.[0].location?.line).toBe(23);
  expect(c.why).toMatch(/guardrail/);
  const [s] = run('shadowed');
  expect(s.example).toBe("web-prod (10.1.0.0) → db-prod (10.2.0.0) on tcp/5432 is also granted by 'web-to-db'");
});

test('the example shop policy lints clean apart from its expiring break-glass rule', () => {
  const ir = resolve(SegmentationPolicy.fromFile(path.join(__dirname, '../fixtures/diff/shop-old.yaml')));
  expect(brief(lint(ir, { today: '2027-06-15' }))).toEqual(["154:14 info MS3008 rule 'vpn-ssh-to-app' expires on 2027-06-30, in 15 days, and is left out of every compiled output from 2027-07-01"]);
  expect(lint(ir, { today: TODAY })).toEqual([]);
});

test('every lint rule is registered in the code registry with its severity', () => {
  for (const r of LINT_RULES) expect(CODES[r.code]).toBeDefined();
  expect(LINT_RULES.map((r) => r.code)).toEqual(['MS3001', 'MS3002', 'MS3003', 'MS3004', 'MS3005', 'MS3006', 'MS3007', 'MS3008', 'MS3009', 'MS3010', 'MS3011', 'MS3012', 'MS3013', 'MS3101', 'MS3102', 'MS3103', 'MS3104', 'MS3105']);
});

test('today: explicit, then MICROSEG_TODAY, then the clock; invalid dates refused', () => {
  expect(resolveToday('2026-02-03', {})).toBe('2026-02-03');
  expect(resolveToday(undefined, { MICROSEG_TODAY: '2026-04-05' })).toBe('2026-04-05');
  expect(resolveToday(undefined, {}, () => new Date('2030-01-02T23:00:00Z'))).toBe('2030-01-02');
  expect(() => resolveToday('2026-02-30', {})).toThrow(/invalid date/);
  expect(() => resolveToday('tomorrow', {})).toThrow(/invalid date/);
});
