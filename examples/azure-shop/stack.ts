/**
 * The shop policy on Azure: a resource group and VNet with one subnet per
 * production segment (its declared addresses), the segmentation's ASGs and
 * NSG (associated with every subnet), and one NIC per segment carrying its
 * segment's application security groups. Built into a stack of either core
 * (../_support/terraform.ts).
 */
import * as path from 'path';
import { Construct } from 'constructs';
// In your own project: from 'cdktf-microseg' (or 'cdktf-microseg/azure').
import { AzureSegmentation, SegmentationPolicy } from '../../lib';
import { Ref, Terraform } from '../_support/terraform';

export const SHOP_POLICY = path.join(__dirname, '..', 'shop', 'policy.yaml');

export interface AzureShopProps {
  /** @default examples/shop/policy.yaml */
  readonly policy?: SegmentationPolicy;
}

/** Adds the example to `stack` (a cdktf or cdktn TerraformStack); returns its segmentation. */
export function azureShop(stack: Construct, props: AzureShopProps = {}): AzureSegmentation {
  const policy = props.policy ?? SegmentationPolicy.fromFile(SHOP_POLICY);
  const tf = Terraform.of(stack);
  tf.provider('azurerm', 'azurerm', '~> 4.0', { features: [{}] });

  const rg = tf.resource('azurerm_resource_group', 'rg', { name: 'rg-shop', location: 'westeurope' });
  const vnet = tf.resource('azurerm_virtual_network', 'vnet', { name: 'vnet-shop', resource_group_name: rg.attr('name'), location: rg.attr('location'), address_space: ['10.10.0.0/16'] });

  const subnets = new Map<string, Ref>();
  for (const seg of policy.doc.segments.filter((s) => s.labels.env === 'prod')) {
    const cidr = (seg.addresses ?? []).find((a) => !a.includes(':'));
    if (!cidr) continue;
    subnets.set(seg.name, tf.resource('azurerm_subnet', `${seg.name}-subnet`, { name: seg.name, resource_group_name: rg.attr('name'), virtual_network_name: vnet.attr('name'), address_prefixes: [cidr] }));
  }

  // The resource group's name and location are tokens; the shared NSG is associated with every subnet below.
  const segmentation = new AzureSegmentation(stack, 'segmentation', {
    policy,
    resourceGroupName: rg.attr('name'),
    location: rg.attr('location'),
    subnetIds: [...subnets.values()].map((s) => s.id),
    tags: { 'cost-center': 'shop' },
  });

  for (const [segment, subnet] of subnets) {
    const nic = tf.resource('azurerm_network_interface', `${segment}-nic`, {
      name: `nic-${segment}`,
      resource_group_name: rg.attr('name'),
      location: rg.attr('location'),
      ip_configuration: [{ name: 'primary', subnet_id: subnet.id, private_ip_address_allocation: 'Dynamic' }],
    });
    // The NIC carries its segment's identity: its own ASG and the label ASGs (e.g. env.prod) that
    // broad rules name. One association per ASG, named by key so later label ASGs replace nothing.
    for (const { key, id } of segmentation.applicationSecurityGroupsOf(segment)) {
      tf.resource('azurerm_network_interface_application_security_group_association', key === 'segment' ? `${segment}-nic-asg` : `${segment}-nic-asg-${key}`, {
        network_interface_id: nic.id,
        application_security_group_id: id,
      });
    }
  }
  return segmentation;
}
