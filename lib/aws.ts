/**
 * `cdktf-microseg/aws`: the AWS construct alone (lib/constructs/aws.ts), on
 * a cdktf or cdktn stack; nothing of Azure or GCP is loaded.
 */
export { AwsSegmentation, AwsSegmentationProps } from './constructs/aws';
export type { AwsEmission, AwsEmitOptions } from './targets/aws/emit';
export type { AwsPlan, AwsPlanOptions, PlannedGroup, PlannedRule, PlannedSegment, RulePeer } from './targets/aws/plan';
