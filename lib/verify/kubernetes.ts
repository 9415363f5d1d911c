/**
 * Kubernetes NetworkPolicies, evaluated the way the API defines them:
 *  - a pod is isolated for a direction only when some policy in its
 *    namespace selects it (`podSelector`) and names that direction in
 *    `policyTypes` (default: Ingress, plus Egress when the policy has egress
 *    rules); a pod no policy selects admits everything that way;
 *  - an isolated pod admits what the union of every selecting policy's rules
 *    admits (allows only, order never matters); a flow needs the source's
 *    egress and the destination's ingress;
 *  - a rule admits each of its peers × each of its ports; no `from`/`to`:
 *    every peer; no `ports`: every protocol and port; a port without a number:
 *    every port of its protocol (default TCP); `end_port` makes a range;
 *  - peers: `podSelector` (pods of the policy's namespace), `namespaceSelector`
 *    (every pod of the matching namespaces, narrowed by a podSelector beside
 *    it), `ipBlock` (`cidr` minus `except`, matching any address, pods'
 *    included, as conformance tests use it).
 * A workload of a segment is a pod carrying the segment's labels in its
 * namespace (identities.json). A selector that could also match a pod that
 * is no segment's workload (no positive requirement on some label of the
 * policy, or namespaces not named) is taken to match any address: outside
 * pods may hold any. Namespaces are known by `kubernetes.io/metadata.name`
 * only; a namespace selector on other labels is reported, never guessed.
 * Not modelled, as the API leaves them to the node: traffic from a pod's own
 * node (always allowed) and return traffic of an admitted connection.
 * AdminNetworkPolicies come first in each chain (kubernetes-admin.ts).
 */
import { AddressSet } from '../net/address';
import { PortSet } from '../net/ports';
import { awsTolerance } from './aws';
import { Boundaries, Chain, CloudModel, cloudModel, Direction, EndpointMatch, NormRule, PROTO, ProtoMatch } from './model';
import { IdentitiesLike, isExpression, TerraformDoc, TfResource } from './terraform';
import { readAdminPolicies } from './kubernetes-admin';
import { Layer, stackLayers } from './layers';

const POLICY_TYPES = ['kubernetes_network_policy_v1', 'kubernetes_network_policy'];
const NS_LABEL = 'kubernetes.io/metadata.name';
/** Policy kinds that change admission, when written through kubernetes_manifest. */
const UNMODELLED_KINDS = /^(NetworkPolicy|BaselineAdminNetworkPolicy|ClusterNetworkPolicy|CiliumNetworkPolicy|CiliumClusterwideNetworkPolicy|GlobalNetworkPolicy)$/;

type Labels = Readonly<Record<string, string>>;

/** Every peer: a rule without `from`/`to`, or a pod no policy isolates. */
const ANY_MATCH: EndpointMatch = { ids: new Set(), addrs: AddressSet.ALL };

/**
 * NetworkPolicy, allow-only like security groups, enforces deny guardrails by
 * excepting addresses from ipBlocks exactly as AWS subtracts them from CIDRs:
 * the same permitted deviation (stricter at shared addresses), nothing else.
 */
export const kubernetesTolerance = awsTolerance;

interface Pod {
  readonly segment: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly token: string;
}

interface Requirement {
  readonly key: string;
  readonly op: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: readonly string[];
}

/** A label selector; undefined in a rule means "not given". */
type Selector = readonly Requirement[];

function matches(sel: Selector, labels: Labels): boolean {
  return sel.every((r) => {
    const v = labels[r.key];
    if (r.op === 'In') return v !== undefined && r.values.includes(v);
    if (r.op === 'NotIn') return v === undefined || !r.values.includes(v);
    if (r.op === 'Exists') return v !== undefined;
    return v === undefined;
  });
}

/** Values a selector allows for a key, when it requires one of a finite set; undefined otherwise. */
function positiveValues(sel: Selector, key: string): Set<string> | undefined {
  let out: Set<string> | undefined;
  for (const r of sel) {
    if (r.key !== key || r.op !== 'In') continue;
    out = out ? new Set(r.values.filter((v) => out!.has(v))) : new Set(r.values);
  }
  return out;
}

class KubernetesReader {
  readonly bounds = new Boundaries();
  readonly pods: Pod[] = [];
  /** Per segment and direction: the rules of the policies that isolate it, or undefined (not isolated). */
  private readonly isolating = new Map<string, NormRule[]>();
  /** Per segment and direction: the layer of AdminNetworkPolicy rules evaluated before any NetworkPolicy. */
  private readonly admin: Map<string, Layer>;
  private readonly dims: string[];

