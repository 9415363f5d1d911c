/**
 * `cdktf-microseg/gcp`: the GCP construct alone. Importing it loads the
 * google provider classes it needs (by deep import) and nothing of AWS or Azure.
 */
import { Construct } from 'constructs';
import { SegmentationExtras, withAnnotations } from './targets/annotate';
import { GcpSegmentation as GcpSegmentationBase, GcpSegmentationProps as GcpSegmentationBaseProps } from './targets/gcp/construct';

export type { GcpFirewallPlan, GcpIdentityKind, GcpPlan, GcpPlanOptions } from './targets/gcp/plan';
export { GcpSegmentationBase };

/**
 * Props of {@link GcpSegmentation}.
 *
 * @example
 * new GcpSegmentation(stack, 'seg', { policy, network: network.id, project: 'shop-prod-123' });
 */
export interface GcpSegmentationProps extends GcpSegmentationBaseProps, SegmentationExtras {}

/**
 * One policy as `google_compute_firewall` rules on one VPC network: a network
 * tag (or service account) per segment, deny rules above allows, an explicit
 * egress deny-all. Give `networkTag(segment)` to the instances or instance
 * templates of the segment. Policy problems are cdktf Annotations: an error
 * fails `cdktf synth` with the policy's file:line:col.
 *
 * @example
 * const seg = new GcpSegmentation(stack, 'seg', { policy, network: network.id });
 * new ComputeInstanceTemplate(stack, 'web', { tags: [seg.networkTag('shop-web-prod')], ... });
 */
export class GcpSegmentation extends withAnnotations(GcpSegmentationBase, 'gcp', { networkTag: 'string', serviceAccount: 'string' }) {
  constructor(scope: Construct, id: string, props: GcpSegmentationProps) {
    super(scope, id, props);
  }
}
