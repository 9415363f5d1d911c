/**
 * One policy, three clouds: the shop policy compiled once and enforced by
 * AWS security groups, Azure ASGs with an NSG, and GCP firewall rules, in one
 * stack. The web and app tiers of production run in every cloud; each
 * workload carries its segment's identity there.
 */
import * as path from 'path';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Subnet as AwsSubnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { NetworkInterface } from '@cdktf/provider-azurerm/lib/network-interface';
import { NetworkInterfaceApplicationSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/network-interface-application-security-group-association';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { Subnet as AzureSubnet } from '@cdktf/provider-azurerm/lib/subnet';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { ComputeInstanceTemplate } from '@cdktf/provider-google/lib/compute-instance-template';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
// In your own project: from 'cdktf-microseg'.
import { MultiCloudSegmentation, SegmentationPolicy } from '../../lib';

export const SHOP_POLICY = path.join(__dirname, '..', 'shop', 'policy.yaml');

/** The segments that run workloads in this example, with the subnet each lives in (its declared addresses). */
export const WORKLOADS: Readonly<Record<string, string>> = { 'shop-web-prod': '10.10.1.0/24', 'shop-app-prod': '10.10.2.0/24' };

export interface MultiCloudStackProps {
  /** @default examples/shop/policy.yaml */
  readonly policy?: SegmentationPolicy;
}

export class MultiCloudStack extends TerraformStack {
  readonly segmentation: MultiCloudSegmentation;

  constructor(scope: Construct, id: string, props: MultiCloudStackProps = {}) {
    super(scope, id);
    const policy = props.policy ?? SegmentationPolicy.fromFile(SHOP_POLICY);

    new AwsProvider(this, 'aws', { region: 'eu-west-1' });
    new AzurermProvider(this, 'azurerm', { features: [{}] });
    new GoogleProvider(this, 'google', { project: 'shop-prod-123', region: 'europe-west1' });

    const vpc = new Vpc(this, 'vpc', { cidrBlock: '10.10.0.0/16', tags: { Name: 'shop-prod' } });
    const rg = new ResourceGroup(this, 'rg', { name: 'rg-shop', location: 'westeurope' });
    const vnet = new VirtualNetwork(this, 'vnet', { name: 'vnet-shop', resourceGroupName: rg.name, location: rg.location, addressSpace: ['10.10.0.0/16'] });
    const network = new ComputeNetwork(this, 'network', { name: 'shop', autoCreateSubnetworks: false });

    const azureSubnets = Object.entries(WORKLOADS).map(
      ([segment, cidr]) => [segment, new AzureSubnet(this, `${segment}-azure-subnet`, { name: segment, resourceGroupName: rg.name, virtualNetworkName: vnet.name, addressPrefixes: [cidr] })] as const,
    );

    this.segmentation = new MultiCloudSegmentation(this, 'segmentation', {
      policy,
      aws: { vpcId: vpc.id },
      azure: { resourceGroupName: rg.name, location: rg.location, subnetIds: azureSubnets.map(([, s]) => s.id) },
      gcp: { network: network.id, project: 'shop-prod-123' },
    });
    const { aws, azure, gcp } = this.segmentation;

    const ami = new TerraformVariable(this, 'ami_id', { type: 'string', description: 'AMI of the example instances' });
    for (const [segment, azureSubnet] of azureSubnets) {
      const cidr = WORKLOADS[segment];
      const awsSubnet = new AwsSubnet(this, `${segment}-aws-subnet`, { vpcId: vpc.id, cidrBlock: cidr, tags: { Name: segment } });
      new Instance(this, `${segment}-instance`, { ami: ami.stringValue, instanceType: 't3.micro', subnetId: awsSubnet.id, vpcSecurityGroupIds: aws!.securityGroupIds(segment), tags: { Name: segment } });

      const nic = new NetworkInterface(this, `${segment}-nic`, {
        name: `nic-${segment}`,
        resourceGroupName: rg.name,
        location: rg.location,
        ipConfiguration: [{ name: 'primary', subnetId: azureSubnet.id, privateIpAddressAllocation: 'Dynamic' }],
      });
      // Every ASG the segment's workloads carry: its own and the label ASGs broad rules name.
      for (const { key, id } of azure!.applicationSecurityGroupsOf(segment)) {
        new NetworkInterfaceApplicationSecurityGroupAssociation(this, key === 'segment' ? `${segment}-nic-asg` : `${segment}-nic-asg-${key}`, { networkInterfaceId: nic.id, applicationSecurityGroupId: id });
      }

      const gcpSubnet = new ComputeSubnetwork(this, `${segment}-gcp-subnet`, { name: segment, network: network.id, ipCidrRange: cidr, region: 'europe-west1' });
      new ComputeInstanceTemplate(this, `${segment}-template`, {
        namePrefix: `${segment}-`,
        machineType: 'e2-small',
        disk: [{ sourceImage: 'debian-cloud/debian-12', boot: true, autoDelete: true }],
        networkInterface: [{ subnetwork: gcpSubnet.id }],
        tags: [gcp!.networkTag(segment)],
        lifecycle: { createBeforeDestroy: true },
      });
    }
  }
}
