/**
 * The GCP plan as Terraform resources (plain data, see ../emit.ts), in one
 * of three layouts:
 *
 *   VPC firewall rules    `google_compute_firewall` per rule, matching network
 *                         tags or service accounts (the flat layout);
 *   network policy        with secure tags: a `google_tags_tag_key` (purpose
 *                         GCE_FIREWALL, for the network) and a
 *                         `google_tags_tag_value` per segment, the rules in a
 *                         global network firewall policy associated with the
 *                         network;
 *   + hierarchical        with `guardrails: hierarchical`, besides either: a
 *                         hierarchical firewall policy of the folder or the
 *                         organization holding the deny guardrails, its rules
 *                         limited to the network (`target_resources`).
 *
 * Each rule's Terraform name is its GCP name (unique in the project, derived
 * from the prefix and what the rule is: its identity, direction and peers,
 * never its name or services), so renaming, reordering, widening or
 * narrowing a rule updates it in place, and nothing moves when an unrelated
 * rule changes. Descriptions name the rules.
 */
import { addressOf, defined, Emission, EmittedLifecycle, EmittedResource, MovedBlock, refOf, ResourceList } from '../emit';
import { IdentitiesFile } from '../target';
import { GCP_LOG_CONFIG } from './logging';
import { GcpFirewallPlan, GcpPlan, gcpName } from './plan';

/**
 * A firewall's name is immutable in GCP and derives from its address (both
 * from the rule's identity), so in steady state it never changes; it changes
 * only when an upgrade moves a 0.1.0 address (named after the rule) here.
 * Ignoring it on every firewall whose 0.1.0 name differs keeps the live
 * firewall, under its old name, instead of replacing it (a drop window);
 * no new name can equal an old one, since old names carry rule names and
 * new ones `r<digest>`.
 */
const NAME_KEPT: EmittedLifecycle = { ignore_changes: ['name'] };
/** An exception's `deny` cannot change in place: the new one is created (under a new name) before the old one goes. */
const REPLACED_FIRST: EmittedLifecycle = { create_before_destroy: true };

export interface GcpEmitOptions {
  /** Construct path of the segmentation below the stack (`['gcp']` in the CLI's stack). */
  readonly scope: readonly string[];
  /** The VPC network of every rule: self link, `projects/P/global/networks/N`, name, `${var.…}` or a CDKTF token. */
  readonly network: string;
  /** Project of the rules; absent: the provider's. */
  readonly project?: string;
  /** With secure tags: the tag key's parent (default `projects/<project>`). */
  readonly tagParent?: string;
  /** With hierarchical guardrails: the policy's parent, `folders/N` or `organizations/N` (or a reference). */
  readonly guardrailParent?: string;
  /** Which rules get Firewall Rules Logging (see logging.ts); absent: none. */
  readonly logged?: (f: GcpFirewallPlan) => boolean;
}

export interface GcpEmission extends Emission {
  /** The application layer's rule resources by GCP name. */
  readonly firewalls: ReadonlyMap<string, EmittedResource>;
}

const FIREWALL = 'google_compute_firewall';
export const GCP_LAYER_TYPES = {
  tagKey: 'google_tags_tag_key',
  tagValue: 'google_tags_tag_value',
  networkPolicy: 'google_compute_network_firewall_policy',
  networkPolicyRule: 'google_compute_network_firewall_policy_rule',
  networkPolicyAssociation: 'google_compute_network_firewall_policy_association',
  hierarchicalPolicy: 'google_compute_firewall_policy',
  hierarchicalRule: 'google_compute_firewall_policy_rule',
  hierarchicalAssociation: 'google_compute_firewall_policy_association',
} as const;

