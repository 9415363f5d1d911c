/**
 * A policy written in TypeScript (./policy.ts), compiled to AWS security
 * groups in a VPC with one instance per segment. Built into a stack of
 * either core (../_support/terraform.ts).
 */
import { Construct } from 'constructs';
// In your own project: from 'cdktf-microseg'.
import { AwsSegmentation, SegmentationPolicy } from '../../lib';
import { Terraform } from '../_support/terraform';
import { paymentsPolicy } from './policy';

export interface TypedBuilderProps {
  /** @default paymentsPolicy() */
  readonly policy?: SegmentationPolicy;
}

/** Adds the example to `stack` (a cdktf or cdktn TerraformStack); returns its segmentation. */
export function typedBuilder(stack: Construct, props: TypedBuilderProps = {}): AwsSegmentation {
  const policy = props.policy ?? paymentsPolicy();
  const tf = Terraform.of(stack);
  tf.provider('aws', 'aws', '~> 6.0', { region: 'eu-west-1' });
  const vpc = tf.resource('aws_vpc', 'vpc', { cidr_block: '10.30.0.0/16', tags: { Name: 'payments-prod' } });
  const segmentation = new AwsSegmentation(stack, 'segmentation', { policy, vpcId: vpc.id });

  const ami = tf.variable('ami_id', 'AMI of the payments instances');
  for (const seg of policy.doc.segments.filter((s) => s.labels.env === 'prod')) {
    const subnet = tf.resource('aws_subnet', `${seg.name}-subnet`, { vpc_id: vpc.id, cidr_block: seg.addresses![0], tags: { Name: seg.name } });
    tf.resource('aws_instance', `${seg.name}-instance`, {
      ami,
      instance_type: 't3.micro',
      subnet_id: subnet.id,
      vpc_security_group_ids: segmentation.identitiesOf(seg.name),
      tags: { Name: seg.name },
    });
  }
  return segmentation;
}
