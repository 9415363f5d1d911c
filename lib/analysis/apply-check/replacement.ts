/**
 * What `terraform plan` will do to each resource between two outputs: keep,
 * update in place, replace (destroying first, or creating first when
 * `lifecycle.create_before_destroy` is set), create or destroy. Which
 * attribute changes force a replacement is taken from the providers'
 * resource documentation and schemas (RequiresReplace / ForceNew), per
 * resource type; a type missing from the table is taken to be replaced on
 * any change, so the check can only err on the unsafe side.
 */
import { TerraformJson } from '../../targets/serialise';

export type ChangeAction = 'keep' | 'update' | 'replace' | 'create' | 'destroy';

export interface ResourceChange {
  /** `TYPE.NAME`. */
  readonly address: string;
  readonly type: string;
  readonly action: ChangeAction;
  /** For `replace`: the new configuration sets `lifecycle.create_before_destroy`. */
  readonly createBeforeDestroy: boolean;
  /** For `replace`: the attributes whose change forces it; for `update`: the attributes that change. */
  readonly attributes: readonly string[];
  readonly old?: Record<string, any>;
  readonly new?: Record<string, any>;
}

interface TypeRule {
  /** Top-level attributes whose change forces a new resource. */
  readonly forceNew: readonly string[];
  /** Extra provider logic: a replacement the attribute list alone does not show. */
  readonly replaceWhen?: (a: Record<string, any>, b: Record<string, any>) => string | undefined;
}

/** aws_vpc_security_group_*_rule: "you cannot change the rule's source type" (ModifyPlan in the provider). */
function awsRuleSourceKind(a: Record<string, any>, b: Record<string, any>): string | undefined {
  const kind = (x: Record<string, any>) => ['cidr_ipv4', 'cidr_ipv6', 'prefix_list_id', 'referenced_security_group_id'].find((k) => x[k] !== undefined && x[k] !== null);
  const ka = kind(a);
  const kb = kind(b);
  return ka !== kb ? `${ka ?? 'none'} → ${kb ?? 'none'}` : undefined;
}

/** A Kubernetes object is another object when its kind, name or namespace changes; its spec updates in place. */
function kubernetesIdentity(metadataOf: (x: Record<string, any>) => Record<string, any> | undefined, kindOf: (x: Record<string, any>) => unknown = () => undefined) {
  return (a: Record<string, any>, b: Record<string, any>): string | undefined => {
    const one = (m: unknown) => (Array.isArray(m) ? m[0] : m) as Record<string, any> | undefined;
    const ma = one(metadataOf(a)) ?? {};
    const mb = one(metadataOf(b)) ?? {};
    if (kindOf(a) !== kindOf(b)) return `kind ${String(kindOf(a))} → ${String(kindOf(b))}`;
    if (ma.name !== mb.name) return `metadata.name ${ma.name} → ${mb.name}`;
    if ((ma.namespace ?? 'default') !== (mb.namespace ?? 'default')) return `metadata.namespace ${ma.namespace} → ${mb.namespace}`;
    return undefined;
  };
}

/**
 * Force-new attributes per resource type (terraform-provider-aws 5–6,
 * azurerm 3–4, google 5–6). Attributes not listed update in place.
 */
