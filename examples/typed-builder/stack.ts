/**
 * A policy written in TypeScript (./policy.ts), compiled to AWS security
 * groups in a VPC with one instance per segment.
 */
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
// In your own project: from 'cdktf-microseg'.
import { AwsSegmentation, SegmentationPolicy } from '../../lib';
import { paymentsPolicy } from './policy';

export interface TypedBuilderStackProps {
  /** @default paymentsPolicy() */
  readonly policy?: SegmentationPolicy;
}

export class TypedBuilderStack extends TerraformStack {
  readonly segmentation: AwsSegmentation;

  constructor(scope: Construct, id: string, props: TypedBuilderStackProps = {}) {
    super(scope, id);
    const policy = props.policy ?? paymentsPolicy();
    new AwsProvider(this, 'aws', { region: 'eu-west-1' });
    const vpc = new Vpc(this, 'vpc', { cidrBlock: '10.30.0.0/16', tags: { Name: 'payments-prod' } });
    this.segmentation = new AwsSegmentation(this, 'segmentation', { policy, vpcId: vpc.id });

    const ami = new TerraformVariable(this, 'ami_id', { type: 'string', description: 'AMI of the payments instances' });
    for (const seg of policy.doc.segments.filter((s) => s.labels.env === 'prod')) {
      const subnet = new Subnet(this, `${seg.name}-subnet`, { vpcId: vpc.id, cidrBlock: seg.addresses![0], tags: { Name: seg.name } });
      new Instance(this, `${seg.name}-instance`, {
        ami: ami.stringValue,
        instanceType: 't3.micro',
        subnetId: subnet.id,
        vpcSecurityGroupIds: this.segmentation.securityGroupIds(seg.name),
        tags: { Name: seg.name },
      });
    }
  }
}
