/**
 * Every SARIF log microseg writes (lint, verify) validates against the full
 * SARIF 2.1.0 schema and maps to the repository: artifact URIs relative to
 * `%SRCROOT%` (the git work tree the command runs in, else its working
 * directory), the base declared in `originalUriBaseIds`, absolute
 * `informationUri`/`helpUri`s; a file outside the root keeps an absolute
 * `file:` URI without a base.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { memoryIO } from '../../lib/cli/io';
import { main } from '../../lib/cli/main';
import { artifactLocation, HOMEPAGE, sourceRoot } from '../../lib/model/sarif-log';
import { artifactLocations, sarifValidator } from './sarif-validator';

const root = path.join(__dirname, '../..');
const validate = sarifValidator();
const run = async (argv: string[], cwd = root) => {
  const io = memoryIO(cwd);
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
};

/** A log that code scanning can map: valid, every location repository-relative under %SRCROOT%, every link absolute. */
function expectMappable(text: string): any {
  const log = JSON.parse(text);
  expect(validate(log)).toEqual([]);
  const runLog = log.runs[0];
  expect(runLog.originalUriBaseIds['%SRCROOT%'].description.text).toMatch(/root of the repository/);
  expect(runLog.tool.driver.informationUri).toMatch(/^https:\/\/github\.com\/cdktf-microseg\/cdktf-microseg\/blob\/main\/docs\/[a-z-]+\.md$/);
  for (const r of runLog.tool.driver.rules) expect(r.helpUri).toBe(`${HOMEPAGE}/blob/main/docs/diagnostics.md#${r.id.toLowerCase()}`);
  const locs = artifactLocations(log);
  expect(locs.length).toBeGreaterThan(0);
  for (const l of locs) {
    expect(l.uriBaseId).toBe('%SRCROOT%');
    expect(l.uri).not.toMatch(/^(\/|[a-z]+:|\.\.?\/)/i);
  }
  return log;
}

function copyOutputs(dir: string, edit: (tf: any) => void = () => {}): void {
  const fixtures = path.join(root, 'test/fixtures/tf');
  for (const t of ['aws', 'azure', 'gcp']) {
    fs.mkdirSync(path.join(dir, t), { recursive: true });
    const tf = JSON.parse(fs.readFileSync(path.join(fixtures, `${t}.tf.json`), 'utf8'));
    if (t === 'azure') edit(tf);
    fs.writeFileSync(path.join(dir, t, 'cdk.tf.json'), JSON.stringify(tf));
    fs.copyFileSync(path.join(fixtures, `${t}.identities.json`), path.join(dir, t, 'identities.json'));
  }
}

const dropWebToDb = (tf: any) => {
  const nsg = tf.resource.azurerm_network_security_group.nsg;
  nsg.security_rule = nsg.security_rule.filter((x: any) => x.name !== 'web-to-db-in');
};

test('package.json names the home every informationUri points into', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  expect(pkg.homepage).toBe(HOMEPAGE);
  expect(pkg.repository).toEqual({ type: 'git', url: `git+${HOMEPAGE}.git` });
});

test('lint SARIF validates against the full 2.1.0 schema for findings, suppressions, validation errors and policy directories', async () => {
  const cases: [string[], number, number][] = [
    [['lint', 'test/fixtures/lint/clean.yaml'], 0, 0],
    [['lint', 'test/fixtures/lint/suppressed.yaml'], 0, 2],
    [['lint', 'test/fixtures/lint/conflict-whole.yaml'], 1, 1],
    [['lint', 'test/fixtures/bad/duplicate-segment-name.yaml'], 1, 1],
    [['lint', 'examples/teams/policy', '--fail-on', 'none'], 0, 0],
  ];
  for (const [argv, code, atLeast] of cases) {
    const r = await run([...argv, '--format', 'sarif']);
    expect([argv.join(' '), r.code]).toEqual([argv.join(' '), code]);
    const log = JSON.parse(r.out);
    expect(validate(log)).toEqual([]);
    expect(log.runs[0].results.length).toBeGreaterThanOrEqual(atLeast);
    if (log.runs[0].results.length) expectMappable(r.out);
  }
});

