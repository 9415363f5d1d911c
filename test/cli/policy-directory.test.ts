/** A policy directory through the CLI: validate, compile → verify, explain naming files, diff --base-ref of a directory. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { memoryIO } from '../../lib/cli/io';
import { main } from '../../lib/cli/main';

const root = path.join(__dirname, '../..');
const run = async (argv: string[], cwd = root) => {
  const io = memoryIO(cwd);
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
};
let tmp: string;
beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-dir-'))));
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('validate and compile a directory; verify passes on its output', async () => {
  const v = await run(['validate', 'examples/teams/policy']);
  expect(v.err).toBe('');
  expect(v.code).toBe(0);
  const c = await run(['compile', 'examples/teams/policy', '--target', 'gcp', '--out', tmp]);
  expect(c.code).toBe(0);
  const r = await run(['verify', 'examples/teams/policy', tmp, '--target', 'gcp']);
  expect(r.code).toBe(0);
});

test('a scope violation is a located error in the fragment file, exit 1', async () => {
  fs.cpSync(path.join(root, 'examples/teams/policy'), path.join(tmp, 'policy'), { recursive: true });
  const f = path.join(tmp, 'policy/billing.yaml');
  fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('to: {segment: billing-db-prod}', 'to: {segment: shop-db-prod}'));
  const r = await run(['validate', 'policy'], tmp);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/^policy\/billing\.yaml:27:9 error MS1306 rule 'billing-app-to-db' grants ingress into 'shop-db-prod', outside scope \{app: billing\}/m);
});

test('explain names the file of each deciding rule', async () => {
  const r = await run(['explain', 'examples/teams/policy', '--from', 'shop-app-prod', '--to', 'billing-app-prod', '--service', 'tcp/8443']);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/shop-calls-billing/);
  expect(r.out).toMatch(/policy\/billing\.yaml:21/);
});

test('diff --base-ref reads a directory from git', async () => {
  const git = (...a: string[]) => execFileSync('git', a, { cwd: tmp, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  git('init', '-q');
  fs.cpSync(path.join(root, 'examples/teams/policy'), path.join(tmp, 'policy'), { recursive: true });
  git('add', '.');
  git('commit', '-q', '-m', 'old');
  const f = path.join(tmp, 'policy/shop.yaml');
  fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('services: [app-http]', 'services: [app-http, tcp/9090]'));
  const r = await run(['diff', 'policy', '--base-ref', 'HEAD', '--format', 'json'], tmp);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const j = JSON.parse(r.out);
  expect(j.old.file).toBe('HEAD:policy');
  expect(j.summary.flowsAdded).toBeGreaterThan(0);
  expect(j.summary.flowsRemoved).toBe(0);
  expect(j.byRule.map((x: { name: string }) => x.name)).toEqual(['web-to-app']);
});
