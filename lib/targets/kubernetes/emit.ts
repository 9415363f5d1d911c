/**
 * The Kubernetes plan as Terraform resources (plain data): per segment two
 * `kubernetes_network_policy_v1`s selecting its pods by their full label set.
 *
 * - `<policy>-<segment>-isolate`: both policy types and no rule. Any policy
 *   selecting a pod isolates it in the directions it names, so this one makes
 *   every pod of the segment deny-by-default both ways (NetworkPolicy admits
 *   everything to a pod no policy selects). It depends only on the segment,
 *   so an apply that replaces the allow policy never leaves pods open.
 * - `<policy>-<segment>-allow`: the ingress and egress rules.
 *
 * Segment peers are pod selectors with a namespace selector on the
 * immutable `kubernetes.io/metadata.name` label (omitted when the peer lives
 * in the same namespace); externals are ipBlocks. Blocks that occur once
 * are written as objects, repeated ones as lists, as cdktf writes them.
 *
 * With `guardrails: admin-network-policy`, one `kubernetes_manifest` per
 * segment the deny guardrails reach holds its AdminNetworkPolicy (admin.ts);
 * the manifest is the API object itself, so its fields are camelCase.
 *
 * The CLI names resources `<segment>_isolate`, `<segment>_allow`,
 * `<segment>_guardrails` and `admin_network_policies`; in a stack (`scope`
 * given: the construct's path) they are named from their construct path like
 * every other construct resource, so two segmentations in one stack never
 * share a Terraform address.
 */
import { addressOf, Emission, EmittedResource, ResourceList } from '../emit';
import { IdentitiesFile } from '../target';
import { NAMESPACE_NAME_LABEL } from './settings';
import { PlannedAdminPolicy, PlannedAdminRule } from './admin';
import { KubernetesPlan, PlannedPort, PlannedRule, PlannedSegment } from './plan';

export interface KubernetesEmitOptions {
  /** Construct ids from below the stack to the segmentation construct; absent for the CLI's stack. */
  readonly scope?: readonly string[];
  /** Addresses (`TYPE.NAME`) every NetworkPolicy is created after, e.g. the namespaces it lives in. */
  readonly dependsOn?: readonly string[];
}

export interface KubernetesEmission extends Emission {
  /** Per segment, its two NetworkPolicies. */
  readonly policies: ReadonlyMap<string, { readonly isolate: EmittedResource; readonly allow: EmittedResource }>;
}

export const NETWORK_POLICY = 'kubernetes_network_policy_v1';
export const MANIFEST = 'kubernetes_manifest';
export const ADMIN_NETWORK_POLICY_API = 'policy.networking.k8s.io/v1alpha1';
/** Terraform's built-in resource without attributes: a node in the apply graph, nothing in the cluster. */
export const BARRIER = 'terraform_data';
export const ADMIN_BARRIER = 'admin_network_policies';

function podPeer(plan: KubernetesPlan, local: PlannedSegment, peer: string): Record<string, unknown> {
  const p = plan.segments.find((s) => s.name === peer)!;
  const pods = { pod_selector: { match_labels: p.labels } };
  if (p.namespace === local.namespace) return pods;
  return { namespace_selector: { match_labels: { [NAMESPACE_NAME_LABEL]: p.namespace } }, ...pods };
}

function ruleBody(plan: KubernetesPlan, seg: PlannedSegment, r: PlannedRule): Record<string, unknown> {
  const peers = [
    ...r.segments.map((s) => podPeer(plan, seg, s)),
    ...r.ipBlocks.map((b) => ({ ip_block: b.except.length ? { cidr: b.cidr, except: [...b.except] } : { cidr: b.cidr } })),
  ];
  const body: Record<string, unknown> = { [r.direction === 'ingress' ? 'from' : 'to']: peers };
  if (r.ports !== 'all') {
    body.ports = r.ports.map((p) => {
      const o: Record<string, unknown> = { protocol: p.protocol };
      if (p.port !== undefined) o.port = String(p.port);
      if (p.endPort !== undefined) o.end_port = p.endPort;
      return o;
    });
  }
  return body;
}

function metadata(plan: KubernetesPlan, seg: PlannedSegment, name: string, role: string, rules: readonly PlannedRule[]): Record<string, unknown> {
  const origins = [...new Set(rules.flatMap((r) => r.origins.map((o) => o.name)))].sort();
  return {
    name,
    namespace: seg.namespace,
    labels: { 'app.kubernetes.io/managed-by': 'microseg', [`${plan.settings.labelPrefix}policy`]: plan.policy, [`${plan.settings.labelPrefix}segment`]: seg.name },
    annotations: {
      [`${plan.settings.labelPrefix}role`]: role,
      ...(origins.length ? { [`${plan.settings.labelPrefix}origins`]: origins.join(',') } : {}),
    },
  };
}

/** The Terraform name of a segment's policy: stable, derived from what it is. */
export const policyResourceName = (segment: string, role: 'isolate' | 'allow' | 'guardrails') => `${segment}_${role}`;

/** A segment's pods as an ANP subject or peer: its namespace by its immutable name label, its full label set. */
function podsOf(plan: KubernetesPlan, segment: string): Record<string, unknown> {
  const p = plan.segments.find((s) => s.name === segment)!;
  return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: p.namespace } }, podSelector: { matchLabels: { ...p.labels } } };
}

