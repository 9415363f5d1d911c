/**
 * `cdktf-microseg/aws`: the AWS construct alone. Importing it loads the AWS
 * provider classes it needs (by deep import) and nothing of Azure or GCP.
 */
import { Construct } from 'constructs';
import { SegmentationExtras, withAnnotations } from './targets/annotate';
import { AwsSegmentation as AwsSegmentationBase, AwsSegmentationProps as AwsSegmentationBaseProps } from './targets/aws/construct';

export type { AwsPlan, AwsPlanOptions, PlannedGroup, PlannedRule, PlannedSegment, RulePeer } from './targets/aws/plan';
export { AwsSegmentationBase };

/**
 * Props of {@link AwsSegmentation}.
 *
 * @example
 * new AwsSegmentation(stack, 'seg', { policy, vpcId: vpc.id, tags: { team: 'platform' } });
 */
export interface AwsSegmentationProps extends AwsSegmentationBaseProps, SegmentationExtras {}

/**
 * One policy as AWS security groups: a group per segment (more when its rules
 * overflow one group), one `aws_vpc_security_group_ingress_rule` /
 * `_egress_rule` per CIDR or group reference, no default egress. Attach
 * `securityGroupIds(segment)` to every instance, launch template or ENI of
 * the segment. Policy problems are cdktf Annotations: an error fails
 * `cdktf synth` with the policy's file:line:col.
 *
 * @example
 * const seg = new AwsSegmentation(stack, 'seg', { policy, vpcId: vpc.id });
 * new Instance(stack, 'web', { ami, instanceType: 't3.micro', subnetId: subnet.id,
 *   vpcSecurityGroupIds: seg.securityGroupIds('shop-web-prod') });
 */
export class AwsSegmentation extends withAnnotations(AwsSegmentationBase, 'aws', { securityGroupId: 'string', securityGroupIds: 'list' }) {
  constructor(scope: Construct, id: string, props: AwsSegmentationProps) {
    super(scope, id, props);
  }
}
