/**
 * `cdktf-microseg/azure`: the Azure construct alone (lib/constructs/azure.ts),
 * on a cdktf or cdktn stack; nothing of AWS or GCP is loaded.
 */
export { AzureSegmentation, AzureSegmentationProps } from './constructs/azure';
export type { AzureEmission, AzureEmitOptions } from './targets/azure/emit';
export type { AzureLimits } from './targets/azure/limits';
export type { AzurePlan, AzurePlanOptions, NsgLayout } from './targets/azure/plan';
