/**
 * The command line as a user meets it: exit codes, located diagnostics on
 * stderr, atomic output, compile → verify round trips.
 */
import * as fs from 'fs';
import fsModule from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeAtomically } from '../../lib/cli/atomic';
import { memoryIO } from '../../lib/cli/io';
import { main } from '../../lib/cli/main';

const root = path.join(__dirname, '../..');
const shop = path.join(root, 'examples/shop/policy.yaml');
const spec = path.join(root, 'test/fixtures/good/spec-example.yaml');

async function run(...argv: string[]) {
  const io = memoryIO(root);
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-cli-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, text);
  return p;
}

/** Every file under a directory with its content: to prove nothing changed. */
function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

describe('validate', () => {
  test('accepts the bundled example with exit 0', async () => {
    const r = await run('validate', shop);
    expect(r.code).toBe(0);
    expect(r.out).toContain("valid policy 'shop': 12 segments, 3 externals, 14 rules and guardrails");
    expect(r.err).toBe('');
  });

  test('rejects a typo with a located error and exit 1, relative path, no stack trace', async () => {
    const text = fs.readFileSync(spec, 'utf8').replace('labels: {env: prod, tier: app, app: shop}', 'labels: {env: prd, tier: app, app: shop}');
    const p = write('typo.yaml', text);
    const r = await run('validate', p);
    expect(r.code).toBe(1);
    const line = text.split('\n').findIndex((l) => l.includes('env: prd')) + 1;
    const col = text.split('\n')[line - 1].indexOf('prd') + 1;
    expect(r.err).toContain(`:${line}:${col} error MS1001 unknown label value 'prd' for 'env' (did you mean 'prod'?)`);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  test('reports every error of a file in one run', async () => {
    const text = fs
      .readFileSync(spec, 'utf8')
      .replace('[10.1.0.0/24]', '[10.1.0.0/33]')
      .replace('services: [tcp/8080]', 'services: [tcp/70000]')
      .replace('to: {tier: db}', 'to: {tier: dbs}');
    const r = await run('validate', write('many.yaml', text));
    expect(r.code).toBe(1);
    const codes = r.err.trim().split('\n').map((l) => l.split(' ')[2]);
    expect(codes.length).toBeGreaterThanOrEqual(3);
    expect(new Set(codes).size).toBeGreaterThanOrEqual(3);
  });

  test('json format carries codes and locations', async () => {
    const r = await run('validate', shop, '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ valid: true, policy: 'shop', diagnostics: [] });
  });

  test('a missing file is exit 2; bad usage is exit 2', async () => {
    expect((await run('validate', path.join(tmp, 'nope.yaml'))).code).toBe(2);
    expect((await run('validate')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('validate', shop, '--format', 'xml')).code).toBe(2);
  });

  test('an unknown command fails with a suggestion, even with --help', async () => {
    for (const argv of [['valdate', 'x.yaml'], ['valdate', '--help'], ['schema', '--help']]) {
      const r = await run(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`unknown command '${argv[0]}'`);
    }
    expect((await run('valdate', 'x.yaml')).err).toContain('(Did you mean validate?)');
    expect((await run('help')).code).toBe(0);
  });

  test('--version and --help exit 0', async () => {
    const v = await run('--version');
    expect(v.code).toBe(0);
    expect(v.out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await run('--help');
    expect(h.code).toBe(0);
    for (const c of ['validate', 'compile', 'verify', 'demo']) expect(h.out).toContain(c);
  });
});

describe('compile and verify', () => {
  test('compile --target all writes every cloud, then verify passes; a mutated output fails', async () => {
    const out = path.join(tmp, 'out');
    const c = await run('compile', spec, '--target', 'all', '--out', out);
    expect(c.code).toBe(0);
    for (const t of ['aws', 'azure', 'gcp']) {
      const tf = JSON.parse(fs.readFileSync(path.join(out, t, 'cdk.tf.json'), 'utf8'));
      const ids = JSON.parse(fs.readFileSync(path.join(out, t, 'identities.json'), 'utf8'));
      expect(Object.keys(tf.resource).length).toBeGreaterThan(0);
      expect(ids).toMatchObject({ apiVersion: 'microseg/v1', policy: 'shop', target: t });
      expect(Object.keys(ids.segments).sort()).toEqual(['shop-app-prod', 'shop-app-staging', 'shop-db-prod', 'shop-web-prod']);
    }
    const v = await run('verify', spec, out);
    expect(v.code).toBe(0);

    // Widen an ingress rule from the internet to every protocol: outside hosts have no egress side to
    // hide behind, so the verifier must object. (Widening a segment-to-segment ingress alone is
    // harmless while the source's egress still limits the flow, and the verifier rightly accepts it.)
    const awsFile = path.join(out, 'aws', 'cdk.tf.json');
    const tf = JSON.parse(fs.readFileSync(awsFile, 'utf8'));
    const ingress = tf.resource.aws_vpc_security_group_ingress_rule;
    const widened = Object.keys(ingress).filter((k) => !ingress[k].referenced_security_group_id);
    expect(widened.length).toBeGreaterThan(0);
    for (const k of widened) {
      ingress[k].ip_protocol = '-1';
      delete ingress[k].from_port;
      delete ingress[k].to_port;
    }
    fs.writeFileSync(awsFile, JSON.stringify(tf));
    const bad = await run('verify', spec, out, '--target', 'aws');
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/too open|MS7001/);
  });

  test('same policy, same bytes', async () => {
    const a = path.join(tmp, 'a');
    const b = path.join(tmp, 'b');
    expect((await run('compile', spec, '--out', a)).code).toBe(0);
    expect((await run('compile', spec, '--out', b)).code).toBe(0);
    expect(snapshotDir(a)).toEqual(snapshotDir(b));
  });

  test('a failing compile leaves the output directory untouched', async () => {
    const out = path.join(tmp, 'out');
    expect((await run('compile', spec, '--target', 'azure', '--out', out)).code).toBe(0);
    const before = snapshotDir(out);
    // "any, except ssh" between two segments has no AWS form within quota: MS4003.
    const text = [
      'apiVersion: microseg/v1',
      'kind: SegmentationPolicy',
      'metadata: {name: shop}',
      'labels: {tier: [a, b]}',
      'segments:',
      '  - {name: seg-a, labels: {tier: a}, addresses: [10.1.0.0/24]}',
      '  - {name: seg-b, labels: {tier: b}, addresses: [10.2.0.0/24]}',
      'guardrails:',
      '  - {name: no-ssh, action: deny, from: {tier: a}, to: {tier: b}, services: [ssh]}',
      'rules:',
      '  - {name: a-to-b, from: {tier: a}, to: {tier: b}, services: [any]}',
      '',
    ].join('\n');
    const r = await run('compile', write('bad.yaml', text), '--target', 'azure,aws', '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.yaml:\d+:\d+ error MS4003 /);
    expect(r.err).toContain('nothing written');
    expect(snapshotDir(out)).toEqual(before);
    expect(fs.readdirSync(tmp).filter((f) => f.includes('staging'))).toEqual([]);
  });

  test('an invalid policy writes nothing at all', async () => {
    const out = path.join(tmp, 'out');
    const r = await run('compile', write('bad.yaml', 'apiVersion: microseg/v1\nkind: Nope\n'), '--out', out);
    expect(r.code).toBe(1);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('unknown target is bad usage', async () => {
    expect((await run('compile', spec, '--target', 'oracle', '--out', path.join(tmp, 'o'))).code).toBe(2);
  });

  test('--out naming a file, or a path through a file, is bad usage: one line, no stack trace, nothing staged left', async () => {
    const file = write('taken', 'x');
    for (const out of [file, path.join(file, 'sub')]) {
      const r = await run('compile', spec, '--target', 'aws', '--out', out);
      expect(r.code).toBe(2);
      expect(r.err).not.toContain('internal error');
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
    expect(fs.readdirSync(tmp)).toEqual(['taken']);
  });

  test('graph and report --out naming a directory are bad usage and leave no temporary file', async () => {
    for (const cmd of ['graph', 'report']) {
      const r = await run(cmd, spec, '--out', tmp);
      expect(r.code).toBe(2);
      expect(r.err).toContain('is a directory');
    }
    expect(fs.readdirSync(path.dirname(tmp)).filter((n) => n.startsWith(path.basename(tmp) + '.tmp-'))).toEqual([]);
  });
});

describe('writeAtomically: all targets or none', () => {
  const files = { 'aws/cdk.tf.json': 'new aws', 'azure/cdk.tf.json': 'new azure', 'azure/identities.json': 'new ids', 'gcp/cdk.tf.json': 'new gcp' };
  function seed(out: string) {
    for (const [rel, text] of Object.entries({ 'aws/cdk.tf.json': 'old aws', 'aws/stale.json': 'old extra', 'gcp/cdk.tf.json': 'old gcp', 'notes.txt': 'mine', 'keep/x': 'mine too' })) {
      fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
      fs.writeFileSync(path.join(out, rel), text);
    }
  }

  test('a run replaces every target folder and leaves the user\'s other files alone', () => {
    const out = path.join(tmp, 'out');
    seed(out);
    writeAtomically(out, files);
    expect(snapshotDir(out)).toEqual({ ...files, 'notes.txt': 'mine', [path.join('keep', 'x')]: 'mine too' });
    expect(fs.readdirSync(tmp)).toEqual(['out']);
  });

  // 2 existing folders moved aside + 3 new ones moved in = 5 renames; fail each in turn.
  test.each([1, 2, 3, 4, 5])('a rename failing on call %i leaves DIR byte-identical and no staging behind', (n) => {
    const out = path.join(tmp, 'out');
    seed(out);
    const before = snapshotDir(out);
    const real = fs.renameSync;
    let calls = 0;
    const spy = jest.spyOn(fsModule, 'renameSync').mockImplementation((a, b) => {
      if (++calls === n) throw Object.assign(new Error('EXDEV: simulated'), { code: 'EXDEV' });
      return real(a, b);
    });
    try {
      expect(() => writeAtomically(out, files)).toThrow('EXDEV: simulated');
    } finally {
      spy.mockRestore();
    }
    expect(calls).toBeGreaterThanOrEqual(n);
    expect(snapshotDir(out)).toEqual(before);
    expect(fs.readdirSync(tmp)).toEqual(['out']);
  });

  test('a failed first run into a new DIR leaves no DIR', () => {
    const out = path.join(tmp, 'fresh');
    const real = fs.renameSync;
    let calls = 0;
    const spy = jest.spyOn(fsModule, 'renameSync').mockImplementation((a, b) => {
      if (++calls === 2) throw new Error('simulated');
      return real(a, b);
    });
    try {
      expect(() => writeAtomically(out, files)).toThrow('simulated');
    } finally {
      spy.mockRestore();
    }
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});

describe('verify usage', () => {
  test('DIR missing, or a file, is bad usage that says which', async () => {
    const missing = await run('verify', spec, path.join(tmp, 'nope'));
    expect([missing.code, missing.err]).toEqual([2, `microseg: ${path.join(tmp, 'nope')}: no such directory\n`]);
    const file = await run('verify', spec, spec);
    expect(file.code).toBe(2);
    expect(file.err).toContain('not a directory');
  });
});

describe('package.json scripts', () => {
  test('every script that runs the CLI names a command it has', async () => {
    const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts;
    const commands = Object.values(scripts).flatMap((s) => [...s.matchAll(/bin\/microseg\.js (\w[\w-]*)/g)].map((m) => m[1]));
    expect(commands).toContain('demo');
    // `help X` prints X's own usage only when X exists (for an unknown X commander prints the top-level help).
    for (const c of commands) expect((await run('help', c)).out).toContain(`Usage: microseg ${c} `);
  });
});

describe('demo (npm start)', () => {
  test('compiles the bundled example to every cloud and verifies each exactly', async () => {
    const r = await run('demo', '--out', path.join(tmp, 'out'));
    expect(r.code).toBe(0);
    expect(r.out).toContain("policy 'shop'");
    for (const t of ['aws', 'azure', 'gcp']) expect(r.out).toMatch(new RegExp(`\\n  ${t} .*exact: \\d+ side checks, 0 mismatches`));
    expect(r.out).not.toContain('MISMATCH');
  });
});
