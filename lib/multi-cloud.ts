/**
 * MultiCloudSegmentation: one policy, every cloud it is given. The policy is
 * resolved once and each back end compiles the same IR, so the three clouds
 * enforce one meaning. Back ends are loaded only for the clouds named in the
 * props: a stack with `aws` alone never loads the azurerm or google provider.
 */
import { Construct } from 'constructs';
import type { AwsSegmentation, AwsSegmentationProps } from './aws';
import type { AzureSegmentation, AzureSegmentationProps } from './azure';
import type { GcpSegmentation, GcpSegmentationProps } from './gcp';
import { SegmentationPolicy } from './model/policy';
import { ResolvedPolicy } from './resolve/ir';
import { resolve } from './resolve/resolve';
import { annotateDiagnostics } from './targets/annotate';
import { IdentitiesFile, TargetName } from './targets/target';

/**
 * Props of {@link MultiCloudSegmentation}: the policy, and per cloud the props
 * of that cloud's construct without `policy`. A cloud that is left out is not
 * compiled (and its provider package need not be installed).
 *
 * @example
 * new MultiCloudSegmentation(stack, 'seg', {
 *   policy,
 *   aws: { vpcId: vpc.id },
 *   azure: { resourceGroupName: rg.name, location: rg.location },
 *   gcp: { network: network.id },
 * });
 */
export interface MultiCloudSegmentationProps {
  /** The policy (from `SegmentationPolicy.fromFile`, `fromObject` or `define`). */
  readonly policy: SegmentationPolicy;
  /**
   * Compile to AWS security groups with these props.
   * @default not compiled for AWS
   */
  readonly aws?: Omit<AwsSegmentationProps, 'policy'>;
  /**
   * Compile to Azure ASGs and NSGs with these props.
   * @default not compiled for Azure
   */
  readonly azure?: Omit<AzureSegmentationProps, 'policy'>;
  /**
   * Compile to GCP firewall rules with these props.
   * @default not compiled for GCP
   */
  readonly gcp?: Omit<GcpSegmentationProps, 'policy'>;
  /**
   * Verify every cloud's synthesized rules against the policy at `cdktf synth`
   * (a cloud's own `verify` wins).
   * @default true
   */
  readonly verify?: boolean;
}

/**
 * Compiles one policy to every cloud given in its props, as child constructs
 * `aws`, `azure` and `gcp` (so their Terraform logical ids are those of a
 * single-cloud construct under `<id>/aws` etc.). Policy warnings are annotated
 * once, on this construct; each cloud annotates its own compile notes and
 * errors.
 *
 * @example
 * const seg = new MultiCloudSegmentation(stack, 'seg', { policy, aws: { vpcId: vpc.id } });
 * new Instance(stack, 'web', { vpcSecurityGroupIds: seg.aws!.securityGroupIds('shop-web-prod'), ... });
 */
export class MultiCloudSegmentation extends Construct {
  /** The resolved policy every cloud compiled. */
  readonly ir: ResolvedPolicy;
  /** The AWS construct, when `aws` was given. */
  readonly aws?: AwsSegmentation;
  /** The Azure construct, when `azure` was given. */
  readonly azure?: AzureSegmentation;
  /** The GCP construct, when `gcp` was given. */
  readonly gcp?: GcpSegmentation;

  constructor(scope: Construct, id: string, props: MultiCloudSegmentationProps) {
    super(scope, id);
    if (!props.aws && !props.azure && !props.gcp) {
      throw new Error(`MultiCloudSegmentation '${id}': give at least one of aws, azure, gcp`);
    }
    this.ir = resolve(props.policy);
    annotateDiagnostics(this, props.policy.diagnostics);
    const common = { policy: this.ir, annotatePolicy: false };
    const verify = (v: boolean | undefined) => v ?? props.verify;
    if (props.aws) {
      const { AwsSegmentation: C } = require('./aws') as typeof import('./aws');
      this.aws = new C(this, 'aws', { ...props.aws, ...common, verify: verify(props.aws.verify) });
    }
    if (props.azure) {
      const { AzureSegmentation: C } = require('./azure') as typeof import('./azure');
      this.azure = new C(this, 'azure', { ...props.azure, ...common, verify: verify(props.azure.verify) });
    }
    if (props.gcp) {
      const { GcpSegmentation: C } = require('./gcp') as typeof import('./gcp');
      this.gcp = new C(this, 'gcp', { ...props.gcp, ...common, verify: verify(props.gcp.verify) });
    }
  }

  /** The targets this construct compiled, in a fixed order. */
  get targets(): TargetName[] {
    return (['aws', 'azure', 'gcp'] as const).filter((t) => this[t] !== undefined);
  }

  /** identities.json per compiled target. */
  get identities(): Partial<Record<TargetName, IdentitiesFile>> {
    const out: Partial<Record<TargetName, IdentitiesFile>> = {};
    for (const t of this.targets) out[t] = this[t]!.identities;
    return out;
  }
}
