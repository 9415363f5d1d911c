/**
 * The AWS back end of the CLI: plan, emit, and the Terraform document, with
 * no CDKTF core loaded. `region` and `vpcId`, when the policy's
 * `targets.aws` leaves them out, become Terraform variables (`aws_region`,
 * `vpc_id`): the output never guesses a region or falls back to the default VPC.
 */
import { defineBackend } from '../kit/compile';
import { TargetBackend } from '../target';
import { emitAws } from './emit';
import { checkAwsFlowLogs } from './flow-logs';
import { planAws } from './plan';
import { keptGroups, previousGroups } from './previous';

export { emitAws, AwsEmission, AwsEmitOptions } from './emit';
export { AWS_FLOW_LOG_FIELDS, AWS_FLOW_LOG_FORMAT, checkAwsFlowLogs } from './flow-logs';
export { AWS_LIMITS, AWS_QUOTAS } from './limits';
export { groupAddress, keptGroups, previousGroups } from './previous';
export { AwsPlan, AwsPlanOptions, describeRule, planAws, PlannedGroup, PlannedLabelGroup, PlannedPrefixList, PlannedRule, PlannedSegment, PREFIX_LIST_MIN_ENTRIES, RulePeer } from './plan';

/** Where the CLI's stack puts the segmentation: the construct id every resource name starts with. */
export const CLI_SCOPE: readonly string[] = ['microseg'];

export const backend: TargetBackend = defineBackend({
  target: 'aws',
  title: 'AWS',
  variableNote: 'MS4102',
  build({ ir, setting, settings, reporter, previous, release, previousTerraform }) {
    const region = setting('region', 'aws_region', `AWS region for the microseg policy '${ir.name}' (targets.aws.region not set)`);
    const vpcId = setting('vpcId', 'vpc_id', `VPC of the security groups of the microseg policy '${ir.name}' (targets.aws.vpcId not set)`);
    if (settings.flowLogs) checkAwsFlowLogs(ir, settings.flowLogs, reporter);
    // Groups the previous output has stay (emptied when no rule needs them): see previous.ts.
    const names = ir.segments.map((s) => s.name);
    const plan = planAws(ir, { keepGroups: keptGroups(previous, CLI_SCOPE, names, release), previousGroup: previousGroups(previousTerraform, CLI_SCOPE, names) });
    const emission = emitAws(plan, { scope: CLI_SCOPE, vpcId, flowLogs: settings.flowLogs });
    return { provider: 'aws', providerConfig: { region }, emission, notes: plan.notes, rules: plan.stats.rules, identityCount: plan.stats.groups };
  },
});
