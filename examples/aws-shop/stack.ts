/**
 * The shop policy on AWS: a VPC with one subnet per production segment (its
 * declared addresses), the segmentation's security groups, and one instance
 * per segment wired to every group of its segment. Built into a stack of
 * either core (../_support/terraform.ts).
 */
import * as path from 'path';
import { Construct } from 'constructs';
// In your own project: from 'cdktf-microseg' (or 'cdktf-microseg/aws').
import { AwsSegmentation, SegmentationPolicy } from '../../lib';
import { Terraform } from '../_support/terraform';

export const SHOP_POLICY = path.join(__dirname, '..', 'shop', 'policy.yaml');

export interface AwsShopProps {
  /** @default examples/shop/policy.yaml */
  readonly policy?: SegmentationPolicy;
}

/** Adds the example to `stack` (a cdktf or cdktn TerraformStack); returns its segmentation. */
export function awsShop(stack: Construct, props: AwsShopProps = {}): AwsSegmentation {
  const policy = props.policy ?? SegmentationPolicy.fromFile(SHOP_POLICY);
  const tf = Terraform.of(stack);
  tf.provider('aws', 'aws', '~> 6.0', { region: 'eu-west-1' });

  const vpc = tf.resource('aws_vpc', 'vpc', { cidr_block: '10.10.0.0/16', enable_dns_hostnames: true, tags: { Name: 'shop-prod' } });
  // vpc.id is a token: the security groups land in the VPC this stack creates.
  const segmentation = new AwsSegmentation(stack, 'segmentation', { policy, vpcId: vpc.id, tags: { 'cost-center': 'shop' } });

  const ami = tf.data('aws_ami', 'al2023', {
    most_recent: true,
    owners: ['amazon'],
    filter: [{ name: 'name', values: ['al2023-ami-2023.*-x86_64'] }],
  });

  // One subnet and one instance per production segment, inside the segment's declared addresses.
  for (const seg of policy.doc.segments.filter((s) => s.labels.env === 'prod')) {
    const cidr = (seg.addresses ?? []).find((a) => !a.includes(':'));
    if (!cidr) continue;
    const subnet = tf.resource('aws_subnet', `${seg.name}-subnet`, { vpc_id: vpc.id, cidr_block: cidr, availability_zone: 'eu-west-1a', tags: { Name: seg.name } });
    tf.resource('aws_instance', `${seg.name}-instance`, {
      ami: ami.id,
      instance_type: 't3.micro',
      subnet_id: subnet.id,
      // Every group of the segment: when a segment's rules overflow one group they are spread over several.
      vpc_security_group_ids: segmentation.identitiesOf(seg.name),
      tags: { Name: seg.name },
    });
  }
  return segmentation;
}
