/**
 * `--base-ref` on the pull request that adds the policy: a policy file or
 * directory the base revision does not hold is compared with an empty policy
 * (everything added, nothing removed, a note on stderr), for diff and
 * impact; an unknown revision is still bad usage (exit 2).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { memoryIO } from '../../lib/cli/io';
import { main } from '../../lib/cli/main';

const root = path.join(__dirname, '../..');
const run = async (argv: string[], cwd: string) => {
  const io = memoryIO(cwd);
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
};

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-added-'));
  const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  git('init', '-q');
  fs.writeFileSync(path.join(dir, 'README.md'), 'before the policy\n');
  git('add', '.');
  git('commit', '-q', '-m', 'base');
  // The pull request: a policy file and a policy directory, neither in HEAD.
  fs.mkdirSync(path.join(dir, 'policy'));
  fs.copyFileSync(path.join(root, 'test/fixtures/diff/shop-new.yaml'), path.join(dir, 'policy/shop.yaml'));
  fs.cpSync(path.join(root, 'examples/teams/policy'), path.join(dir, 'teams'), { recursive: true });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('diff --base-ref on a policy file absent at the base reports every flow as added', async () => {
  const r = await run(['diff', 'policy/shop.yaml', '--base-ref', 'HEAD', '--format', 'json'], dir);
  expect(r.err).toBe('note: policy/shop.yaml is not in HEAD: everything in it is reported as added\n');
  expect(r.code).toBe(0);
  const j = JSON.parse(r.out);
  expect(j.old.file).toBe('HEAD:policy/shop.yaml (absent)');
  expect(j.summary.flowsRemoved).toBe(0);
  expect(j.summary.flowsAdded).toBe(j.changes.length);
  expect(j.changes.length).toBeGreaterThan(10);
  for (const c of j.changes) {
    expect(c.removed).toEqual([]);
    expect(c.added.length).toBeGreaterThan(0);
  }
  // Every rule and guardrail of the new policy is added; the web tier takes https from the internet.
  const byRule = j.byRule.map((x: { name: string; change: string }) => `${x.name}:${x.change}`);
  for (const name of ['internet-to-web', 'web-to-app', 'app-to-db']) expect(byRule).toContain(`${name}:added`);
  expect(j.byRule.every((x: { change: string }) => x.change === 'added')).toBe(true);
  expect(j.changes).toContainEqual(expect.objectContaining({ from: expect.objectContaining({ label: 'internet' }), to: expect.objectContaining({ segment: 'shop-web-prod' }), added: expect.arrayContaining(['tcp/443']) }));
  const text = await run(['diff', 'policy/shop.yaml', '--base-ref', 'HEAD'], dir);
  expect(text.code).toBe(0);
  expect(text.out.split('\n')[0]).toBe(`HEAD:policy/shop.yaml (absent) -> policy/shop.yaml: ${j.summary.flowsAdded} flow groups added, 0 removed, ${j.summary.rulesChanged} rules and guardrails changed`);
});

test('diff --base-ref on a policy directory absent at the base, from inside it too', async () => {
  const r = await run(['diff', 'teams', '--base-ref', 'HEAD', '--format', 'json'], dir);
  expect(r.code).toBe(0);
  const j = JSON.parse(r.out);
  expect(j.old.file).toBe('HEAD:teams (absent)');
  expect(j.summary.flowsRemoved).toBe(0);
  expect(j.summary.flowsAdded).toBeGreaterThan(0);
  const inside = await run(['diff', '.', '--base-ref', 'HEAD', '--format', 'json'], path.join(dir, 'teams'));
  expect(inside.code).toBe(0);
  expect(JSON.parse(inside.out).summary).toEqual(j.summary);
});

test('impact --base-ref on an added policy: every covered workload pair gains', async () => {
  const inv = path.join(root, 'test/fixtures/lifecycle/inventory.yaml');
  const vsNothing = await run(['impact', 'policy/shop.yaml', '--inventory', inv, '--base-ref', 'HEAD', '--format', 'json'], dir);
  expect(vsNothing.code).toBe(0);
  expect(vsNothing.err).toContain('not in HEAD');
  const rep = JSON.parse(vsNothing.out);
  expect(JSON.stringify(rep)).not.toMatch(/"lost":\s*\[\s*\{/);
});

test('an unknown revision, or no repository, is still bad usage', async () => {
  const bad = await run(['diff', 'policy/shop.yaml', '--base-ref', 'no-such-ref'], dir);
  expect(bad.code).toBe(2);
  expect(bad.err).toContain("cannot read policy/shop.yaml at no-such-ref: 'no-such-ref' is not a revision of this repository");
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-nogit-'));
  fs.copyFileSync(path.join(root, 'test/fixtures/diff/shop-new.yaml'), path.join(outside, 'shop.yaml'));
  const none = await run(['diff', 'shop.yaml', '--base-ref', 'HEAD'], outside);
  expect(none.code).toBe(2);
  expect(none.err).toMatch(/cannot read shop\.yaml at HEAD: .*not a git repository/i);
});
