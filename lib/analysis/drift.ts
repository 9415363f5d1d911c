/**
 * Drift: what the cloud holds (the JSON of `terraform show -json`, of a
 * state or of a plan) against what the policy compiles to.
 *
 * By resource: resources of the segmentation's types that the state has
 * and the compiled output does not (added by hand), the reverse
 * (removed, or never applied; identity resources among them are missing
 * identities), and fields whose live value differs from the compiled one.
 * Resources match by `TYPE.NAME`, module path and index ignored, so the
 * construct may live in a module.
 *
 * By flow: the live resources are turned back into Terraform JSON
 * (literal ids rewritten as references to the resources that carry them)
 * and judged by the verifier's cloud evaluators with the compiled
 * identities.json: every flow the live cloud decides differently from the
 * policy, with the resources that decided it.
 */
import { count } from '../model/words';
import { ResolvedPolicy } from '../resolve/ir';
import { TargetName, TargetOutput } from '../targets/target';
import { Mismatch, verifyOutput, VerifyIssue } from '../verify';

export interface StateResource {
  /** Full address as Terraform prints it (`module.seg.aws_security_group.web[0]`). */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly values: Record<string, any>;
}

export class StateError extends Error {}

/** Managed resources of a `terraform show -json` document: a state's values, or a plan's prior (refreshed) state, else its planned values. */
export function readState(json: unknown): { kind: 'state' | 'plan'; resources: StateResource[] } {
  if (!json || typeof json !== 'object') throw new StateError('not a JSON object');
  const j = json as Record<string, any>;
  const plan = j.planned_values !== undefined || j.resource_changes !== undefined;
  const root = plan ? (j.prior_state?.values?.root_module ?? j.planned_values?.root_module) : j.values?.root_module;
  if (!root) {
    if (j.values === null || (j.values === undefined && j.format_version)) return { kind: plan ? 'plan' : 'state', resources: [] };
    throw new StateError('no values.root_module (state) or planned_values/prior_state (plan): is this the output of `terraform show -json`?');
  }
  const out: StateResource[] = [];
  const walk = (m: Record<string, any>, depth: number) => {
    if (depth > 32) return;
    for (const r of m.resources ?? []) {
      if (!r || typeof r !== 'object' || (r.mode !== undefined && r.mode !== 'managed')) continue;
      if (typeof r.type !== 'string' || typeof r.name !== 'string') continue;
      out.push({ address: String(r.address ?? `${r.type}.${r.name}`), type: r.type, name: r.name, values: r.values ?? {} });
    }
    for (const c of m.child_modules ?? []) walk(c, depth + 1);
  };
  walk(root, 0);
  return { kind: plan ? 'plan' : 'state', resources: out };
}

/** Resource types that decide who may talk to whom, per target: a hand-made one of these is drift. */
export const SECURITY_TYPES: Record<TargetName, readonly string[]> = {
  aws: ['aws_security_group', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule', 'aws_security_group_rule', 'aws_ec2_managed_prefix_list', 'aws_ec2_managed_prefix_list_entry'],
  azure: [
    'azurerm_network_security_group',
    'azurerm_network_security_rule',
    'azurerm_application_security_group',
    'azurerm_subnet_network_security_group_association',
    'azurerm_network_interface_security_group_association',
    'azurerm_network_interface_application_security_group_association',
    'azurerm_network_manager_network_group',
    'azurerm_network_manager_static_member',
    'azurerm_network_manager_security_admin_configuration',
    'azurerm_network_manager_admin_rule_collection',
    'azurerm_network_manager_admin_rule',
    'azurerm_network_manager_deployment',
  ],
  gcp: [
    'google_compute_firewall',
    'google_compute_firewall_policy',
    'google_compute_firewall_policy_rule',
    'google_compute_firewall_policy_association',
    'google_compute_network_firewall_policy',
    'google_compute_network_firewall_policy_rule',
    'google_compute_network_firewall_policy_association',
    'google_tags_tag_key',
    'google_tags_tag_value',
  ],
  kubernetes: ['kubernetes_network_policy_v1', 'kubernetes_network_policy', 'kubernetes_manifest'],
};

const IDENTITY_TYPES = new Set(['aws_security_group', 'azurerm_application_security_group', 'azurerm_network_security_group', 'google_tags_tag_value']);

/** Keys of a compiled body that are Terraform meta-arguments or cdktf metadata, not cloud state. */
const META = new Set(['//', 'depends_on', 'lifecycle', 'provider', 'count', 'for_each', 'timeouts', 'provisioner', 'connection']);

export interface FieldChange {
  readonly field: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

export interface DriftReport {
  readonly policy: string;
  readonly target: TargetName;
  readonly state: 'state' | 'plan';
  readonly inSync: boolean;
  /** In the cloud, not in what the policy compiles to. */
  readonly added: readonly { readonly address: string; readonly type: string; readonly summary: string }[];
  /** Compiled, not in the cloud. */
  readonly removed: readonly { readonly address: string; readonly type: string; readonly origins?: string }[];
  /** Identities (groups, ASGs) of identities.json absent from the cloud, per segment. */
  readonly missingIdentities: readonly { readonly segment: string; readonly identity: string }[];
  readonly changed: readonly { readonly address: string; readonly type: string; readonly fields: readonly FieldChange[] }[];
  /** Flows the live resources decide differently from the policy. */
  readonly flows: {
    readonly verdict: 'equivalent' | 'not-equivalent' | 'inconclusive';
    readonly count: number;
    readonly examples: readonly Mismatch[];
    readonly issues: readonly VerifyIssue[];
  };
}

function strip(name: string): string {
  return name.replace(/\[[^\]]*\]$/, '');
}

/** `TYPE.NAME` of a state resource, module path and index dropped. */
export function shortAddress(r: StateResource): string {
  return `${r.type}.${strip(r.name)}`;
}

const REF = /\$\{(?:data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][-A-Za-z0-9_]*)\.([a-z_][a-z0-9_]*)\}/g;

