/**
 * The Kubernetes back end: plan + emit, written straight to Terraform JSON
 * (no CDKTF, no provider package: the bodies are the provider's schema).
 * The provider block is empty: the kubernetes provider then reads its
 * cluster from KUBE_CONFIG_PATH and friends, or the user's stack configures it.
 */
import { ResolvedPolicy } from '../../resolve/ir';
import { sortKeys, TerraformJson } from '../serialise';
import { CompileSettings, TargetBackend, TargetOutput } from '../target';
import { emitKubernetes, kubernetesIdentities } from './emit';
import { KubernetesPlan, planKubernetes } from './plan';

export { emitKubernetes, KubernetesEmission, KubernetesEmitOptions, kubernetesIdentities, NETWORK_POLICY, policyResourceName } from './emit';
export { ipBlocks, KubernetesPlan, planKubernetes, PlannedRule, PlannedSegment, ruleKey, toPorts } from './plan';
export { DEFAULT_LABEL_PREFIX, KubernetesSettings, NAMESPACE_NAME_LABEL } from './settings';

/** The provider version the output asks for (the attributes we write exist since 2.x). */
export const KUBERNETES_PROVIDER = { source: 'hashicorp/kubernetes', version: '~> 2.36' };

/** The whole cdk.tf.json of a stack holding only the segmentation, as `cdktf synth` lays it out. */
export function kubernetesTerraform(plan: KubernetesPlan, stackName: string): TerraformJson {
  const resource: Record<string, Record<string, unknown>> = {};
  // depends_on inside the body, where Terraform JSON (and cdktf) writes it.
  for (const r of emitKubernetes(plan).resources) (resource[r.type] ??= {})[r.name] = r.dependsOn?.length ? { ...r.body, depends_on: [...r.dependsOn] } : r.body;
  return sortKeys({
    '//': { metadata: { backend: 'local', stackName, version: 'microseg' }, outputs: {} },
    provider: { kubernetes: [{}] },
    resource,
    terraform: {
      backend: { local: { path: `terraform.${stackName}.tfstate` } },
      required_providers: { kubernetes: { source: KUBERNETES_PROVIDER.source, version: KUBERNETES_PROVIDER.version } },
    },
  });
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
