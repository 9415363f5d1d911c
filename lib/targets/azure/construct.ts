/**
 * AzureSegmentation: renders an Azure plan as CDKTF resources. The only
 * Azure code that imports provider classes, by deep import (the provider's
 * index costs seconds and a gigabyte to load).
 *
 * Rules are separate `azurerm_network_security_rule` resources, never inline
 * `security_rule` blocks, so that a one-rule change is a one-resource diff.
 */
import { ApplicationSecurityGroup } from '@cdktf/provider-azurerm/lib/application-security-group';
import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { NetworkSecurityRule, NetworkSecurityRuleConfig } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
import { Annotations, Token } from 'cdktf';
import { Construct } from 'constructs';
import { SegmentationPolicy } from '../../model/policy';
import { ResolvedPolicy } from '../../resolve/ir';
import { resolve } from '../../resolve/resolve';
import { IdentitiesFile } from '../target';
import { digest } from '../kit/names';
import { ALL_ASG_KEY, AzureLimits, AzurePlan, NsgLayout, planAzure, RuleEndpoint } from './plan';

export interface AzureSegmentationProps {
  /**
   * The policy, or its resolved IR.
   * @example SegmentationPolicy.fromFile('policy.yaml')
   */
  readonly policy: SegmentationPolicy | ResolvedPolicy;
  /**
   * Resource group of every ASG and NSG; may be a token.
   * @example rg.name
   */
  readonly resourceGroupName: string;
  /**
   * Region of every ASG and NSG; may be a token.
   * @example rg.location
   */
  readonly location: string;
  /**
   * Associate the (single, shared) NSG with these subnets. Elements may be tokens; the list itself must be literal.
   * @default [] (apply the NSG to NICs yourself, or rely on subnet associations made elsewhere)
   * @example [subnet.id]
   */
  readonly subnetIds?: readonly string[];
  /**
   * Prepended to ASG and NSG names.
   * @default '' (names are `<policy>-<segment>-asg` and so on)
   * @example 'prod-'
   */
  readonly namePrefix?: string;
  /**
   * Extra tags on ASGs and NSGs (rules take no tags; their description names policy and rule).
   * @default {}
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * NSG layout: `shared` (one NSG for every segment), `perSegment` (one NSG per segment), or `auto` (shared while it fits Azure's quotas).
   * @default 'auto'
   */
  readonly layout?: NsgLayout;
  /**
   * Override Azure's limits (tests, or a subscription with raised quotas).
   * @default Azure's published limits (AZURE_LIMITS)
   */
  readonly limits?: Partial<AzureLimits>;
}

function isResolved(p: SegmentationPolicy | ResolvedPolicy): p is ResolvedPolicy {
  return (p as ResolvedPolicy).sides instanceof Map;
}

export class AzureSegmentation extends Construct {
  /** The plan this construct rendered (pure data: rules, priorities, notes). */
  readonly plan: AzurePlan;
  /** identities.json: what each segment's workloads carry and which NSGs apply to them. */
  readonly identities: IdentitiesFile;
  private readonly asgBySegment = new Map<string, ApplicationSecurityGroup>();
  /** Label ASGs by key `label=value`. */
  private readonly asgByLabel = new Map<string, ApplicationSecurityGroup>();
  /** The all-segments ASG, when some rule side written as `{}` uses it. */
  private readonly allAsg?: ApplicationSecurityGroup;
  /** Segments whose single-ASG accessor has warned already (once each). */
  private readonly warned = new Set<string>();
  private readonly nsgByKey = new Map<string, NetworkSecurityGroup>();