  constructor(
    readonly doc: TerraformDoc,
    identities: IdentitiesLike,
    segments: readonly string[],
  ) {
    for (const s of segments) {
      const e = identities?.segments?.[s] as { namespace?: unknown; labels?: unknown } | undefined;
      const where = `identities.json segments.${s}`;
      if (!e || typeof e.namespace !== 'string' || !e.labels || typeof e.labels !== 'object' || Object.values(e.labels).some((v) => typeof v !== 'string')) {
        doc.issue('MS7012', `${where} needs a namespace and a map of labels`);
        continue;
      }
      const labels = e.labels as Labels;
      const token = `pods:${e.namespace}/${Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',')}`;
      if (this.pods.some((p) => p.token === token)) doc.issue('MS7012', `${where}: another segment's pods carry the same labels in the same namespace`);
      this.pods.push({ segment: s, namespace: e.namespace, labels, token });
    }
    this.dims = [...new Set(this.pods.flatMap((p) => Object.keys(p.labels)))].sort();
    for (const r of doc.ofType('kubernetes_manifest')) {
      const kind = (r.body.manifest as Record<string, unknown> | undefined)?.kind;
      if (typeof kind === 'string' && UNMODELLED_KINDS.test(kind)) doc.issue('MS7011', `${r.address}: a ${kind} changes what is admitted but is not modelled by the verifier`, r.address);
    }
    for (const t of POLICY_TYPES) for (const r of doc.ofType(t)) this.policy(r);
    // An API object's selectors (camelCase): the namespaces they match among the pods', and the pod selector.
    const camel = { labels: 'matchLabels', exprs: 'matchExpressions' };
    const selected = (nsSel: unknown, podSel: unknown, where: string) => {
      const ns = this.selector(nsSel, `${where} namespaceSelector`, camel);
      const pods = this.selector(podSel, `${where} podSelector`, camel);
      const names = ns && this.namespaces(ns, `${where} namespaceSelector`);
      return names && pods ? { names, pods } : undefined;
    };
    this.admin = readAdminPolicies(doc, {
      subject: (nsSel, podSel, where) => {
        const s = selected(nsSel, podSel, where);
        return s && this.pods.filter((p) => s.names.names.has(p.namespace) && matches(s.pods, p.labels)).map((p) => p.segment);
      },
      pods: (nsSel, podSel, where) => {
        const s = selected(nsSel, podSel, where);
        return s && this.peerPods(s.names, s.pods);
      },
      note: (pm) => this.bounds.note(pm),
    });
  }

  /**
   * The AdminNetworkPolicy layer first (first match decides, Allow and Deny final; a packet none matches goes on),
   * then the NetworkPolicies: one layered chain (layers.ts).
   */
  chain(segment: string, dir: Direction): Chain[] {
    const admin = this.admin.get(`${segment}|${dir}`);
    const rules = this.isolating.get(`${segment}|${dir}`);
    const own: Layer = rules
      ? { name: `NetworkPolicies selecting ${segment}`, rules }
      : {
          name: `pods of ${segment}`,
          rules: [{ action: 'allow', local: [], peer: ANY_MATCH, protos: [{ all: true, protos: new Set() }], origin: 'kubernetes', label: `no NetworkPolicy isolates the ${dir} of these pods (everything admitted)` }],
        };
    if (!admin) return [own];
    return [{ name: `${admin.name}, then ${own.name}`, rules: stackLayers([admin, own]) }];
  }

  private one(v: unknown, where: string): Record<string, any> | undefined {
    if (v === undefined || v === null) return undefined;
    const l = Array.isArray(v) ? v : [v];
    if (l.length === 0) return undefined;
    if (l.length > 1 || typeof l[0] !== 'object' || l[0] === null) {
      this.doc.issue('MS7011', `${where}: expected one block`, where.split(' ')[0]);
      return undefined;
    }
    return l[0] as Record<string, any>;
  }

