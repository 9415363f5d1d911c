/**
 * JUnit XML for CI test tabs: one testsuite per policy, one testcase per
 * finding (failure for errors and warnings, skipped when suppressed, passing
 * with the message as output for infos) and one passing testcase per lint
 * rule that found nothing, so the tab shows what was checked.
 */
import { LINT_RULES } from '../analysis/lint';
import { CODES } from '../model/codes';
import { diagnosticWhere, LintReport, reportCounts } from './lint-model';

const esc = (s: string) => s.replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function lintJunit(r: LintReport): string {
  const cases: string[] = [];
  // Validation diagnostics: a failure each for errors and warnings, so a policy lint could not run on still fails the tab.
  for (const d of r.diagnostics ?? []) {
    const w = diagnosticWhere(d, r.file);
    const where = w.line ? `${w.file}:${w.line}:${w.col}` : w.file;
    const name = esc(`${where} ${d.message}`);
    const cls = esc(`microseg.${d.code}.validation`);
    if (d.severity === 'info') cases.push(`    <testcase classname="${cls}" name="${name}"/>`);
    else cases.push(`    <testcase classname="${cls}" name="${name}"><failure message="${esc(d.message)}" type="${d.severity}">${esc(`${where} ${d.severity} ${d.code} ${d.message}${CODES[d.code] ? `\nwhy: ${CODES[d.code].explanation}` : ''}`)}</failure></testcase>`);
  }
  for (const f of r.findings) {
    const where = f.location ? `${f.location.file}:${f.location.line}:${f.location.col}` : r.file;
    const name = esc(`${where} ${f.message}`);
    const cls = esc(`microseg.${f.code}.${f.kind}`);
    if (f.suppressed) cases.push(`    <testcase classname="${cls}" name="${name}"><skipped message="${esc('suppressed: ' + f.suppressed.reason)}"/></testcase>`);
    else if (f.severity === 'info') cases.push(`    <testcase classname="${cls}" name="${name}"><system-out>${esc(f.why)}</system-out></testcase>`);
    else cases.push(`    <testcase classname="${cls}" name="${name}"><failure message="${esc(f.message)}" type="${f.severity}">${esc(`${where} ${f.severity} ${f.code} ${f.message}\nwhy: ${f.why}${f.example ? `\ne.g. ${f.example}` : ''}`)}</failure></testcase>`);
  }
  const seen = new Set(r.findings.map((f) => f.code));
  // Lint rules only ran when validation passed: do not list them as passing otherwise.
  const ran = !(r.diagnostics ?? []).some((d) => d.severity === 'error');
  if (ran) for (const x of LINT_RULES) if (!seen.has(x.code)) cases.push(`    <testcase classname="${esc(`microseg.${x.code}.${x.kind}`)}" name="${esc(`${x.title}: no findings`)}"/>`);
  const n = reportCounts(r);
  const failures = n.error + n.warning;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="microseg lint" tests="${cases.length}" failures="${failures}" errors="0" skipped="${n.suppressed}">\n` +
    `  <testsuite name="${esc(`microseg lint ${r.file}`)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${n.suppressed}">\n` +
    cases.join('\n') +
    (cases.length ? '\n' : '') +
    `  </testsuite>\n</testsuites>\n`
  );
}
