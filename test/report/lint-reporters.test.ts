/**
 * Lint reporters on a fixture with an error, a warning and a suppressed
 * finding. SARIF validates against the full SARIF 2.1.0 schema
 * (test/report/sarif-validator.ts).
 */
import * as path from 'path';
import { lint } from '../../lib/analysis/lint';
import { loadPolicy } from '../../lib/model/policy';
import { resolve } from '../../lib/resolve/resolve';
import { lintGithub } from '../../lib/report/github';
import { lintJson } from '../../lib/report/json';
import { lintJunit } from '../../lib/report/junit';
import { LintReport } from '../../lib/report/lint-model';
import { lintMarkdown } from '../../lib/report/markdown';
import { lintSarif } from '../../lib/report/sarif';
import { lintText } from '../../lib/report/text';
import { sarifValidator } from './sarif-validator';

const file = 'test/fixtures/lint/suppressed.yaml';
const report = (f: string): LintReport => {
  const ir = resolve(loadPolicy(path.join(__dirname, '../..', f), f).policy!);
  return { policy: ir.name, file: f, today: '2026-06-15', findings: lint(ir, { today: '2026-06-15' }), toolVersion: '0.1.0' };
};
const r = report(file);
const conflict = report('test/fixtures/lint/conflict-whole.yaml');

const validator = sarifValidator;

test('SARIF validates against the full 2.1.0 schema, with locations, rule metadata and suppressions', () => {
  const validate = validator();
  for (const rep of [r, conflict, report('test/fixtures/lint/clean.yaml')]) {
    const log = JSON.parse(lintSarif(rep));
    expect(validate(log)).toEqual([]);
  }
  const log = JSON.parse(lintSarif(r));
  const run = log.runs[0];
  expect(run.tool.driver.rules.map((x: { id: string }) => x.id)).toContain('MS3004');
  const [open, stale] = run.results;
  expect(open.ruleId).toBe('MS3004');
  expect(open.level).toBe('error');
  expect(open.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: file, uriBaseId: '%SRCROOT%' }, region: { startLine: 32, startColumn: 11 } });
  expect(open.suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: 'honeypot, monitored by the SOC' }]);
  expect(run.tool.driver.rules[open.ruleIndex].id).toBe('MS3004');
  expect(stale.ruleId).toBe('MS3012');
  expect(stale.suppressions).toBeUndefined();
  // The conflict names the guardrail as a related location.
  const c = JSON.parse(lintSarif(conflict)).runs[0].results[0];
  expect(c.relatedLocations[0].physicalLocation.region.startLine).toBe(23);
});

test('the schema rejects what code scanning rejects', () => {
  const validate = validator();
  const good = JSON.parse(lintSarif(r));
  const bad1 = structuredClone(good);
  bad1.runs[0].results[0].level = 'fatal';
  const bad2 = structuredClone(good);
  bad2.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
  const bad3 = structuredClone(good);
  delete bad3.runs[0].results[0].suppressions[0].kind;
  const bad4 = structuredClone(good);
  bad4.version = '2.0.0';
  for (const b of [bad1, bad2, bad3, bad4]) expect(validate(b).length).toBeGreaterThan(0);
});

test('JSON has the documented shape', () => {
  const j = JSON.parse(lintJson(r));
  expect(j.summary).toEqual({ error: 0, warning: 1, info: 0, suppressed: 1 });
  expect(j.findings[0]).toMatchObject({ id: 'MS3004', kind: 'world-open-admin-port', severity: 'error', file, line: 32, col: 11, path: 'rules[2].name', subjects: ['ssh-from-anywhere', 'web-prod'], suppressed: { reason: 'honeypot, monitored by the SOC', line: 37, col: 5 } });
  expect(Object.keys(j)).toEqual(['version', 'tool', 'policy', 'file', 'today', 'summary', 'findings', 'diagnostics']);
});

