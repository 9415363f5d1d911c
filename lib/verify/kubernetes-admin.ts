/**
 * AdminNetworkPolicies (policy.networking.k8s.io/v1alpha1, written through
 * `kubernetes_manifest`), evaluated the way the API defines them, before
 * every NetworkPolicy:
 *  - a policy applies to the pods its `subject` selects (`namespaces`, or
 *    `pods` with a namespace and a pod selector);
 *  - policies by `priority`, lowest first; within one, rules in order; the
 *    first rule whose peer and ports match decides: `Allow` admits and
 *    `Deny` refuses, whatever the NetworkPolicies say; a packet no rule
 *    matches goes on to the NetworkPolicies;
 *  - ingress peers: `namespaces` (every pod of the namespaces) or `pods`;
 *    egress peers also `networks` (CIDRs, matching any destination address,
 *    pods' included); no `ports`: every protocol and port; `portNumber` one
 *    port, `portRange` start–end.
 * Not modelled, each reported: `Pass` (it would need the rest of the layer
 * skipped), `nodes` and `domainNames` peers, named ports, and two policies of
 * one priority whose rules act differently (the API lets an implementation
 * pick either, so the outcome is not defined).
 */
import { PortSet } from '../net/ports';
import { Layer, RankedRule, rankRules } from './layers';
import { Direction, EndpointMatch, NormRule, PROTO, ProtoMatch } from './model';
import { TerraformDoc, TfResource } from './terraform';

export const ADMIN_KIND = 'AdminNetworkPolicy';

/** How the NetworkPolicy reader resolves selectors for us: one place knows pods, namespaces and selectors. */
export interface PodResolver {
  /** Segments whose pods a subject selects (namespace selector and pod selector, camelCase LabelSelectors). */
  subject(namespaceSelector: unknown, podSelector: unknown, where: string): string[] | undefined;
  /** The pods a peer names, as an endpoint match (ids of segments' pods, any address when outside pods may match). */
  pods(namespaceSelector: unknown, podSelector: unknown, where: string): EndpointMatch | undefined;
  /** Notes the port boundaries for the product check. */
  note(p: ProtoMatch): void;
}

/** A rule of one AdminNetworkPolicy (`policy`: its address), with the segments its subject selects. */
interface AdminRule extends RankedRule {
  readonly segments: readonly string[];
  readonly dir: Direction;
  readonly rule: NormRule;
}

const has = (o: Record<string, any>, k: string) => o[k] !== undefined && o[k] !== null;

function ports(doc: TerraformDoc, rule: Record<string, any>, where: string, pods: PodResolver): ProtoMatch[] | undefined {
  if (!has(rule, 'ports')) return [{ all: true, protos: new Set() }];
  if (!Array.isArray(rule.ports) || rule.ports.length === 0) {
    doc.issue('MS7011', `${where}: ports must be a non-empty list`, where.split(' ')[0]);
    return undefined;
  }
  const out: ProtoMatch[] = [];
  for (const p of rule.ports as Record<string, any>[]) {
    const one = p?.portNumber ?? p?.portRange;
    if (p?.namedPort !== undefined) {
      doc.issue('MS7010', `${where}: named port ${JSON.stringify(p.namedPort)} depends on the pods' container ports and cannot be evaluated`, where.split(' ')[0]);
      return undefined;
    }
    const proto = { TCP: PROTO.TCP, UDP: PROTO.UDP, SCTP: PROTO.SCTP }[String(one?.protocol ?? 'TCP') as 'TCP'];
    const lo = p?.portNumber ? one.port : one?.start;
    const hi = p?.portNumber ? one.port : one?.end;
    if (!one || proto === undefined || !Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || hi > 65535 || hi < lo || (p?.portRange && hi === lo)) {
      doc.issue('MS7011', `${where}: invalid port ${JSON.stringify(p)}`, where.split(' ')[0]);
      return undefined;
    }
    const pm: ProtoMatch = { all: false, protos: new Set([proto]), ports: PortSet.range(lo, hi) };
    pods.note(pm);
    out.push(pm);
  }
  return out;
}

function peer(doc: TerraformDoc, item: Record<string, any>, dir: Direction, where: string, pods: PodResolver): EndpointMatch | undefined {
  const kinds = Object.keys(item ?? {}).filter((k) => has(item, k));
  if (kinds.length !== 1) {
    doc.issue('MS7011', `${where}: a peer names exactly one of namespaces, pods${dir === 'egress' ? ', networks' : ''}`, where.split(' ')[0]);
    return undefined;
  }
  const [k] = kinds;
  if (k === 'namespaces') return pods.pods(item.namespaces, {}, `${where} namespaces`);
  if (k === 'pods') return pods.pods(item.pods.namespaceSelector ?? {}, item.pods.podSelector ?? {}, `${where} pods`);
  if (k === 'networks' && dir === 'egress') {
    const c = doc.cidrs(Array.isArray(item.networks) ? item.networks : [item.networks], where);
    return c.ok ? { ids: new Set(), addrs: c.set } : undefined;
  }
  doc.issue('MS7011', `${where}: a ${k} peer is not modelled by the verifier`, where.split(' ')[0]);
  return undefined;
}

