/**
 * The shop policy on GCP: a custom-mode VPC network with one subnetwork per
 * production segment (its declared addresses), the segmentation's firewall
 * rules, and one instance template per segment carrying its network tag.
 */
import * as path from 'path';
import { ComputeInstanceTemplate } from '@cdktf/provider-google/lib/compute-instance-template';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
// In your own project: from 'cdktf-microseg' (or 'cdktf-microseg/gcp').
import { GcpSegmentation, SegmentationPolicy } from '../../lib';

export const SHOP_POLICY = path.join(__dirname, '..', 'shop', 'policy.yaml');

export interface GcpShopStackProps {
  /** @default examples/shop/policy.yaml */
  readonly policy?: SegmentationPolicy;
}

export class GcpShopStack extends TerraformStack {
  readonly segmentation: GcpSegmentation;

  constructor(scope: Construct, id: string, props: GcpShopStackProps = {}) {
    super(scope, id);
    const policy = props.policy ?? SegmentationPolicy.fromFile(SHOP_POLICY);
    const project = 'shop-prod-123';
    new GoogleProvider(this, 'google', { project, region: 'europe-west1' });

    const network = new ComputeNetwork(this, 'network', { name: 'shop', autoCreateSubnetworks: false });
    // network.id is a token: every firewall rule applies to the network this stack creates.
    this.segmentation = new GcpSegmentation(this, 'segmentation', { policy, network: network.id, project });

    for (const seg of policy.doc.segments.filter((s) => s.labels.env === 'prod')) {
      const cidr = (seg.addresses ?? []).find((a) => !a.includes(':'));
      if (!cidr) continue;
      const subnet = new ComputeSubnetwork(this, `${seg.name}-subnet`, { name: seg.name, network: network.id, ipCidrRange: cidr, region: 'europe-west1' });
      new ComputeInstanceTemplate(this, `${seg.name}-template`, {
        namePrefix: `${seg.name}-`,
        machineType: 'e2-small',
        disk: [{ sourceImage: 'debian-cloud/debian-12', boot: true, autoDelete: true }],
        networkInterface: [{ subnetwork: subnet.id }],
        // The tag is the segment's identity: firewall rules target and admit it.
        tags: [this.segmentation.networkTag(seg.name)],
        lifecycle: { createBeforeDestroy: true },
      });
    }
  }
}
