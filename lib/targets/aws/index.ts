/**
 * The AWS back end: plan + construct, synthesized with the AWS provider.
 * `region` and `vpcId`, when the policy's `targets.aws` leaves them out,
 * become Terraform variables (`aws_region`, `vpc_id`): the output never
 * guesses a region or falls back to the default VPC.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { compileBackend } from '../kit/compile';
import { TargetBackend } from '../target';
import { AwsSegmentation } from './construct';

export { AwsSegmentation, AwsSegmentationProps } from './construct';
export { AWS_LIMITS, AwsPlan, AwsPlanOptions, describeRule, planAws, PlannedGroup, PlannedLabelGroup, PlannedPrefixList, PlannedRule, PlannedSegment, PREFIX_LIST_MIN_ENTRIES, RulePeer } from './plan';

export const backend: TargetBackend = {
  name: 'aws',
  compile: (ir, settings) =>
    compileBackend(
      {
        target: 'aws',
        title: 'AWS',
        variableNote: 'MS4102',
        build({ stack, setting }) {
          const region = setting('region', 'aws_region', `AWS region for the microseg policy '${ir.name}' (targets.aws.region not set)`);
          new AwsProvider(stack, 'aws', { region });
          const vpcId = setting('vpcId', 'vpc_id', `VPC of the security groups of the microseg policy '${ir.name}' (targets.aws.vpcId not set)`);
          const seg = new AwsSegmentation(stack, 'microseg', { policy: ir, vpcId });
          return () => ({ identities: seg.identities, notes: seg.plan.notes, rules: seg.plan.stats.rules, identityCount: seg.plan.stats.groups });
        },
      },
      ir,
      settings,
    ),
};
