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
  ],
  gcp: ['google_compute_firewall', 'google_compute_firewall_policy_rule', 'google_compute_network_firewall_policy_rule'],
};

const IDENTITY_TYPES = new Set(['aws_security_group', 'azurerm_application_security_group', 'azurerm_network_security_group']);

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
  for (const k of Object.keys(compiled).sort()) {
    if (META.has(k)) continue;
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
export function liveTerraform(resources: readonly StateResource[]): Record<string, any> {
  const byId = new Map<string, string>();
  for (const r of resources) if (typeof r.values.id === 'string' && r.values.id !== '') byId.set(r.values.id, `\${${r.type}.${strip(r.name)}.id}`);
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
  for (const r of resources) {
    (resource[r.type] ??= {})[strip(r.name)] = rewrite(r.values, '');
  }
  return { resource };
}

export function drift(ir: ResolvedPolicy, compiled: TargetOutput, state: { kind: 'state' | 'plan'; resources: readonly StateResource[] }, opts: { maxExamples?: number } = {}): DriftReport {
  const target = compiled.target;
  const tf = compiled.terraform as Record<string, any>;
  const want = new Map<string, { type: string; name: string; body: Record<string, any> }>();
  for (const [type, byName] of Object.entries((tf.resource ?? {}) as Record<string, Record<string, any>>)) {
    for (const [name, body] of Object.entries(byName)) want.set(`${type}.${name}`, { type, name, body });
  }
  const types = new Set([...SECURITY_TYPES[target], ...[...want.values()].map((w) => w.type)]);
  const live = new Map<string, StateResource>();
  for (const r of state.resources) if (types.has(r.type)) live.set(shortAddress(r), r);
  const added = [...live.entries()]
    .filter(([a]) => !want.has(a))
    .map(([, r]) => ({ address: r.address, type: r.type, summary: summarise(r) }))
    .sort((a, b) => (a.address < b.address ? -1 : 1));
  const removed = [...want.entries()]
    .filter(([a]) => !live.has(a))
    .map(([a, w]) => ({ address: a, type: w.type, ...(w.body.tags?.['microseg:origins'] ? { origins: String(w.body.tags['microseg:origins']) } : {}) }))
    .sort((a, b) => (a.address < b.address ? -1 : 1));
  const changed = [...want.entries()]
    .filter(([a]) => live.has(a))
    .map(([a, w]) => ({ address: a, type: w.type, fields: changedFields(w.body, live.get(a)!.values, live) }))
    .filter((c) => c.fields.length > 0)
    .sort((a, b) => (a.address < b.address ? -1 : 1));
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
  const v = verifyOutput(ir, target, liveTerraform(state.resources.filter((r) => types.has(r.type))), compiled.identities as any, { maxExamples: opts.maxExamples ?? 20 });
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