test('lint SARIF names files relative to the repository root, whichever folder lint runs in', async () => {
  const fromRoot = await run(['lint', 'test/fixtures/lint/conflict-whole.yaml', '--format', 'sarif']);
  const fromSub = await run(['lint', 'lint/conflict-whole.yaml', '--format', 'sarif'], path.join(root, 'test/fixtures'));
  const fromAbs = await run(['lint', path.join(root, 'test/fixtures/lint/conflict-whole.yaml'), '--format', 'sarif'], path.join(root, 'lib'));
  for (const r of [fromRoot, fromSub, fromAbs]) {
    const log = expectMappable(r.out);
    const loc = log.runs[0].results[0].locations[0].physicalLocation;
    expect(loc.artifactLocation).toEqual({ uri: 'test/fixtures/lint/conflict-whole.yaml', uriBaseId: '%SRCROOT%' });
    expect(loc.region.startLine).toBeGreaterThan(0);
  }
  // The same finding, the same fingerprint, from any folder.
  expect(fromSub.out).toBe(fromRoot.out);
  expect(fromAbs.out).toBe(fromRoot.out);
});

test('verify SARIF: a relative output directory becomes a repository-relative URI under %SRCROOT%', async () => {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-sarif-'));
  fs.mkdirSync(path.join(repo, '.git'));
  fs.mkdirSync(path.join(repo, 'infra'));
  fs.copyFileSync(path.join(root, 'test/fixtures/tf/mini.yaml'), path.join(repo, 'infra/mini.yaml'));
  copyOutputs(path.join(repo, 'infra/out'), dropWebToDb);
  const r = await run(['verify', 'mini.yaml', 'out', '--format', 'sarif'], path.join(repo, 'infra'));
  expect(r.code).toBe(1);
  const log = expectMappable(r.out);
  const results = log.runs[0].results;
  expect(results.filter((x: any) => x.level === 'error').length).toBeGreaterThan(0);
  const uris = [...new Set(results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri))].sort();
  expect(uris).toEqual(expect.arrayContaining(['infra/out/azure/cdk.tf.json']));
  for (const u of uris) expect(u).toMatch(/^infra\/out\/(aws|azure|gcp)\/cdk\.tf\.json$/);
  for (const x of results) expect(log.runs[0].tool.driver.rules[x.ruleIndex].id).toBe(x.ruleId);
  // From the work tree's top the same output gets the same URIs.
  const top = await run(['verify', 'infra/mini.yaml', 'infra/out', '--format', 'sarif', '--target', 'azure'], repo);
  expect(JSON.parse(top.out).runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'infra/out/azure/cdk.tf.json', uriBaseId: '%SRCROOT%' });
});

test('verify SARIF outside any git work tree is relative to the working directory; an equivalent run validates with no results', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-sarif-'));
  expect(sourceRoot(dir)).toBe(dir);
  fs.copyFileSync(path.join(root, 'test/fixtures/tf/mini.yaml'), path.join(dir, 'mini.yaml'));
  copyOutputs(path.join(dir, 'out'));
  const r = await run(['verify', 'mini.yaml', 'out', '--format', 'sarif', '--target', 'aws,azure'], dir);
  expect(r.code).toBe(0);
  const log = JSON.parse(r.out);
  expect(validate(log)).toEqual([]);
  expect(log.runs[0].results).toEqual([]);
  copyOutputs(path.join(dir, 'bad'), dropWebToDb);
  const bad = await run(['verify', 'mini.yaml', './bad/', '--format', 'sarif', '--target', 'azure'], dir);
  expect(expectMappable(bad.out).runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'bad/azure/cdk.tf.json', uriBaseId: '%SRCROOT%' });
});

test('a file outside the root keeps an absolute file URI and no base; names are percent-encoded', () => {
  const place = { cwd: '/work/repo/sub', root: '/work/repo' };
  expect(artifactLocation('../policy.yaml', place)).toEqual({ uri: 'policy.yaml', uriBaseId: '%SRCROOT%' });
  expect(artifactLocation('my policy#1.yaml', place)).toEqual({ uri: 'sub/my%20policy%231.yaml', uriBaseId: '%SRCROOT%' });
  expect(artifactLocation('/elsewhere/out/aws/cdk.tf.json', place)).toEqual({ uri: 'file:///elsewhere/out/aws/cdk.tf.json' });
  const log = { version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: artifactLocation('/elsewhere/a.yaml', place) } }] }] }] };
  expect(validate(log)).toEqual([]);
});

test('the full schema rejects what code scanning would reject', () => {
  const bad = [
    { version: '2.1.0', runs: [{ tool: { driver: { name: 'x', informationUri: 'docs/verification.md' } } }] },
    { version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] },
    { version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'a b.yaml' } } }] }] }] },
    { version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, originalUriBaseIds: { '%SRCROOT%': { uri: 1 } } }] },
  ];
  for (const b of bad) expect(validate(b).length).toBeGreaterThan(0);
});
