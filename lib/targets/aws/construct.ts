/**
 * `AwsSegmentation`: the AWS plan as CDKTF resources. The only AWS code that
 * imports provider classes, by deep import (the provider's index costs ~10 s
 * and 1.4 GB to load).
 *
 * One `aws_security_group` per segment (more when its rules overflow one
 * group), with no inline rules: every rule is an
 * `aws_vpc_security_group_ingress_rule` / `_egress_rule` holding one CIDR or
 * one group reference, so a one-rule change is a one-resource diff. Under
 * Terraform a group without `egress` blocks has no egress rule at all, so
 * AWS's default allow-all egress never exists. Large CIDR sets are
 * `aws_ec2_managed_prefix_list`s (entries inline) under the `prefix_lists`
 * scope, which no segment can be named (segment names have no `_`). Label
 * groups (no rules; attached by the workloads of their segments, referenced
 * by rules) live under the `label_groups` scope.
 */
import { Ec2ManagedPrefixList } from '@cdktf/provider-aws/lib/ec2-managed-prefix-list';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { SegmentationPolicy } from '../../model/policy';
import { ResolvedPolicy } from '../../resolve/ir';
import { resolve } from '../../resolve/resolve';
import { IdentitiesFile } from '../target';
import { originsTag } from './naming';
import { AwsPlan, AwsPlanOptions, planAws, PlannedRule } from './plan';

export interface AwsSegmentationProps {
  /**
   * The policy, or its resolved form.
   * @example SegmentationPolicy.fromFile('policy.yaml')
   */
  readonly policy: SegmentationPolicy | ResolvedPolicy;
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
}

function isResolved(p: SegmentationPolicy | ResolvedPolicy): p is ResolvedPolicy {
  return (p as ResolvedPolicy).sides instanceof Map;
}

export class AwsSegmentation extends Construct {
  /** The plan the resources were made from (pure data). */
  readonly plan: AwsPlan;
  /** What `identities.json` holds: every group a workload of each segment attaches. */
  readonly identities: IdentitiesFile;
  private readonly groups = new Map<string, SecurityGroup[]>();
  /** Group id tokens, read once per group: every read of `.id` makes a new token, and cdktf captures a stack trace for each. */
  private readonly groupIds = new Map<string, string[]>();
  /** Prefix list id tokens by content key. */
  private readonly listIds = new Map<string, string>();
  /** Label group id tokens by key (`label=value`, `*`). */
  private readonly labelGroupIds = new Map<string, string>();
  /** Label group keys each segment's workloads attach. */
  private readonly segmentLabelGroups = new Map<string, readonly string[]>();

