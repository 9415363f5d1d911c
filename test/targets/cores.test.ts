/**
 * The constructs on both cores: in a cdktf 0.21 stack and in a cdktn 0.24
 * stack, with no provider package, each cloud's construct synthesizes the
 * very resources `microseg compile` writes for the same policy and settings
 * (placed where the CLI's stack places them, every resource equals the
 * CLI's, `//` metadata included); policy errors are located annotations
 * that fail the synth; verify-at-synth catches a widened stack on both.
 */
import * as fs from 'fs';
import { AwsSegmentation, AzureSegmentation, GcpSegmentation, MultiCloudSegmentation, SegmentationPolicy, resolve } from '../../lib';
import { synthStack } from '../../lib/constructs/synth';
import { loadBackend } from '../../lib/targets/registry';
import { TargetName } from '../../lib/targets/target';

const CORES = ['cdktf', 'cdktn'] as const;
const SHOP = require.resolve('../../examples/shop/policy.yaml');
const SPEC = require.resolve('../fixtures/good/spec-example.yaml');

function cli(file: string, target: TargetName) {
  return loadBackend(target).compile(resolve(SegmentationPolicy.fromFile(file)));
}

describe.each(CORES)('on %s', (core) => {
  for (const file of [SHOP, SPEC]) {
    const policy = SegmentationPolicy.fromSource(fs.readFileSync(file, 'utf8'), file);
    const cfg = policy.doc.targets ?? {};
    it(`${file.split('/').pop()}: every cloud's resources equal microseg compile's, body for body`, () => {
      for (const target of ['aws', 'azure', 'gcp'] as const) {
        const out = cli(file, target);
        let identities: unknown;
        const json = synthStack(
          policy.name,
          (stack) => {
            const v = (name: string) => `\${var.${name}}`;
            if (target === 'aws') identities = new AwsSegmentation(stack, 'microseg', { policy, vpcId: cfg.aws?.vpcId ?? v('vpc_id') }).identities;
            if (target === 'azure')
              identities = new AzureSegmentation(stack, 'azure', { policy, location: cfg.azure?.location ?? v('location'), resourceGroupName: cfg.azure?.resourceGroupName ?? v('resource_group_name'), subnetIds: cfg.azure?.subnetIds }).identities;
            if (target === 'gcp') identities = new GcpSegmentation(stack, 'gcp', { policy, network: cfg.gcp?.network ?? v('gcp_network'), project: cfg.gcp?.project ?? v('gcp_project'), identity: cfg.gcp?.identity, guardrailParent: cfg.gcp?.guardrailParent ?? v("gcp_guardrail_parent") }).identities;
          },
          { core },
        );
        expect(json.resource).toEqual(out.terraform.resource);
        expect(identities).toEqual(out.identities);
      }
    });
  }

  it('MultiCloudSegmentation: one identitiesOf per cloud, everything a workload carries', () => {
    const policy = SegmentationPolicy.fromFile(SHOP);
    let seg: MultiCloudSegmentation | undefined;
    const json = synthStack('multi', (stack) => {
      seg = new MultiCloudSegmentation(stack, 'seg', { policy, aws: { vpcId: 'vpc-1' }, azure: { resourceGroupName: 'rg', location: 'westeurope' }, gcp: { network: 'default' } });
    }, { core });
    expect(seg!.aws!.core).toBe(core);
    const ids = seg!.identitiesOf('shop-web-prod');
    expect(ids.aws!.length).toBe(seg!.identities.aws!.segments['shop-web-prod'].securityGroups!.length);
    expect(ids.azure!.length).toBe(seg!.identities.azure!.segments['shop-web-prod'].applicationSecurityGroups!.length);
    expect(ids.gcp).toEqual(['shop-shop-web-prod']);
    expect(Object.keys(json.resource).sort()).toEqual(
      ['aws_ec2_managed_prefix_list', 'aws_security_group', 'aws_vpc_security_group_egress_rule', 'aws_vpc_security_group_ingress_rule', 'azurerm_application_security_group', 'azurerm_network_security_group', 'azurerm_network_security_rule', 'google_compute_firewall'],
    );
  });

  it('a policy that cannot be compiled is the explicit failed state and a located error at synth', () => {
    const policy = SegmentationPolicy.fromFile(SHOP);
    let seg: AwsSegmentation | undefined;
    expect(() =>
      synthStack('x', (stack) => {
        seg = new AwsSegmentation(stack, 'seg', { policy, vpcId: 'vpc-1', rulesPerGroup: 1, maxGroupsPerInterface: 1 });
        expect(seg.failed).toBe(true);
        expect(seg.state).toBe('failed');
        expect(seg.errors.some((d) => d.severity === 'error')).toBe(true);
        expect(seg.identitiesOf('shop-web-prod')).toEqual(['microseg-policy-did-not-compile']);
        expect(() => seg!.plan).toThrow(/did not compile/);
      }, { core }),
    ).toThrow(/policy\.yaml:\d+:\d+ error MS4\d{3}/);
  });

  it('verify at synth fails a stack where another resource widens a segment', () => {
    const policy = SegmentationPolicy.fromFile(SHOP);
    const { TerraformResource } = require(core);
    class Rogue extends TerraformResource {
      constructor(scope: any, private readonly attrs: Record<string, unknown>) {
        super(scope, 'rogue', { terraformResourceType: 'google_compute_firewall' });
      }
      protected synthesizeAttributes() {
        return this.attrs;
      }
    }
    expect(() =>
      synthStack('x', (stack) => {
        const seg = new GcpSegmentation(stack, 'seg', { policy, network: 'default' });
        new Rogue(stack, { name: 'rogue', network: 'default', direction: 'INGRESS', priority: 0, source_ranges: ['0.0.0.0/0'], target_tags: seg.identitiesOf('shop-db-prod'), allow: [{ protocol: 'tcp', ports: ['22'] }] });
      }, { core }),
    ).toThrow(/gcp rules of policy 'shop' are not-equivalent/);
  });
});

it('segment names of a policy made with define are typed', () => {
  const policy = SegmentationPolicy.define({
    name: 'typed',
    labels: { tier: ['web', 'db'] },
    segments: [
      { name: 'web', labels: { tier: 'web' } },
      { name: 'db', labels: { tier: 'db' } },
    ],
    rules: [{ name: 'web-to-db', from: { tier: 'web' }, to: { tier: 'db' }, services: ['tcp/5432'] }],
  });
  synthStack('typed', (stack) => {
    const seg = new GcpSegmentation(stack, 'seg', { policy, network: 'default' });
    expect(seg.identitiesOf('web')).toEqual(['typed-web']);
    // @ts-expect-error 'wbe' is not a segment of the policy
    expect(() => seg.identitiesOf('wbe')).toThrow(/unknown segment 'wbe'/);
  });
});
