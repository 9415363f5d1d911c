/**
 * `compile --previous DIR`: when a segment's identity set changes, the
 * compile names what to attach where and when. Widening the spec example's
 * first rule by one more service spills shop-web-prod's rules into an
 * overflow group (a new identity its workloads must carry); going back
 * keeps that group, empty, for the workloads to let go of; `--release`
 * then destroys it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import YAML from 'yaml';
import { memoryIO } from '../../lib/cli/io';
import { main } from '../../lib/cli/main';
import { applyEdit } from '../analysis/apply-check/edits';

const root = path.join(__dirname, '../..');
let tmp: string;
beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-previous-'))));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const io = memoryIO(root);
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

const TARGETS = { aws: { region: 'eu-west-1', vpcId: 'vpc-0123456789abcdef0' }, azure: { location: 'westeurope', resourceGroupName: 'rg' }, gcp: { project: 'p', network: 'main' } };

test('an overflow group that appears is to be attached after the apply; one no longer needed stays, empty, until --release', async () => {
  const base = { ...YAML.parse(fs.readFileSync(path.join(root, 'test/fixtures/good/spec-example.yaml'), 'utf8')), targets: TARGETS };
  const a = path.join(tmp, 'a.yaml');
  const b = path.join(tmp, 'b.yaml');
  fs.writeFileSync(a, YAML.stringify(base));
  fs.writeFileSync(b, YAML.stringify(applyEdit(base, 'widen')));
  expect((await run('compile', a, '--out', path.join(tmp, 'out-a'))).code).toBe(0);
  const wide = await run('compile', b, '--out', path.join(tmp, 'out-b'), '--previous', path.join(tmp, 'out-a'));
  expect(wide.code).toBe(0);
  const sg2 = JSON.parse(fs.readFileSync(path.join(tmp, 'out-b/aws/identities.json'), 'utf8')).segments['shop-web-prod'].securityGroups[1];
  expect(sg2).toMatch(/^aws_security_group\.microseg_shop-web-prod_sg-2_/);
  expect(wide.out.split('\n').filter((l) => l.startsWith('note:'))).toEqual([`note: aws: segment shop-web-prod: attach ${sg2} to its workloads once the apply has created it`]);
  const back = await run('compile', a, '--out', path.join(tmp, 'out-c'), '--previous', path.join(tmp, 'out-b'));
  expect(back.out.split('\n').filter((l) => l.startsWith('note:'))).toEqual([
    `note: aws: segment shop-web-prod: ${sg2} holds no rules now and stays so that the apply destroys nothing workloads carry: detach after the apply, then compile with --release to destroy it`,
  ]);
  expect(back.err).toContain('info MS4104 aws: segment shop-web-prod keeps group shop-shop-web-prod.2 from the previous output');
  const kept = JSON.parse(fs.readFileSync(path.join(tmp, 'out-c/aws/identities.json'), 'utf8')).segments['shop-web-prod'];
  expect(kept.releasableSecurityGroups).toEqual([sg2]);
  expect(kept.securityGroups).not.toContain(sg2);
  expect(fs.readFileSync(path.join(tmp, 'out-c/aws/cdk.tf.json'), 'utf8')).toContain(`"${sg2.split('.')[1]}"`);
  // Released: the group goes, the output is the fresh compile's, and there is nothing left to attach or detach.
  const released = await run('compile', a, '--out', path.join(tmp, 'out-r'), '--previous', path.join(tmp, 'out-c'), '--release');
  expect(released.code).toBe(0);
  expect(released.out).not.toContain('note:');
  for (const f of ['aws/cdk.tf.json', 'aws/identities.json']) expect(fs.readFileSync(path.join(tmp, 'out-r', f), 'utf8')).toBe(fs.readFileSync(path.join(tmp, 'out-a', f), 'utf8'));
  // Same identities: no note.
  const same = await run('compile', a, '--out', path.join(tmp, 'out-d'), '--previous', path.join(tmp, 'out-a'));
  expect(same.out).not.toContain('note:');
});

test('--release needs --previous: exit 2, nothing written', async () => {
  const a = path.join(tmp, 'f.yaml');
  fs.writeFileSync(a, fs.readFileSync(path.join(root, 'test/fixtures/good/spec-example.yaml')));
  const r = await run('compile', a, '--target', 'aws', '--out', path.join(tmp, 'out-f'), '--release');
  expect(r.code).toBe(2);
  expect(r.err).toContain('--release needs --previous DIR');
  expect(fs.existsSync(path.join(tmp, 'out-f'))).toBe(false);
});

test('an unreadable previous identities.json is exit 2 and nothing is written', async () => {
  const a = path.join(tmp, 'e.yaml');
  fs.writeFileSync(a, fs.readFileSync(path.join(root, 'test/fixtures/good/spec-example.yaml')));
  fs.mkdirSync(path.join(tmp, 'bad/aws'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'bad/aws/identities.json'), '{"segments": ');
  const r = await run('compile', a, '--target', 'aws', '--out', path.join(tmp, 'out-e'), '--previous', path.join(tmp, 'bad'));
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/bad\/aws\/identities\.json: error MS0001 cannot read the previous identities/);
  expect(fs.existsSync(path.join(tmp, 'out-e'))).toBe(false);
  // The previous cdk.tf.json is read too (rules stay in their groups): unreadable is exit 2 as well.
  fs.writeFileSync(path.join(tmp, 'bad/aws/identities.json'), '{"segments": {}}');
  fs.writeFileSync(path.join(tmp, 'bad/aws/cdk.tf.json'), '{"resource": ');
  const t = await run('compile', a, '--target', 'aws', '--out', path.join(tmp, 'out-e'), '--previous', path.join(tmp, 'bad'));
  expect(t.code).toBe(2);
  expect(t.err).toMatch(/bad\/aws\/cdk\.tf\.json: error MS0001 cannot read the previous output/);
  expect(fs.existsSync(path.join(tmp, 'out-e'))).toBe(false);
});

test('compile keeps each target\'s resource addresses for the --previous notes after dropping its document', () => {
  // The notes ask whether an identity a segment lets go of is still a resource; compileToFiles drops each document
  // once serialised, so the addresses must be taken first (they were read from the emptied document: always none).
  const { irOf } = require('../analysis/apply-check/helpers');
  const { compileToFiles, compileTargets, resourceAddresses } = require('../../lib/cli/compile-targets');
  const ir = irOf(YAML.parse(fs.readFileSync(path.join(root, 'examples/shop/policy.yaml'), 'utf8')), 'examples/shop/policy.yaml');
  const full = compileTargets(ir, ['aws', 'azure']);
  const identities = new Map(full.outputs.map((o: any) => [o.target, o.identities]));
  const c = compileToFiles(ir, ['aws', 'azure'], { previous: identities });
  for (const o of full.outputs) {
    const want = resourceAddresses(o.terraform);
    expect(want.size).toBeGreaterThan(10);
    expect([...c.addresses.get(o.target)!].sort()).toEqual([...want].sort());
  }
  expect(c.outputs.every((o: any) => Object.keys(o.terraform).length === 0)).toBe(true);
  // Without --previous nothing is kept.
  expect(compileToFiles(ir, ['aws']).addresses.size).toBe(0);
});

test('a missing --previous directory, or identities of the wrong shape, is exit 2 with the path, and nothing is written', async () => {
  const a = path.join(tmp, 'shape.yaml');
  fs.writeFileSync(a, YAML.stringify({ ...YAML.parse(fs.readFileSync(path.join(root, 'test/fixtures/good/spec-example.yaml'), 'utf8')), targets: TARGETS }));
  // A typo in DIR must not read as "every target is new" (which would plan carried groups for destruction).
  const missing = await run('compile', a, '--target', 'aws', '--out', path.join(tmp, 'out-typo'), '--previous', path.join(tmp, 'no-such-dir'));
  expect(missing.code).toBe(2);
  expect(missing.err).toMatch(/no-such-dir: error MS0001 the previous output directory does not exist/);
  expect(fs.existsSync(path.join(tmp, 'out-typo'))).toBe(false);
  const prev = path.join(tmp, 'prev-bad');
  fs.mkdirSync(path.join(prev, 'aws'), { recursive: true });
  fs.writeFileSync(path.join(prev, 'aws/identities.json'), JSON.stringify({ segments: { 'shop-web-prod': { securityGroups: 5 } } }));
  const bad = await run('compile', a, '--target', 'aws', '--out', path.join(tmp, 'out-bad'), '--previous', prev);
  expect(bad.code).toBe(2);
  expect(bad.err).toMatch(/identities\.json: error MS0001 cannot read the previous identities: segment "shop-web-prod": "securityGroups" is not a list of identities/);
  expect(fs.existsSync(path.join(tmp, 'out-bad'))).toBe(false);
});
