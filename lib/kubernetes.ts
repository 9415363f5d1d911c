/**
 * The Kubernetes construct alone (lib/constructs/kubernetes.ts), on a cdktf
 * or cdktn stack; nothing of the clouds is loaded. The index loads it
 * lazily; a `cdktf-microseg/kubernetes` subpath needs its entry in
 * package.json's `exports`.
 */
export { Dependable, KubernetesSegmentation, KubernetesSegmentationProps } from './constructs/kubernetes';
export type { KubernetesEmission, KubernetesEmitOptions } from './targets/kubernetes/emit';
export type { KubernetesPlan, PlannedRule, PlannedSegment } from './targets/kubernetes/plan';
