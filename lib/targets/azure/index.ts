/**
 * The Azure back end: plan + construct, synthesized with the azurerm provider.
 * Settings come from the policy's `targets.azure`; `location` and
 * `resourceGroupName`, when absent, become Terraform variables so the output
 * stays valid and says what it needs.
 */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { TerraformVariable } from 'cdktf';
import { severityOf } from '../../model/codes';
import { Diagnostic } from '../../model/diagnostics';
import { ResolvedPolicy } from '../../resolve/ir';
import { synthStack } from '../synth';
import { CompileSettings, IdentitiesFile, TargetBackend, TargetOutput } from '../target';
import { AzureSegmentation } from './construct';

export { AzureSegmentation, AzureSegmentationProps } from './construct';
export { AZURE_LIMITS, AzureLimits, AzurePlan, AzurePlanOptions, NsgLayout, planAzure, PlannedAllAsg, PlannedLabelAsg, PlannedRule } from './plan';

function note(code: string, message: string, ir: ResolvedPolicy, path: (string | number)[]): Diagnostic {
  const location = ir.policy.locate(path);
  return { code, severity: severityOf(code), message, location, file: location ? undefined : ir.policy.file };
}

export const backend: TargetBackend = {
  name: 'azure',
  compile(ir: ResolvedPolicy, settings: CompileSettings = {}): TargetOutput {
    const cfg = ir.policy.doc.targets?.azure ?? {};
    const notes: Diagnostic[] = [];
    let seg: AzureSegmentation | undefined;
    const terraform = synthStack(
      settings.stackName ?? ir.name,
      (stack) => {
        new AzurermProvider(stack, 'azurerm', { features: [{}] });
        const variable = (name: string, what: string) => {
          notes.push(note('MS5101', `azure: targets.azure.${what} is not set; the output declares Terraform variable '${name}'`, ir, ['targets', 'azure']));
          return new TerraformVariable(stack, name, { type: 'string', description: `Azure ${what} for the microseg policy '${ir.name}' (targets.azure.${what} not set)` }).stringValue;
        };
        const location = cfg.location ?? variable('location', 'location');
        const resourceGroupName = cfg.resourceGroupName ?? variable('resource_group_name', 'resourceGroupName');
        seg = new AzureSegmentation(stack, 'azure', { policy: ir, location, resourceGroupName, subnetIds: cfg.subnetIds });
      },
      settings.synth,
    );
    const plan = seg!.plan;
    notes.push(...plan.notes);
    notes.push(note('MS5103', `azure: deny-all rules at ${plan.limits.denyAllPriority} override Azure's default allow rules in both directions (load balancer health probes included)`, ir, ['metadata', 'name']));
    const rules = plan.nsgs.reduce((n, g) => n + g.rules.length, 0);
    const resources = Object.values((terraform.resource ?? {}) as Record<string, Record<string, unknown>>).reduce((n, byName) => n + Object.keys(byName).length, 0);
    const identities: IdentitiesFile = seg!.identities;
    return { target: 'azure', terraform, identities, notes, stats: { resources, rules, identities: plan.asgs.length + plan.labelAsgs.length + (plan.allAsg ? 1 : 0) } };
  },
};