function readPolicy(doc: TerraformDoc, r: TfResource, pods: PodResolver): AdminRule[] {
  const m = r.body.manifest as Record<string, any>;
  const spec = m.spec as Record<string, any> | undefined;
  const name = m.metadata?.name ?? r.address;
  if (!spec || !Number.isInteger(spec.priority) || spec.priority < 0 || spec.priority > 1000) {
    doc.issue('MS7011', `${r.address}: an AdminNetworkPolicy needs a spec with a priority from 0 to 1000`, r.address);
    return [];
  }
  const subj = spec.subject ?? {};
  const subject = has(subj, 'namespaces')
    ? pods.subject(subj.namespaces, {}, `${r.address} subject`)
    : has(subj, 'pods')
      ? pods.subject(subj.pods.namespaceSelector ?? {}, subj.pods.podSelector ?? {}, `${r.address} subject`)
      : (doc.issue('MS7011', `${r.address}: subject names neither namespaces nor pods`, r.address), undefined);
  if (!subject) return [];
  const out: AdminRule[] = [];
  for (const dir of ['ingress', 'egress'] as const) {
    const rules = spec[dir] ?? [];
    if (!Array.isArray(rules)) {
      doc.issue('MS7011', `${r.address}: ${dir} is not a list`, r.address);
      continue;
    }
    rules.forEach((raw: Record<string, any>, i: number) => {
      const where = `${r.address} ${dir}[${i}]`;
      const action = raw?.action;
      if (action === 'Pass') {
        doc.issue('MS7011', `${where}: a Pass rule (skip the rest of the AdminNetworkPolicies) is not modelled by the verifier`, r.address);
        return;
      }
      if (action !== 'Allow' && action !== 'Deny') {
        doc.issue('MS7011', `${where}: action ${JSON.stringify(action)} is not Allow, Deny or Pass`, r.address);
        return;
      }
      const protos = ports(doc, raw, where, pods);
      const list = raw[dir === 'ingress' ? 'from' : 'to'];
      if (!protos) return;
      if (!Array.isArray(list) || list.length === 0) {
        doc.issue('MS7011', `${where}: ${dir === 'ingress' ? 'from' : 'to'} must be a non-empty list`, r.address);
        return;
      }
      list.forEach((p: Record<string, any>, j: number) => {
        const match = peer(doc, p, dir, `${where} peer[${j}]`, pods);
        if (!match) return;
        const label = `AdminNetworkPolicy ${name} ${dir} rule ${raw.name ?? i} (${action}, priority ${spec.priority})`;
        out.push({ priority: spec.priority, policy: r.address, segments: subject, dir, rule: { action: action === 'Allow' ? 'allow' : 'deny', local: [], peer: match, protos, origin: r.address, label } });
      });
    });
  }
  return out;
}

/**
 * The layer of AdminNetworkPolicy rules that comes before each segment's
 * NetworkPolicies (layers.ts), per `segment|direction`: segments no policy
 * selects have none.
 */
export function readAdminPolicies(doc: TerraformDoc, pods: PodResolver): Map<string, Layer> {
  const all: AdminRule[] = [];
  for (const r of doc.ofType('kubernetes_manifest')) {
    const m = r.body.manifest as Record<string, any> | undefined;
    if (m?.kind === ADMIN_KIND) all.push(...readPolicy(doc, r, pods));
  }
  const bySide = new Map<string, AdminRule[]>();
  for (const a of rankRules(all)) for (const s of a.segments) (bySide.get(`${s}|${a.dir}`) ?? bySide.set(`${s}|${a.dir}`, []).get(`${s}|${a.dir}`)!).push(a);
  for (const [side, rules] of bySide) reportTies(doc, side, rules);
  return new Map([...bySide].map(([side, rules]) => [side, { name: 'AdminNetworkPolicies', rules: rules.map((a) => a.rule) }]));
}

/**
 * Policies of one priority are unordered: where several reach the same
 * segment side, only rules that all act alike may share it. Per side, not
 * across the output: policies whose subjects are other pods never compete,
 * and an issue there would make the verdict inconclusive for nothing.
 */
function reportTies(doc: TerraformDoc, side: string, rules: readonly AdminRule[]): void {
  const byPriority = new Map<number, AdminRule[]>();
  for (const a of rules) (byPriority.get(a.priority) ?? byPriority.set(a.priority, []).get(a.priority)!).push(a);
  for (const [priority, list] of byPriority) {
    const policies = new Set(list.map((a) => a.policy));
    const actions = new Set(list.map((a) => a.rule.action));
    if (policies.size < 2 || actions.size < 2) continue;
    const [segment, dir] = side.split('|');
    doc.issue('MS7010', `AdminNetworkPolicies ${[...policies].sort().join(', ')} share priority ${priority} with both Allow and Deny rules on the ${dir} of segment '${segment}': which applies is up to the implementation`);
  }
}