  constructor(scope: Construct, id: string, props: AzureSegmentationProps) {
    super(scope, id);
    const ir = isResolved(props.policy) ? props.policy : resolve(props.policy);
    const subnetIds = props.subnetIds ?? [];
    // A list token cannot be counted or iterated at synth time, and one association per subnet needs both.
    if (Token.isUnresolved(subnetIds)) throw new Error('AzureSegmentation: subnetIds must be a literal list (its elements may be tokens)');
    this.plan = planAzure(ir, { namePrefix: props.namePrefix, layout: props.layout, limits: props.limits, subnets: subnetIds.length > 0 });
    const plan = this.plan;
    const baseTags = (extra: Record<string, string>) => ({ ...(props.tags ?? {}), 'microseg-policy': plan.policy, ...extra });

    for (const a of plan.asgs) {
      this.asgBySegment.set(
        a.segment,
        new ApplicationSecurityGroup(this, `${a.segment}-asg`, {
          name: a.name,
          resourceGroupName: props.resourceGroupName,
          location: props.location,
          tags: baseTags({ 'microseg-segment': a.segment }),
        }),
      );
    }
    for (const l of plan.labelAsgs) {
      // Construct id `label_value-asg`: segment names hold no '_', so it never meets a segment's `<segment>-asg`.
      this.asgByLabel.set(
        l.key,
        new ApplicationSecurityGroup(this, `${l.label}_${l.value}-asg`, {
          name: l.name,
          resourceGroupName: props.resourceGroupName,
          location: props.location,
          tags: baseTags({ 'microseg-label': l.key }),
        }),
      );
    }
    if (plan.allAsg) {
      // Construct id `_all-asg`: no segment's `<segment>-asg` nor label's `<label>_<value>-asg` starts with '_' (a segment may be named `all`).
      this.allAsg = new ApplicationSecurityGroup(this, '_all-asg', {
        name: plan.allAsg.name,
        resourceGroupName: props.resourceGroupName,
        location: props.location,
        tags: baseTags({ 'microseg-segments': 'all' }),
      });
    }
    // Id tokens read once per ASG: every read of `.id` makes a new token, and cdktf captures a full stack trace for each
    // (at 1000 segments that was a tenth of the compile). The same token string resolves to the same reference.
    // Keys: segment names, `label=value` (segment names hold no '=') and ALL_ASG_KEY.
    const asgId = new Map<string, string>();
    for (const [s, asg] of this.asgBySegment) asgId.set(s, asg.id);
    for (const [k, asg] of this.asgByLabel) asgId.set(k, asg.id);
    if (this.allAsg) asgId.set(ALL_ASG_KEY, this.allAsg.id);
    const asgIds = (ep: RuleEndpoint) => (ep.kind === 'asgs' ? ep.segments : ep.kind === 'labelAsgs' ? ep.labels : ep.kind === 'allAsg' ? [ALL_ASG_KEY] : []).map((k) => asgId.get(k)!);

    for (const n of plan.nsgs) {
      const nsg = new NetworkSecurityGroup(this, `${n.key}-nsg`, {
        name: n.name,
        resourceGroupName: props.resourceGroupName,
        location: props.location,
        tags: baseTags(plan.layout === 'shared' ? {} : { 'microseg-segment': n.key }),
      });
      this.nsgByKey.set(n.key, nsg);
      const nsgName = nsg.name; // one token per NSG, not per rule (see asgId)
      for (const r of n.rules) {
        // Convention (docs/azure.md): `*` is always written in the singular field, concrete values always in the plural one.
        const cfg: { -readonly [K in keyof NetworkSecurityRuleConfig]: NetworkSecurityRuleConfig[K] } = {
          name: r.name,
          resourceGroupName: props.resourceGroupName,
          networkSecurityGroupName: nsgName,
          direction: r.direction,
          access: r.access,
          priority: r.priority,
          protocol: r.protocol,
          sourcePortRange: '*',
          description: r.description,
        };
        if (r.ports === '*') cfg.destinationPortRange = '*';
        else cfg.destinationPortRanges = [...r.ports];
        if (r.source.kind === 'any') cfg.sourceAddressPrefix = '*';
        else if (r.source.kind === 'prefixes') cfg.sourceAddressPrefixes = [...r.source.cidrs];
        else cfg.sourceApplicationSecurityGroupIds = asgIds(r.source);
        if (r.destination.kind === 'any') cfg.destinationAddressPrefix = '*';
        else if (r.destination.kind === 'prefixes') cfg.destinationAddressPrefixes = [...r.destination.cidrs];
        else cfg.destinationApplicationSecurityGroupIds = asgIds(r.destination);
        // Construct ids are rule names ('.' read as '_', which logical ids keep), unique across NSGs since they name the segment.
        const rid = r.name.replace(/\./g, '_');
        new NetworkSecurityRule(this, r.segment === undefined ? `${n.key}_${rid}` : rid, cfg);
      }
    }

    if (subnetIds.length > 0) {
      const nsg = this.nsgByKey.get('shared')!;
      subnetIds.forEach((sid, i) => {
        // Named after the subnet id when it is a literal; a token has no stable text, so its position it is.
        const sub = Token.isUnresolved(sid) ? `subnet-${i}` : `subnet-${digest(sid, 8)}`;
        new SubnetNetworkSecurityGroupAssociation(this, sub, { subnetId: sid, networkSecurityGroupId: nsg.id });
      });
    }

    const address = (c: Construct) => `${(c as unknown as { terraformResourceType: string }).terraformResourceType}.${(c as unknown as { friendlyUniqueId: string }).friendlyUniqueId}`;
    const segments: Record<string, { applicationSecurityGroups: string[]; networkSecurityGroups: string[] }> = {};
    for (const a of plan.asgs) {
      segments[a.segment] = {
        // Its own ASG first, then the label ASGs of its label values (by key), then the all-segments ASG.
        applicationSecurityGroups: [
          address(this.asgBySegment.get(a.segment)!),
          ...(plan.segmentLabelAsgs.get(a.segment) ?? []).map((k) => address(this.asgByLabel.get(k)!)),
          ...(this.allAsg ? [address(this.allAsg)] : []),
        ],
        networkSecurityGroups: (plan.segmentNsgs.get(a.segment) ?? []).map((k) => address(this.nsgByKey.get(k)!)),
      };
    }
    this.identities = { apiVersion: 'microseg/v1', policy: plan.policy, target: 'azure', segments };
  }

