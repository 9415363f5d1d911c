/**
 * The constructs speak the cdktf way: policy warnings and compile notes are
 * Annotations with the YAML location, a policy that cannot be compiled
 * exactly becomes error annotations that fail `cdktf synth` (every other
 * construct still builds), and the synthesized rules are verified at synth
 * so that a hand-added rule that widens the policy fails the synth.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { AwsSegmentation, AzureSegmentation, GcpSegmentation, MultiCloudSegmentation, SegmentationPolicy } from '../../lib';
import { FAILED_IDENTITY } from '../../lib/constructs/failed';
import { annotations, SHOP_POLICY } from '../examples/helpers';

const TINY = `apiVersion: microseg/v1
kind: SegmentationPolicy
metadata: {name: tiny}
labels: {tier: [web, db, cache]}
segments:
  - {name: web, labels: {tier: web}, addresses: [10.1.0.0/24]}
  - {name: db, labels: {tier: db}, addresses: [10.2.0.0/24]}
guardrails:
  - name: no-cache-to-db
    action: deny
    from: {tier: cache}
    to: {tier: db}
    services: [any]
rules:
  - {name: web-to-db, from: {tier: web}, to: {tier: db}, services: [tcp/5432]}
`;

function stack(): TerraformStack {
  const s = new TerraformStack(Testing.app(), 'test');
  new AwsProvider(s, 'aws', { region: 'eu-west-1' });
  return s;
}

describe('policy warnings', () => {
  it('become warning annotations with file:line:col, once per policy in MultiCloudSegmentation', () => {
    const policy = SegmentationPolicy.fromSource(TINY, 'tiny.yaml');
    expect(policy.diagnostics.filter((d) => d.severity === 'warning').length).toBeGreaterThan(0);
    const s = stack();
    new MultiCloudSegmentation(s, 'seg', { policy, aws: { vpcId: 'vpc-1' }, gcp: { network: 'default' } });
    const warnings = annotations(s, 'warning').filter((w) => w.includes('tiny.yaml'));
    expect(warnings.length).toBe(policy.diagnostics.filter((d) => d.severity === 'warning').length);
    expect(warnings[0]).toMatch(/^\[test\/seg\] tiny\.yaml:\d+:\d+ warning MS\d{4} /);
  });
});

describe('a policy that cannot be compiled exactly', () => {
  const policy = SegmentationPolicy.fromFile(SHOP_POLICY);
  const build = () => {
    const s = stack();
    // One group of one rule per direction: the shop cannot fit, so AWS must refuse rather than weaken.
    const seg = new AwsSegmentation(s, 'seg', { policy, vpcId: 'vpc-1', rulesPerGroup: 1, maxGroupsPerInterface: 1 });
    return { s, seg };
  };

  it('is error annotations naming the policy location, not an exception at construction', () => {
    const { s, seg } = build();
    const errors = annotations(s, 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((e) => /policy\.yaml:\d+:\d+ error MS4\d{3} /.test(e))).toBe(true);
    expect(seg).toBeInstanceOf(AwsSegmentation);
    // Wiring code keeps running until the synth reports every error.
    expect(seg.securityGroupIds('shop-web-prod')).toEqual([FAILED_IDENTITY]);
    expect(seg.securityGroupId('shop-web-prod')).toBe(FAILED_IDENTITY);
  });

  it('fails cdktf synth with the location in the message', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-annot-'));
    try {
      const app = new App({ outdir });
      const s = new TerraformStack(app, 'shop');
      new AwsProvider(s, 'aws', { region: 'eu-west-1' });
      new AwsSegmentation(s, 'seg', { policy, vpcId: 'vpc-1', rulesPerGroup: 1, maxGroupsPerInterface: 1 });
      expect(() => app.synth()).toThrow(/\[shop\/seg\] .*policy\.yaml:\d+:\d+ error MS4\d{3}/);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('still throws for programming errors (an unknown segment)', () => {
    const s = stack();
    const seg = new AwsSegmentation(s, 'seg', { policy, vpcId: 'vpc-1' });
    expect(() => seg.securityGroupIds('no-such-segment')).toThrow(/unknown segment/);
  });
});

describe('verify at synth', () => {
  const policy = SegmentationPolicy.fromSource(TINY, 'tiny.yaml');

  it('passes an untouched stack and fails one where a hand-written rule widens a segment', () => {
    const s = stack();
    const seg = new AwsSegmentation(s, 'seg', { policy, vpcId: 'vpc-1' });
    expect(() => Testing.synth(s, true)).not.toThrow();
    new VpcSecurityGroupIngressRule(s, 'rogue', { securityGroupId: seg.securityGroupId('db'), ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' });
    expect(() => Testing.synth(s, true)).toThrow(/aws rules of policy 'tiny' are not-equivalent to the policy/);
  });

  it('is skipped with verify: false', () => {
    const s = stack();
    const seg = new AwsSegmentation(s, 'seg', { policy, vpcId: 'vpc-1', verify: false });
    new VpcSecurityGroupIngressRule(s, 'rogue', { securityGroupId: seg.securityGroupId('db'), ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' });
    expect(() => Testing.synth(s, true)).not.toThrow();
  });

  it('checks Azure and GCP the same way', () => {
    const s = new TerraformStack(Testing.app(), 'test');
    new AzurermProvider(s, 'azurerm', { features: [{}] });
    new GoogleProvider(s, 'google', { project: 'p' });
    new AzureSegmentation(s, 'az', { policy, resourceGroupName: 'rg', location: 'westeurope' });
    const gcp = new GcpSegmentation(s, 'gcp', { policy, network: 'default' });
    expect(() => Testing.synth(s, true)).not.toThrow();
    // A rule outside the policy that opens the db tag to everyone, above the policy's default deny.
    new ComputeFirewall(s, 'rogue', { name: 'rogue', network: 'default', direction: 'INGRESS', priority: 0, sourceRanges: ['0.0.0.0/0'], targetTags: [gcp.networkTag('db')], allow: [{ protocol: 'tcp', ports: ['22'] }] });
    expect(() => Testing.synth(s, true)).toThrow(/gcp rules of policy 'tiny' are not-equivalent/);
  });
});
