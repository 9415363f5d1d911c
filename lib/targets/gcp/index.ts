/**
 * The GCP back end of the CLI: plan, emit, and the Terraform document, with
 * no CDKTF core loaded. `project` and `network`, when the policy's
 * `targets.gcp` leaves them out, become Terraform variables (`gcp_project`,
 * `gcp_network`), so the output says what it needs and cannot silently land
 * in a default network.
 */
import { defineBackend } from '../kit/compile';
import { TargetBackend } from '../target';
import { emitGcp } from './emit';
import { firewallLogging } from './logging';
import { gcpIdentityKind, planGcp } from './plan';

export { emitGcp, GcpEmission, GcpEmitOptions, GCP_LAYER_TYPES, networkPath } from './emit';
export { firewallLogging, GCP_LOG_CONFIG } from './logging';
export { GcpFirewallPlan, GcpGuardrailLayer, GcpIdentityKind, GcpIdentitySpelling, GcpPlan, GcpPlanOptions, gcpIdentityKind, networkTagFor, planGcp, serviceAccountIdFor } from './plan';
export { ALLOW_PRIORITY, BROAD_ALLOW_PRIORITY, DEFAULT_DENY_PRIORITY, DENY_PRIORITY, EXCEPT_PRIORITY, GCP_PRIORITIES, GCP_QUOTAS, GCP_QUOTAS as GCP_LIMITS } from './limits';

/** Where the CLI's stack puts the segmentation. */
export const CLI_SCOPE: readonly string[] = ['gcp'];

export const backend: TargetBackend = defineBackend({
  target: 'gcp',
  title: 'GCP',
  variableNote: 'MS6103',
  build({ ir, settings: cfg, setting }) {
    const project = setting('project', 'gcp_project');
    const network = setting('network', 'gcp_network');
    const guardrails = cfg.guardrails ?? 'firewall-rules';
    const plan = planGcp(ir, { identity: gcpIdentityKind(cfg.identity), project, guardrails, tagParent: cfg.tagParent });
    // The parent is asked for only when a guardrail goes up there.
    const guardrailParent = plan.hierarchical.length ? setting('guardrailParent', 'gcp_guardrail_parent', `GCP folder or organization (folders/N, organizations/N) of the hierarchical firewall policy of microseg policy '${ir.name}'`) : undefined;
    const emission = emitGcp(plan, { scope: CLI_SCOPE, network, project, tagParent: cfg.tagParent, guardrailParent, logged: firewallLogging(ir, cfg.logDenies ?? false) });
    return {
      provider: 'google',
      providerConfig: { project },
      emission,
      notes: plan.notes,
      rules: plan.firewalls.length + plan.hierarchical.length,
      identityCount: Object.keys(plan.identities).length,
    };
  },
});
