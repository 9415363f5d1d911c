/**
 * `AzureSegmentation`: the Azure emission (lib/targets/azure/emit.ts) added
 * to a cdktf or cdktn stack, no provider package needed. See docs/azure.md.
 */
import { AzureFlowLogsDoc } from '../model/types';
import { Construct } from 'constructs';
import { AzureNetworkManagerDoc } from '../model/types';
import { withoutDenies } from '../resolve/layers';
import { AzureEmission, emitAzure } from '../targets/azure/emit';
import { adminNote, adminSettings } from '../targets/azure/guardrails';
import { Reporter } from '../targets/kit/report';
import { AzureLimits } from '../targets/azure/limits';
import { ALL_ASG_KEY, AzurePlan, NsgLayout, planAzure } from '../targets/azure/plan';
import { keptAsgs } from '../targets/azure/previous';
import { IdentitiesFile } from '../targets/target';
import { coreOf } from './core';
import { FAILED_IDENTITY, InternalProps, Segmentation, SegmentationProps } from './segmentation';

export interface AzureSegmentationProps<S extends string = string> extends SegmentationProps<S> {
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
   * VNet flow logs on the VNet, in the format `microseg stale` and `discover` read (docs/lifecycle.md); `false` turns off the policy's.
   * @default the policy's `targets.azure.flowLogs`, else none
   * @example { virtualNetworkId: vnet.id, storageAccountId: logs.id }
   */
  readonly flowLogs?: AzureFlowLogsDoc | false;
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
  /**
   * Where the deny guardrails go: `nsg` (the application NSGs), `network-manager`
   * (security admin rules of Virtual Network Manager, before every NSG; the NSGs keep
   * the allows), or `both` (the step between when migrating). docs/azure.md.
   * @default 'nsg'
   */
  readonly guardrails?: 'nsg' | 'network-manager' | 'both';
  /**
   * With `guardrails: network-manager` or `both`: the network manager (its `id` is required
   * here; tokens welcome), an existing `networkGroupId` or `virtualNetworkIds` for a group
   * of ours, and whether to emit the deployment (`deploy`, default true).
   */
  readonly networkManager?: AzureNetworkManagerDoc;
  /**
   * What `identities` held at the last synth that was applied (e.g. the committed JSON of `seg.identities`), as
   * `compile --previous` reads identities.json: every label ASG and the all-segments ASG it lists stay, though no
   * rule references them any more (listed under `releasableApplicationSecurityGroups`, note MS5105), so an apply
   * never destroys an ASG a NIC still names.
   * @default none: ASGs are exactly the ones the rules reference
   */
  readonly previous?: IdentitiesFile;
  /**
   * With `previous`: destroy the ASGs it lists as releasable (detach them from the NICs first), as `compile --release`.
   * @default false
   */
  readonly release?: boolean;
}

/**
 * One policy as Azure application security groups (one per segment) and
 * network security groups whose rules name them, with explicit deny-all
 * rules that override Azure's defaults. Put every ASG of
 * `applicationSecurityGroupsOf(segment)` (the segment's own, the label ASGs and
 * the all-segments ASG that broad rules name) on the NICs of its workloads and apply `networkSecurityGroupId()`
 * to their subnet (`subnetIds`) or NICs. Policy problems are Annotations: an
 * error fails the synth with the policy's file:line:col.
 *
 * @example
 * const seg = new AzureSegmentation(stack, 'seg', { policy, resourceGroupName: rg.name, location: rg.location });
 * for (const { key, id } of seg.applicationSecurityGroupsOf('shop-web-prod')) {
 *   new NetworkInterfaceApplicationSecurityGroupAssociation(stack, `web-asg-${key}`, { networkInterfaceId: nic.id, applicationSecurityGroupId: id });
 * }
 */
export class AzureSegmentation<S extends string = string> extends Segmentation<S, AzureEmission, AzurePlan> {
  /** Segments whose single-ASG accessor has warned already (once each). */
  private readonly warned = new Set<string>();

