/**
 * The shop policy on Azure: a resource group and VNet with one subnet per
 * production segment (its declared addresses), the segmentation's ASGs and
 * NSG (associated with every subnet), and one NIC per segment carrying its
 * segment's application security group.
 */
import * as path from 'path';
import { NetworkInterface } from '@cdktf/provider-azurerm/lib/network-interface';
import { NetworkInterfaceApplicationSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/network-interface-application-security-group-association';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
// In your own project: from 'cdktf-microseg' (or 'cdktf-microseg/azure').
import { AzureSegmentation, SegmentationPolicy } from '../../lib';

export const SHOP_POLICY = path.join(__dirname, '..', 'shop', 'policy.yaml');

export interface AzureShopStackProps {
  /** @default examples/shop/policy.yaml */
  readonly policy?: SegmentationPolicy;
}

export class AzureShopStack extends TerraformStack {
  readonly segmentation: AzureSegmentation;

  constructor(scope: Construct, id: string, props: AzureShopStackProps = {}) {
    super(scope, id);
    const policy = props.policy ?? SegmentationPolicy.fromFile(SHOP_POLICY);
    new AzurermProvider(this, 'azurerm', { features: [{}] });

    const rg = new ResourceGroup(this, 'rg', { name: 'rg-shop', location: 'westeurope' });
    const vnet = new VirtualNetwork(this, 'vnet', { name: 'vnet-shop', resourceGroupName: rg.name, location: rg.location, addressSpace: ['10.10.0.0/16'] });

    const prod = policy.doc.segments.filter((s) => s.labels.env === 'prod');
    const subnets = new Map<string, Subnet>();
    for (const seg of prod) {
      const cidr = (seg.addresses ?? []).find((a) => !a.includes(':'));
      if (cidr) subnets.set(seg.name, new Subnet(this, `${seg.name}-subnet`, { name: seg.name, resourceGroupName: rg.name, virtualNetworkName: vnet.name, addressPrefixes: [cidr] }));
    }

    // rg.name / rg.location are tokens; the shared NSG is associated with every subnet below.
    this.segmentation = new AzureSegmentation(this, 'segmentation', {
      policy,
      resourceGroupName: rg.name,
      location: rg.location,
      subnetIds: [...subnets.values()].map((s) => s.id),
      tags: { 'cost-center': 'shop' },
    });

    for (const [segment, subnet] of subnets) {
      const nic = new NetworkInterface(this, `${segment}-nic`, {
        name: `nic-${segment}`,
        resourceGroupName: rg.name,
        location: rg.location,
        ipConfiguration: [{ name: 'primary', subnetId: subnet.id, privateIpAddressAllocation: 'Dynamic' }],
      });
      // The NIC carries its segment's identity: its own ASG and the label ASGs (e.g. env.prod) that
      // broad rules name. One association per ASG, named by key so later label ASGs replace nothing.
      for (const { key, id } of this.segmentation.applicationSecurityGroupsOf(segment)) {
        new NetworkInterfaceApplicationSecurityGroupAssociation(this, key === 'segment' ? `${segment}-nic-asg` : `${segment}-nic-asg-${key}`, {
          networkInterfaceId: nic.id,
          applicationSecurityGroupId: id,
        });
      }
    }
  }
}