export function emitGcp(plan: GcpPlan, opts: GcpEmitOptions): GcpEmission {
  if (plan.identity === 'secureTags' && opts.project === undefined) throw new Error('GCP secure tags need the project (targets.gcp.project, or the construct\'s project)');
  if (plan.hierarchical.length && opts.guardrailParent === undefined) throw new Error('GCP hierarchical guardrails need their parent (targets.gcp.guardrailParent, or the construct\'s guardrailParent)');
  const out = new ResourceList(opts.scope);
  const firewalls = new Map<string, EmittedResource>();
  const moved: MovedBlock[] = [];
  let segments: IdentitiesFile['segments'];
  // A rule's address by its name, for the depends_on of a primary group (found once, not by a scan per entry).
  const idByName = new Map(plan.firewalls.map((f) => [f.name, f.id ?? f.name]));
  if (plan.identity === 'secureTags') {
    const values = emitSecureTags(out, plan, opts);
    const ref = (segs: readonly string[]) => segs.map((s) => ({ name: refOf(values.get(s)!, 'id') }));
    const policy = out.add(GCP_LAYER_TYPES.networkPolicy, ['policy'], defined({ description: `microseg policy ${plan.policy}: the rules`, name: plan.prefix, project: opts.project }), plan.prefix);
    out.add(
      GCP_LAYER_TYPES.networkPolicyAssociation,
      ['policy-association'],
      defined({ attachment_target: networkPath(opts), firewall_policy: refOf(policy, 'name'), name: plan.prefix, project: opts.project }),
      plan.prefix,
    );
    for (const f of plan.firewalls) {
      const body = defined({ ...policyRuleBody(f, ref, opts), firewall_policy: refOf(policy, 'name'), project: opts.project, rule_name: f.name, target_secure_tags: ref(f.targets) });
      const id = f.id ?? f.name;
      const after = f.after?.map((n) => `${GCP_LAYER_TYPES.networkPolicyRule}.${idByName.get(n) ?? n}`);
      firewalls.set(f.name, out.add(GCP_LAYER_TYPES.networkPolicyRule, [id], body, id, undefined, after));
    }
    segments = Object.fromEntries(
      Object.keys(plan.identities).map((s) => [s, { secureTags: [addressOf(values.get(s)!)], secureTagValues: [`${tagNamespace(opts)}/${plan.prefix}/${plan.identities[s]}`] }]),
    );
    if (plan.hierarchical.length) emitHierarchical(out, plan, opts, (segs) => ref(segs));
  } else {
    const byTags = plan.identity === 'tags';
    const ids = (s: readonly string[] | undefined) => (s ? s.map((x) => plan.identities[x]) : undefined);
    for (const f of plan.firewalls) {
      const blocks = f.blocks.map((b) => defined({ ports: b.ports ? [...b.ports] : undefined, protocol: b.protocol }));
      const body = defined({
        [f.action]: blocks,
        description: f.description,
        destination_ranges: f.destinationRanges ? [...f.destinationRanges] : undefined,
        direction: f.direction,
        log_config: opts.logged?.(f) ? { ...GCP_LOG_CONFIG } : undefined,
        name: f.name,
        network: opts.network,
        priority: f.priority,
        project: opts.project,
        ...(f.sourceSegments ? { [byTags ? 'source_tags' : 'source_service_accounts']: ids(f.sourceSegments) } : {}),
        source_ranges: f.sourceRanges ? [...f.sourceRanges] : undefined,
        [byTags ? 'target_tags' : 'target_service_accounts']: ids(f.targets),
      });
      // A primary group waits for its siblings (plan.ts): coverage an edit moves between them is never missing.
      const after = f.after?.map((n) => `${FIREWALL}.${idByName.get(n) ?? n}`);
      // An exception (its own address, a name of its content) is replaced by a new one before the old one goes: never a moment without it.
      const lifecycle = f.id !== undefined ? REPLACED_FIRST : f.formerName ? NAME_KEPT : undefined;
      const added = out.add(FIREWALL, [f.id ?? f.name], body, f.id ?? f.name, lifecycle, after);
      firewalls.set(f.name, added);
      if (f.formerName) moved.push({ from: `${FIREWALL}.${f.formerName}`, to: addressOf(added) });
    }
    segments = Object.fromEntries(Object.entries(plan.identities).map(([s, v]) => [s, byTags ? { networkTags: [v] } : { serviceAccounts: [v] }]));
    // The hierarchical layer cannot match network tags; service accounts only as targets (hierarchical.ts).
    if (plan.hierarchical.length) emitHierarchical(out, plan, opts, byTags ? undefined : (segs) => ids(segs)!);
  }
  return { resources: out.resources, moved, identities: { apiVersion: 'microseg/v1', policy: plan.policy, target: 'gcp', segments }, firewalls };
}

