/**
 * `targets.azure.guardrails` and `targets.azure.networkManager` read for the
 * back end: with `network-manager`, the deny guardrails are planned as
 * security admin rules (admin.ts), proved exact (admin-exact.ts) and handed
 * to the emitter; with `nsg` (the default) nothing changes.
 */
import { Diagnostic } from '../../model/diagnostics';
import { AzureTargetDoc } from '../../model/types';
import { ResolvedPolicy } from '../../resolve/ir';
import { Reporter } from '../kit/report';
import { AdminPlan, planAdminRules } from './admin';
import { proveAdminExact } from './admin-exact';
import { AdminEmitOptions } from './emit-admin';
import { AZURE_LIMITS } from './limits';

export interface AdminSettings {
  readonly plan: AdminPlan;
  /** `network-manager`: the NSGs carry no deny guardrail; `both`: they still do (the step between when migrating). */
  readonly onlyAdmin: boolean;
  readonly options: Omit<AdminEmitOptions, 'isToken'>;
}

type NestedSetting = (path: readonly string[], given: string | undefined, variable: string, description: string) => string;

/** The admin plan and where it goes, or undefined when the deny guardrails stay in the NSGs only. `onlyAdmin`: the NSGs no longer carry them. */
export function adminSettings(ir: ResolvedPolicy, cfg: AzureTargetDoc, rep: Reporter, nestedSetting: NestedSetting, location: string): AdminSettings | undefined {
  const nm = cfg.networkManager;
  if (cfg.guardrails !== 'network-manager' && cfg.guardrails !== 'both') {
    if (nm) rep.fail('MS5010', `targets.azure.networkManager is set but guardrails is neither 'network-manager' nor 'both', so nothing would use it`, undefined, ['targets', 'azure', 'networkManager']);
    return undefined;
  }
  if (nm?.networkGroupId !== undefined && (nm.virtualNetworkIds?.length ?? 0) > 0) {
    rep.fail('MS5010', `networkManager.virtualNetworkIds make static members of a network group of our own; with networkGroupId the existing group's members are its owner's to manage`, undefined, ['targets', 'azure', 'networkManager', 'virtualNetworkIds']);
  }
  const plan = planAdminRules(ir, '', AZURE_LIMITS, rep);
  proveAdminExact(ir, plan.rules, rep);
  if (plan.rules.length === 0) return undefined;
  const networkManagerId = nestedSetting(['networkManager', 'id'], nm?.id, 'network_manager_id', `Azure Virtual Network Manager id for the deny guardrails of the microseg policy '${ir.name}' (targets.azure.networkManager.id not set)`);
  return {
    plan,
    onlyAdmin: cfg.guardrails === 'network-manager',
    options: { networkManagerId, networkGroupId: nm?.networkGroupId, virtualNetworkIds: nm?.virtualNetworkIds, deploy: nm?.deploy, location },
  };
}

/** What the compile says about where the deny guardrails went. */
export function adminNote(admin: AdminSettings, rep: Reporter): Diagnostic {
  const { plan } = admin;
  return rep.diagnostic(
    'MS5104',
    `deny guardrails compiled as ${plan.rules.length} security admin rule${plan.rules.length === 1 ? '' : 's'} in configuration '${plan.configurationName}', evaluated before every NSG${admin.onlyAdmin ? '' : ' (and still in the NSGs: guardrails: both)'}; every workload's virtual network must be a member of the network group identities.json lists under networkGroups`,
    undefined,
    ['targets', 'azure', 'guardrails'],
  );
}
