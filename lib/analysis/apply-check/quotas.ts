/**
 * Quotas the clouds enforce, checked on the live objects of a moment like
 * uniqueness (conflicts.ts): an object that would take its container past
 * the quota is refused, and the apply fails half-way.
 *
 *   AWS    rules per security group, per direction and address family (60):
 *          a CIDR rule counts once in its family, a group reference once in
 *          each, a prefix-list reference its list's max_entries in each
 *          (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups).
 *
 * A replacement created before it is destroyed holds both objects for a
 * while, so a rule moving between two full groups can be refused here.
 */
import { AWS_QUOTAS } from '../../targets/aws/limits';
import { Conflict } from './conflicts';
import { LiveObject } from './moment';

const RULE_TYPES: Record<string, 'ingress' | 'egress'> = { aws_vpc_security_group_ingress_rule: 'ingress', aws_vpc_security_group_egress_rule: 'egress' };

/** `${TYPE.NAME.attr}` → `TYPE.NAME`. */
const target = (v: unknown) => (typeof v === 'string' ? /^\$\{([a-z][a-z0-9_]*\.[A-Za-z_][-A-Za-z0-9_]*)\.[a-z_]+\}$/.exec(v)?.[1] : undefined);

/**
 * `replaced`: addresses the plan replaces: a rule of the old configuration
 * belongs to the old group object, a rule of the new one to the new object.
 */
export function quotaProblems(objects: readonly LiveObject[], replaced: ReadonlySet<string> = new Set(), rulesPerGroup: number = AWS_QUOTAS.rulesPerGroup): Conflict[] {
  // A list's weight: its max_entries; while it is replaced, the larger of its two objects (erring on the unsafe side).
  const entries = new Map<string, number>();
  for (const o of objects) {
    if (o.type !== 'aws_ec2_managed_prefix_list') continue;
    const a = o.address.replace('~deposed', '');
    entries.set(a, Math.max(entries.get(a) ?? 0, Number(o.body.max_entries) || 0));
  }
  const load = new Map<string, { weight: number; objects: string[] }>();
  const add = (key: string, w: number, address: string) => {
    const e = load.get(key) ?? load.set(key, { weight: 0, objects: [] }).get(key)!;
    e.weight += w;
    e.objects.push(address);
  };
  for (const o of objects) {
    const dir = RULE_TYPES[o.type];
    if (!dir) continue;
    const b = o.body;
    const g = target(b.security_group_id) ?? String(b.security_group_id);
    const group = replaced.has(g) ? `${g} (${o.old ? 'old' : 'new'} object)` : g;
    const list = target(b.prefix_list_id);
    const w = list !== undefined ? entries.get(list) ?? 1 : 1;
    const families = b.cidr_ipv4 !== undefined ? [4] : b.cidr_ipv6 !== undefined ? [6] : [4, 6];
    for (const f of families) add(`${dir} IPv${f} rules of group ${group}`, w, o.address);
  }
  return [...load.entries()]
    .filter(([, e]) => e.weight > rulesPerGroup)
    .map(([key, e]) => ({ key: `more than ${rulesPerGroup} ${key}`, objects: e.objects.sort() }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}
