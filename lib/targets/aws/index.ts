/**
 * The AWS back end: plan + construct, synthesized with the AWS provider.
 * Settings come from the policy's `targets.aws`; `region` and `vpcId`, when
 * absent, become Terraform variables (`aws_region`, `vpc_id`) so the output
 * stays valid and never guesses a region or falls back to the default VPC.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformVariable } from 'cdktf';
import { severityOf } from '../../model/codes';
import { Diagnostic } from '../../model/diagnostics';
import { ResolvedPolicy } from '../../resolve/ir';
import { synthStack } from '../synth';
import { CompileSettings, TargetBackend, TargetOutput } from '../target';
import { AwsSegmentation } from './construct';

export { AwsSegmentation, AwsSegmentationProps } from './construct';
export { AWS_LIMITS, AwsPlan, AwsPlanOptions, describeRule, planAws, PlannedGroup, PlannedLabelGroup, PlannedPrefixList, PlannedRule, PlannedSegment, PREFIX_LIST_MIN_ENTRIES, RulePeer } from './plan';

function note(code: string, message: string, ir: ResolvedPolicy, path: (string | number)[]): Diagnostic {
  const location = ir.policy.locate(path);
  return { code, severity: severityOf(code), message, location, file: location ? undefined : ir.policy.file, path: location ? undefined : path };
}

export const backend: TargetBackend = {
  name: 'aws',
  compile(ir: ResolvedPolicy, settings: CompileSettings = {}): TargetOutput {
    const cfg = ir.policy.doc.targets?.aws ?? {};
    const notes: Diagnostic[] = [];
    let seg: AwsSegmentation | undefined;
    const terraform = synthStack(
      settings.stackName ?? ir.name,
      (stack) => {
        const variable = (name: string, what: string, description: string) => {
          notes.push(note('MS4102', `aws: targets.aws.${what} is not set; the output declares Terraform variable '${name}'`, ir, ['targets', 'aws']));
          return new TerraformVariable(stack, name, { type: 'string', description }).stringValue;
        };
        const region = cfg.region ?? variable('aws_region', 'region', `AWS region for the microseg policy '${ir.name}' (targets.aws.region not set)`);
        new AwsProvider(stack, 'aws', { region });
        const vpcId = cfg.vpcId ?? variable('vpc_id', 'vpcId', `VPC of the security groups of the microseg policy '${ir.name}' (targets.aws.vpcId not set)`);
        seg = new AwsSegmentation(stack, 'microseg', { policy: ir, vpcId });
      },
      settings.synth,
    );
    const plan = seg!.plan;
    notes.push(...plan.notes);
    const resources = Object.values((terraform.resource ?? {}) as Record<string, Record<string, unknown>>).reduce((n, byName) => n + Object.keys(byName).length, 0);
    return { target: 'aws', terraform, identities: seg!.identities, notes, stats: { resources, rules: plan.stats.rules, identities: plan.stats.groups } };
  },
};
