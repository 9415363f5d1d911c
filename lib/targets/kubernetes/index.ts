/**
 * The Kubernetes back end: plan + emit, written straight to Terraform JSON
 * (no CDKTF, no provider package: the bodies are the provider's schema).
 * The provider block is empty: the kubernetes provider then reads its
 * cluster from KUBE_CONFIG_PATH and friends, or the user's stack configures it.
 */
import { ResolvedPolicy } from '../../resolve/ir';
import { KUBERNETES_LAYOUT, terraformDocument } from '../document';
import { TerraformJson } from '../serialise';
import { CompileSettings, TargetBackend, TargetOutput } from '../target';
import { emitKubernetes, kubernetesIdentities } from './emit';
import { KubernetesPlan, planKubernetes } from './plan';

export { emitKubernetes, KubernetesEmission, KubernetesEmitOptions, kubernetesIdentities, NETWORK_POLICY, policyResourceName } from './emit';
export { ipBlocks, KubernetesPlan, planKubernetes, PlannedRule, PlannedSegment, ruleKey, toPorts } from './plan';
export { DEFAULT_LABEL_PREFIX, KubernetesSettings, NAMESPACE_NAME_LABEL } from './settings';

/** The whole cdk.tf.json of a stack holding only the segmentation: the shared document in the Kubernetes target's layout. */
export function kubernetesTerraform(plan: KubernetesPlan, stackName: string): TerraformJson {
  return terraformDocument({ stackName, layout: KUBERNETES_LAYOUT, provider: 'kubernetes', providerConfig: {}, resources: emitKubernetes(plan).resources });
}

export const backend: TargetBackend = {
  name: 'kubernetes',
  compile(ir: ResolvedPolicy, settings: CompileSettings = {}): TargetOutput {
    const plan = planKubernetes(ir);
    const terraform = kubernetesTerraform(plan, settings.stackName ?? ir.name);
    return {
      target: 'kubernetes',
      terraform,
      identities: kubernetesIdentities(plan),
      notes: plan.notes,
      stats: { resources: plan.stats.policies, rules: plan.stats.rules, identities: plan.segments.length },
    };
  },
};
