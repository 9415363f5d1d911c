/** docs/lint.md documents every lint id with its severity; docs/services.md lists the whole catalog. */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { LINT_RULES } from '../../lib/analysis/lint';
import { DEFAULT_ADMIN_PORTS } from '../../lib/analysis/lint/world-open';
import { severityOf } from '../../lib/model/codes';
import { SERVICE_CATALOG } from '../../lib/model/catalog';

const root = path.join(__dirname, '../..');
const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');

test('docs/lint.md: every finding with its severity, and the admin port list', () => {
  const md = read('docs/lint.md');
  for (const r of LINT_RULES) expect(md).toContain(`| ${r.code} | ${severityOf(r.code)} |`);
  for (const p of DEFAULT_ADMIN_PORTS) expect(md).toContain(p.what);
});

test('docs/services.md: the whole catalog, specs as written', () => {
  const md = read('docs/services.md');
  for (const [name, specs] of Object.entries(SERVICE_CATALOG)) expect(md).toContain(`| \`${name}\` | ${specs.map((s) => '`' + s + '`').join(', ')} |`);
});

test('the GitHub Actions example is valid YAML running validate, lint with SARIF, diff, compile and plan', () => {
  const wf = parse(read('examples/github-actions/microseg.yml'));
  const runs = wf.jobs.microseg.steps.map((s: { run?: string; uses?: string }) => s.run ?? s.uses).join('\n');
  for (const want of ['npm ci', 'microseg validate', '--format sarif', 'upload-sarif', '--base-ref', '--format markdown', 'microseg compile', 'terraform plan']) expect(runs).toContain(want);
});
