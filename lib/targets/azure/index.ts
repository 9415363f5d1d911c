/**
 * The Azure back end of the CLI: plan, emit, and the Terraform document,
 * with no CDKTF core loaded. `location` and `resourceGroupName`, when the
 * policy's `targets.azure` leaves them out, become Terraform variables, so
 * the output stays valid and says what it needs.
 */
import { withoutDenies } from '../../resolve/layers';
import { defineBackend } from '../kit/compile';
import { TargetBackend } from '../target';
import { emitAzure } from './emit';
import { adminNote, adminSettings } from './guardrails';
import { planAzure } from './plan';
import { keptAsgs } from './previous';

export { emitAzure, AzureEmission, AzureEmitOptions } from './emit';
export { AZURE_LIMITS, AZURE_PRIORITIES, AZURE_QUOTAS, AzureLimits } from './limits';
export { keptAsgs, KeptAsgs } from './previous';
export { AzurePlan, AzurePlanOptions, NsgLayout, planAzure, PlannedAllAsg, PlannedLabelAsg, PlannedRule } from './plan';

/** Where the CLI's stack puts the segmentation. */
export const CLI_SCOPE: readonly string[] = ['azure'];

export const backend: TargetBackend = defineBackend({
  target: 'azure',
  title: 'Azure',
  variableNote: 'MS5101',
  build({ ir, settings: cfg, setting, nestedSetting, reporter, previous, release }) {
    const location = setting('location', 'location');
    const resourceGroupName = setting('resourceGroupName', 'resource_group_name');
    const subnetIds = cfg.subnetIds ?? [];
    const admin = adminSettings(ir, cfg, reporter, nestedSetting, location);
    // With the deny guardrails in the network manager only, the NSGs are compiled from the IR without them (resolve/layers.ts).
    // ASGs the previous output has stay while workloads carry them (previous.ts).
    const plan = planAzure(admin?.onlyAdmin ? withoutDenies(ir, () => false) : ir, { subnets: subnetIds.length > 0, keepAsgs: keptAsgs(previous, CLI_SCOPE, ir, release) });
    const emission = emitAzure(plan, { scope: CLI_SCOPE, location, resourceGroupName, subnetIds, flowLogs: cfg.flowLogs, admin });
    const denyAll = reporter.diagnostic(
      'MS5103',
      `deny-all rules at ${plan.limits.denyAllPriority} override Azure's default allow rules in both directions (load balancer health probes included)`,
      undefined,
      ['metadata', 'name'],
    );
    return {
      provider: 'azurerm',
      providerConfig: { features: [{}] },
      emission,
      notes: [...plan.notes, denyAll, ...(admin ? [adminNote(admin, reporter)] : [])],
      rules: plan.nsgs.reduce((n, g) => n + g.rules.length, 0) + (admin?.plan.rules.length ?? 0),
      identityCount: plan.asgs.length + plan.labelAsgs.length + (plan.allAsg ? 1 : 0),
    };
  },
});