export const REPLACEMENT_TABLE: Readonly<Record<string, TypeRule>> = {
  aws_security_group: { forceNew: ['name', 'name_prefix', 'description', 'vpc_id'] },
  aws_vpc_security_group_ingress_rule: { forceNew: ['security_group_id'], replaceWhen: awsRuleSourceKind },
  aws_vpc_security_group_egress_rule: { forceNew: ['security_group_id'], replaceWhen: awsRuleSourceKind },
  aws_ec2_managed_prefix_list: { forceNew: ['address_family'] },
  google_compute_firewall: { forceNew: ['name', 'network', 'project', 'direction', 'deny'] },
  // A firewall policy keys its rules by priority: a new priority is a new rule.
  google_compute_network_firewall_policy_rule: { forceNew: ['firewall_policy', 'priority', 'project'] },
  google_compute_firewall_policy_rule: { forceNew: ['firewall_policy', 'priority'] },
  google_compute_network_firewall_policy: { forceNew: ['name', 'project'] },
  google_compute_firewall_policy: { forceNew: ['parent', 'short_name'] },
  google_compute_network_firewall_policy_association: { forceNew: ['attachment_target', 'firewall_policy', 'name', 'project'] },
  google_compute_firewall_policy_association: { forceNew: ['attachment_target', 'firewall_policy', 'name'] },
  google_tags_tag_key: { forceNew: ['parent', 'short_name', 'purpose', 'purpose_data'] },
  google_tags_tag_value: { forceNew: ['parent', 'short_name'] },
  azurerm_network_security_rule: { forceNew: ['name', 'resource_group_name', 'network_security_group_name'] },
  azurerm_network_security_group: { forceNew: ['name', 'location', 'resource_group_name'] },
  azurerm_application_security_group: { forceNew: ['name', 'location', 'resource_group_name'] },
  azurerm_subnet_network_security_group_association: { forceNew: ['subnet_id', 'network_security_group_id'] },
  azurerm_network_interface_security_group_association: { forceNew: ['network_interface_id', 'network_security_group_id'] },
  azurerm_network_interface_application_security_group_association: { forceNew: ['network_interface_id', 'application_security_group_id'] },
  // terraform-provider-kubernetes 2.x: metadata name and namespace are ForceNew, the spec updates in place;
  // a manifest is replaced when its apiVersion/kind or identity changes, updated (server-side apply) otherwise.
  kubernetes_network_policy_v1: { forceNew: [], replaceWhen: kubernetesIdentity((x) => x.metadata) },
  kubernetes_manifest: { forceNew: [], replaceWhen: kubernetesIdentity((x) => x.manifest?.metadata, (x) => `${x.manifest?.apiVersion}/${x.manifest?.kind}`) },
  // Terraform's built-in resource: replaced when triggers_replace changes; we write neither it nor input.
  terraform_data: { forceNew: ['triggers_replace'] },
  azurerm_network_manager_network_group: { forceNew: ['name', 'network_manager_id'] },
  azurerm_network_manager_static_member: { forceNew: ['name', 'network_group_id', 'target_virtual_network_id'] },
  azurerm_network_manager_security_admin_configuration: { forceNew: ['name', 'network_manager_id'] },
  azurerm_network_manager_admin_rule_collection: { forceNew: ['name', 'security_admin_configuration_id'] },
  azurerm_network_manager_admin_rule: { forceNew: ['name', 'admin_rule_collection_id'] },
  // `triggers` and `configuration_ids` update in place: a change re-commits the configuration.
  azurerm_network_manager_deployment: { forceNew: ['network_manager_id', 'location', 'scope_access'] },
};

/** Meta-arguments: Terraform's, not the provider's; they never cause a change of their own. */
const META = new Set(['depends_on', 'lifecycle', 'provider', 'count', 'for_each', '//']);

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function resourcesOf(json: TerraformJson): Map<string, { type: string; body: Record<string, any> }> {
  const out = new Map<string, { type: string; body: Record<string, any> }>();
  for (const [type, byName] of Object.entries<Record<string, any>>(json?.resource ?? {})) {
    for (const [name, body] of Object.entries(byName ?? {})) out.set(`${type}.${name}`, { type, body });
  }
  return out;
}

/** `moved` blocks of the new output: old address → new address. */
export function movesOf(json: TerraformJson): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of (json?.moved as { from: string; to: string }[] | undefined) ?? []) if (m && typeof m.from === 'string' && typeof m.to === 'string') out.set(m.from, m.to);
  return out;
}

