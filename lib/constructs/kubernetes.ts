/**
 * `KubernetesSegmentation`: the Kubernetes emission (lib/targets/kubernetes/
 * emit.ts) added to a cdktf or cdktn stack as `kubernetes_network_policy_v1`
 * resources, no provider package needed. The stack configures the
 * `kubernetes` provider (its cluster); the pods of each segment carry
 * `podLabels(segment)` in `namespaceOf(segment)`. See docs/kubernetes.md.
 */
import { Construct } from 'constructs';
import { emitKubernetes, KubernetesEmission, NETWORK_POLICY } from '../targets/kubernetes/emit';
import { KubernetesPlan, planKubernetes } from '../targets/kubernetes/plan';
import { FAILED_IDENTITY, InternalProps, Segmentation, SegmentationProps } from './segmentation';

/** Anything Terraform can depend on, of either core (a resource, a data source, a module). */
export interface Dependable {
  /** `TYPE.NAME` (a token that resolves to it). */
  readonly fqn: string;
}

export interface KubernetesSegmentationProps<S extends string = string> extends SegmentationProps<S> {
  /**
   * What every NetworkPolicy is created after (and destroyed before): the
   * namespaces the segments live in, when the same stack creates them. The
   * namespaces come from the policy's `targets.kubernetes`, as plain names,
   * so Terraform sees no reference to order by.
   * @default []
   * @example [prodNamespace, stagingNamespace]
   */
  readonly dependsOn?: readonly Dependable[];
}

/**
 * One policy as Kubernetes NetworkPolicies: per segment an isolation policy
 * (both directions, no rule: every pod of the segment is deny-by-default) and
 * an allow policy with its ingress and egress rules, pods selected by their
 * full label set. Give `podLabels(segment)` to the pod template of every
 * workload of the segment, in `namespaceOf(segment)`. Policy problems are
 * Annotations: an error (e.g. ICMP, which NetworkPolicy cannot name) fails
 * the synth with the policy's file:line:col.
 *
 * @example
 * const seg = new KubernetesSegmentation(stack, 'seg', { policy, dependsOn: [ns] });
 * new Deployment(stack, 'web', { metadata: { namespace: seg.namespaceOf('shop-web-prod') },
 *   spec: { template: { metadata: { labels: seg.podLabels('shop-web-prod') }, ... } } });
 */
export class KubernetesSegmentation<S extends string = string> extends Segmentation<S, KubernetesEmission, KubernetesPlan> {
  constructor(scope: Construct, id: string, props: KubernetesSegmentationProps<S>) {
    super(scope, id, 'kubernetes', props as KubernetesSegmentationProps<S> & InternalProps, (ir, path) => {
      const plan = planKubernetes(ir);
      return { plan, emission: emitKubernetes(plan, { scope: path, dependsOn: (props.dependsOn ?? []).map((d) => d.fqn) }), notes: plan.notes };
    });
  }

  /**
   * Makes every NetworkPolicy of this construct wait for `deps` (Terraform's
   * `depends_on`), e.g. the namespaces of `namespaces`, created after the
   * construct because their names come from it.
   */
  addDependency(...deps: Dependable[]): void {
    for (const [address, r] of this.addedResources()) {
      if (address.startsWith(`${NETWORK_POLICY}.`)) r.dependsOn = [...new Set([...(r.dependsOn ?? []), ...deps.map((d) => d.fqn)])];
    }
  }

  /** The namespaces the policy's segments live in, sorted, each once (none when failed). */
  get namespaces(): string[] {
    return [...new Set(Object.values(this.identities.segments).map((s) => s.namespace!))].sort();
  }

  /** Every label a pod of the segment carries, as `key=value` (the form of a label selector): all of them, or the pod is no segment's. */
  identitiesOf(segment: S): string[] {
    return Object.entries(this.podLabels(segment)).map(([k, v]) => `${k}=${v}`);
  }

  /** The labels a pod of the segment carries (the pod template's `metadata.labels`; other labels may sit beside them). */
  podLabels(segment: S): Record<string, string> {
    this.known(segment);
    if (this.failed) return { 'microseg.io/failed': FAILED_IDENTITY };
    return { ...this.identities.segments[segment].labels };
  }

  /** The namespace the segment's pods run in. */
  namespaceOf(segment: S): string {
    this.known(segment);
    if (this.failed) return FAILED_IDENTITY;
    return this.identities.segments[segment].namespace!;
  }
}