/** ANP ports: a single port as `portNumber`, a range as `portRange` (its start must be below its end). */
function adminPorts(ports: readonly PlannedPort[]): Record<string, unknown>[] {
  return ports.map((p) => {
    if (p.port === undefined) throw new Error('internal: an AdminNetworkPolicy port needs a number (admin.ts keeps such guardrails out)');
    if (p.endPort === undefined || p.endPort === p.port) return { portNumber: { protocol: p.protocol, port: p.port } };
    return { portRange: { protocol: p.protocol, start: p.port, end: p.endPort } };
  });
}

function adminRule(plan: KubernetesPlan, r: PlannedAdminRule): Record<string, unknown> {
  const peers = r.direction === 'ingress' ? r.segments.map((s) => ({ pods: podsOf(plan, s) })) : r.networks.map((n) => ({ networks: [...n] }));
  const body: Record<string, unknown> = { name: r.name, action: 'Deny', [r.direction === 'ingress' ? 'from' : 'to']: peers };
  if (r.ports !== 'all') body.ports = adminPorts(r.ports);
  return body;
}

function adminManifest(plan: KubernetesPlan, a: PlannedAdminPolicy): Record<string, unknown> {
  const origins = [...new Set([...a.ingress, ...a.egress].map((r) => r.origin.name))].sort();
  const spec: Record<string, unknown> = { priority: a.priority, subject: { pods: podsOf(plan, a.segment) } };
  if (a.ingress.length) spec.ingress = a.ingress.map((r) => adminRule(plan, r));
  if (a.egress.length) spec.egress = a.egress.map((r) => adminRule(plan, r));
  const prefix = plan.settings.labelPrefix;
  return {
    apiVersion: ADMIN_NETWORK_POLICY_API,
    kind: 'AdminNetworkPolicy',
    metadata: {
      name: a.name,
      labels: { 'app.kubernetes.io/managed-by': 'microseg', [`${prefix}policy`]: plan.policy, [`${prefix}segment`]: a.segment },
      annotations: { [`${prefix}role`]: 'guardrails', [`${prefix}origins`]: origins.join(',') },
    },
    spec,
  };
}

/** What a pod of each segment carries: its labels, in its namespace. */
export function kubernetesIdentities(plan: KubernetesPlan): IdentitiesFile {
  const segments: Record<string, { namespace: string; labels: Record<string, string> }> = {};
  for (const s of plan.segments) segments[s.name] = { namespace: s.namespace, labels: { ...s.labels } };
  return { apiVersion: 'microseg/v1', policy: plan.policy, target: 'kubernetes', segments };
}

export function emitKubernetes(plan: KubernetesPlan, opts: KubernetesEmitOptions = {}): KubernetesEmission {
  const out = new ResourceList(opts.scope ?? []);
  // The CLI's names, or (in a stack) none: then the construct path names the resource.
  const add = (type: string, rel: string[], body: Record<string, unknown>, cliName: string, dependsOn: readonly string[] = []): EmittedResource => {
    const r = out.add(type, rel, body, opts.scope ? undefined : cliName);
    return dependsOn.length ? Object.assign(r, { dependsOn: [...dependsOn] }) : r;
  };
  const policies = new Map<string, { isolate: EmittedResource; allow: EmittedResource }>();
  for (const seg of plan.segments) {
    const selector = { match_labels: seg.labels };
    const isolateBody = { metadata: metadata(plan, seg, seg.isolateName, 'isolate', []), spec: { pod_selector: selector, policy_types: ['Ingress', 'Egress'] } };
    const isolate = add(NETWORK_POLICY, [seg.name, 'isolate'], isolateBody, policyResourceName(seg.name, 'isolate'), opts.dependsOn);
    const spec: Record<string, unknown> = { pod_selector: selector, policy_types: ['Ingress', 'Egress'] };
    if (seg.ingress.length) spec.ingress = seg.ingress.map((r) => ruleBody(plan, seg, r));
    if (seg.egress.length) spec.egress = seg.egress.map((r) => ruleBody(plan, seg, r));
    const allowBody = { metadata: metadata(plan, seg, seg.allowName, 'allow', [...seg.ingress, ...seg.egress]), spec };
    policies.set(seg.name, { isolate, allow: add(NETWORK_POLICY, [seg.name, 'allow'], allowBody, policyResourceName(seg.name, 'allow'), opts.dependsOn) });
  }
  const emission = (): KubernetesEmission => ({ resources: out.resources, moved: [], identities: kubernetesIdentities(plan), policies });
  if (plan.admin.length === 0) return emission();
  const manifests = plan.admin.map((a) => add(MANIFEST, [a.segment, 'guardrails'], { manifest: adminManifest(plan, a) }, policyResourceName(a.segment, 'guardrails')));
  // Apply order: an allow policy may admit a flow only once the AdminNetworkPolicy that denies it is in place (moving
  // guardrails from the NetworkPolicies into the layer widens the allows). Every allow policy waits for one barrier
  // that waits for every AdminNetworkPolicy: n + m edges instead of n × m. On the way back, Terraform narrows the
  // allows (their state records the dependency) before it destroys the AdminNetworkPolicies.
  const barrier = add(BARRIER, [ADMIN_BARRIER], {}, ADMIN_BARRIER, manifests.map(addressOf));
  for (const { allow } of policies.values()) Object.assign(allow, { dependsOn: [...(allow.dependsOn ?? []), addressOf(barrier)] });
  return emission();
}