/** Replace references in a compiled value by the live values they point at; undefined when one cannot be resolved. */
function resolveRefs(v: unknown, live: ReadonlyMap<string, StateResource>): unknown {
  if (typeof v === 'string') {
    if (!v.includes('${')) return v;
    // `$${` is a literal `${` in Terraform JSON (an AWS flow log format): the state holds it unescaped.
    if (v.includes('$${') && !v.replace(/\$\$\{/g, '').includes('${')) return v.replace(/\$\$\{/g, '${');
    let ok = true;
    const whole = /^\$\{([a-z][a-z0-9_]*)\.([A-Za-z_][-A-Za-z0-9_]*)\.([a-z_][a-z0-9_]*)\}$/.exec(v);
    if (whole) {
      const r = live.get(`${whole[1]}.${whole[2]}`);
      return r && r.values[whole[3]] !== undefined ? r.values[whole[3]] : undefined;
    }
    const s = v.replace(REF, (_m, t, n, a) => {
      const r = live.get(`${t}.${n}`);
      if (!r || r.values[a] === undefined) ok = false;
      return r ? String(r.values[a]) : '';
    });
    return ok && !s.includes('${') ? s : undefined;
  }
  if (Array.isArray(v)) {
    const out = v.map((x) => resolveRefs(x, live));
    return out.some((x) => x === undefined) ? undefined : out;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const r = resolveRefs(x, live);
      if (r === undefined) return undefined;
      out[k] = r;
    }
    return out;
  }
  return v;
}

/** Canonical form for comparison: numbers as strings, nulls and empty values dropped, lists as sorted sets (Terraform sets have no order). */
function canon(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (Array.isArray(v)) {
    const items = v.map(canon).filter((x) => x !== undefined);
    if (items.length === 0) return undefined;
    return items.map((x) => JSON.stringify(x)).sort();
  }
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const c = canon((v as Record<string, unknown>)[k]);
      if (c !== undefined) out[k] = c;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v;
}

/** Compare the compiled fields (only those the output sets) with their live values. */
export function changedFields(compiled: Record<string, any>, live: Record<string, any>, resources: ReadonlyMap<string, StateResource>): FieldChange[] {
  const out: FieldChange[] = [];
  // Attributes the output's lifecycle.ignore_changes names (an upgraded rule's old cloud name) are Terraform's to leave alone: no drift.
  const ignored = new Set<string>(Array.isArray(compiled.lifecycle?.ignore_changes) ? compiled.lifecycle.ignore_changes : []);
  for (const k of Object.keys(compiled).sort()) {
    if (META.has(k) || ignored.has(k)) continue;
    const want = resolveRefs(compiled[k], resources);
    // A reference to a resource the state lacks is reported as `removed`, not as a field change.
    if (want === undefined) continue;
    let have = live[k];
    // Providers return single nested blocks as one-element lists.
    if (Array.isArray(have) && have.length === 1 && want && typeof want === 'object' && !Array.isArray(want)) have = have[0];
    let a = canon(want);
    let b = canon(have);
    // Live nested objects carry computed attributes: compare on the keys the output sets.
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      const keep = Object.keys(a);
      b = Object.fromEntries(Object.entries(b).filter(([key]) => keep.includes(key)));
      if (Object.keys(b as object).length === 0) b = undefined;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ field: k, expected: want, actual: have ?? null });
    a = b = undefined;
  }
  return out;
}