  /** Throws PolicyError when the policy cannot be compiled exactly within AWS quotas. */
  constructor(scope: Construct, id: string, props: AwsSegmentationProps) {
    super(scope, id);
    const ir = isResolved(props.policy) ? props.policy : resolve(props.policy);
    const options: AwsPlanOptions = {
      namePrefix: props.namePrefix,
      maxGroupsPerInterface: props.maxGroupsPerInterface,
      rulesPerGroup: props.rulesPerGroup,
      prefixLists: props.prefixLists,
    };
    this.plan = planAws(ir, options);
    const userTags = props.tags ?? {};

    for (const seg of this.plan.segments) {
      const scopeOfSegment = new Construct(this, seg.name);
      const tags = { ...userTags, 'microseg:policy': ir.name, 'microseg:segment': seg.name };
      this.groups.set(
        seg.name,
        seg.groups.map(
          (g) =>
            new SecurityGroup(scopeOfSegment, g.constructId, {
              name: g.name,
              description: g.description,
              vpcId: props.vpcId,
              // No ingress/egress blocks: Terraform then removes AWS's default egress rule.
              revokeRulesOnDelete: true,
              tags: { ...tags, Name: g.name },
            }),
        ),
      );
    }
    for (const [name, gs] of this.groups) this.groupIds.set(name, gs.map((g) => g.id));
    // Label groups: no rules of their own; workloads of their segments attach them, rules reference them.
    const labelGroups = new Map<string, SecurityGroup>();
    if (this.plan.labelGroups.length > 0) {
      const scopeOfLabels = new Construct(this, 'label_groups');
      for (const l of this.plan.labelGroups) {
        labelGroups.set(
          l.key,
          new SecurityGroup(scopeOfLabels, l.constructId, {
            name: l.name,
            description: l.description,
            vpcId: props.vpcId,
            revokeRulesOnDelete: true,
            tags: { ...userTags, 'microseg:policy': ir.name, 'microseg:label': l.key === '*' ? 'all-segments' : l.key, Name: l.name },
          }),
        );
      }
      for (const [k, g] of labelGroups) this.labelGroupIds.set(k, g.id);
    }
    if (this.plan.prefixLists.length > 0) {
      const scopeOfLists = new Construct(this, 'prefix_lists');
      for (const l of this.plan.prefixLists) {
        const list = new Ec2ManagedPrefixList(scopeOfLists, l.id, {
          name: l.name,
          addressFamily: l.addressFamily,
          maxEntries: l.maxEntries,
          entry: l.cidrs.map((cidr) => ({ cidr, description: l.entryDescription })),
          tags: { ...userTags, 'microseg:policy': ir.name, 'microseg:source': l.sourceTag, Name: l.name },
        });
        this.listIds.set(l.key, list.id);
      }
    }
    for (const seg of this.plan.segments) {
      const scopeOfSegment = this.node.findChild(seg.name) as Construct;
      const own = this.groupIds.get(seg.name)!;
      for (const r of seg.rules) this.rule(scopeOfSegment, r, own[r.group], userTags, ir.name);
    }

    const segments: Record<string, { securityGroups: string[] }> = {};
    for (const seg of this.plan.segments) {
      this.segmentLabelGroups.set(seg.name, seg.labelGroups);
      const all = [...this.groups.get(seg.name)!, ...seg.labelGroups.map((k) => labelGroups.get(k)!)];
      segments[seg.name] = { securityGroups: all.map((g) => `aws_security_group.${g.friendlyUniqueId}`) };
    }
    this.identities = { apiVersion: 'microseg/v1', policy: ir.name, target: 'aws', segments };
  }

  private rule(scope: Construct, r: PlannedRule, groupId: string, userTags: Readonly<Record<string, string>>, policy: string): void {
    const peer =
      r.peer.kind === 'group'
        ? { referencedSecurityGroupId: this.securityGroupId(r.peer.segment) }
        : r.peer.kind === 'labelGroup'
          ? { referencedSecurityGroupId: this.labelGroupIds.get(r.peer.key)! }
        : r.peer.kind === 'prefixList'
          ? { prefixListId: this.listIds.get(r.peer.list)! }
          : r.peer.family === 4
            ? { cidrIpv4: r.peer.cidr }
            : { cidrIpv6: r.peer.cidr };
    const config = {
      securityGroupId: groupId,
      ipProtocol: r.protocol.ipProtocol,
      fromPort: r.protocol.fromPort,
      toPort: r.protocol.toPort,
      ...peer,
      description: r.description,
      tags: { ...userTags, 'microseg:policy': policy, 'microseg:segment': r.segment, 'microseg:origins': originsTag(r.origins) },
    };
    if (r.direction === 'ingress') new VpcSecurityGroupIngressRule(scope, r.id, config);
    else new VpcSecurityGroupEgressRule(scope, r.id, config);
  }

  /** Id of the segment's primary group: the one other segments' rules reference. */
  securityGroupId(segment: string): string {
    return this.securityGroupIds(segment)[0];
  }

  /** Ids of every group a workload of the segment must attach (instances, launch templates, ENIs): its own groups, then its label groups. */
  securityGroupIds(segment: string): string[] {
    const g = this.groupIds.get(segment);
    if (!g) throw new Error(`unknown segment '${segment}'`);
    return [...g, ...(this.segmentLabelGroups.get(segment) ?? []).map((k) => this.labelGroupIds.get(k)!)];
  }
}
