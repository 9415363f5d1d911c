/**
 * The GCP back end: plan + construct, synthesized with the google provider.
 * Settings come from the policy's `targets.gcp`; `project` and `network`,
 * when absent, become Terraform variables (`gcp_project`, `gcp_network`)
 * so the output stays valid, says what it needs, and cannot silently land in
 * a default network.
 */
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformVariable } from 'cdktf';
import { severityOf } from '../../model/codes';
import { Diagnostic } from '../../model/diagnostics';
import { ResolvedPolicy } from '../../resolve/ir';
import { synthStack } from '../synth';
import { CompileSettings, TargetBackend, TargetOutput } from '../target';
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

function note(code: string, message: string, ir: ResolvedPolicy, path: (string | number)[]): Diagnostic {
  const location = ir.policy.locate(path);
  return { code, severity: severityOf(code), message, location, file: location ? undefined : ir.policy.file };
}

export const backend: TargetBackend = {
  name: 'gcp',
  compile(ir: ResolvedPolicy, settings: CompileSettings = {}): TargetOutput {
    const cfg = ir.policy.doc.targets?.gcp ?? {};
    const notes: Diagnostic[] = [];
    let seg: GcpSegmentation | undefined;
    const terraform = synthStack(
      settings.stackName ?? ir.name,
      (stack) => {
        const variable = (name: string, what: string) => {
          notes.push(note('MS6103', `gcp: targets.gcp.${what} is not set; the output declares Terraform variable '${name}'`, ir, ['targets', 'gcp']));
          return new TerraformVariable(stack, name, { type: 'string', description: `GCP ${what} for the microseg policy '${ir.name}' (targets.gcp.${what} not set)` }).stringValue;
        };
        const project = cfg.project ?? variable('gcp_project', 'project');
        const network = cfg.network ?? variable('gcp_network', 'network');
        new GoogleProvider(stack, 'google', { project });
        seg = new GcpSegmentation(stack, 'gcp', { policy: ir, network, project, identity: cfg.identity });
      },
      settings.synth,
    );
    const plan = seg!.plan;
    notes.push(...plan.notes);
    const resources = Object.values((terraform.resource ?? {}) as Record<string, Record<string, unknown>>).reduce((n, byName) => n + Object.keys(byName).length, 0);
    return {
      target: 'gcp',
      terraform,
      identities: seg!.identities,
      notes,
      stats: { resources, rules: plan.firewalls.length, identities: Object.keys(plan.identities).length },
    };
  },
};
