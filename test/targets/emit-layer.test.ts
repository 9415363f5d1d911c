/**
 * The emit layer names resources as the CDKTF cores do, writes the versions
 * the provider bindings declare, and loads no core: the CLI's cdk.tf.json
 * comes straight from plain data.
 */
import * as fc from 'fast-check';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { logicalId } from '../../lib/targets/logical-id';
import { CDKTF_LAYOUT, FORMAT_VERSION, KUBERNETES_LAYOUT, PROVIDERS, terraformDocument } from '../../lib/targets/document';
import { serialiseTerraform } from '../../lib/targets/serialise';

const ROOT = path.join(__dirname, '..', '..');
const CORES = ['cdktf', 'cdktn'] as const;
const segmentId = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/);

describe('logicalId', () => {
  for (const core of CORES) {
    it(`equals ${core}'s allocateLogicalId for random construct paths`, () => {
      const { App, TerraformStack } = require(core);
      const { makeUniqueId } = require(`${core}/lib/private/unique`);
      fc.assert(
        fc.property(fc.array(fc.oneof(segmentId, fc.constantFrom('Default', 'Resource', 'sg', 'web-sg')), { minLength: 1, maxLength: 5 }), (parts) => {
          fc.pre(parts.some((p) => p !== 'Default'));
          expect(logicalId(parts)).toBe(makeUniqueId(parts));
        }),
        { numRuns: 300 },
      );
      // And through a real stack: the id the core gives a resource at that path.
      const stack = new TerraformStack(new App({ outdir: '.microseg-unused' }), 's');
      const { Construct } = require('constructs');
      const leaf = new Construct(new Construct(new Construct(stack, 'microseg'), 'web-prod'), 'sg');
      expect(stack.allocateLogicalId(leaf.node)).toBe(logicalId(['microseg', 'web-prod', 'sg']));
    });
  }
  it('keeps a single short component as is, and hashes a long one', () => {
    expect(logicalId(['shop-app-dns-eg-v4'])).toBe('shop-app-dns-eg-v4');
    expect(logicalId(['x'.repeat(300)])).toMatch(/^x{240}_[0-9A-F]{8}$/);
  });
});

describe('the Terraform document', () => {
  it('names the provider versions of the bindings the output used to be built with', () => {
    const bindings = { aws: '@cdktf/provider-aws', azurerm: '@cdktf/provider-azurerm', google: '@cdktf/provider-google' } as const;
    for (const [name, pkg] of Object.entries(bindings)) {
      const meta = require(`${pkg}/lib/provider`);
      const cls = Object.values(meta).find((c: any) => typeof c === 'function' && c.tfResourceType) as any;
      // The binding's generated metadata: provider version constraint and source.
      const p = new cls(new (require('cdktf').TerraformStack)(new (require('cdktf').App)({ outdir: '.microseg-unused' }), 's'), 'p', name === 'azurerm' ? { features: [{}] } : {});
      expect({ source: p.terraformProviderSource, version: p.terraformGeneratorMetadata.providerVersion }).toEqual(PROVIDERS[name as keyof typeof PROVIDERS]);
    }
    expect(FORMAT_VERSION).toBe(require('cdktf/package.json').version);
  });

  it('is one builder for every target: the Kubernetes layout is the one the Kubernetes target always wrote', () => {
    const resources = [
      { type: 'terraform_data', name: 'b', path: ['b'], body: {}, dependsOn: ['kubernetes_manifest.a'] },
      { type: 'kubernetes_manifest', name: 'a', path: ['a'], body: { manifest: { kind: 'AdminNetworkPolicy' } } },
    ];
    const doc = (layout: typeof CDKTF_LAYOUT, rs: typeof resources) => terraformDocument({ stackName: 'k', layout, provider: 'kubernetes', providerConfig: {}, resources: rs });
    // Version, no per-resource metadata, the local backend, and `resource` even when empty: byte for byte.
    expect(serialiseTerraform(doc(KUBERNETES_LAYOUT, []))).toBe(
      JSON.stringify({ '//': { metadata: { backend: 'local', stackName: 'k', version: 'microseg' }, outputs: {} }, provider: { kubernetes: [{}] }, resource: {}, terraform: { backend: { local: { path: 'terraform.k.tfstate' } }, required_providers: { kubernetes: { source: 'hashicorp/kubernetes', version: '~> 2.36' } } } }, null, 2) + '\n',
    );
    expect(doc(KUBERNETES_LAYOUT, resources).resource).toEqual({ kubernetes_manifest: { a: { manifest: { kind: 'AdminNetworkPolicy' } } }, terraform_data: { b: { depends_on: ['kubernetes_manifest.a'] } } });
    // The clouds' layout of the same resources: cdktf's metadata on each, no backend block, no empty `resource`.
    const cdktf = doc(CDKTF_LAYOUT, resources);
    expect(cdktf.resource.terraform_data.b).toEqual({ '//': { metadata: { path: 'k/b', uniqueId: 'b' } }, depends_on: ['kubernetes_manifest.a'] });
    expect(cdktf['//'].metadata.version).toBe(FORMAT_VERSION);
    expect(cdktf.terraform.backend).toBeUndefined();
    expect(doc(CDKTF_LAYOUT, [])).not.toHaveProperty('resource');
  });

  it('is written by the CLI without loading cdktf, cdktn, constructs or a provider package', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'examples/_support/run.js'), path.join(__dirname, 'fixtures/cli-loads.ts')], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});
