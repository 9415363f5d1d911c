/**
 * `cdktf-microseg/gcp`: the GCP construct alone (lib/constructs/gcp.ts), on
 * a cdktf or cdktn stack; nothing of AWS or Azure is loaded.
 */
export { GcpSegmentation, GcpSegmentationProps } from './constructs/gcp';
export type { GcpEmission, GcpEmitOptions } from './targets/gcp/emit';
export type { GcpFirewallPlan, GcpIdentityKind, GcpPlan, GcpPlanOptions } from './targets/gcp/plan';
