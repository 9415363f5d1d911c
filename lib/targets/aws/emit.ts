/**
 * The AWS plan as Terraform resources (plain data, see ../emit.ts).
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
import { defined, Emission, EmittedLifecycle, EmittedResource, MovedBlock, ResourceList, addressOf, refOf } from '../emit';
import { logicalId } from '../logical-id';
import { AwsFlowLogsDoc } from '../../model/types';
import { emitAwsFlowLog } from './flow-logs';
import { originsTag } from './naming';
import { AwsPlan, PlannedRule } from './plan';

/**
 * A rule whose group or source kind changes must be replaced; created first,
 * the new rule admits its flows before the old one goes, so no moment lacks
 * both. It can never be EC2's duplicate of the old one: a new group or a new
 * kind of source is different content.
 */
const RULE_LIFECYCLE: EmittedLifecycle = { create_before_destroy: true };

export interface AwsEmitOptions {
  /** Construct path of the segmentation below the stack (`['microseg']` in the CLI's stack). */
  readonly scope: readonly string[];
  /** VPC of every group: a literal id, `${var.vpc_id}`, or a CDKTF token. */
  readonly vpcId: string;
  /** Extra tags on every group, list and rule; the `microseg:*` tags win on a clash. */
  readonly tags?: Readonly<Record<string, string>>;
  /** VPC Flow Logs on the VPC (targets.aws.flowLogs), checked by checkAwsFlowLogs. */
  readonly flowLogs?: AwsFlowLogsDoc;
}

export interface AwsEmission extends Emission {
  /** Per segment: its own groups (primary first), then its label groups — what a workload attaches. */
  readonly segmentGroups: ReadonlyMap<string, { readonly own: readonly EmittedResource[]; readonly labels: readonly EmittedResource[] }>;
}

export function emitAws(plan: AwsPlan, opts: AwsEmitOptions): AwsEmission {
  const out = new ResourceList(opts.scope);
  const userTags = opts.tags ?? {};
  const policy = plan.policy;
  const group = (rel: string[], name: string, description: string, tags: Record<string, string>) =>
    // No ingress/egress blocks: Terraform then removes AWS's default egress rule.
    out.add('aws_security_group', rel, { description, name, revoke_rules_on_delete: true, tags: { ...userTags, ...tags, Name: name }, vpc_id: opts.vpcId });

  const own = new Map<string, EmittedResource[]>();
  for (const seg of plan.segments) {
    own.set(seg.name, seg.groups.map((g) => group([seg.name, g.constructId], g.name, g.description, { 'microseg:policy': policy, 'microseg:segment': seg.name })));
  }
  const labelGroups = new Map<string, EmittedResource>();
  for (const l of plan.labelGroups) {
    labelGroups.set(l.key, group(['label_groups', l.constructId], l.name, l.description, { 'microseg:policy': policy, 'microseg:label': l.key === '*' ? 'all-segments' : l.key }));
  }
  const lists = new Map<string, EmittedResource>();
  for (const l of plan.prefixLists) {
    lists.set(
      l.key,
      out.add('aws_ec2_managed_prefix_list', ['prefix_lists', l.id], {
        address_family: l.addressFamily,
        entry: l.cidrs.map((cidr) => ({ cidr, description: l.entryDescription })),
        max_entries: l.maxEntries,
        name: l.name,
        tags: { ...userTags, 'microseg:policy': policy, 'microseg:source': l.sourceTag, Name: l.name },
      }),
    );
  }
  // Rules reference groups by `.id`: one string per group, shared by every rule naming it.
  const idOf = new Map<EmittedResource, string>();
  const id = (r: EmittedResource) => idOf.get(r) ?? idOf.set(r, refOf(r, 'id')).get(r)!;
  const peer = (r: PlannedRule): Record<string, unknown> =>
    r.peer.kind === 'group'
      ? { referenced_security_group_id: id(own.get(r.peer.segment)![0]) }
      : r.peer.kind === 'labelGroup'
        ? { referenced_security_group_id: id(labelGroups.get(r.peer.key)!) }
        : r.peer.kind === 'prefixList'
          ? { prefix_list_id: id(lists.get(r.peer.list)!) }
          : r.peer.family === 4
            ? { cidr_ipv4: r.peer.cidr }
            : { cidr_ipv6: r.peer.cidr };
  const moved: MovedBlock[] = [];
  for (const seg of plan.segments) {
    const groups = own.get(seg.name)!;
    for (const r of seg.rules) {
      const added = out.add(
        r.direction === 'ingress' ? 'aws_vpc_security_group_ingress_rule' : 'aws_vpc_security_group_egress_rule',
        [seg.name, r.id],
        defined({
          description: r.description,
          from_port: r.protocol.fromPort,
          ip_protocol: r.protocol.ipProtocol,
          ...peer(r),
          security_group_id: id(groups[r.group]),
          tags: { ...userTags, 'microseg:policy': policy, 'microseg:segment': r.segment, 'microseg:origins': originsTag(r.origins) },
          to_port: r.protocol.toPort,
        }),
        undefined,
        RULE_LIFECYCLE,
      );
      for (const f of r.formerIds) moved.push({ from: `${added.type}.${logicalId([...added.path.slice(0, -1), f])}`, to: addressOf(added) });
    }
  }

  if (opts.flowLogs) emitAwsFlowLog(out, opts.flowLogs, opts.vpcId, { ...userTags, 'microseg:policy': policy, Name: `${policy}-flow-log` });

  const segmentGroups = new Map<string, { own: EmittedResource[]; labels: EmittedResource[] }>();
  const segments: Record<string, { securityGroups: string[]; releasableSecurityGroups?: string[] }> = {};
  for (const seg of plan.segments) {
    // A kept group (no rules, kept from the previous output) is no longer what a workload attaches: listed apart.
    const groups = own.get(seg.name)!;
    const entry = { own: groups.filter((_, i) => !seg.groups[i].kept), labels: seg.labelGroups.map((k) => labelGroups.get(k)!) };
    segmentGroups.set(seg.name, entry);
    const releasable = groups.filter((_, i) => seg.groups[i].kept).map(addressOf);
    segments[seg.name] = { securityGroups: [...entry.own, ...entry.labels].map(addressOf), ...(releasable.length ? { releasableSecurityGroups: releasable } : {}) };
  }
  return { resources: out.resources, moved, identities: { apiVersion: 'microseg/v1', policy, target: 'aws', segments }, segmentGroups };
}
