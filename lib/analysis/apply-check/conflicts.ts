/**
 * Uniqueness the clouds enforce, checked on the live objects of a moment:
 * two objects with one key cannot both exist, so the apply that would
 * make the second one fails half-way.
 *
 *   GCP    firewall names, per project
 *   AWS    group names, per VPC; rule content, per group (InvalidPermission.Duplicate)
 *   Azure  rule names per NSG; priorities per NSG and direction;
 *          ASG and NSG names per resource group
 */
import { LiveObject } from './moment';

export interface Conflict {
  /** What must be unique, e.g. `priority 210 inbound in NSG …`. */
  readonly key: string;
  /** The colliding objects (`~deposed`: the old object of a created-before-destroyed replacement). */
  readonly objects: readonly string[];
}

const str = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

function keysOf(o: LiveObject): string[] {
  const b = o.body;
  switch (o.type) {
    case 'google_compute_firewall':
      return [`firewall name '${str(b.name)}' in project ${str(b.project) || '(provider default)'}`];
    case 'aws_security_group':
      return b.name !== undefined ? [`group name '${str(b.name)}' in VPC ${str(b.vpc_id)}`] : [];
    case 'aws_vpc_security_group_ingress_rule':
    case 'aws_vpc_security_group_egress_rule': {
      const peer = b.cidr_ipv4 ?? b.cidr_ipv6 ?? b.prefix_list_id ?? b.referenced_security_group_id;
      const dir = o.type.includes('ingress') ? 'ingress' : 'egress';
      return [`${dir} rule ${str(b.ip_protocol)} ${str(b.from_port)}-${str(b.to_port)} ${str(peer)} in group ${str(b.security_group_id)}`];
    }
    case 'azurerm_network_security_rule': {
      const nsg = `${str(b.resource_group_name)}/${str(b.network_security_group_name)}`;
      return [`rule name '${str(b.name)}' in NSG ${nsg}`, `priority ${str(b.priority)} ${str(b.direction)} in NSG ${nsg}`];
    }
    case 'azurerm_application_security_group':
      return [`application security group name '${str(b.name)}' in ${str(b.resource_group_name)}`];
    case 'azurerm_network_security_group':
      return [`network security group name '${str(b.name)}' in ${str(b.resource_group_name)}`];
    default:
      return [];
  }
}

export function conflictsOf(objects: readonly LiveObject[]): Conflict[] {
  const byKey = new Map<string, string[]>();
  for (const o of objects) for (const k of keysOf(o)) byKey.set(k, [...(byKey.get(k) ?? []), o.address]);
  return [...byKey.entries()]
    .filter(([, os]) => os.length > 1)
    .map(([key, os]) => ({ key, objects: os.sort() }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}
