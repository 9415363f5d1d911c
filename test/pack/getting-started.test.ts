/**
 * docs/getting-started.md, run as written (test/pack/literal.ts): in a fresh
 * folder per core, every command and file of the page in order, with the
 * packed tarball for the package's own name. Then what the page promises is
 * checked on what it produced: a synthesized stack with a group per segment,
 * the instances wired to every group of their segment, only the chosen core
 * installed, and the CLI's compile equal, body for body, to the construct's.
 *
 * Slow (installs from the npm cache: ~30 s for cdktf with its CLI, ~15 s for
 * cdktn, plus a ts-node run each) but the only check that the page works.
 */
import * as fs from 'fs';
import * as path from 'path';
import { codeBlocks, CoreName, runPage, steps } from './literal';
import { packedForTests, ROOT } from './tarball';

const PAGE = 'docs/getting-started.md';
const blocks = codeBlocks(fs.readFileSync(path.join(ROOT, PAGE), 'utf8'));

type Json = Record<string, any>;
const read = (f: string): Json => JSON.parse(fs.readFileSync(f, 'utf8'));

describe(PAGE, () => {
  const packed = packedForTests('microseg-getting-started-');

  it('holds only blocks the test runs, a run for each core, and the files the page needs', () => {
    for (const core of ['cdktf', 'cdktn'] as const) {
      const files = steps(blocks, PAGE, core).filter((b) => b.attrs.file).map((b) => b.attrs.file);
      expect(files.sort()).toEqual(['cdktf.json', 'main.ts', 'policy.yaml', 'tsconfig.json']);
    }
    // TypeScript pinned below 7 in every install line that names it.
    const installs = blocks.filter((b) => b.lang === 'sh').flatMap((b) => b.body.split('\n')).filter((l) => /\bnpm install\b/.test(l));
    const ts = installs.filter((l) => /\btypescript\b/.test(l));
    expect(ts.length).toBe(2);
    for (const l of ts) expect(l).toMatch(/\btypescript@~5\.\d+\b/);
    // Every package named with a version, but the page's own.
    for (const l of installs) for (const pkg of l.split(/\s+/).slice(2).filter((w) => !w.startsWith('-') && w !== 'cdktf-microseg')) expect(pkg).toMatch(/.@\S+$/);
  });

  it.each(['cdktf', 'cdktn'] as CoreName[])('works as written on %s, from the packed tarball, in an empty folder', (core) => {
    const dir = path.join(packed.tmp, `shop-${core}`);
    fs.mkdirSync(dir);
    const t0 = Date.now();
    const done = runPage(blocks, { page: PAGE, dir, core, tarball: packed.tarball, packageName: 'cdktf-microseg' });
    if (process.env.MICROSEG_PRINT) console.log(core, Date.now() - t0, done);

    // Only the chosen core, and its own provider scope.
    const other: CoreName = core === 'cdktf' ? 'cdktn' : 'cdktf';
    expect(fs.existsSync(path.join(dir, 'node_modules', other))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'node_modules', `@${other}`))).toBe(false);
    expect(read(path.join(dir, 'node_modules', 'typescript', 'package.json')).version).toMatch(/^5\./);

    const stack = read(path.join(dir, 'cdktf.out', 'stacks', 'shop', 'cdk.tf.json'));
    const groups = stack.resource.aws_security_group as Json;
    const groupNames = Object.values(groups).map((g) => g.name).sort();
    expect(groupNames).toEqual(expect.arrayContaining(['shop-db', 'shop-web']));
    // Each instance carries every group of its segment, by reference.
    const ids = (seg: string) => Object.keys(groups).filter((k) => stack.resource.aws_security_group[k].tags?.['microseg:segment'] === seg || groups[k].name === `shop-${seg}`);
    for (const seg of ['web', 'db']) {
      const inst = stack.resource.aws_instance[seg];
      expect(inst.subnet_id).toMatch(/^\$\{aws_subnet\./);
      expect(inst.vpc_security_group_ids).toEqual(expect.arrayContaining(ids(seg).map((k) => `\${aws_security_group.${k}.id}`)));
    }
    expect(stack.provider.aws).toEqual([{ region: 'eu-west-1' }]);

    // The CLI's compile: the same groups, lists and rules, body for body (the construct path in names, and the VPC, aside).
    const cli = read(path.join(dir, 'out', 'aws', 'cdk.tf.json'));
    const bodies = (json: Json, type: string) =>
      Object.values((json.resource[type] ?? {}) as Json)
        .map((r) => JSON.stringify({ ...r, '//': undefined, vpc_id: undefined }).replace(/\$\{(\w+)\.[^.}]+\.(\w+)\}/g, '${$1.*.$2}'))
        .sort();
    for (const type of ['aws_security_group', 'aws_ec2_managed_prefix_list', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule']) {
      expect(bodies(stack, type).length).toBeGreaterThan(0);
      expect(bodies(stack, type)).toEqual(bodies(cli, type));
    }
  }, 240_000);
});