/** The tag key of the policy and a tag value per segment. */
function emitSecureTags(out: ResourceList, plan: GcpPlan, opts: GcpEmitOptions): Map<string, EmittedResource> {
  const key = out.add(
    GCP_LAYER_TYPES.tagKey,
    ['tag-key'],
    defined({
      description: `microseg policy ${plan.policy}: one value per segment`.slice(0, 256),
      parent: opts.tagParent ?? `projects/${opts.project}`,
      purpose: 'GCE_FIREWALL',
      purpose_data: { network: purposeNetwork(opts) },
      short_name: plan.prefix,
    }),
    plan.prefix,
  );
  const values = new Map<string, EmittedResource>();
  for (const [seg, short] of Object.entries(plan.identities)) {
    const body = defined({ description: `microseg segment ${seg}`.slice(0, 256), parent: refOf(key, 'id'), short_name: short });
    values.set(seg, out.add(GCP_LAYER_TYPES.tagValue, ['tag', seg], body, gcpName(`${plan.prefix}-${seg}`)));
  }
  return values;
}

/** The hierarchical policy, its association and its rules; `targetIds` gives a rule's target identities (undefined: the layer matches no identity). */
function emitHierarchical(
  out: ResourceList,
  plan: GcpPlan,
  opts: GcpEmitOptions,
  ids: ((segs: readonly string[]) => unknown[]) | undefined,
): void {
  const name = gcpName(`${plan.prefix}-guardrails`);
  const parent = opts.guardrailParent!;
  const policy = out.add(GCP_LAYER_TYPES.hierarchicalPolicy, ['guardrails'], { description: `microseg policy ${plan.policy}: deny guardrails`, parent, short_name: name }, name);
  out.add(GCP_LAYER_TYPES.hierarchicalAssociation, ['guardrails-association'], { attachment_target: parent, firewall_policy: refOf(policy, 'id'), name }, name);
  const tags = plan.identity === 'secureTags';
  for (const f of plan.hierarchical) {
    const targets = f.targets.length && ids ? ids(f.targets) : undefined;
    const body = defined({
      ...policyRuleBody(f, tags && ids ? (s) => ids(s) : undefined, opts),
      firewall_policy: refOf(policy, 'name'),
      target_resources: [networkPath(opts)],
      ...(targets ? { [tags ? 'target_secure_tags' : 'target_service_accounts']: targets } : {}),
    });
    out.add(GCP_LAYER_TYPES.hierarchicalRule, ['guardrails', f.name], body, gcpName(`${f.name}`));
  }
}

/** What a network and a hierarchical firewall policy rule share: action, direction, priority, match. */
function policyRuleBody(f: GcpFirewallPlan, srcIds: ((segs: readonly string[]) => unknown[]) | undefined, opts: GcpEmitOptions): Record<string, unknown> {
  return {
    action: f.action,
    description: f.description,
    direction: f.direction,
    // Firewall policy rules log by a flag, not a log_config block.
    ...(opts.logged?.(f) ? { enable_logging: true } : {}),
    match: defined({
      dest_ip_ranges: f.destinationRanges ? [...f.destinationRanges] : undefined,
      layer4_configs: f.blocks.map((b) => defined({ ip_protocol: b.protocol, ports: b.ports ? [...b.ports] : undefined })),
      src_ip_ranges: f.sourceRanges ? [...f.sourceRanges] : undefined,
      src_secure_tags: f.sourceSegments && srcIds ? srcIds(f.sourceSegments) : undefined,
    }),
    priority: f.priority,
  };
}

const REF = /^\$\{(.+)\}$/;

/** The network as a partial URL `projects/P/global/networks/N` (association targets, target_resources); a self link or expression as given. */
export function networkPath(opts: Pick<GcpEmitOptions, 'network' | 'project'>): string {
  const n = opts.network;
  if (n.includes('/') || n.includes('${')) return n;
  return opts.project === undefined ? n : `projects/${opts.project}/global/networks/${n}`;
}

/** `purpose_data.network` of the tag key: `{project}/{network name}`. */
function purposeNetwork(opts: GcpEmitOptions): string {
  const project = opts.project!;
  const n = opts.network;
  const m = /(?:^|\/)projects\/([^/]+)\/global\/networks\/([^/]+)$/.exec(n);
  if (m) return `${m[1]}/${m[2]}`;
  const ref = REF.exec(n);
  // An expression: its last path segment is the network's name either way (a name, a partial URL or a self link).
  const name = ref ? `\${basename(${ref[1]})}` : n;
  return `${project}/${name}`;
}

/** Where the tag key's namespaced name starts: the project (or organization) id. */
function tagNamespace(opts: GcpEmitOptions): string {
  const p = opts.tagParent;
  if (p?.startsWith('organizations/')) return p.slice('organizations/'.length);
  if (p?.startsWith('projects/')) return p.slice('projects/'.length);
  return opts.project!;
}