/** A one-line summary of a hand-made resource, for reports: ports, peers, direction. */
function summarise(r: StateResource): string {
  const v = r.values;
  const parts: string[] = [];
  for (const k of ['description', 'direction', 'access', 'ip_protocol', 'protocol', 'from_port', 'to_port', 'destination_port_range', 'cidr_ipv4', 'cidr_ipv6', 'source_address_prefix', 'source_ranges', 'target_tags', 'priority']) {
    if (v[k] !== undefined && v[k] !== null && v[k] !== '' && !(Array.isArray(v[k]) && v[k].length === 0)) parts.push(`${k}=${Array.isArray(v[k]) ? v[k].join(',') : v[k]}`);
  }
  if (Array.isArray(v.allow) && v.allow.length) parts.push(`allow=${v.allow.map((a: any) => `${a.protocol}${a.ports?.length ? '/' + a.ports.join(',') : ''}`).join(',')}`);
  return parts.join(' ');
}

/**
 * The live resources as Terraform JSON the verifier reads: `resource.TYPE.NAME`
 * with nulls dropped and literal ids rewritten as `${TYPE.NAME.id}`, so that
 * a rule naming `sg-0abc` refers to the group that has that id.
 */
export function liveTerraform(resources: readonly StateResource[], matched?: ReadonlyMap<string, StateResource>): Record<string, any> {
  // Live resources our output matched are named by their compiled address, so identities.json's references find them.
  const nameOf = new Map<StateResource, string>();
  for (const [addr, r] of matched ?? []) nameOf.set(r, addr.slice(addr.indexOf('.') + 1));
  const used = new Set([...nameOf].map(([r, n]) => `${r.type}.${n}`));
  const all = [...resources, ...inlineRules(resources).map((x) => x.resource)];
  for (const r of all) {
    if (nameOf.has(r)) continue;
    let n = strip(r.name);
    for (let i = 2; used.has(`${r.type}.${n}`); i++) n = `${strip(r.name)}_${i}`;
    used.add(`${r.type}.${n}`);
    nameOf.set(r, n);
  }
  const byId = new Map<string, string>();
  for (const r of all) if (typeof r.values.id === 'string' && r.values.id !== '') byId.set(r.values.id, `\${${r.type}.${nameOf.get(r)}.id}`);
  const rewrite = (v: unknown, key: string): unknown => {
    if (typeof v === 'string') return key !== 'id' && byId.has(v) ? byId.get(v) : v;
    if (Array.isArray(v)) return v.map((x) => rewrite(x, ''));
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (x !== null) o[k] = rewrite(x, k);
      return o;
    }
    return v;
  };
  const resource: Record<string, Record<string, unknown>> = {};
  for (const r of all) {
    const values = rewrite(r.values, '') as Record<string, unknown>;
    // A group's inline lists are judged through the rule resources (inlineRules): never twice.
    if (r.type === 'aws_security_group') {
      delete values.ingress;
      delete values.egress;
    }
    (resource[r.type] ??= {})[nameOf.get(r)!] = values;
  }
  return { resource };
}

const PROTO_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6', all: '-1' };
const protoName = (p: unknown) => PROTO_NAMES[String(p).toLowerCase()] ?? String(p).toLowerCase();

