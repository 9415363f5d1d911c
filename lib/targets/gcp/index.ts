/**
 * The GCP back end: plan + construct, synthesized with the google provider.
 * `project` and `network`, when the policy's `targets.gcp` leaves them out,
 * become Terraform variables (`gcp_project`, `gcp_network`), so the output
 * says what it needs and cannot silently land in a default network.
 */
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { compileBackend } from '../kit/compile';
import { TargetBackend } from '../target';
import { GcpSegmentation } from './construct';

export { GcpSegmentation, GcpSegmentationProps } from './construct';
export {
  ALLOW_PRIORITY,
  BROAD_ALLOW_PRIORITY,
  DEFAULT_DENY_PRIORITY,
  DENY_PRIORITY,
  EXCEPT_PRIORITY,
  GcpFirewallPlan,
  GcpIdentityKind,
  GcpPlan,
  GcpPlanOptions,
  LIMITS as GCP_LIMITS,
  networkTagFor,
  planGcp,
  serviceAccountIdFor,
} from './plan';

export const backend: TargetBackend = {
  name: 'gcp',
  compile: (ir, settings) =>
    compileBackend(
      {
        target: 'gcp',
        title: 'GCP',
        variableNote: 'MS6103',
        build({ stack, settings: cfg, setting }) {
          const project = setting('project', 'gcp_project');
          const network = setting('network', 'gcp_network');
          new GoogleProvider(stack, 'google', { project });
          const seg = new GcpSegmentation(stack, 'gcp', { policy: ir, network, project, identity: cfg.identity });
          return () => ({ identities: seg.identities, notes: seg.plan.notes, rules: seg.plan.firewalls.length, identityCount: Object.keys(seg.plan.identities).length });
        },
      },
      ir,
      settings,
    ),
};
