/**
 * The Azure plan as Terraform resources (plain data, see ../emit.ts).
 *
 * An `azurerm_application_security_group` per segment, per label value a
 * rule names and for `{}` (the all-segments ASG); the NSGs; every rule a
 * separate `azurerm_network_security_rule`, never an inline `security_rule`
 * block, so that a one-rule change is a one-resource diff; one
 * `azurerm_subnet_network_security_group_association` per subnet given.
 */
import { AzureFlowLogsDoc } from '../../model/types';
import { emitAzureFlowLog } from './flow-logs';
import { defined, Emission, EmittedLifecycle, EmittedResource, MovedBlock, ResourceList, addressOf, refOf } from '../emit';
import { logicalId } from '../logical-id';
import { digest } from '../kit/names';
import { AdminPlan } from './admin';
import { AdminEmitOptions, emitAdmin } from './emit-admin';
import { ALL_ASG_KEY, AzurePlan, PlannedRule, RuleEndpoint } from './plan';
import { ALL_ASG_ID, labelAsgId } from './previous';

/**
 * A rule's name is immutable in Azure; it derives from the rule's identity
 * like its address, so it changes only when an upgrade moves a 0.1.0 address
 * (named after the rule) here. Ignoring it on those keeps the live rule under
 * its old name, updated in place, instead of a destroy and a create (a drop
 * window). New names (`r<digest>.…`) never equal old ones (`<rule name>.…`).
 */
const NAME_KEPT: EmittedLifecycle = { ignore_changes: ['name'] };

export interface AzureEmitOptions {
  /** Construct path of the segmentation below the stack (`['azure']` in the CLI's stack). */
  readonly scope: readonly string[];
  /** Resource group of every ASG, NSG and rule: literal, `${var.…}` or a CDKTF token. */
  readonly resourceGroupName: string;
  readonly location: string;
  /** Subnets the shared NSG is associated with (the plan must have been made with `subnets: true`). */
  readonly subnetIds?: readonly string[];
  /** Extra tags on ASGs and NSGs (rules take no tags). */
  readonly tags?: Readonly<Record<string, string>>;
  /** Whether a value is a CDKTF token (no stable text): a constructs' core tells; the CLI has none. */
  readonly isToken?: (s: string) => boolean;
  /** VNet flow logs (targets.azure.flowLogs). */
  readonly flowLogs?: AzureFlowLogsDoc;
  /** Deny guardrails as security admin rules as well (with `network-manager`, the plan was made from the IR without them). */
  readonly admin?: { readonly plan: AdminPlan; readonly options: Omit<AdminEmitOptions, 'isToken'> };
}

export interface AzureEmission extends Emission {
  /** ASG resources by key: segment name, `label=value`, ALL_ASG_KEY. */
  readonly asgs: ReadonlyMap<string, EmittedResource>;
  /** NSG resources by plan key (`shared` or a segment). */
  readonly nsgs: ReadonlyMap<string, EmittedResource>;
  /** Segment → keys (`label=value`) of the label ASGs its workloads carry besides its own (sorted). */
  readonly segmentLabels: ReadonlyMap<string, readonly string[]>;
  /** Segment → keys of the NSGs that apply to its workloads. */
  readonly segmentNsgs: ReadonlyMap<string, readonly string[]>;
  /** With admin guardrails: our network group, or the id of the existing one. */
  readonly networkGroup?: EmittedResource | string;
}

