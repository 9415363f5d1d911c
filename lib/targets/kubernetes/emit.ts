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
 */
import { NAMESPACE_NAME_LABEL } from './settings';
import { KubernetesPlan, PlannedRule, PlannedSegment } from './plan';

export interface EmittedResource {
  readonly type: string;
  readonly name: string;
  readonly body: Readonly<Record<string, unknown>>;
}

export const NETWORK_POLICY = 'kubernetes_network_policy_v1';

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
export const policyResourceName = (segment: string, role: 'isolate' | 'allow') => `${segment}_${role}`;

export function emitKubernetes(plan: KubernetesPlan): EmittedResource[] {
  const out: EmittedResource[] = [];
  for (const seg of plan.segments) {
    const selector = { match_labels: seg.labels };
    out.push({
      type: NETWORK_POLICY,
      name: policyResourceName(seg.name, 'isolate'),
      body: { metadata: metadata(plan, seg, seg.isolateName, 'isolate', []), spec: { pod_selector: selector, policy_types: ['Ingress', 'Egress'] } },
    });
    const spec: Record<string, unknown> = { pod_selector: selector, policy_types: ['Ingress', 'Egress'] };
    if (seg.ingress.length) spec.ingress = seg.ingress.map((r) => ruleBody(plan, seg, r));
    if (seg.egress.length) spec.egress = seg.egress.map((r) => ruleBody(plan, seg, r));
    out.push({
      type: NETWORK_POLICY,
      name: policyResourceName(seg.name, 'allow'),
      body: { metadata: metadata(plan, seg, seg.allowName, 'allow', [...seg.ingress, ...seg.egress]), spec },
    });
  }
  return out;
}