/** One peer of an AWS rule: the unit inline lists and rule resources are compared in. */
function ruleAtoms(groupId: string, dir: 'ingress' | 'egress', r: Record<string, any>, inline: boolean): { key: string; values: Record<string, unknown> }[] {
  const base = { security_group_id: groupId, ip_protocol: protoName(inline ? r.protocol : r.ip_protocol), from_port: r.from_port, to_port: r.to_port, ...(r.description ? { description: r.description } : {}) };
  const peers: Record<string, unknown>[] = inline
    ? [
        ...(r.cidr_blocks ?? []).map((c: string) => ({ cidr_ipv4: c })),
        ...(r.ipv6_cidr_blocks ?? []).map((c: string) => ({ cidr_ipv6: c })),
        ...(r.prefix_list_ids ?? []).map((c: string) => ({ prefix_list_id: c })),
        ...(r.security_groups ?? []).map((c: string) => ({ referenced_security_group_id: c })),
        ...(r.self ? [{ referenced_security_group_id: groupId }] : []),
      ]
    : [Object.fromEntries(['cidr_ipv4', 'cidr_ipv6', 'prefix_list_id', 'referenced_security_group_id'].filter((k) => r[k]).map((k) => [k, r[k]]))];
  // The provider reports an all-protocol rule's ports as 0 (inline) or -1/null (rule resources): the same rule.
  const ports = (v: Record<string, unknown>) => (v.ip_protocol === '-1' ? '' : `${v.from_port ?? ''}-${v.to_port ?? ''}`);
  return peers.map((p) => {
    const values = { ...base, ...p };
    return { key: `${groupId}|${dir}|${values.ip_protocol}|${ports(values)}|${JSON.stringify(p)}`, values };
  });
}

/**
 * Rules a refresh shows only in a group's inline `ingress`/`egress` lists
 * (added in the console or by another tool): each peer not held by a live
 * rule resource, as the rule resource it amounts to.
 */
export function inlineRules(resources: readonly StateResource[]): { address: string; resource: StateResource }[] {
  const held = new Set<string>();
  for (const r of resources) {
    const dir = r.type === 'aws_vpc_security_group_ingress_rule' ? 'ingress' : r.type === 'aws_vpc_security_group_egress_rule' ? 'egress' : undefined;
    if (dir && typeof r.values.security_group_id === 'string') for (const a of ruleAtoms(r.values.security_group_id, dir, r.values, false)) held.add(a.key);
    if (r.type === 'aws_security_group_rule' && typeof r.values.security_group_id === 'string') {
      const v = r.values;
      const dir2 = v.type === 'egress' ? 'egress' : 'ingress';
      const inl = { ...v, security_groups: v.source_security_group_id ? [v.source_security_group_id] : [] };
      for (const a of ruleAtoms(v.security_group_id, dir2, inl, true)) held.add(a.key);
    }
  }
  const out: { address: string; resource: StateResource }[] = [];
  for (const g of resources) {
    if (g.type !== 'aws_security_group' || typeof g.values.id !== 'string') continue;
    for (const dir of ['ingress', 'egress'] as const) {
      (Array.isArray(g.values[dir]) ? g.values[dir] : []).forEach((entry: Record<string, any>, i: number) => {
        for (const [j, a] of ruleAtoms(g.values.id, dir, entry, true).entries()) {
          if (held.has(a.key)) continue;
          const name = `${strip(g.name)}_inline_${dir}_${i}_${j}`;
          out.push({
            address: `${g.address}.${dir}[${i}]`,
            resource: { address: `${g.address}.${dir}[${i}]`, type: `aws_vpc_security_group_${dir}_rule`, name, values: a.values },
          });
        }
      });
    }
  }
  return out;
}

/** Inline-only rules as report entries. */
function inlineAdditions(resources: readonly StateResource[]): { address: string; type: string; summary: string }[] {
  return inlineRules(resources).map((x) => ({ address: x.address, type: 'aws_security_group', summary: `inline ${summarise(x.resource)}` }));
}

/** A compiled resource's identity fields: what names it in the cloud whatever its Terraform address. */
function identityOf(body: Record<string, any>): string | undefined {
  if (typeof body.name === 'string' && !body.name.includes('${')) return `name=${body.name}`;
  const tags = body.tags && typeof body.tags === 'object' ? body.tags : undefined;
  if (tags && typeof tags.Name === 'string' && !tags.Name.includes('${')) return `Name=${tags.Name}`;
  return undefined;
}

function liveIdentity(values: Record<string, any>): string[] {
  const out: string[] = [];
  if (typeof values.name === 'string') out.push(`name=${values.name}`);
  const tags = values.tags && typeof values.tags === 'object' ? values.tags : undefined;
  if (tags && typeof tags.Name === 'string') out.push(`Name=${tags.Name}`);
  return out;
}

/**
 * Match compiled resources to live ones by what they are, not by address:
 * a stack built with our constructs under any construct id, in any module,
 * gives other Terraform addresses. In order: the same `TYPE.NAME`; the
 * same cloud name (`name`, or the `Name` tag); then, repeatedly while it
 * finds more, the same content (every compiled field equal to the live
 * value, references resolved through the matches so far), which is how
 * nameless rule resources (AWS ingress/egress rules) are recognised once
 * their groups are.
 */
