/**
 * One indentation slip, one located error. A YAML syntax error is reported
 * once, at the line to fix, with the columns to compare and a count of the
 * errors that follow from it; a top-level (or targets) section indented one
 * level too deep is one error at its key saying where it belongs, not the
 * section "missing" plus every key and reference that moved with it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { formatDiagnostic } from '../../lib/model/diagnostics';
import { checkPolicySource } from '../../lib/model/policy';

const shopText = fs.readFileSync(path.join(__dirname, '../../examples/shop/policy.yaml'), 'utf8');
const shop = shopText.split('\n');
/** The shop with line `n` (1-based) changed by `edit`. */
const slip = (n: number, edit: (l: string) => string) => shop.map((l, i) => (i === n - 1 ? edit(l) : l)).join('\n');
const lineOf = (text: string) => shop.findIndex((l) => l === text) + 1;
const errors = (text: string) => checkPolicySource(text, 'policy.yaml').diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);

test('the shop example has the lines these cases edit', () => {
  for (const l of ['labels:', 'segments:', 'guardrails:', '  azure:', '    addresses: [10.10.2.0/24]', '  - name: shop-app-prod', '    labels: {env: prod, tier: app, app: shop}', 'kind: SegmentationPolicy']) expect(lineOf(l)).toBeGreaterThan(0);
});

test('a key indented deeper than its siblings: one error at the key, naming both columns', () => {
  const n = lineOf('    addresses: [10.10.2.0/24]');
  expect(errors(slip(n, (l) => ' ' + l))).toEqual([`policy.yaml:${n}:6 error MS1010 All mapping items must start at the same column: line ${n} starts in column 6, line ${n - 1} above it in column 5; keys of one mapping, and items of one list, start in the same column`]);
});

test('a key indented deeper than the key above it: the error is at that line, not at the key YAML blames', () => {
  const n = lineOf('    labels: {env: prod, tier: app, app: shop}');
  const e = errors(slip(n, (l) => '  ' + l));
  expect(e).toHaveLength(1);
  expect(e[0]).toMatch(new RegExp(`^policy\\.yaml:${n}:7 error MS1010 line ${n} starts in column 7, deeper than the key on line ${n - 1} \\(column 5\\), so YAML reads it as part of that key: indent it like the key( \\(\\d+ more YAML errors? after it, most likely caused by this one: fix it first\\))?$`));
});

test('a list item out of line: compared with the item above it', () => {
  const n = lineOf('  - name: shop-app-prod');
  const first = lineOf('  - name: shop-web-prod');
  const e = errors(slip(n, (l) => ' ' + l));
  expect(e).toHaveLength(1);
  expect(e[0]).toContain(`policy.yaml:${n}:4 error MS1010 All sequence items must start at the same column: line ${n} starts in column 4, the item on line ${first} above it in column 3;`);
});

test('hundreds of follow-on parser errors fold into a count', () => {
  const n = lineOf('kind: SegmentationPolicy') - 1; // apiVersion, the first key, indented by one
  const e = errors(slip(n, (l) => ' ' + l));
  expect(e).toHaveLength(1);
  const [, more] = /\((\d+) more YAML errors after it, most likely caused by this one: fix it first\)$/.exec(e[0])!;
  expect(Number(more)).toBeGreaterThan(100);
  expect(e[0]).toContain(`policy.yaml:${n + 1}:1 error MS1010 Unexpected scalar at node end: line ${n + 1} starts in column 1, line ${n} above it in column 2;`);
});

test('a tab says to indent with spaces', () => {
  const n = lineOf('labels:') + 1;
  const e = errors(slip(n, (l) => '\t' + l.trimStart()));
  expect(e).toHaveLength(1);
  expect(e[0]).toMatch(new RegExp(`^policy\\.yaml:${n}:1 error MS1010 Tabs are not allowed as indentation: indent with spaces`));
});

test('a top-level section indented under the one above it is one error at its key', () => {
  const labels = lineOf('labels:');
  expect(errors(slip(labels, (l) => '  ' + l))).toEqual([`policy.yaml:${labels}:3 error MS1100 'labels' is indented under network, but it is a top-level section (the policy has none at the top level): start it in column 1, like apiVersion`]);
  const segments = lineOf('segments:');
  expect(errors(slip(segments, (l) => '  ' + l))).toEqual([`policy.yaml:${segments}:3 error MS1100 'segments' is indented under labels, but it is a top-level section (the policy has none at the top level): start it in column 1, like apiVersion`]);
  // Under a map of names the section becomes an entry of it (a service called guardrails).
  const guardrails = lineOf('guardrails:');
  expect(errors(slip(guardrails, (l) => '  ' + l))).toEqual([`policy.yaml:${guardrails}:3 error MS1100 'guardrails' is indented under services, but it is a top-level section: start it in column 1, like apiVersion`]);
  const azure = lineOf('  azure:');
  expect(errors(slip(azure, (l) => '  ' + l))).toEqual([`policy.yaml:${azure}:5 error MS1100 'azure' is indented under targets.aws, but it belongs in targets: indent it like the other entries of targets`]);
});

test('a section that is simply absent: its missing-key error, without an unknown reference per use', () => {
  const from = lineOf('labels:');
  const to = lineOf('segments:');
  const text = shop.filter((_, i) => i + 1 < from || i + 1 >= to).join('\n');
  expect(errors(text)).toEqual(['policy.yaml:6:1 error MS1101 missing required key \'labels\' at the top level']);
});

test('every one-line indentation slip of a section header or list item in the shop example gives at most one error', () => {
  const structural = shop.map((l, i) => [l, i + 1] as const).filter(([l]) => /^ *(- |[A-Za-z]+:\s*$)/.test(l));
  expect(structural.length).toBeGreaterThan(40);
  const worse: string[] = [];
  for (const [l, n] of structural) {
    for (const edit of [(x: string) => ' ' + x, (x: string) => '  ' + x, (x: string) => x.replace(/^ /, '')]) {
      if (edit(l) === l) continue;
      const e = errors(slip(n, edit));
      if (e.length > 1) worse.push(`line ${n} ${JSON.stringify(edit(l))}: ${e.join(' | ')}`);
    }
  }
  expect(worse).toEqual([]);
});
