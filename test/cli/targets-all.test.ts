/**
 * `--target all` and `demo` compile the targets the policy declares (the
 * three clouds when it declares none) and say which others were skipped and
 * why; a back end that cannot be loaded is skipped under `all` with the
 * package to install in one line, and is bad usage (exit 2) when asked for by name.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { missingPiece } from '../../lib/cli/compile-targets';
import { memoryIO } from '../../lib/cli/io';
import { main } from '../../lib/cli/main';

const root = path.join(__dirname, '../..');
const mini = fs.readFileSync(path.join(root, 'test/fixtures/tf/mini.yaml'), 'utf8');
let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-all-'));
  fs.writeFileSync(path.join(tmp, 'none.yaml'), mini);
  fs.writeFileSync(path.join(tmp, 'aws.yaml'), `${mini}targets:\n  aws:\n    region: eu-west-1\n`);
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const run = async (...argv: string[]) => {
  const io = memoryIO(tmp);
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
};
const notes = (err: string) => err.split('\n').filter((l) => l.startsWith('note:'));
const written = (dir: string) => fs.readdirSync(path.join(tmp, dir)).sort();

test('compile --target all on a policy declaring only aws compiles aws and names the three it skipped', async () => {
  const r = await run('compile', 'aws.yaml', '--out', 'out');
  expect(r.code).toBe(0);
  expect(written('out')).toEqual(['aws']);
  expect(r.out).toMatch(/^aws: \d+ identities, \d+ rules, \d+ resources -> out\/aws\/cdk\.tf\.json\n$/);
  expect(notes(r.err)).toEqual(
    ['azure', 'gcp', 'kubernetes'].map((t) => `note: skipped ${t}: the policy declares targets for aws only (add targets.${t} to the policy or pass --target ${t})`),
  );
  // Named targets are compiled as named, declared or not, and nothing is said to be skipped.
  const named = await run('compile', 'aws.yaml', '--target', 'aws,gcp', '--out', 'named');
  expect(named.code).toBe(0);
  expect(notes(named.err)).toEqual([]);
  expect(written('named')).toEqual(['aws', 'gcp']);
});

test('a policy declaring no targets compiles the three clouds and says why kubernetes is not among them', async () => {
  const r = await run('compile', 'none.yaml', '--out', 'out');
  expect(r.code).toBe(0);
  expect(written('out')).toEqual(['aws', 'azure', 'gcp']);
  expect(notes(r.err)).toEqual(['note: skipped kubernetes: the policy declares no targets, so all means the three clouds (add targets.kubernetes to the policy or pass --target kubernetes)']);
});

test('demo on a policy declaring only aws: one row, verified, and the skipped targets in the summary', async () => {
  const r = await run('demo', 'aws.yaml', '--out', 'out');
  expect(r.code).toBe(0);
  expect(r.err).toBe('');
  const rows = r.out.split('\n').filter((l) => /^  (aws|azure|gcp|kubernetes) /.test(l));
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatch(/^  aws +\d+ +\d+ +\d+ +exact: \d+ side checks, 0 mismatches/);
  for (const t of ['azure', 'gcp', 'kubernetes']) expect(r.out).toContain(`  skipped ${t}: the policy declares targets for aws only (add targets.${t} to the policy)\n`);
  expect(r.out).toContain('written: out/mini/aws/cdk.tf.json\n');
  expect(written('out/mini')).toEqual(['aws']);
});

test('a missing module names the package to install, in one line', () => {
  const e = (m: string) => Object.assign(new Error(`Cannot find module '${m}'\nRequire stack:\n- /x/lib/targets/azure/index.js`), { code: 'MODULE_NOT_FOUND' });
  expect(missingPiece(e('@cdktn/provider-azurerm/lib/network-security-group'))).toBe("it needs the package '@cdktn/provider-azurerm': npm install @cdktn/provider-azurerm");
  expect(missingPiece(e('cdktn'))).toBe("it needs the package 'cdktn': npm install cdktn");
  expect(missingPiece(new Error('boom\nat x'))).toBe('boom');
});

describe('a back end that cannot be loaded', () => {
  beforeEach(() => {
    jest.resetModules();
    jest.doMock('../../lib/targets/azure', () => {
      throw Object.assign(new Error("Cannot find module '@cdktn/provider-azurerm'\nRequire stack:\n- lib/targets/azure/index.ts"), { code: 'MODULE_NOT_FOUND' });
    });
  });
  afterEach(() => jest.dontMock('../../lib/targets/azure'));

  test('is skipped under all with the package to install, and is exit 2 in one line when named', async () => {
    const { main: isolatedMain } = require('../../lib/cli/main') as typeof import('../../lib/cli/main');
    const go = async (...argv: string[]) => {
      const io = memoryIO(tmp);
      return { code: await isolatedMain(argv, io), out: io.stdout, err: io.stderr };
    };
    const all = await go('compile', 'none.yaml', '--out', 'out');
    expect(all.code).toBe(0);
    expect(written('out')).toEqual(['aws', 'gcp']);
    expect(all.err).toContain("note: skipped azure: not available: it needs the package '@cdktn/provider-azurerm': npm install @cdktn/provider-azurerm\n");
    const named = await go('compile', 'none.yaml', '--target', 'azure', '--out', 'named');
    expect(named.code).toBe(2);
    expect(named.err.trim().split('\n')).toHaveLength(1);
    expect(named.err).toContain("target 'azure' is not available: it needs the package '@cdktn/provider-azurerm': npm install @cdktn/provider-azurerm");
    expect(fs.existsSync(path.join(tmp, 'named'))).toBe(false);
    const demo = await go('demo', 'none.yaml', '--out', 'demo');
    expect(demo.code).toBe(0);
    expect(demo.out).toContain("  skipped azure: not available: it needs the package '@cdktn/provider-azurerm': npm install @cdktn/provider-azurerm\n");
  });
});