export function emitAzure(plan: AzurePlan, opts: AzureEmitOptions): AzureEmission {
  const out = new ResourceList(opts.scope);
  const place = { location: opts.location, resource_group_name: opts.resourceGroupName };
  const tags = (extra: Record<string, string>) => ({ ...(opts.tags ?? {}), 'microseg-policy': plan.policy, ...extra });
  const asg = (id: string, name: string, extra: Record<string, string>) => out.add('azurerm_application_security_group', [id], { ...place, name, tags: tags(extra) });

  const asgs = new Map<string, EmittedResource>();
  for (const a of plan.asgs) asgs.set(a.segment, asg(`${a.segment}-asg`, a.name, { 'microseg-segment': a.segment }));
  // Construct id `label_value-asg`: segment names hold no '_', so it never meets a segment's `<segment>-asg`.
  for (const l of plan.labelAsgs) asgs.set(l.key, asg(labelAsgId(l.label, l.value), l.name, { 'microseg-label': l.key }));
  // Construct id `_all-asg`: no segment's `<segment>-asg` nor label's `<label>_<value>-asg` starts with '_' (a segment may be named `all`).
  if (plan.allAsg) asgs.set(ALL_ASG_KEY, asg(ALL_ASG_ID, plan.allAsg.name, { 'microseg-segments': 'all' }));
  // One reference string per ASG, shared by every rule naming it.
  const asgId = new Map<string, string>();
  for (const [k, a] of asgs) asgId.set(k, refOf(a, 'id'));
  const asgIds = (ep: RuleEndpoint) => (ep.kind === 'asgs' ? ep.segments : ep.kind === 'labelAsgs' ? ep.labels : ep.kind === 'allAsg' ? [ALL_ASG_KEY] : []).map((k) => asgId.get(k)!);
  // Convention (docs/azure.md): `*` is always written in the singular field, concrete values always in the plural one.
  const side = (ep: RuleEndpoint, end: 'source' | 'destination'): Record<string, unknown> =>
    ep.kind === 'any' ? { [`${end}_address_prefix`]: '*' } : ep.kind === 'prefixes' ? { [`${end}_address_prefixes`]: [...ep.cidrs] } : { [`${end}_application_security_group_ids`]: asgIds(ep) };

  const nsgs = new Map<string, EmittedResource>();
  const moved: MovedBlock[] = [];
  for (const n of plan.nsgs) {
    const nsg = out.add('azurerm_network_security_group', [`${n.key}-nsg`], { ...place, name: n.name, tags: tags(plan.layout === 'shared' ? {} : { 'microseg-segment': n.key }) });
    nsgs.set(n.key, nsg);
    const nsgName = refOf(nsg, 'name');
    // Construct ids are rule names ('.' read as '_', which logical ids keep), unique across NSGs since they name the segment.
    const idOf = (r: PlannedRule, name: string) => (r.segment === undefined ? `${n.key}_${name.replace(/\./g, '_')}` : name.replace(/\./g, '_'));
    // A rule waits for the rules that lost its priority slot (plan.ts, allocatePriorities): an edit moves them first.
    const addressByKey = new Map(n.rules.map((r) => [r.key, `azurerm_network_security_rule.${logicalId([...out.scope, idOf(r, r.name)])}`]));
    for (const r of n.rules) {
      const after = r.after?.map((k) => addressByKey.get(k)!).sort();
      const added = out.add(
        'azurerm_network_security_rule',
        [idOf(r, r.name)],
        defined({
          access: r.access,
          description: r.description,
          destination_port_range: r.ports === '*' ? '*' : undefined,
          destination_port_ranges: r.ports === '*' ? undefined : [...r.ports],
          direction: r.direction,
          name: r.name,
          network_security_group_name: nsgName,
          priority: r.priority,
          protocol: r.protocol,
          resource_group_name: opts.resourceGroupName,
          source_port_range: '*',
          ...side(r.source, 'source'),
          ...side(r.destination, 'destination'),
        }),
        undefined,
        r.formerName ? NAME_KEPT : undefined,
        after,
      );
      if (addressOf(added) !== addressByKey.get(r.key)) throw new Error(`azure emit: rule address ${addressOf(added)} is not the one its dependents name`);
      if (r.formerName) moved.push({ from: `${added.type}.${logicalId([...added.path.slice(0, -1), idOf(r, r.formerName)])}`, to: addressOf(added) });
    }
  }

  const subnetIds = opts.subnetIds ?? [];
  if (subnetIds.length > 0) {
    const isToken = opts.isToken ?? (() => false);
    const shared = refOf(nsgs.get('shared')!, 'id');
    subnetIds.forEach((sid, i) => {
      // Named after the subnet id when it is a literal; a token has no stable text, so its position it is.
      const sub = isToken(sid) ? `subnet-${i}` : `subnet-${digest(sid, 8)}`;
      out.add('azurerm_subnet_network_security_group_association', [sub], { network_security_group_id: shared, subnet_id: sid });
    });
  }

  // Every workload's virtual network must be in this network group for the deny guardrails to apply to it.
  const admin = opts.admin ? emitAdmin(opts.admin.plan, plan.policy, out, { ...opts.admin.options, isToken: opts.isToken }) : undefined;

  const segments: Record<string, { applicationSecurityGroups: string[]; releasableApplicationSecurityGroups?: string[]; networkSecurityGroups: string[]; networkGroups?: string[] }> = {};
  for (const a of plan.asgs) {
    const releasable = (plan.segmentReleasableAsgs.get(a.segment) ?? []).map((k) => addressOf(asgs.get(k)!));
    segments[a.segment] = {
      // Its own ASG first, then the label ASGs of its label values (by key), then the all-segments ASG.
      applicationSecurityGroups: [a.segment, ...(plan.segmentLabelAsgs.get(a.segment) ?? []), ...(plan.allAsg && !plan.allAsg.releasable ? [ALL_ASG_KEY] : [])].map((k) => addressOf(asgs.get(k)!)),
      // Kept from the previous output, referenced by no rule: the workloads may let them go (plan.ts, previous.ts).
      ...(releasable.length ? { releasableApplicationSecurityGroups: releasable } : {}),
      networkSecurityGroups: (plan.segmentNsgs.get(a.segment) ?? []).map((k) => addressOf(nsgs.get(k)!)),
      ...(admin ? { networkGroups: [admin.networkGroup] } : {}),
    };
  }
  if (opts.flowLogs) emitAzureFlowLog(out, opts.flowLogs, { policy: plan.policy, location: opts.location, tags: tags({}) });
  return { resources: out.resources, moved, identities: { apiVersion: 'microseg/v1', policy: plan.policy, target: 'azure', segments }, asgs, nsgs, segmentLabels: plan.segmentLabelAsgs, segmentNsgs: plan.segmentNsgs, ...(admin ? { networkGroup: admin.group } : {}) };
}