test('GitHub annotations: one command per unsuppressed finding, escaped', () => {
  expect(lintGithub(r).split('\n')[0]).toBe(
    `::warning file=${file},line=40,col=5,title=MS3012 suppression matches no finding::suppression of MS3003 for 'web-to-db' matches no finding. A suppression that acknowledges nothing is stale: the problem was fixed or the id or rule is wrong, and it would silently hide a future finding.`,
  );
  expect(lintGithub(r).trim().split('\n')).toHaveLength(1);
  expect(lintGithub(conflict)).toMatch(/^::error file=test\/fixtures\/lint\/conflict-whole.yaml,line=33,col=11,title=MS3002 allow wholly removed by deny guardrails::/);
});

test('JUnit: failures for findings, skipped for suppressed, passing cases for clean rules', () => {
  const x = lintJunit(r);
  expect(x).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="microseg lint" tests="18" failures="1" errors="0" skipped="1">/);
  expect(x).toContain('<skipped message="suppressed: honeypot, monitored by the SOC"/>');
  expect(x).toContain('<failure message="suppression of MS3003 for &apos;web-to-db&apos; matches no finding" type="warning">');
  expect((x.match(/<testcase /g) ?? []).length).toBe(18);
});

test('markdown: summary table first, details collapsed', () => {
  const m = lintMarkdown(r);
  expect(m.split('\n').slice(0, 5)).toEqual(['### microseg lint: `test/fixtures/lint/suppressed.yaml`', '', '| errors | warnings | info | suppressed |', '|---:|---:|---:|---:|', '| 0 | 1 | 0 | 1 |']);
  expect(m).toContain('<details><summary>');
});

test('text: colour only when asked (a TTY)', () => {
  expect(lintText(r, false)).not.toMatch(/\x1b\[/);
  expect(lintText(r, false)).toContain(`${file}:40:5 warning MS3012 suppression of MS3003 for 'web-to-db' matches no finding`);
  expect(lintText(r, false).trim().split('\n').pop()).toBe(`${file}: 0 errors, 1 warning, 0 info, 1 suppressed`);
});

test('a policy with validation errors: every machine format still carries the errors, located, and lint exits 1', async () => {
  const { main } = await import('../../lib/cli/main');
  const { memoryIO } = await import('../../lib/cli/io');
  const bad = 'test/fixtures/bad/unknown-label-value-selector.yaml';
  const lintIt = async (format: string) => {
    const io = memoryIO(path.join(__dirname, '../..'));
    const code = await main(['lint', bad, '--format', format], io);
    return { code, out: io.stdout, err: io.stderr };
  };
  const text = await lintIt('text');
  expect(text.code).toBe(1);
  expect(text.out).toBe(''); // people read stderr
  const [, where, code] = /^(\S+:\d+:\d+) error (MS1\d{3}) /m.exec(text.err)!;
  const [, line, col] = where.split(':').map(Number);

  const sarif = await lintIt('sarif');
  expect(sarif.code).toBe(1);
  const log = JSON.parse(sarif.out);
  const validate = validator();
  expect(validate(log)).toEqual([]);
  const res = log.runs[0].results[0];
  expect(res).toMatchObject({ ruleId: code, level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: bad }, region: { startLine: line, startColumn: col } } }] });
  expect(log.runs[0].tool.driver.rules[res.ruleIndex].id).toBe(code);

  const j = await lintIt('json');
  expect(j.code).toBe(1);
  const doc = JSON.parse(j.out);
  expect(doc.findings).toEqual([]);
  expect(doc.summary.error).toBeGreaterThanOrEqual(1);
  expect(doc.diagnostics[0]).toMatchObject({ id: code, severity: 'error', file: bad, line, col });

  const junit = await lintIt('junit');
  expect(junit.code).toBe(1);
  expect(junit.out).toContain(`<failure message=`);
  expect(junit.out).toContain(`${where} error ${code}`);
  expect(junit.out).not.toContain('no findings'); // lint rules did not run, so none "passed"

  const gh = await lintIt('github');
  expect(gh.code).toBe(1);
  expect(gh.out.split('\n')[0]).toMatch(new RegExp(`^::error file=${bad.replace(/\./g, '\\.')},line=${line},col=${col},title=${code} `));

  const md = await lintIt('markdown');
  expect(md.code).toBe(1);
  expect(md.out).toContain(`| ❌ | ${code} | \`${where}\` |`);
  expect(md.out).toContain('does not validate');
});
