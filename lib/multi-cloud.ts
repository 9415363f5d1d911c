/** `MultiCloudSegmentation` (lib/constructs/multi-cloud.ts): one policy, every cloud it is given. */
export { MultiCloudSegmentation, MultiCloudSegmentationProps } from './constructs/multi-cloud';
