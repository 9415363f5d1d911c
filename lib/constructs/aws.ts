/**
 * `AwsSegmentation`: the AWS emission (lib/targets/aws/emit.ts) added to a
 * cdktf or cdktn stack, no provider package needed. See docs/aws.md.
 */
import { Construct } from 'constructs';
import { AwsEmission, emitAws } from '../targets/aws/emit';
import { AwsPlan, planAws } from '../targets/aws/plan';
import { checkAwsFlowLogs } from '../targets/aws/flow-logs';
import { keptGroups, previousGroups } from '../targets/aws/previous';
import { IdentitiesFile } from '../targets/target';
import { AwsFlowLogsDoc } from '../model/types';
import { FAILED_IDENTITY, InternalProps, Segmentation, SegmentationProps } from './segmentation';

export interface AwsSegmentationProps<S extends string = string> extends SegmentationProps<S> {
  /**
   * VPC of every group; may be a token.
   * @example vpc.id
   */
  readonly vpcId: string;
  /**
   * Prepended to every group and prefix-list name, e.g. to keep two deployments of one policy apart in an account.
   * @default '' (names are `<policy>-<segment>`)
   * @example 'eu1-'
   */
  readonly namePrefix?: string;
  /**
   * Extra tags on every group and rule; the `microseg:*` tags win on a clash.
   * @default {}
   * @example { team: 'platform', 'cost-center': '42' }
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Security groups a workload may attach, AWS's per-interface quota: a segment's rules spread over at most this many groups.
   * @default the policy's `targets.aws.maxGroupsPerInterface`, else 5
   */
  readonly maxGroupsPerInterface?: number;
  /**
   * Rules per group and direction and address family, if the account's quota was raised.
   * @default 60
   */
  readonly rulesPerGroup?: number;
  /**
   * Put CIDR sets of 3 or more CIDRs into managed prefix lists (one rule per list instead of per CIDR).
   * @default the policy's `targets.aws.prefixLists`, else true
   */
  readonly prefixLists?: boolean;
  /**
   * VPC Flow Logs on `vpcId` in the format `microseg stale` and `discover` read (docs/lifecycle.md); `false` turns off the policy's.
   * @default the policy's `targets.aws.flowLogs`, else none
   * @example { destination: bucket.arn }
   */
  readonly flowLogs?: AwsFlowLogsDoc | false;
  /**
   * What `identities` held at the last synth that was applied (e.g. the committed JSON of `seg.identities`), as
   * `compile --previous` reads identities.json: every own group it lists stays, emptied when no rule needs it
   * (listed under `releasableSecurityGroups`, note MS4104), so an apply never destroys a group workloads carry.
   * @default none: groups are exactly the ones the rules need
   */
  readonly previous?: IdentitiesFile;
  /**
   * With `previous`: destroy the groups it lists as releasable (detach them from the workloads first), as `compile --release`.
   * @default false
   */
  readonly release?: boolean;
  /**
   * The stack's synthesized JSON (cdk.tf.json) of the last applied synth, with `previous`: each rule stays in the group
   * it was in while it fits, as `compile --previous` does with DIR/aws/cdk.tf.json (a rule moving between groups
   * counts in both while it moves, which AWS's per-group quota can refuse).
   * @default none: rules are placed first fit
   */
  readonly previousTerraform?: Record<string, any>;
}

/**
 * One policy as AWS security groups: a group per segment (more when its rules
 * overflow one group), one `aws_vpc_security_group_ingress_rule` /
 * `_egress_rule` per CIDR or group reference, no default egress. Attach
 * `securityGroupIds(segment)` (= `identitiesOf(segment)`) to every instance,
 * launch template or ENI of the segment. Policy problems are Annotations: an
 * error fails the synth with the policy's file:line:col.
 *
 * @example
 * const seg = new AwsSegmentation(stack, 'seg', { policy, vpcId: vpc.id });
 * new Instance(stack, 'web', { ami, instanceType: 't3.micro', subnetId: subnet.id,
 *   vpcSecurityGroupIds: seg.securityGroupIds('shop-web-prod') });
 */
export class AwsSegmentation<S extends string = string> extends Segmentation<S, AwsEmission, AwsPlan> {
  constructor(scope: Construct, id: string, props: AwsSegmentationProps<S>) {
    super(scope, id, 'aws', props as AwsSegmentationProps<S> & InternalProps, (ir, path) => {
      const flowLogs = props.flowLogs === false ? undefined : (props.flowLogs ?? ir.policy.doc.targets?.aws?.flowLogs);
      const logNotes = flowLogs ? checkAwsFlowLogs(ir, flowLogs) : [];
      const names = ir.segments.map((s) => s.name);
      const keepGroups = keptGroups(props.previous, path, names, props.release === true);
      const previousGroup = previousGroups(props.previousTerraform, path, names);
      const plan = planAws(ir, { namePrefix: props.namePrefix, maxGroupsPerInterface: props.maxGroupsPerInterface, rulesPerGroup: props.rulesPerGroup, prefixLists: props.prefixLists, keepGroups, previousGroup });
      return { plan, emission: emitAws(plan, { scope: path, vpcId: props.vpcId, tags: props.tags, flowLogs }), notes: [...plan.notes, ...logNotes] };
    });
  }

  identitiesOf(segment: S): string[] {
    return this.securityGroupIds(segment);
  }

  /** Id of the segment's primary group: the one other segments' rules reference. Workloads need every group of `securityGroupIds`. */
  securityGroupId(segment: S): string {
    return this.securityGroupIds(segment)[0];
  }

  /** Ids of every group a workload of the segment must attach (instances, launch templates, ENIs): its own groups, then its label groups. */
  securityGroupIds(segment: S): string[] {
    this.known(segment);
    if (this.failed) return [FAILED_IDENTITY];
    const g = this.emission.segmentGroups.get(segment)!;
    return [...g.own, ...g.labels].map((r) => this.attribute(r, 'id'));
  }
}