  /**
   * The id of the segment's own application security group. Its workloads may
   * need label ASGs and the all-segments ASG too: wire NICs with
   * {@link applicationSecurityGroupIds}, or a deny written by label (or as
   * `{}`) would not apply to them.
   */
  applicationSecurityGroupId(segment: string): string {
    const a = this.asgBySegment.get(segment);
    if (!a) throw new Error(`AzureSegmentation: unknown segment '${segment}'`);
    const labels = this.plan.segmentLabelAsgs.get(segment) ?? [];
    if ((labels.length > 0 || this.allAsg) && !this.warned.has(segment)) {
      // A NIC with only this ASG escapes every rule written by label or as `{}` (a deny among them): say so at synth.
      this.warned.add(segment);
      const what = [...(labels.length > 0 ? [`the label ASGs ${labels.join(', ')}`] : []), ...(this.allAsg ? ['the all-segments ASG'] : [])].join(' and ');
      Annotations.of(this).addWarning(`segment '${segment}': its workloads must also carry ${what}; wire NICs with applicationSecurityGroupIds('${segment}'), not applicationSecurityGroupId`);
    }
    return a.id;
  }

  /**
   * The ids of every application security group a workload of the segment
   * carries: its own first, then the label ASGs of its label values that some
   * rule references, then the all-segments ASG when some rule side written as
   * `{}` references it (as identities.json lists them). Put all of them on the
   * NICs (IP configurations) of its workloads; at most 20 (Azure's quota per
   * NIC, checked at compile time).
   */
  applicationSecurityGroupIds(segment: string): string[] {
    return this.applicationSecurityGroupsOf(segment).map((a) => a.id);
  }

  /**
   * The same ASGs with a stable key each, for naming one NIC association per
   * ASG (`azurerm_network_interface_application_security_group_association`
   * takes one): `segment` for its own ASG, `<label>_<value>` for a label ASG,
   * `all` for the all-segments ASG (label keys hold '_', so none is `all`).
   * Name associations by key, not position, so a label ASG added later does
   * not replace the others.
   */
  applicationSecurityGroupsOf(segment: string): { key: string; id: string }[] {
    const own = this.asgBySegment.get(segment);
    if (!own) throw new Error(`AzureSegmentation: unknown segment '${segment}'`);
    return [
      { key: 'segment', id: own.id },
      ...(this.plan.segmentLabelAsgs.get(segment) ?? []).map((k) => ({ key: k.replace('=', '_'), id: this.asgByLabel.get(k)!.id })),
      ...(this.allAsg ? [{ key: 'all', id: this.allAsg.id }] : []),
    ];
  }

  /**
   * The id of the NSG that applies to a segment's workloads (associate it with
   * their NICs, or their subnet in the shared layout). Without a segment: the
   * shared NSG (throws in the per-segment layout).
   */
  networkSecurityGroupId(segment?: string): string {
    if (segment === undefined) {
      const shared = this.nsgByKey.get('shared');
      if (!shared) throw new Error('AzureSegmentation: the per-segment layout has one NSG per segment; name the segment');
      return shared.id;
    }
    const keys = this.plan.segmentNsgs.get(segment);
    if (!keys) throw new Error(`AzureSegmentation: unknown segment '${segment}'`);
    return this.nsgByKey.get(keys[0])!.id;
  }
}