/** Classify every resource of the old and the new output, following the new output's `moved` blocks. */
export function classifyChanges(oldJson: TerraformJson, newJson: TerraformJson): ResourceChange[] {
  const oldRes = resourcesOf(oldJson);
  const newRes = resourcesOf(newJson);
  const moves = movesOf(newJson);
  // The old resource each new address inherits (moved ones under their new address).
  const inherited = new Map<string, { type: string; body: Record<string, any> }>();
  for (const [addr, r] of oldRes) inherited.set(moves.get(addr) ?? addr, r);
  const out: ResourceChange[] = [];
  for (const [addr, declared] of newRes) {
    const o = inherited.get(addr);
    const cbd = declared.body?.lifecycle?.create_before_destroy === true;
    if (!o) {
      out.push({ address: addr, type: declared.type, action: 'create', createBeforeDestroy: cbd, attributes: [], new: declared.body });
      continue;
    }
    const r = { type: declared.type, body: withIgnored(o.body, declared.body) };
    const keys = [...new Set([...Object.keys(o.body), ...Object.keys(r.body)])].filter((k) => !META.has(k)).sort();
    const changed = keys.filter((k) => !same(o.body[k], r.body[k]));
    if (changed.length === 0) {
      out.push({ address: addr, type: r.type, action: 'keep', createBeforeDestroy: cbd, attributes: [], old: o.body, new: r.body });
      continue;
    }
    const rule = REPLACEMENT_TABLE[r.type];
    const forced = rule ? changed.filter((k) => rule.forceNew.includes(k)) : changed;
    const extra = rule?.replaceWhen?.(o.body, r.body);
    if (extra) forced.push(`source (${extra})`);
    out.push({
      address: addr,
      type: r.type,
      action: forced.length > 0 ? 'replace' : 'update',
      createBeforeDestroy: cbd,
      attributes: forced.length > 0 ? forced : changed,
      old: o.body,
      new: r.body,
    });
  }
  propagateReplacements(out);
  inheritCreateBeforeDestroy(out);
  const kept = new Set(newRes.keys());
  for (const [addr, r] of oldRes) {
    if (kept.has(moves.get(addr) ?? addr)) continue;
    out.push({ address: addr, type: r.type, action: 'destroy', createBeforeDestroy: false, attributes: [], old: r.body });
  }
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/**
 * What the live object holds after an update: the new configuration, except
 * the attributes `lifecycle.ignore_changes` names, which keep their old
 * values (Terraform neither compares nor writes them).
 */
function withIgnored(old: Record<string, any>, body: Record<string, any>): Record<string, any> {
  const ignored: unknown = body?.lifecycle?.ignore_changes;
  if (!Array.isArray(ignored) || ignored.length === 0) return body;
  const out = { ...body };
  for (const k of ignored) if (typeof k === 'string' && !META.has(k)) out[k] = old[k];
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

/** The addresses a body refers to: `${TYPE.NAME.attr}` anywhere in it, and `depends_on`. */
export function referencesOf(body: Record<string, any> | undefined): Set<string> {
  const out = new Set<string>();
  if (!body) return out;
  const walk = (v: unknown) => {
    if (typeof v === 'string') for (const m of v.matchAll(/\$\{([a-z][a-z0-9_]*)\.([A-Za-z_][-A-Za-z0-9_]*)\./g)) out.add(`${m[1]}.${m[2]}`);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (k !== 'depends_on' && k !== 'lifecycle') walk(x);
  };
  walk(body);
  for (const d of (body.depends_on as string[] | undefined) ?? []) if (typeof d === 'string') out.add(d);
  return out;
}

/**
 * A reference to a replaced resource changes value (its id is new) even
 * when the text does not: the referring attribute changes too, which may in
 * turn force a replacement (an AWS rule's security_group_id). To a fixpoint.
 */
function propagateReplacements(changes: ResourceChange[]): void {
  for (let again = true; again; ) {
    again = false;
    const replaced = new Set(changes.filter((c) => c.action === 'replace').map((c) => c.address));
    changes.forEach((c, i) => {
      if ((c.action !== 'keep' && c.action !== 'update') || !c.new) return;
      const touched = Object.keys(c.new).filter((k) => !META.has(k) && [...referencesOf({ [k]: c.new![k] })].some((a) => replaced.has(a)));
      const attrs = [...new Set([...c.attributes, ...touched])].sort();
      if (attrs.length === c.attributes.length) return;
      const rule = REPLACEMENT_TABLE[c.type];
      const forced = rule ? attrs.filter((k) => rule.forceNew.includes(k)) : attrs;
      changes[i] = { ...c, action: forced.length > 0 ? 'replace' : 'update', attributes: forced.length > 0 ? forced : attrs };
      again = true;
    });
  }
}

/**
 * Terraform forces create_before_destroy onto the replaced dependencies of a
 * resource that sets it (else its own replacement would wait on itself: the
 * new rule needs the new group, the old group waits for the old rule to go,
 * which waits for the new rule). To a fixpoint.
 */
function inheritCreateBeforeDestroy(changes: ResourceChange[]): void {
  const at = new Map(changes.map((c, i) => [c.address, i]));
  const stack = changes.filter((c) => c.createBeforeDestroy).map((c) => c.address);
  while (stack.length) {
    const c = changes[at.get(stack.pop()!)!];
    for (const y of referencesOf(c.new)) {
      const i = at.get(y);
      if (i === undefined || changes[i].action !== 'replace' || changes[i].createBeforeDestroy) continue;
      changes[i] = { ...changes[i], createBeforeDestroy: true };
      stack.push(y);
    }
  }
}

/** Attributes that only describe a resource: changing them changes no flow and no uniqueness key. */
export const DESCRIPTIVE = new Set(['description', 'tags', 'tags_all', 'labels']);

/** Does an update change only descriptive attributes (so it cannot make any moment worse)? */
export function isDescriptiveOnly(c: ResourceChange): boolean {
  // An AWS group's description forces replacement, so only rules and firewalls are exempted by this test.
  return c.action === 'update' && c.attributes.every((a) => DESCRIPTIVE.has(a));
}
