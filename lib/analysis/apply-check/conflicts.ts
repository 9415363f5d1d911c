/**
 * Uniqueness the clouds enforce, checked on the live objects of a moment:
 * two objects with one key cannot both exist, so the apply that would
 * make the second one fails half-way.
 *
 *   GCP    firewall names, per project; firewall policy rule priorities, per policy;
 *          tag values per key, tag keys per parent, policy names
 *   AWS    group names, per VPC; rule content, per group (InvalidPermission.Duplicate)
 *   Azure  rule names per NSG; priorities per NSG and direction;
 *          ASG and NSG names per resource group; admin rule names and
 *          priorities per rule collection; one deployment per network
 *          manager, region and scope access
 */
import { LiveObject } from './moment';

export interface Conflict {
  /** What must be unique, e.g. `priority 210 inbound in NSG …`. */
  readonly key: string;
  /** The colliding objects (`~deposed`: the old object of a created-before-destroyed replacement). */
  readonly objects: readonly string[];
}

const str = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/**
 * A reference as the cloud sees it: to a replaced resource, the old and the
 * new object are two ids, though the text is one (a rule in the old group and
 * its copy in the new group are no duplicates).
 */
function refText(v: unknown, o: LiveObject, replaced: ReadonlySet<string>): string {
  const m = typeof v === 'string' ? /^\$\{([a-z][a-z0-9_]*\.[A-Za-z_][-A-Za-z0-9_]*)\.[a-z_]+\}$/.exec(v) : null;
  return m && replaced.has(m[1]) ? `${v} (${o.old ? 'old' : 'new'} object)` : str(v);
}

function keysOf(o: LiveObject, replaced: ReadonlySet<string>): string[] {
  const b = o.body;
  switch (o.type) {
    case 'google_compute_firewall':
      return [`firewall name '${str(b.name)}' in project ${str(b.project) || '(provider default)'}`];
    case 'google_compute_network_firewall_policy_rule':
    case 'google_compute_firewall_policy_rule':
      return [`priority ${str(b.priority)} in firewall policy ${str(b.firewall_policy)}`];
    case 'google_compute_network_firewall_policy':
      return [`network firewall policy name '${str(b.name)}' in project ${str(b.project) || '(provider default)'}`];
    case 'google_compute_firewall_policy':
      return [`firewall policy short name '${str(b.short_name)}' in ${str(b.parent)}`];
    case 'google_tags_tag_value':
      return [`tag value '${str(b.short_name)}' of ${str(b.parent)}`];
    case 'google_tags_tag_key':
      return [`tag key '${str(b.short_name)}' in ${str(b.parent)}`];
    case 'aws_security_group':
      return b.name !== undefined ? [`group name '${str(b.name)}' in VPC ${str(b.vpc_id)}`] : [];
    case 'aws_vpc_security_group_ingress_rule':
    case 'aws_vpc_security_group_egress_rule': {
      const peer = b.cidr_ipv4 ?? b.cidr_ipv6 ?? b.prefix_list_id ?? b.referenced_security_group_id;
      const dir = o.type.includes('ingress') ? 'ingress' : 'egress';
      return [`${dir} rule ${str(b.ip_protocol)} ${str(b.from_port)}-${str(b.to_port)} ${refText(peer, o, replaced)} in group ${refText(b.security_group_id, o, replaced)}`];
    }
    case 'azurerm_network_security_rule': {
      const nsg = `${str(b.resource_group_name)}/${str(b.network_security_group_name)}`;
      return [`rule name '${str(b.name)}' in NSG ${nsg}`, `priority ${str(b.priority)} ${str(b.direction)} in NSG ${nsg}`];
    }
    case 'azurerm_network_manager_admin_rule': {
      const c = str(b.admin_rule_collection_id);
      return [`admin rule name '${str(b.name)}' in collection ${c}`, `admin rule priority ${str(b.priority)} in collection ${c}`];
    }
    case 'azurerm_network_manager_deployment':
      return [`deployment ${str(b.scope_access)} in ${str(b.location)} of network manager ${str(b.network_manager_id)}`];
    case 'azurerm_application_security_group':
      return [`application security group name '${str(b.name)}' in ${str(b.resource_group_name)}`];
    case 'azurerm_network_security_group':
      return [`network security group name '${str(b.name)}' in ${str(b.resource_group_name)}`];
    default:
      return [];
  }
}

/** `replaced`: addresses the plan replaces (references to them differ between old and new objects). */
export function conflictsOf(objects: readonly LiveObject[], replaced: ReadonlySet<string> = new Set()): Conflict[] {
  const byKey = new Map<string, string[]>();
  for (const o of objects) for (const k of keysOf(o, replaced)) byKey.set(k, [...(byKey.get(k) ?? []), o.address]);
  return [...byKey.entries()]
    .filter(([, os]) => os.length > 1)
    .map(([key, os]) => ({ key, objects: os.sort() }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}
