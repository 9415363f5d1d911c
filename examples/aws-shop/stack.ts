/**
 * The shop policy on AWS: a VPC with one subnet per production segment (its
 * declared addresses), the segmentation's security groups, and one instance
 * per segment wired to every group of its segment.
 */
import * as path from 'path';
import { DataAwsAmi } from '@cdktf/provider-aws/lib/data-aws-ami';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
// In your own project: from 'cdktf-microseg' (or 'cdktf-microseg/aws').
import { AwsSegmentation, SegmentationPolicy } from '../../lib';

export const SHOP_POLICY = path.join(__dirname, '..', 'shop', 'policy.yaml');

export interface AwsShopStackProps {
  /** @default examples/shop/policy.yaml */
  readonly policy?: SegmentationPolicy;
}

export class AwsShopStack extends TerraformStack {
  readonly segmentation: AwsSegmentation;

  constructor(scope: Construct, id: string, props: AwsShopStackProps = {}) {
    super(scope, id);
    const policy = props.policy ?? SegmentationPolicy.fromFile(SHOP_POLICY);
    new AwsProvider(this, 'aws', { region: 'eu-west-1' });

    const vpc = new Vpc(this, 'vpc', { cidrBlock: '10.10.0.0/16', enableDnsHostnames: true, tags: { Name: 'shop-prod' } });
    // vpc.id is a token: the security groups land in the VPC this stack creates.
    this.segmentation = new AwsSegmentation(this, 'segmentation', { policy, vpcId: vpc.id, tags: { 'cost-center': 'shop' } });

    const ami = new DataAwsAmi(this, 'al2023', {
      mostRecent: true,
      owners: ['amazon'],
      filter: [{ name: 'name', values: ['al2023-ami-2023.*-x86_64'] }],
    });

    // One subnet and one instance per production segment, inside the segment's declared addresses.
    for (const seg of policy.doc.segments.filter((s) => s.labels.env === 'prod')) {
      const cidr = (seg.addresses ?? []).find((a) => !a.includes(':'));
      if (!cidr) continue;
      const subnet = new Subnet(this, `${seg.name}-subnet`, { vpcId: vpc.id, cidrBlock: cidr, availabilityZone: 'eu-west-1a', tags: { Name: seg.name } });
      new Instance(this, `${seg.name}-instance`, {
        ami: ami.id,
        instanceType: 't3.micro',
        subnetId: subnet.id,
        // Every group of the segment: when a segment's rules overflow one group they are spread over several.
        vpcSecurityGroupIds: this.segmentation.securityGroupIds(seg.name),
        tags: { Name: seg.name },
      });
    }
  }
}
