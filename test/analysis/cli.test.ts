/** lint, explain and diff through the CLI, in-process: exit codes, formats, --fail-on, --today, --base-ref. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { memoryIO } from '../../lib/cli/io';
import { main } from '../../lib/cli/main';

const root = path.join(__dirname, '../..');
const run = async (argv: string[], cwd = root, env: Record<string, string> = {}) => {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const io = memoryIO(cwd);
    const code = await main(argv, io);
    return { code, out: io.stdout, err: io.stderr };
  } finally {
    process.env = saved;
  }
};
const fx = (n: string) => `test/fixtures/lint/${n}.yaml`;

test('--fail-on drives the exit code', async () => {
  expect((await run(['lint', fx('clean')])).code).toBe(0);
  expect((await run(['lint', fx('conflict-whole')])).code).toBe(1); // an error fails by default
  expect((await run(['lint', fx('conflict-whole'), '--fail-on', 'none'])).code).toBe(0);
  expect((await run(['lint', fx('shadowed')])).code).toBe(0); // warnings pass --fail-on error
  expect((await run(['lint', fx('shadowed'), '--fail-on', 'warning'])).code).toBe(1);
  expect((await run(['lint', fx('suppressed'), '--fail-on', 'error'])).code).toBe(0); // the error is suppressed
  expect((await run(['lint', fx('suppressed'), '--fail-on', 'warning'])).code).toBe(1); // the stale suppression warns
  expect((await run(['lint', fx('clean'), '--fail-on', 'sometimes'])).code).toBe(2);
  expect((await run(['lint', fx('clean'), '--format', 'pdf'])).code).toBe(2);
  expect((await run(['lint', 'test/fixtures/lint/missing.yaml'])).code).toBe(2);
});

test('--today and MICROSEG_TODAY decide expiry', async () => {
  expect((await run(['lint', fx('expired'), '--today', '2026-01-15', '--fail-on', 'warning'])).code).toBe(0);
  expect((await run(['lint', fx('expired'), '--fail-on', 'warning'], root, { MICROSEG_TODAY: '2026-02-01' })).code).toBe(1);
  const r = await run(['lint', fx('expired'), '--today', '2026-01-15']);
  expect(r.out).toContain(`${fx('expired')}:32:14 info MS3008 rule 'web-to-db' expires on 2026-01-31, in 16 days, and is left out of every compiled output from 2026-02-01`);
  expect((await run(['lint', fx('expired'), '--today', '15/01/2026'])).code).toBe(2);
});

test('every format renders', async () => {
  for (const f of ['text', 'json', 'markdown', 'sarif', 'junit', 'github']) {
    const r = await run(['lint', fx('conflict-partial'), '--format', f]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('MS3001');
  }
  const j = JSON.parse((await run(['lint', fx('conflict-partial'), '--format', 'json'])).out);
  expect(j.findings[0].file).toBe(fx('conflict-partial'));
});

test('explain prints both directions with the deciding rules', async () => {
  const r = await run(['explain', 'test/fixtures/diff/shop-old.yaml', '--from', 'shop-web-prod', '--to', 'shop-app-prod', '--service', 'tcp/8080']);
  expect(r.code).toBe(0);
  expect(r.out.split('\n').slice(0, 5)).toEqual([
    'shop-web-prod -> shop-app-prod on tcp/8080 (forward)',
    '  ALLOWED tcp/8080',
    '    egress of shop-web-prod: admits tcp/8080',
    '      allow  rule web-to-app (tcp/8080; peer shop-app-prod) at test/fixtures/diff/shop-old.yaml:104:11',
    '    ingress of shop-app-prod: admits tcp/8080',
  ]);
  expect(r.out).toContain('shop-app-prod -> shop-web-prod on tcp/8080 (reverse)\n  DENIED\n');
  expect((await run(['explain', 'test/fixtures/diff/shop-old.yaml', '--from', 'nope', '--to', 'shop-app-prod'])).code).toBe(2);
  const typo = await run(['explain', 'test/fixtures/diff/shop-old.yaml', '--from', 'env=prd', '--to', 'shop-app-prod']);
  expect(typo.code).toBe(2);
  expect(typo.err).toContain(`unknown value 'prd' for env (did you mean 'prod'?)`);
  const bare = await run(['explain', 'test/fixtures/diff/shop-old.yaml', '--from', 'internet', '--to', '10.10.1.5']);
  expect(bare.code).toBe(0);
  expect(bare.out).toContain('hint: 10.10.1.5 lies in the declared addresses of segment shop-web-prod');
  expect((await run(['explain', 'test/fixtures/diff/shop-old.yaml', '--from', 'internet', '--to', 'shop-app-prod', '--service', 'tcp/99999'])).code).toBe(2);
});

test('diff of two files, in every format', async () => {
  const args = ['diff', 'test/fixtures/diff/shop-old.yaml', 'test/fixtures/diff/shop-new.yaml'];
  const t = await run(args);
  expect(t.code).toBe(0);
  expect(t.out.split('\n')[0]).toBe('test/fixtures/diff/shop-old.yaml -> test/fixtures/diff/shop-new.yaml: 3 flow groups added, 2 removed, 4 rules and guardrails changed');
  const m = await run([...args, '--format', 'markdown']);
  expect(m.out).toContain('| 3 | 2 | 4 | **1** ⚠️ | **1** ⚠️ | **1** |');
  expect(m.out).toContain('- 🌐 new internet exposure: **internet → shop-web-prod** tcp/80 (internet-to-web)');
  const j = JSON.parse((await run([...args, '--format', 'json'])).out);
  expect(j.version).toBe(1);
  expect(j.changes).toHaveLength(5);
  expect((await run(['diff', 'test/fixtures/diff/shop-old.yaml'])).code).toBe(2);
});

test('diff --base-ref reads the old version from git', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-diff-'));
  try {
    const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    git('init', '-q');
    fs.mkdirSync(path.join(dir, 'policy'));
    fs.copyFileSync(path.join(root, 'test/fixtures/diff/shop-old.yaml'), path.join(dir, 'policy/shop.yaml'));
    git('add', '.');
    git('commit', '-q', '-m', 'old');
    fs.copyFileSync(path.join(root, 'test/fixtures/diff/shop-new.yaml'), path.join(dir, 'policy/shop.yaml'));
    const r = await run(['diff', 'policy/shop.yaml', '--base-ref', 'HEAD', '--format', 'json'], dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.old.file).toBe('HEAD:policy/shop.yaml');
    expect(j.summary).toEqual({ flowsAdded: 3, flowsRemoved: 2, rulesChanged: 4 });
    expect((await run(['diff', 'policy/shop.yaml', '--base-ref', 'no-such-ref'], dir)).code).toBe(2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