export function matchResources(
  want: ReadonlyMap<string, { type: string; name: string; body: Record<string, any> }>,
  live: readonly StateResource[],
): Map<string, StateResource> {
  const matched = new Map<string, StateResource>();
  const taken = new Set<StateResource>();
  const byAddress = new Map<string, StateResource>();
  for (const r of live) if (!byAddress.has(shortAddress(r))) byAddress.set(shortAddress(r), r);
  const byIdentity = new Map<string, StateResource[]>();
  for (const r of live) for (const k of liveIdentity(r.values)) {
    const key = `${r.type}|${k}`;
    byIdentity.set(key, [...(byIdentity.get(key) ?? []), r]);
  }
  const take = (addr: string, r: StateResource) => {
    matched.set(addr, r);
    taken.add(r);
  };
  for (const [addr, w] of want) {
    const r = byAddress.get(addr);
    if (r && r.type === w.type) take(addr, r);
  }
  for (const [addr, w] of want) {
    if (matched.has(addr)) continue;
    const id = identityOf(w.body);
    const cands = id ? (byIdentity.get(`${w.type}|${id}`) ?? []).filter((r) => !taken.has(r)) : [];
    if (cands.length === 1) take(addr, cands[0]);
  }
  for (let progress = true; progress; ) {
    progress = false;
    for (const [addr, w] of want) {
      if (matched.has(addr)) continue;
      const hit = live.find((r) => !taken.has(r) && r.type === w.type && contentMatches(w.body, r.values, matched));
      if (hit) {
        take(addr, hit);
        progress = true;
      }
    }
  }
  return matched;
}

function contentMatches(body: Record<string, any>, values: Record<string, any>, matched: ReadonlyMap<string, StateResource>): boolean {
  // Every reference must resolve: a rule is only recognised once what it points at is.
  for (const k of Object.keys(body)) if (!META.has(k) && resolveRefs(body[k], matched) === undefined) return false;
  return changedFields(body, values, matched).length === 0;
}

/** What each target's resources are called in a message. */
const CLOUD_NAMES: Record<TargetName, string> = { aws: 'AWS', azure: 'Azure', gcp: 'GCP', kubernetes: 'Kubernetes' };

/**
 * A state that holds resources but none of the target's types is the wrong
 * file (another cloud's state, another project's): a usage error, not
 * "every resource removed". An empty state is a state where nothing was
 * applied yet, and stays drift.
 */
export function checkStateTarget(target: TargetName, state: { resources: readonly StateResource[] }): void {
  if (state.resources.length === 0) return;
  const ours = new Set(SECURITY_TYPES[target]);
  if (state.resources.some((r) => ours.has(r.type))) return;
  const types = [...new Set(state.resources.map((r) => r.type))].sort();
  throw new StateError(`this state holds no ${CLOUD_NAMES[target]} resources (it holds ${types.slice(0, 4).join(', ')}${types.length > 4 ? ', …' : ''}): is it the state of another target?`);
}

