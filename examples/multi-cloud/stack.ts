/**
 * One policy, three clouds: the shop policy compiled once and enforced by
 * AWS security groups, Azure ASGs with an NSG, and GCP firewall rules, in one
 * stack. The web and app tiers of production run in every cloud; each
 * workload carries its segment's identity there. Built into a stack of
 * either core (../_support/terraform.ts).
 */
import * as path from 'path';
import { Construct } from 'constructs';
// In your own project: from 'cdktf-microseg'.
import { MultiCloudSegmentation, SegmentationPolicy } from '../../lib';
import { Terraform } from '../_support/terraform';

export const SHOP_POLICY = path.join(__dirname, '..', 'shop', 'policy.yaml');

/** The segments that run workloads in this example, with the subnet each lives in (its declared addresses). */
export const WORKLOADS: Readonly<Record<string, string>> = { 'shop-web-prod': '10.10.1.0/24', 'shop-app-prod': '10.10.2.0/24' };

export interface MultiCloudProps {
  /** @default examples/shop/policy.yaml */
  readonly policy?: SegmentationPolicy;
}

/** Adds the example to `stack` (a cdktf or cdktn TerraformStack); returns its segmentation. */
export function multiCloud(stack: Construct, props: MultiCloudProps = {}): MultiCloudSegmentation {
  const policy = props.policy ?? SegmentationPolicy.fromFile(SHOP_POLICY);
  const tf = Terraform.of(stack);

  tf.provider('aws', 'aws', '~> 6.0', { region: 'eu-west-1' });
  tf.provider('azurerm', 'azurerm', '~> 4.0', { features: [{}] });
  tf.provider('google', 'google', '~> 6.0', { project: 'shop-prod-123', region: 'europe-west1' });

  const vpc = tf.resource('aws_vpc', 'vpc', { cidr_block: '10.10.0.0/16', tags: { Name: 'shop-prod' } });
  const rg = tf.resource('azurerm_resource_group', 'rg', { name: 'rg-shop', location: 'westeurope' });
  const vnet = tf.resource('azurerm_virtual_network', 'vnet', { name: 'vnet-shop', resource_group_name: rg.attr('name'), location: rg.attr('location'), address_space: ['10.10.0.0/16'] });
  const network = tf.resource('google_compute_network', 'network', { name: 'shop', auto_create_subnetworks: false });

  const azureSubnets = Object.entries(WORKLOADS).map(
    ([segment, cidr]) =>
      [segment, tf.resource('azurerm_subnet', `${segment}-azure-subnet`, { name: segment, resource_group_name: rg.attr('name'), virtual_network_name: vnet.attr('name'), address_prefixes: [cidr] })] as const,
  );

  const segmentation = new MultiCloudSegmentation(stack, 'segmentation', {
    policy,
    aws: { vpcId: vpc.id },
    azure: { resourceGroupName: rg.attr('name'), location: rg.attr('location'), subnetIds: azureSubnets.map(([, s]) => s.id) },
    gcp: { network: network.id, project: 'shop-prod-123' },
  });
  const { aws, azure, gcp } = segmentation;

  const ami = tf.variable('ami_id', 'AMI of the example instances');
  for (const [segment, azureSubnet] of azureSubnets) {
    const cidr = WORKLOADS[segment];
    const awsSubnet = tf.resource('aws_subnet', `${segment}-aws-subnet`, { vpc_id: vpc.id, cidr_block: cidr, tags: { Name: segment } });
    tf.resource('aws_instance', `${segment}-instance`, { ami, instance_type: 't3.micro', subnet_id: awsSubnet.id, vpc_security_group_ids: aws!.identitiesOf(segment), tags: { Name: segment } });

    const nic = tf.resource('azurerm_network_interface', `${segment}-nic`, {
      name: `nic-${segment}`,
      resource_group_name: rg.attr('name'),
      location: rg.attr('location'),
      ip_configuration: [{ name: 'primary', subnet_id: azureSubnet.id, private_ip_address_allocation: 'Dynamic' }],
    });
    // Every ASG the segment's workloads carry: its own and the label ASGs broad rules name.
    for (const { key, id } of azure!.applicationSecurityGroupsOf(segment)) {
      tf.resource('azurerm_network_interface_application_security_group_association', key === 'segment' ? `${segment}-nic-asg` : `${segment}-nic-asg-${key}`, {
        network_interface_id: nic.id,
        application_security_group_id: id,
      });
    }

    const gcpSubnet = tf.resource('google_compute_subnetwork', `${segment}-gcp-subnet`, { name: segment, network: network.id, ip_cidr_range: cidr, region: 'europe-west1' });
    tf.resource(
      'google_compute_instance_template',
      `${segment}-template`,
      {
        name_prefix: `${segment}-`,
        machine_type: 'e2-small',
        disk: [{ source_image: 'debian-cloud/debian-12', boot: true, auto_delete: true }],
        network_interface: [{ subnetwork: gcpSubnet.id }],
        tags: [gcp!.networkTag(segment)],
      },
      { lifecycle: { createBeforeDestroy: true } },
    );
  }
  return segmentation;
}
