/**
 * JUnit XML for CI test tabs: one testsuite per policy, one testcase per
 * finding (failure for errors and warnings, skipped when suppressed, passing
 * with the message as output for infos) and one passing testcase per lint
 * rule that found nothing, so the tab shows what was checked.
 */
import { LINT_RULES } from '../analysis/lint';
import { counts, LintReport } from './lint-model';

const esc = (s: string) => s.replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function lintJunit(r: LintReport): string {
  const cases: string[] = [];
  for (const f of r.findings) {
    const where = f.location ? `${f.location.file}:${f.location.line}:${f.location.col}` : r.file;
    const name = esc(`${where} ${f.message}`);
    const cls = esc(`microseg.${f.code}.${f.kind}`);
    if (f.suppressed) cases.push(`    <testcase classname="${cls}" name="${name}"><skipped message="${esc('suppressed: ' + f.suppressed.reason)}"/></testcase>`);
    else if (f.severity === 'info') cases.push(`    <testcase classname="${cls}" name="${name}"><system-out>${esc(f.why)}</system-out></testcase>`);
    else cases.push(`    <testcase classname="${cls}" name="${name}"><failure message="${esc(f.message)}" type="${f.severity}">${esc(`${where} ${f.severity} ${f.code} ${f.message}\nwhy: ${f.why}${f.example ? `\ne.g. ${f.example}` : ''}`)}</failure></testcase>`);
  }
  const seen = new Set(r.findings.map((f) => f.code));
  for (const x of LINT_RULES) if (!seen.has(x.code)) cases.push(`    <testcase classname="${esc(`microseg.${x.code}.${x.kind}`)}" name="${esc(`${x.title}: no findings`)}"/>`);
  const n = counts(r.findings);
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