  constructor(scope: Construct, id: string, props: AzureSegmentationProps<S>) {
    super(scope, id, 'azure', props as AzureSegmentationProps<S> & InternalProps, (ir, path, core) => {
      const subnetIds = props.subnetIds ?? [];
      // A list token cannot be counted or iterated at synth time, and one association per subnet needs both.
      if (core.module.Token.isUnresolved(subnetIds)) throw new Error('AzureSegmentation: subnetIds must be a literal list (its elements may be tokens)');
      const rep = new Reporter(ir, 'azure');
      const admin = adminSettings(ir, { guardrails: props.guardrails, networkManager: props.networkManager }, rep, (p, given) => {
        if (given === undefined) throw new Error(`AzureSegmentation: networkManager.${p[p.length - 1]} is required with guardrails: ${props.guardrails}`);
        return given;
      }, props.location);
      // With the deny guardrails in the network manager only, the NSGs are compiled from the IR without them (resolve/layers.ts).
      const keepAsgs = keptAsgs(props.previous, path, ir, props.release === true);
      const plan = planAzure(admin?.onlyAdmin ? withoutDenies(ir, () => false) : ir, { namePrefix: props.namePrefix, layout: props.layout, limits: props.limits, subnets: subnetIds.length > 0, keepAsgs });
      const emission = emitAzure(plan, { scope: path, resourceGroupName: props.resourceGroupName, location: props.location, subnetIds, tags: props.tags, flowLogs: props.flowLogs === false ? undefined : (props.flowLogs ?? ir.policy.doc.targets?.azure?.flowLogs), isToken: (s) => core.module.Token.isUnresolved(s), admin });
      return { plan, emission, notes: [...plan.notes, ...(admin ? [adminNote(admin, rep)] : [])] };
    });
  }

  identitiesOf(segment: S): string[] {
    return this.applicationSecurityGroupIds(segment);
  }

  /**
   * The id of the segment's own application security group. Its workloads may
   * need label ASGs and the all-segments ASG too: wire NICs with
   * {@link applicationSecurityGroupIds}, or a deny written by label (or as
   * `{}`) would not apply to them.
   */
  applicationSecurityGroupId(segment: S): string {
    this.known(segment);
    if (this.failed) return FAILED_IDENTITY;
    const plan = this.emission;
    const labels = this.labelKeys(segment);
    const all = plan.asgs.has(ALL_ASG_KEY);
    if ((labels.length > 0 || all) && !this.warned.has(segment)) {
      // A NIC with only this ASG escapes every rule written by label or as `{}` (a deny among them): say so at synth.
      this.warned.add(segment);
      const what = [...(labels.length > 0 ? [`the label ASGs ${labels.join(', ')}`] : []), ...(all ? ['the all-segments ASG'] : [])].join(' and ');
      coreOf(this).module.Annotations.of(this).addWarning(`segment '${segment}': its workloads must also carry ${what}; wire NICs with applicationSecurityGroupIds('${segment}'), not applicationSecurityGroupId`);
    }
    return this.attribute(plan.asgs.get(segment)!, 'id');
  }

  /**
   * The ids of every application security group a workload of the segment
   * carries: its own first, then the label ASGs of its label values that some
   * rule references, then the all-segments ASG when some rule side written as
   * `{}` references it (as identities.json lists them). Put all of them on the
   * NICs (IP configurations) of its workloads; at most 20 (Azure's quota per
   * NIC, checked at compile time).
   */
  applicationSecurityGroupIds(segment: S): string[] {
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
  applicationSecurityGroupsOf(segment: S): { key: string; id: string }[] {
    this.known(segment);
    if (this.failed) return [{ key: 'segment', id: FAILED_IDENTITY }];
    const asgs = this.emission.asgs;
    return [
      { key: 'segment', id: this.attribute(asgs.get(segment)!, 'id') },
      ...this.labelKeys(segment).map((k) => ({ key: k.replace('=', '_'), id: this.attribute(asgs.get(k)!, 'id') })),
      ...(asgs.has(ALL_ASG_KEY) ? [{ key: 'all', id: this.attribute(asgs.get(ALL_ASG_KEY)!, 'id') }] : []),
    ];
  }

  /**
   * The id of the NSG that applies to a segment's workloads (associate it with
   * their NICs, or their subnet in the shared layout). Without a segment: the
   * shared NSG (throws in the per-segment layout).
   */
  networkSecurityGroupId(segment?: S): string {
    if (segment !== undefined) this.known(segment);
    if (this.failed) return FAILED_IDENTITY;
    const nsgs = this.emission.nsgs;
    if (segment === undefined) {
      const shared = nsgs.get('shared');
      if (!shared) throw new Error('AzureSegmentation: the per-segment layout has one NSG per segment; name the segment');
      return this.attribute(shared, 'id');
    }
    return this.attribute(nsgs.get(this.emission.segmentNsgs.get(segment)![0])!, 'id');
  }

  /**
   * With `guardrails: network-manager` or `both`: the id of the network group the
   * deny guardrails apply to (ours, or the `networkGroupId` given). Every workload's
   * virtual network must be a member: add static members or an Azure Policy for it.
   */
  networkGroupId(): string {
    if (this.failed) return FAILED_IDENTITY;
    const g = this.emission.networkGroup;
    if (g === undefined) throw new Error('AzureSegmentation: no network group without guardrails: network-manager or both');
    return typeof g === 'string' ? g : this.attribute(g, 'id');
  }

  /** Keys (`label=value`) of the label ASGs the segment's workloads carry. */
  private labelKeys(segment: string): readonly string[] {
    return this.emission.segmentLabels.get(segment) ?? [];
  }
}
