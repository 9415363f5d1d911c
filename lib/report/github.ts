/**
 * GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=T::message`
 * (warning, notice for infos), which the runner turns into annotations on
 * the pull request's diff. Suppressed findings are not annotated.
 */
import { CODES } from '../model/codes';
import { diagnosticWhere, LintReport } from './lint-model';

/** Data escaping as the runner expects: %, CR, LF. */
function escData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
/** Property values also escape `:` and `,`. */
function escProp(s: string): string {
  return escData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function lintGithub(r: LintReport): string {
  let out = '';
  // Validation diagnostics first: with errors among them there are no findings.
  for (const d of r.diagnostics ?? []) {
    const w = diagnosticWhere(d, r.file);
    const props = [`file=${escProp(w.file)}`];
    if (w.line) props.push(`line=${w.line}`, `col=${w.col}`);
    props.push(`title=${escProp(`${d.code} ${CODES[d.code]?.title ?? 'validation'}`)}`);
    out += `::${d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice'} ${props.join(',')}::${escData(d.message)}\n`;
  }
  for (const f of r.findings) {
    if (f.suppressed) continue;
    const cmd = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice';
    const props = [`file=${escProp(f.location?.file ?? f.file ?? r.file)}`];
    if (f.location) props.push(`line=${f.location.line}`, `col=${f.location.col}`);
    props.push(`title=${escProp(`${f.code} ${f.title}`)}`);
    out += `::${cmd} ${props.join(',')}::${escData(`${f.message}. ${f.why}${f.example ? ` e.g. ${f.example}` : ''}`)}\n`;
  }
  return out;
}
