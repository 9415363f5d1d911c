/**
 * docs/kubernetes.md's "Getting started", run as written (test/pack/literal.ts)
 * in a fresh folder per core with the packed tarball: the construct
 * synthesizes its NetworkPolicies (verified at synth), prints what the page
 * shows, and the command line compiles and verifies the same policy.
 */
import * as fs from 'fs';
import * as path from 'path';
import { codeBlocks, CoreName, runPage, section, steps } from './literal';
import { packedForTests, ROOT } from './tarball';

const PAGE = 'docs/kubernetes.md';
const blocks = codeBlocks(section(fs.readFileSync(path.join(ROOT, PAGE), 'utf8'), 'Getting started'));

describe(`${PAGE}: Getting started`, () => {
  const packed = packedForTests('microseg-kubernetes-doc-');

  it.each(['cdktf', 'cdktn'] as CoreName[])('works as written on %s, from the packed tarball, in an empty folder', (core) => {
    expect(steps(blocks, PAGE, core).filter((b) => b.lang === 'text')).toHaveLength(2);
    const dir = path.join(packed.tmp, `k8s-${core}`);
    fs.mkdirSync(dir);
    runPage(blocks, { page: PAGE, dir, core, tarball: packed.tarball, packageName: 'cdktf-microseg' });

    expect(fs.existsSync(path.join(dir, 'node_modules', core === 'cdktf' ? 'cdktn' : 'cdktf'))).toBe(false);
    const stack = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.out', 'stacks', 'shop', 'cdk.tf.json'), 'utf8'));
    const policies = Object.values<any>(stack.resource.kubernetes_network_policy_v1);
    expect(policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort()).toEqual(['shop/shop-db-allow', 'shop/shop-db-isolate', 'shop/shop-web-allow', 'shop/shop-web-isolate']);
    expect(stack.provider).toBeUndefined();
    // The CLI's policies: the same bodies.
    const cli = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'kubernetes', 'cdk.tf.json'), 'utf8'));
    const bodies = (json: any) => Object.values<any>(json.resource.kubernetes_network_policy_v1).map((b) => JSON.stringify({ ...b, '//': undefined })).sort();
    expect(bodies(stack)).toEqual(bodies(cli));
  }, 240_000);
});
