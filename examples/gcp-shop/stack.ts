/**
 * The shop policy on GCP: a custom-mode VPC network with one subnetwork per
 * production segment (its declared addresses), the segmentation's firewall
 * rules, and one instance template per segment carrying its network tag.
 * Built into a stack of either core (../_support/terraform.ts).
 */
import * as path from 'path';
import { Construct } from 'constructs';
// In your own project: from 'cdktf-microseg' (or 'cdktf-microseg/gcp').
import { GcpSegmentation, SegmentationPolicy } from '../../lib';
import { Terraform } from '../_support/terraform';

export const SHOP_POLICY = path.join(__dirname, '..', 'shop', 'policy.yaml');

export interface GcpShopProps {
  /** @default examples/shop/policy.yaml */
  readonly policy?: SegmentationPolicy;
}

/** Adds the example to `stack` (a cdktf or cdktn TerraformStack); returns its segmentation. */
export function gcpShop(stack: Construct, props: GcpShopProps = {}): GcpSegmentation {
  const policy = props.policy ?? SegmentationPolicy.fromFile(SHOP_POLICY);
  const tf = Terraform.of(stack);
  const project = 'shop-prod-123';
  tf.provider('google', 'google', '~> 6.0', { project, region: 'europe-west1' });

  const network = tf.resource('google_compute_network', 'network', { name: 'shop', auto_create_subnetworks: false });
  // network.id is a token: every firewall rule applies to the network this stack creates.
  const segmentation = new GcpSegmentation(stack, 'segmentation', { policy, network: network.id, project });

  for (const seg of policy.doc.segments.filter((s) => s.labels.env === 'prod')) {
    const cidr = (seg.addresses ?? []).find((a) => !a.includes(':'));
    if (!cidr) continue;
    const subnet = tf.resource('google_compute_subnetwork', `${seg.name}-subnet`, { name: seg.name, network: network.id, ip_cidr_range: cidr, region: 'europe-west1' });
    tf.resource(
      'google_compute_instance_template',
      `${seg.name}-template`,
      {
        name_prefix: `${seg.name}-`,
        machine_type: 'e2-small',
        disk: [{ source_image: 'debian-cloud/debian-12', boot: true, auto_delete: true }],
        network_interface: [{ subnetwork: subnet.id }],
        // The tag is the segment's identity: firewall rules target and admit it.
        tags: [segmentation.networkTag(seg.name)],
      },
      { lifecycle: { createBeforeDestroy: true } },
    );
  }
  return segmentation;
}