export function drift(ir: ResolvedPolicy, compiled: TargetOutput, state: { kind: 'state' | 'plan'; resources: readonly StateResource[] }, opts: { maxExamples?: number } = {}): DriftReport {
  const target = compiled.target;
  const tf = compiled.terraform as Record<string, any>;
  const want = new Map<string, { type: string; name: string; body: Record<string, any> }>();
  for (const [type, byName] of Object.entries((tf.resource ?? {}) as Record<string, Record<string, any>>)) {
    for (const [name, body] of Object.entries(byName)) want.set(`${type}.${name}`, { type, name, body });
  }
  const types = new Set([...SECURITY_TYPES[target], ...[...want.values()].map((w) => w.type)]);
  const ours = state.resources.filter((r) => types.has(r.type));
  const matched = matchResources(want, ours);
  const matchedLive = new Set(matched.values());
  const added = ours
    .filter((r) => !matchedLive.has(r))
    .map((r) => ({ address: r.address, type: r.type, summary: summarise(r) }))
    .concat(inlineAdditions(ours))
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const removed = [...want.entries()]
    .filter(([a]) => !matched.has(a))
    .map(([a, w]) => ({ address: a, type: w.type, ...(w.body.tags?.['microseg:origins'] ? { origins: String(w.body.tags['microseg:origins']) } : {}) }))
    .sort((a, b) => (a.address < b.address ? -1 : 1));
  const changed = [...want.entries()]
    .filter(([a]) => matched.has(a))
    .map(([a, w]) => ({ address: a, type: w.type, fields: changedFields(w.body, matched.get(a)!.values, matched) }))
    .filter((c) => c.fields.length > 0)
    .sort((a, b) => (a.address < b.address ? -1 : 1));
  const live = matched;
  const missingIdentities: { segment: string; identity: string }[] = [];
  for (const [segment, ids] of Object.entries(compiled.identities.segments)) {
    for (const list of Object.values(ids)) {
      for (const id of (list ?? []) as string[]) {
        const m = /^\$\{([a-z][a-z0-9_]*)\.([^.]+)\.[a-z_]+\}$/.exec(id);
        const addr = m ? `${m[1]}.${m[2]}` : id;
        if (IDENTITY_TYPES.has(addr.split('.')[0]) && !live.has(addr)) missingIdentities.push({ segment, identity: addr });
      }
    }
  }
  const v = verifyOutput(ir, target, liveTerraform(ours, matched), compiled.identities as any, { maxExamples: opts.maxExamples ?? 20 });
  const flows = { verdict: v.verdict, count: v.mismatchCount, examples: v.mismatches, issues: v.issues };
  return {
    policy: ir.name,
    target,
    state: state.kind,
    inSync: added.length === 0 && removed.length === 0 && changed.length === 0 && missingIdentities.length === 0 && v.mismatchCount === 0,
    added,
    removed,
    missingIdentities,
    changed,
    flows,
  };
}

export function driftText(r: DriftReport): string {
  const out: string[] = [];
  for (const a of r.added) out.push(`added     ${a.address}  ${a.summary}`);
  for (const a of r.removed) out.push(`removed   ${a.address}${a.origins ? `  (${a.origins})` : ''}`);
  for (const m of r.missingIdentities) out.push(`missing   identity ${m.identity} of segment ${m.segment}`);
  for (const c of r.changed) for (const f of c.fields) out.push(`changed   ${c.address}.${f.field}: ${JSON.stringify(f.expected)} -> ${JSON.stringify(f.actual)}`);
  for (const m of r.flows.examples) {
    const end = (e: { segment?: string; address: string }) => (e.segment ? `${e.segment}@${e.address}` : e.address);
    const by = [...(m.output.egress ?? []), ...(m.output.ingress ?? [])].join('; ');
    out.push(`flow      ${m.kind} ${end(m.from)} -> ${end(m.to)} ${m.service} (${m.atom}): policy ${m.expected}, cloud ${m.actual}${by ? ` [${by}]` : ''}`);
  }
  out.push(
    r.inSync
      ? `${r.target}: in sync with policy '${r.policy}'`
      : `${r.target}: drift: ${r.added.length} added, ${r.removed.length} removed, ${r.changed.length} changed, ${count(r.missingIdentities.length, 'missing identity', 'missing identities')}, ${count(r.flows.count, 'flow')} decided differently (${r.flows.verdict})`,
  );
  return out.join('\n') + '\n';
}

export function driftMarkdown(r: DriftReport): string {
  const out = [`## Drift: ${r.policy} on ${r.target}`, '', r.inSync ? 'The cloud matches the policy.' : `**Drift.** ${r.flows.count === 1 ? '1 flow is' : `${r.flows.count} flows are`} decided differently from the policy.`, ''];
  if (r.added.length) out.push('### Added by hand', '', ...r.added.map((a) => `- \`${a.address}\` ${a.summary}`), '');
  if (r.removed.length) out.push('### Missing from the cloud', '', ...r.removed.map((a) => `- \`${a.address}\`${a.origins ? ` (${a.origins})` : ''}`), '');
  if (r.changed.length) out.push('### Changed', '', ...r.changed.flatMap((c) => c.fields.map((f) => `- \`${c.address}\` \`${f.field}\`: \`${JSON.stringify(f.expected)}\` → \`${JSON.stringify(f.actual)}\``)), '');
  if (r.flows.examples.length) {
    out.push('### Flows', '', '| kind | from | to | service | policy | cloud |', '|---|---|---|---|---|---|');
    for (const m of r.flows.examples) out.push(`| ${m.kind} | ${m.from.segment ?? m.from.address} | ${m.to.segment ?? m.to.address} | ${m.service} | ${m.expected} | ${m.actual} |`);
    out.push('');
  }
  return out.join('\n');
}
