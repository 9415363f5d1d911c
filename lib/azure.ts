/**
 * `cdktf-microseg/azure`: the Azure construct alone. Importing it loads the
 * azurerm provider classes it needs (by deep import) and nothing of AWS or GCP.
 */
import { Construct } from 'constructs';
import { SegmentationExtras, withAnnotations } from './targets/annotate';
import { AzureSegmentation as AzureSegmentationBase, AzureSegmentationProps as AzureSegmentationBaseProps } from './targets/azure/construct';

export type { AzureLimits, AzurePlan, AzurePlanOptions, NsgLayout } from './targets/azure/plan';
export { AzureSegmentationBase };

/**
 * Props of {@link AzureSegmentation}.
 *
 * @example
 * new AzureSegmentation(stack, 'seg', { policy, resourceGroupName: rg.name, location: rg.location, subnetIds: [subnet.id] });
 */
export interface AzureSegmentationProps extends AzureSegmentationBaseProps, SegmentationExtras {}

/**
 * One policy as Azure application security groups (one per segment) and
 * network security groups whose rules name them, with explicit deny-all
 * rules that override Azure's defaults. Put every ASG of
 * `applicationSecurityGroupsOf(segment)` (the segment's own, the label ASGs and
 * the all-segments ASG that broad rules name) on the NICs of its workloads and apply `networkSecurityGroupId()`
 * to their subnet (`subnetIds`) or NICs. Policy problems are cdktf
 * Annotations: an error fails `cdktf synth` with the policy's file:line:col.
 *
 * @example
 * const seg = new AzureSegmentation(stack, 'seg', { policy, resourceGroupName: rg.name, location: rg.location });
 * for (const { key, id } of seg.applicationSecurityGroupsOf('shop-web-prod')) {
 *   new NetworkInterfaceApplicationSecurityGroupAssociation(stack, `web-asg-${key}`, { networkInterfaceId: nic.id, applicationSecurityGroupId: id });
 * }
 */
export class AzureSegmentation extends withAnnotations(AzureSegmentationBase, 'azure', {
  applicationSecurityGroupId: 'string',
  applicationSecurityGroupIds: 'list',
  applicationSecurityGroupsOf: 'keyed',
  networkSecurityGroupId: 'string',
}) {
  constructor(scope: Construct, id: string, props: AzureSegmentationProps) {
    super(scope, id, props);
  }
}
