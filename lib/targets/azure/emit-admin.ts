/**
 * The security admin rules of the deny guardrails as Terraform resources
 * (plain data, see ../emit.ts): a security admin configuration, one rule
 * collection applied to one network group (ours, with the given virtual
 * networks as static members, or an existing one), one
 * `azurerm_network_manager_admin_rule` per planned rule, and the deployment
 * that commits the configuration to the workloads' region. The deployment
 * depends on every rule and carries their digest as a trigger, so a change
 * of any rule re-commits the configuration in place.
 */
import { digest } from '../kit/names';
import { addressOf, defined, EmittedResource, refOf, ResourceList } from '../emit';
import { logicalId } from '../logical-id';
import { AdminPlan } from './admin';

export interface AdminEmitOptions {
  /** Network manager id: literal, `${var.…}` or a token. */
  readonly networkManagerId: string;
  /** An existing network group; else one of ours is emitted. */
  readonly networkGroupId?: string;
  readonly virtualNetworkIds?: readonly string[];
  /** Emit the deployment (default true). */
  readonly deploy?: boolean;
  /** The region the deployment commits to. */
  readonly location: string;
  readonly isToken?: (s: string) => boolean;
}

/** Emits the admin resources into `out`; returns the network group (ours, or the id given) and what identities.json lists for it. */
export function emitAdmin(plan: AdminPlan, policy: string, out: ResourceList, opts: AdminEmitOptions): { networkGroup: string; group: EmittedResource | string } {
  let groupId = opts.networkGroupId;
  let networkGroup = opts.networkGroupId ?? '';
  let group: EmittedResource | string = opts.networkGroupId ?? '';
  if (groupId === undefined) {
    const g = out.add('azurerm_network_manager_network_group', ['guardrails', 'network-group'], {
      name: plan.networkGroupName,
      network_manager_id: opts.networkManagerId,
      description: `policy ${policy}: the virtual networks of its workloads, where its deny guardrails apply`,
    });
    groupId = refOf(g, 'id');
    networkGroup = addressOf(g);
    group = g;
    const isToken = opts.isToken ?? (() => false);
    (opts.virtualNetworkIds ?? []).forEach((vnet, i) => {
      // Named after the network's id when it is a literal; a token has no stable text, so its position it is.
      const id = isToken(vnet) ? `vnet-${i}` : `vnet-${digest(vnet, 8)}`;
      out.add('azurerm_network_manager_static_member', ['guardrails', id], { name: `${plan.networkGroupName}-${id}`, network_group_id: groupId, target_virtual_network_id: vnet });
    });
  }
  const config = out.add('azurerm_network_manager_security_admin_configuration', ['guardrails', 'configuration'], {
    name: plan.configurationName,
    network_manager_id: opts.networkManagerId,
    description: `policy ${policy}: deny guardrails, evaluated before every NSG`,
  });
  const collection = out.add('azurerm_network_manager_admin_rule_collection', ['guardrails', 'collection'], {
    name: plan.collectionName,
    security_admin_configuration_id: refOf(config, 'id'),
    network_group_ids: [groupId],
    description: `policy ${policy}: deny guardrails`,
  });
  // An admin rule waits for the rules that lost its priority slot (plan.ts, allocatePriorities): an edit moves them first.
  const addressByKey = new Map(plan.rules.map((r) => [r.key, `azurerm_network_manager_admin_rule.${logicalId([...out.scope, 'guardrails', r.name.replace(/\./g, '_')])}`]));
  const rules = plan.rules.map((r) => {
    const prefixes = (cidrs: readonly string[]) => cidrs.map((c) => ({ address_prefix: c, address_prefix_type: 'IPPrefix' }));
    const [src, dst] = r.direction === 'Inbound' ? [r.peer, r.local] : [r.local, r.peer];
    const ports = r.protocol === 'Tcp' || r.protocol === 'Udp';
    return out.add(
      'azurerm_network_manager_admin_rule',
      ['guardrails', r.name.replace(/\./g, '_')],
      defined({
        name: r.name,
        admin_rule_collection_id: refOf(collection, 'id'),
        action: 'Deny',
        description: r.description,
        direction: r.direction,
        priority: r.priority,
        protocol: r.protocol,
        // Explicit everywhere: a rule without ports or prefixes is read by nobody as "all" without looking it up.
        destination_port_ranges: ports ? (r.ports === '*' ? ['0-65535'] : [...r.ports]) : undefined,
        source_port_ranges: ports ? ['0-65535'] : undefined,
        source: prefixes(src.toCidrs(r.family)),
        destination: prefixes(dst.toCidrs(r.family)),
      }),
      undefined,
      undefined,
      r.after?.map((k) => addressByKey.get(k)!).sort(),
    );
  });
  if (opts.deploy !== false) {
    out.add(
      'azurerm_network_manager_deployment',
      ['guardrails', 'deployment'],
      {
        network_manager_id: opts.networkManagerId,
        location: opts.location,
        scope_access: 'SecurityAdmin',
        configuration_ids: [refOf(config, 'id')],
        triggers: { rules: digest(JSON.stringify(rules.map((r) => r.body)), 16) },
      },
      undefined,
      undefined,
      rules.map(addressOf),
    );
  }
  return { networkGroup, group };
}