  /** A label selector; Terraform's blocks spell its keys in snake_case, an API object (a manifest) in camelCase. */
  private selector(v: unknown, where: string, keys = { labels: 'match_labels', exprs: 'match_expressions' }): Selector | undefined {
    const b = this.one(v, where);
    if (!b) return [];
    const out: Requirement[] = [];
    const ml = b[keys.labels] ?? {};
    if (typeof ml !== 'object' || Array.isArray(ml)) {
      this.doc.issue('MS7010', `${where}: cannot evaluate match_labels`, where.split(' ')[0]);
      return undefined;
    }
    for (const [k, val] of Object.entries(ml)) {
      // A `${…}` value is a Terraform expression, not a label value: reading it as one would guess.
      if (typeof val !== 'string' || isExpression(val)) {
        this.doc.issue('MS7010', `${where}: cannot evaluate label ${k} = ${JSON.stringify(val)}`, where.split(' ')[0]);
        return undefined;
      }
      out.push({ key: k, op: 'In', values: [val] });
    }
    for (const e of this.doc.list(b, keys.exprs, where) as Record<string, any>[]) {
      const op = e?.operator;
      if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(op) || typeof e.key !== 'string') {
        this.doc.issue('MS7011', `${where}: invalid match expression ${JSON.stringify(e)}`, where.split(' ')[0]);
        return undefined;
      }
      const values = this.doc.list(e, 'values', where).map(String);
      if (isExpression(e.key) || values.some(isExpression)) {
        this.doc.issue('MS7010', `${where}: cannot evaluate the match expression ${JSON.stringify(e)}`, where.split(' ')[0]);
        return undefined;
      }
      out.push({ key: e.key, op, values });
    }
    return out;
  }

  /** Namespaces a namespace selector matches among those of the pods; `open`: it may match other namespaces too. */
  private namespaces(sel: Selector, where: string): { names: Set<string>; open: boolean } | undefined {
    if (sel.some((r) => r.key !== NS_LABEL)) {
      this.doc.issue('MS7010', `${where}: a namespace selector on labels other than ${NS_LABEL} cannot be evaluated`, where.split(' ')[0]);
      return undefined;
    }
    const known = new Set(this.pods.map((p) => p.namespace));
    const names = new Set([...known].filter((n) => matches(sel, { [NS_LABEL]: n })));
    return { names, open: positiveValues(sel, NS_LABEL) === undefined };
  }

  /** Segments' pods a selector pair matches, and whether it may match pods that are no segment's. */
  private peerPods(namespaces: { names: Set<string>; open: boolean }, pods: Selector): EndpointMatch {
    const ids = new Set(this.pods.filter((p) => namespaces.names.has(p.namespace) && matches(pods, p.labels)).map((p) => p.token));
    return { ids, addrs: namespaces.open || this.mayMatchOutside([...namespaces.names], pods) ? AddressSet.ALL : AddressSet.EMPTY };
  }

  /** Could a pod carrying no segment's full label set match? Only not when every combination the selector admits is a segment's. */
  private mayMatchOutside(namespaces: readonly string[], sel: Selector): boolean {
    if (this.dims.length === 0) return true;
    let combos: Record<string, string>[] = [{}];
    for (const k of this.dims) {
      const vals = positiveValues(sel, k);
      if (!vals) return true;
      combos = combos.flatMap((c) => [...vals].map((v) => ({ ...c, [k]: v })));
      if (combos.length > 4096) return true;
    }
    for (const ns of namespaces) {
      for (const c of combos) {
        if (!matches(sel, c)) continue;
        if (!this.segmentPod(ns, c)) return true;
      }
    }
    return false;
  }

  /** Is a pod with these values of every label dimension, in this namespace, some segment's? */
  private segmentPod(namespace: string, combo: Record<string, string>): boolean {
    return this.pods.some((p) => p.namespace === namespace && this.dims.every((k) => p.labels[k] === combo[k]));
  }

  private peer(item: Record<string, any>, ns: string, where: string): EndpointMatch | undefined {
    const hasBlock = item.ip_block !== undefined && item.ip_block !== null && !(Array.isArray(item.ip_block) && item.ip_block.length === 0);
    const hasSel = ['pod_selector', 'namespace_selector'].some((k) => item[k] !== undefined && item[k] !== null && !(Array.isArray(item[k]) && item[k].length === 0));
    if (hasBlock === hasSel) {
      this.doc.issue('MS7011', `${where}: a peer needs an ip_block or selectors, not ${hasBlock ? 'both' : 'neither'}`, where.split(' ')[0]);
      return undefined;
    }
    if (hasBlock) {
      const b = this.one(item.ip_block, `${where} ip_block`);
      if (!b) return undefined;
      const cidr = this.doc.cidrs([b.cidr], where);
      const except = this.doc.cidrs(this.doc.list(b, 'except', where), where);
      if (!cidr.ok || !except.ok) return undefined;
      return { ids: new Set(), addrs: cidr.set.subtract(except.set) };
    }
    const pods = item.pod_selector === undefined || item.pod_selector === null ? [] : this.selector(item.pod_selector, `${where} pod_selector`);
    if (!pods) return undefined;
    if (item.namespace_selector === undefined || item.namespace_selector === null) return this.peerPods({ names: new Set([ns]), open: false }, pods);
    const nsSel = this.selector(item.namespace_selector, `${where} namespace_selector`);
    const names = nsSel && this.namespaces(nsSel, `${where} namespace_selector`);
    return names ? this.peerPods(names, pods) : undefined;
  }

  private ports(rule: Record<string, any>, where: string): ProtoMatch[] | undefined {
    const list = this.doc.list(rule, 'ports', where) as Record<string, any>[];
    if (list.length === 0) return [{ all: true, protos: new Set() }];
    const out: ProtoMatch[] = [];
    for (const p of list) {
      const proto = { TCP: PROTO.TCP, UDP: PROTO.UDP, SCTP: PROTO.SCTP }[String(p?.protocol ?? 'TCP') as 'TCP'];
      if (proto === undefined) {
        this.doc.issue('MS7011', `${where}: protocol ${JSON.stringify(p?.protocol)} is not TCP, UDP or SCTP`, where.split(' ')[0]);
        return undefined;
      }
      let ports: PortSet | undefined;
      if (p.port !== undefined && p.port !== null) {
        if (!/^\d+$/.test(String(p.port))) {
          this.doc.issue('MS7010', `${where}: named port ${JSON.stringify(p.port)} depends on the pods' container ports and cannot be evaluated`, where.split(' ')[0]);
          return undefined;
        }
        const lo = Number(p.port);
        const hi = p.end_port === undefined || p.end_port === null ? lo : this.doc.int(p.end_port, where);
        if (hi === undefined || lo < 1 || hi > 65535 || hi < lo) {
          this.doc.issue('MS7011', `${where}: invalid port range ${lo}-${hi}`, where.split(' ')[0]);
          return undefined;
        }
        ports = PortSet.range(lo, hi);
      }
      const pm: ProtoMatch = { all: false, protos: new Set([proto]), ports };
      this.bounds.note(pm);
      out.push(pm);
    }
    return out;
  }

  private policy(r: TfResource): void {
    const meta = this.one(r.body.metadata, `${r.address} metadata`);
    const spec = this.one(r.body.spec, `${r.address} spec`);
    if (!spec) {
      this.doc.issue('MS7011', `${r.address}: no spec`, r.address);
      return;
    }
    const ns = typeof meta?.namespace === 'string' && !isExpression(meta.namespace) ? meta.namespace : meta?.namespace === undefined ? 'default' : undefined;
    if (ns === undefined) {
      this.doc.issue('MS7010', `${r.address}: cannot evaluate metadata.namespace`, r.address);
      return;
    }
    const selected = this.selector(spec.pod_selector, `${r.address} pod_selector`);
    if (!selected) return;
    const egressRules = this.doc.list(spec, 'egress', r.address) as Record<string, any>[];
    const typesRaw = spec.policy_types;
    const types = typesRaw === undefined || typesRaw === null ? ['Ingress', ...(egressRules.length ? ['Egress'] : [])] : this.doc.list(spec, 'policy_types', r.address).map(String);
    for (const dir of ['ingress', 'egress'] as const) {
      if (!types.includes(dir === 'ingress' ? 'Ingress' : 'Egress')) continue;
      const rules: NormRule[] = [];
      this.doc.list(spec, dir, r.address).forEach((raw, i) => {
        const rule = raw as Record<string, any>;
        const where = `${r.address} ${dir}[${i}]`;
        const protos = this.ports(rule ?? {}, where);
        const peersRaw = this.doc.list(rule ?? {}, dir === 'ingress' ? 'from' : 'to', where) as Record<string, any>[];
        if (!protos) return;
        const peers = peersRaw.length === 0 ? [ANY_MATCH] : peersRaw.map((p, j) => this.peer(p ?? {}, ns, `${where} peer[${j}]`));
        peers.forEach((peer, j) => {
          if (!peer) return;
          rules.push({ action: 'allow', local: [], peer, protos, origin: r.address, label: `${dir} rule ${i} peer ${j}` });
        });
      });
      for (const pod of this.pods) {
        if (pod.namespace !== ns || !matches(selected, pod.labels)) continue;
        const k = `${pod.segment}|${dir}`;
        this.isolating.set(k, [...(this.isolating.get(k) ?? []), ...rules]);
      }
    }
  }
}

export function readKubernetes(json: Record<string, any>, identities: IdentitiesLike, segments: readonly string[]): CloudModel {
  const doc = new TerraformDoc(json);
  const reader = new KubernetesReader(doc, identities, segments);
  const ids = new Map(segments.map((s) => [s, new Set(reader.pods.filter((p) => p.segment === s).map((p) => p.token))]));
  return cloudModel('kubernetes', { identities: ids, issues: doc.issues, bounds: reader.bounds }, (segment, dir) => reader.chain(segment, dir));
}
