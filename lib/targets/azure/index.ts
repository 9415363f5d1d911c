/**
 * The Azure back end: plan + construct, synthesized with the azurerm provider.
 * `location` and `resourceGroupName`, when the policy's `targets.azure`
 * leaves them out, become Terraform variables, so the output stays valid and
 * says what it needs.
 */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { compileBackend } from '../kit/compile';
import { TargetBackend } from '../target';
import { AzureSegmentation } from './construct';

export { AzureSegmentation, AzureSegmentationProps } from './construct';
export { AZURE_LIMITS, AzureLimits, AzurePlan, AzurePlanOptions, NsgLayout, planAzure, PlannedAllAsg, PlannedLabelAsg, PlannedRule } from './plan';

export const backend: TargetBackend = {
  name: 'azure',
  compile: (ir, settings) =>
    compileBackend(
      {
        target: 'azure',
        title: 'Azure',
        variableNote: 'MS5101',
        build({ stack, settings: cfg, setting, reporter }) {
          new AzurermProvider(stack, 'azurerm', { features: [{}] });
          const location = setting('location', 'location');
          const resourceGroupName = setting('resourceGroupName', 'resource_group_name');
          const seg = new AzureSegmentation(stack, 'azure', { policy: ir, location, resourceGroupName, subnetIds: cfg.subnetIds });
          return () => {
            const plan = seg.plan;
            const denyAll = reporter.diagnostic(
              'MS5103',
              `deny-all rules at ${plan.limits.denyAllPriority} override Azure's default allow rules in both directions (load balancer health probes included)`,
              undefined,
              ['metadata', 'name'],
            );
            return {
              identities: seg.identities,
              notes: [...plan.notes, denyAll],
              rules: plan.nsgs.reduce((n, g) => n + g.rules.length, 0),
              identityCount: plan.asgs.length + plan.labelAsgs.length + (plan.allAsg ? 1 : 0),
            };
          };
        },
      },
      ir,
      settings,
    ),
};
