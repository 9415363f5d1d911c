/**
 * `targets.kubernetes`, read once: where each segment's pods live and which
 * labels they carry.
 *
 *   labelPrefix  the label key prefix (default `microseg.io/`): a pod of a
 *                segment carries `<prefix><dimension>: <value>` for every
 *                dimension, so the full label set identifies its segment.
 *   namespace    one namespace for every segment (default `default`);
 *                `namespacePerSegment` (the segment's name) or
 *                `namespaceFromLabel` + `namespaceNames` (a dimension's value, renamed).
 *   namePrefix   prepended to every NetworkPolicy name.
 *   guardrails   `network-policy` (deny guardrails folded into the allows) or
 *                `admin-network-policy` (admin.ts), with `adminPriority`.
 */
import { ResolvedPolicy, ResolvedSegment } from '../../resolve/ir';

export interface KubernetesSettings {
  readonly labelPrefix: string;
  readonly namePrefix: string;
  /** Where deny guardrails go (admin.ts). */
  readonly guardrails: 'network-policy' | 'admin-network-policy';
  readonly adminPriority: number;
  namespaceOf(seg: Pick<ResolvedSegment, 'name' | 'labels'>): string;
  podLabels(seg: Pick<ResolvedSegment, 'labels'>): Record<string, string>;
}

export const DEFAULT_LABEL_PREFIX = 'microseg.io/';
/**
 * AdminNetworkPolicies we write hold Deny rules only, so they may share one
 * priority (two Deny rules matching one connection agree whichever an
 * implementation picks); 20 leaves room above for a platform's own.
 */
export const DEFAULT_ADMIN_PRIORITY = 20;
/** Always present on a namespace since Kubernetes 1.22, immutable: what a namespace selector matches on. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

type Report = (code: string, message: string, path: (string | number)[]) => void;

export function kubernetesSettings(ir: ResolvedPolicy, report: Report): KubernetesSettings {
  const cfg = ir.policy.doc.targets?.kubernetes ?? {};
  const at = (k: string, ...rest: (string | number)[]) => ['targets', 'kubernetes', k, ...rest];
  const labelPrefix = cfg.labelPrefix ?? DEFAULT_LABEL_PREFIX;
  if (!labelPrefix.endsWith('/') || !DNS_SUBDOMAIN.test(labelPrefix.slice(0, -1)) || labelPrefix.length > 254) {
    report('MS9003', `labelPrefix '${labelPrefix}' is not a DNS subdomain followed by '/' (e.g. 'microseg.io/')`, at('labelPrefix'));
  }
  let namespaceOf: (seg: Pick<ResolvedSegment, 'name' | 'labels'>) => string;
  if (cfg.namespacePerSegment) namespaceOf = (seg) => seg.name;
  else if (cfg.namespaceFromLabel !== undefined) {
    const dim = cfg.namespaceFromLabel;
    if (!(dim in (ir.policy.doc.labels ?? {}))) report('MS9003', `namespaceFromLabel '${dim}' is not a label dimension of the policy`, at('namespaceFromLabel'));
    namespaceOf = (seg) => cfg.namespaceNames?.[seg.labels[dim]] ?? seg.labels[dim];
  } else {
    const ns = cfg.namespace ?? 'default';
    namespaceOf = () => ns;
  }
  const names = new Set(ir.segments.map((s) => namespaceOf(s)));
  for (const n of [...names].sort()) {
    if (n === undefined || !DNS_LABEL.test(n) || n.length > 63) report('MS9003', `namespace '${n}' is not a DNS label (lower case, digits and '-', at most 63 characters)`, at('namespace'));
  }
  return {
    labelPrefix,
    namePrefix: cfg.namePrefix ?? '',
    guardrails: cfg.guardrails ?? 'network-policy',
    adminPriority: cfg.adminPriority ?? DEFAULT_ADMIN_PRIORITY,
    namespaceOf,
    podLabels(seg) {
      const out: Record<string, string> = {};
      for (const k of Object.keys(seg.labels).sort()) out[`${labelPrefix}${k}`] = seg.labels[k];
      return out;
    },
  };
}
