/** `microseg diff OLD NEW --apply-check`: exit codes and the three formats. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import YAML from 'yaml';
import { memoryIO } from '../../../lib/cli/io';
import { main } from '../../../lib/cli/main';
import { applyEdit } from './edits';
import { smallPolicy } from './helpers';

const root = path.join(__dirname, '../../..');
let tmp: string;
beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-apply-'))));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const io = memoryIO(root);
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

function write(name: string, doc: Record<string, any>): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, YAML.stringify(doc));
  return p;
}

test('an unchanged policy is safe on every target (exit 0), a removed rule too', async () => {
  const a = write('a.yaml', smallPolicy());
  const r = await run('diff', a, a, '--apply-check');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^apply check .* safe\n/);
  for (const t of ['aws', 'azure', 'gcp']) expect(r.out).toContain(`\n${t}: safe\n`);
  const doc = smallPolicy();
  doc.rules.pop();
  const b = write('b.yaml', doc);
  const j = JSON.parse((await run('diff', a, b, '--apply-check', '--format', 'json', '--target', 'gcp')).out);
  expect(j.targets.map((t: any) => [t.target, t.safe, t.counts.destroy > 0])).toEqual([['gcp', true, true]]);
});

test('a change the apply check finds unsafe exits 1, with the worst moment in markdown', async () => {
  const a = write('c.yaml', smallPolicy());
  const doc = smallPolicy();
  // Rewriting a selector (here to one naming the same segment) changes what the rule is: its firewalls are new
  // ones, created while the old ones are destroyed, in no order Terraform knows of.
  doc.rules[0].from = { segment: 'web' };
  const b = write('d.yaml', doc);
  const r = await run('diff', a, b, '--apply-check', '--format', 'markdown', '--target', 'gcp');
  expect(r.code).toBe(1);
  expect(r.out).toContain('### microseg apply check: ❌ unsafe');
  expect(r.out).toMatch(/\| gcp \| ❌ \|/);
  expect(r.out).toContain('worst moment');
  expect((await run('diff', a, b, '--apply-check', '--target', 'mars')).code).toBe(2);
});

test('the new version is compiled with the old output as --previous: an overflow group that goes is kept (safe), released with --release', async () => {
  const base = { ...YAML.parse(fs.readFileSync(path.join(root, 'test/fixtures/good/spec-example.yaml'), 'utf8')), targets: smallPolicy().targets };
  const narrow = write('narrow.yaml', base);
  const wide = write('wide.yaml', applyEdit(base, 'widen')!);
  const r = JSON.parse((await run('diff', wide, narrow, '--apply-check', '--format', 'json', '--target', 'aws')).out);
  const sg2 = expect.stringMatching(/^aws_security_group\.microseg_shop-web-prod_sg-2_/);
  expect(r.targets.map((t: any) => [t.target, t.safe, t.identitiesDestroyed])).toEqual([['aws', true, []]]);
  expect(r.targets[0].identityChanges).toEqual([{ segment: 'shop-web-prod', attach: [], detach: [sg2] }]);
  expect(r.targets[0].changes.map((c: any) => c.address)).not.toContainEqual(sg2);
  // --release on this diff: the old output listed the group as carried, so even release keeps it (emptied).
  expect((await run('diff', wide, narrow, '--apply-check', '--target', 'aws', '--release')).code).toBe(0);
});

test('with --base-ref the old version comes from git', async () => {
  const { execFileSync } = require('child_process');
  const repo = fs.mkdtempSync(path.join(tmp, 'repo-'));
  const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { cwd: repo, stdio: 'pipe' });
  git('init', '-q');
  const file = path.join(repo, 'policy.yaml');
  fs.writeFileSync(file, YAML.stringify(smallPolicy()));
  git('add', 'policy.yaml');
  git('commit', '-qm', 'base');
  const doc = smallPolicy();
  doc.rules.reverse();
  fs.writeFileSync(file, YAML.stringify(doc));
  const r = await run('diff', file, '--base-ref', 'HEAD', '--apply-check', '--format', 'json');
  expect(r.code).toBe(0);
  const j = JSON.parse(r.out);
  expect(j.old.file).toMatch(/^HEAD:/);
  expect(j.targets.map((t: any) => [t.target, t.safe])).toEqual([['aws', true], ['azure', true], ['gcp', true]]);
});
