/**
 * The published package, as a user gets it: build, `npm pack`, install the
 * tarball into an empty project (from the local npm cache when it has the
 * packages: `--prefer-offline`) once with cdktf and once with cdktn, neither
 * with a provider package, type-check a small program against the packed
 * `.d.ts` (package exports and subpath entries, node16 resolution), run it
 * with `app.synth()` (all three clouds), and run the packed CLI.
 *
 * Slow (~25 s on two cores for the install of the AWS provider and the
 * consumer's tsc; ~50 s when dist/ is stale and must be built first) but
 * kept in `npm test`: it is the only test that sees what users install.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { installedVersion as version, NPM, packInto, ROOT } from './tarball';

const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

// The measured import must come first in the emitted code: written as require so its position is explicit.
// One program per core: the same code with the core's package name, no provider package at all.
const consumerMain = (core: 'cdktf' | 'cdktn') => `
// The consumer has no @types/node: just what it uses.
declare const require: { (id: string): any; cache: Record<string, unknown> };
declare const process: { argv: string[]; hrtime: { bigint(): bigint }; memoryUsage(): { rss: number }; stdout: { write(s: string): void } };
import type * as Microseg from 'cdktf-microseg';
import type { AwsSegmentation as AwsFromSubpath } from 'cdktf-microseg/aws';

const loaded = (pkg: string) => Object.keys(require.cache).filter((k) => k.includes('/node_modules/' + pkg + '/')).length;
const rss0 = process.memoryUsage().rss;
const t0 = process.hrtime.bigint();
const microseg: typeof Microseg = require('cdktf-microseg');
const importMs = Number(process.hrtime.bigint() - t0) / 1e6;
const importRssMb = (process.memoryUsage().rss - rss0) / 2 ** 20;
const afterImport = { core: loaded('${core}') };

import { App, TerraformStack } from '${core}';

const policy = microseg.SegmentationPolicy.define({
  name: 'packed',
  labels: { tier: ['web', 'db'] },
  segments: [
    { name: 'web', labels: { tier: 'web' } },
    { name: 'db', labels: { tier: 'db' } },
  ],
  rules: [{ name: 'web-to-db', from: { tier: 'web' }, to: { tier: 'db' }, services: ['tcp/5432'] }],
});
const t1 = process.hrtime.bigint();
const app = new App({ outdir: process.argv[2] });
const stack = new TerraformStack(app, 'packed');
const seg = new microseg.MultiCloudSegmentation(stack, 'seg', { policy, aws: { vpcId: 'vpc-1' }, azure: { resourceGroupName: 'rg', location: 'westeurope' }, gcp: { network: 'default' } });
const aws = new microseg.AwsSegmentation(stack, 'aws', { policy, vpcId: 'vpc-1' });
const ids: string[] = aws.securityGroupIds('web');
const all = seg.identitiesOf('db');
const Sub: typeof AwsFromSubpath = require('cdktf-microseg/aws').AwsSegmentation;
app.synth();
process.stdout.write(JSON.stringify({
  importMs,
  importRssMb,
  afterImport,
  useMs: Number(process.hrtime.bigint() - t1) / 1e6,
  rssMb: process.memoryUsage().rss / 2 ** 20,
  loaded: { cdktf: loaded('cdktf'), cdktn: loaded('cdktn'), providers: loaded('@cdktf') + loaded('@cdktn') },
  core: aws.core,
  sameClass: Sub === microseg.AwsSegmentation,
  ids: ids.length,
  clouds: Object.keys(all),
}) + '\\n');
`;

describe('npm pack', () => {
  let tmp = '';
  let tarball = '';
  let files: string[] = [];

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-pack-'));
    ({ tarball, files } = packInto(tmp));
  }, 120_000);

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('holds compiled JS, declarations, the bin, the README, the three schemas and the bundled example policy only', () => {
    const other = files.filter((f) => !/^dist\/lib\/.*\.(js|d\.ts)$/.test(f));
    expect(other).toEqual(['README.md', 'bin/microseg.js', 'docs/policy-fragment.schema.json', 'docs/policy.schema.json', 'docs/standards.schema.json', 'examples/shop/policy.yaml', 'package.json']);
    // Each schema is an export, for editors and tools resolving `cdktf-microseg/<name>.schema.json`.
    const exported = (JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { exports: Record<string, unknown> }).exports;
    expect(exported).toMatchObject({ './policy.schema.json': './docs/policy.schema.json', './policy-fragment.schema.json': './docs/policy-fragment.schema.json', './standards.schema.json': './docs/standards.schema.json' });
    expect(files).toEqual(expect.arrayContaining(['dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lib/aws.js', 'dist/lib/azure.d.ts', 'dist/lib/gcp.js']));
    expect(files.filter((f) => /(^|\/)(test|fixtures|__snapshots__)\//.test(f) || /\.test\./.test(f))).toEqual([]);
  });

  it.each(['cdktf', 'cdktn'] as const)('installs with %s and no provider package into an empty project, type-checks and synthesizes all three clouds', (core) => {
    const proj = path.join(tmp, `consumer-${core}`);
    fs.mkdirSync(proj);
    fs.writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    execFileSync(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball, `${core}@${version(core)}`, `constructs@${version('constructs')}`], { cwd: proj, stdio: 'pipe' });
    // No provider package, and not the other core.
    expect(fs.existsSync(path.join(proj, 'node_modules', '@cdktf'))).toBe(false);
    expect(fs.existsSync(path.join(proj, 'node_modules', '@cdktn'))).toBe(false);
    expect(fs.existsSync(path.join(proj, 'node_modules', core === 'cdktf' ? 'cdktn' : 'cdktf'))).toBe(false);

    fs.writeFileSync(path.join(proj, 'main.ts'), consumerMain(core));
    fs.writeFileSync(
      path.join(proj, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: true, types: [] }, files: ['main.ts'] }),
    );
    try {
      execFileSync(process.execPath, [TSC, '-p', proj], { cwd: proj, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      throw new Error(`tsc failed on the consumer:\n${(e as { stdout?: string }).stdout ?? e}`);
    }

    const outdir = path.join(proj, 'cdktf.out');
    const r = JSON.parse(execFileSync(process.execPath, [path.join(proj, 'main.js'), outdir], { cwd: proj, encoding: 'utf8' }));
    if (process.env.MICROSEG_PRINT) console.log(r);
    expect(r.afterImport).toEqual({ core: 0 });
    expect(r.loaded.providers).toBe(0);
    expect(r.core).toBe(core);
    expect(r.sameClass).toBe(true);
    expect(r.clouds).toEqual(['aws', 'azure', 'gcp']);
    // Import time is the bench's cold-start figure (a timed assertion fails whenever the machine is loaded: 3.2 s seen
    // at load 16); what keeps it small is asserted here: no core and no provider loaded by the import.
    expect(r.rssMb).toBeLessThan(400);
    const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'packed', 'cdk.tf.json'), 'utf8'));
    // Per AWS construct: one group per segment, plus the rule-less label groups the rules' one-label sides reference ({tier: web}, {tier: db}).
    const groups = Object.keys(json.resource.aws_security_group);
    expect(groups.filter((g) => g.startsWith('aws_') && g.includes('_sg_'))).toHaveLength(2);
    expect(groups.filter((g) => g.startsWith('aws_') && g.includes('label_groups'))).toHaveLength(2);
    expect(Object.keys(json.resource.google_compute_firewall).length).toBeGreaterThan(0);
    expect(Object.keys(json.resource.azurerm_network_security_rule).length).toBeGreaterThan(0);

    // The packed CLI runs on the packed example policy.
    const cli = path.join(proj, 'node_modules', 'cdktf-microseg', 'bin', 'microseg.js');
    const policyFile = path.join(proj, 'node_modules', 'cdktf-microseg', 'examples', 'shop', 'policy.yaml');
    execFileSync(process.execPath, [cli, 'compile', policyFile, '--out', path.join(proj, 'out')], { cwd: proj, stdio: 'pipe' });
    expect(fs.existsSync(path.join(proj, 'out', 'gcp', 'cdk.tf.json'))).toBe(true);
  }, 180_000);
});
