/**
 * MultiCloudSegmentation: one policy, every cloud it is given. The policy is
 * resolved once and each cloud compiles the same IR, so the three clouds
 * enforce one meaning.
 */
import { Construct } from 'constructs';
import { SegmentationPolicy } from '../model/policy';
import { ResolvedPolicy } from '../resolve/ir';
import { resolve } from '../resolve/resolve';
import { expiredNotes } from '../resolve/expired';
import { IdentitiesFile, TargetName } from '../targets/target';
import { AwsSegmentation, AwsSegmentationProps } from './aws';
import { AzureSegmentation, AzureSegmentationProps } from './azure';
import { GcpSegmentation, GcpSegmentationProps } from './gcp';
import { annotateDiagnostics } from './segmentation';

/**
 * Props of {@link MultiCloudSegmentation}: the policy, and per cloud the props
 * of that cloud's construct without `policy`. A cloud that is left out is not
 * compiled.
 *
 * @example
 * new MultiCloudSegmentation(stack, 'seg', {
 *   policy,
 *   aws: { vpcId: vpc.id },
 *   azure: { resourceGroupName: rg.name, location: rg.location },
 *   gcp: { network: network.id },
 * });
 */
export interface MultiCloudSegmentationProps<S extends string = string> {
  /** The policy (from `SegmentationPolicy.fromFile`, `fromObject` or `define`). */
  readonly policy: SegmentationPolicy<S>;
  /**
   * Compile to AWS security groups with these props.
   * @default not compiled for AWS
   */
  readonly aws?: Omit<AwsSegmentationProps<S>, 'policy' | 'today'>;
  /**
   * Compile to Azure ASGs and NSGs with these props.
   * @default not compiled for Azure
   */
  readonly azure?: Omit<AzureSegmentationProps<S>, 'policy' | 'today'>;
  /**
   * Compile to GCP firewall rules with these props.
   * @default not compiled for GCP
   */
  readonly gcp?: Omit<GcpSegmentationProps<S>, 'policy' | 'today'>;
  /**
   * Verify every cloud's synthesized rules against the policy at synth
   * (a cloud's own `verify` wins).
   * @default true
   */
  readonly verify?: boolean;
  /**
   * The date, `YYYY-MM-DD`, that `expires` is judged against: expired allows are compiled on no cloud.
   * @default MICROSEG_TODAY, else today's date (UTC) from the clock
   */
  readonly today?: string;
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
export class MultiCloudSegmentation<S extends string = string> extends Construct {
  /** The resolved policy every cloud compiled. */
  readonly ir: ResolvedPolicy;
  /** The AWS construct, when `aws` was given. */
  readonly aws?: AwsSegmentation<S>;
  /** The Azure construct, when `azure` was given. */
  readonly azure?: AzureSegmentation<S>;
  /** The GCP construct, when `gcp` was given. */
  readonly gcp?: GcpSegmentation<S>;

  constructor(scope: Construct, id: string, props: MultiCloudSegmentationProps<S>) {
    super(scope, id);
    if (!props.aws && !props.azure && !props.gcp) {
      throw new Error(`MultiCloudSegmentation '${id}': give at least one of aws, azure, gcp`);
    }
    this.ir = resolve(props.policy, { today: props.today });
    annotateDiagnostics(this, [...props.policy.diagnostics, ...expiredNotes(this.ir)]);
    const common = { policy: this.ir, annotatePolicy: false };
    const verify = (v: boolean | undefined) => v ?? props.verify;
    if (props.aws) this.aws = new AwsSegmentation<S>(this, 'aws', { ...props.aws, ...common, verify: verify(props.aws.verify) });
    if (props.azure) this.azure = new AzureSegmentation<S>(this, 'azure', { ...props.azure, ...common, verify: verify(props.azure.verify) });
    if (props.gcp) this.gcp = new GcpSegmentation<S>(this, 'gcp', { ...props.gcp, ...common, verify: verify(props.gcp.verify) });
  }

  /** The targets this construct compiled, in a fixed order. */
  get targets(): ('aws' | 'azure' | 'gcp')[] {
    return (['aws', 'azure', 'gcp'] as const).filter((t) => this[t] !== undefined);
  }

  /** Whether some cloud's construct failed to compile the policy. */
  get failed(): boolean {
    return this.targets.some((t) => this[t]!.failed);
  }

  /** identities.json per compiled target. */
  get identities(): Partial<Record<TargetName, IdentitiesFile>> {
    const out: Partial<Record<TargetName, IdentitiesFile>> = {};
    for (const t of this.targets) out[t] = this[t]!.identities;
    return out;
  }

  /** Per compiled cloud, everything a workload of the segment must carry there (see each construct's `identitiesOf`). */
  identitiesOf(segment: S): Partial<Record<TargetName, string[]>> {
    const out: Partial<Record<TargetName, string[]>> = {};
    for (const t of this.targets) out[t] = this[t]!.identitiesOf(segment);
    return out;
  }
}
