/**
 * AWS security groups, evaluated the way AWS does:
 *  - a workload's side admits a packet when any rule of any attached group
 *    admits it (allows only, union; nothing matches → deny);
 *  - rules come from inline `ingress`/`egress` blocks, `aws_security_group_rule`
 *    and `aws_vpc_security_group_ingress_rule`/`_egress_rule`;
 *  - peers: CIDRs (v4, v6), managed prefix lists (inline `entry` blocks and
 *    `aws_ec2_managed_prefix_list_entry`), referenced groups (any address of
 *    a workload carrying the group), `self`;
 *  - protocol `-1`/`all` admits every protocol and ignores ports; tcp/udp use
 *    the port range; icmp/icmpv6 use from_port as type and to_port as code
 *    (-1 = any); any other number admits all its traffic;
 *  - no default egress: the provider revokes AWS's allow-all egress when it
 *    creates a group, so a group admits exactly the egress it declares.
 * Stateful return traffic is not a rule decision and is not modelled.
 */
import { AddressSet } from '../net/address';
import { PortSet } from '../net/ports';
import { ResolvedPolicy, ResolvedRule } from '../resolve/ir';
import { Boundaries, CloudModel, cloudModel, Direction, EndpointMatch, NormRule, Packet, PROTO, ProtoMatch } from './model';
import { IdentitiesLike, readIdentities, TerraformDoc, TfResource } from './terraform';
import { PacketContext, PacketTolerance, Tolerance } from './tolerance';

const GROUP = 'aws_security_group';
const PREFIX_LIST = 'aws_ec2_managed_prefix_list';

/** Resource types we read, and those known to be irrelevant to packet admission. */
const MODELLED = new Set([GROUP, 'aws_security_group_rule', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule', PREFIX_LIST, 'aws_ec2_managed_prefix_list_entry']);
/** Types that change admission but that we do not model: reported, never guessed. */
const UNMODELLED = /^aws_(network_acl|default_network_acl|default_security_group|network_interface_sg_attachment|security_group_association|vpc_security_group_vpc_association|networkfirewall_)/;

function protocolNumber(doc: TerraformDoc, v: unknown, where: string): number | 'all' | undefined {
  const s = String(v ?? '').trim().toLowerCase();
  if (s === '-1' || s === 'all') return 'all';
  const names: Record<string, number> = { tcp: PROTO.TCP, udp: PROTO.UDP, icmp: PROTO.ICMP, icmpv6: PROTO.ICMPV6 };
  if (s in names) return names[s];
  if (/^\d+$/.test(s) && Number(s) <= 255) return Number(s);
  doc.issue('MS7011', `${where}: unknown protocol ${JSON.stringify(v)}`, where.split(' ')[0]);
  return undefined;
}

/** Protocol and ports of one AWS rule as a ProtoMatch. */
function protoMatch(doc: TerraformDoc, protocol: unknown, from: unknown, to: unknown, where: string): ProtoMatch | undefined {
  const p = protocolNumber(doc, protocol, where);
  if (p === undefined) return undefined;
  if (p === 'all') return { all: true, protos: new Set() };
  if (p === PROTO.TCP || p === PROTO.UDP) {
    if (from === undefined || to === undefined) {
      doc.issue('MS7011', `${where}: tcp/udp rule without from_port/to_port`, where.split(' ')[0]);
      return undefined;
    }
    const lo = doc.int(from, where);
    const hi = doc.int(to, where);
    if (lo === undefined || hi === undefined) return undefined;
    if (lo < 0 || hi > 65535 || lo > hi) {
      doc.issue('MS7011', `${where}: invalid port range ${lo}-${hi}`, where.split(' ')[0]);
      return undefined;
    }
    return { all: false, protos: new Set([p]), ports: PortSet.range(lo, hi) };
  }
  if (p === PROTO.ICMP || p === PROTO.ICMPV6) {
    const type = from === undefined ? -1 : doc.int(from, where);
    const code = to === undefined ? -1 : doc.int(to, where);
    if (type === undefined || code === undefined) return undefined;
    if (type < -1 || type > 255 || code < -1 || code > 255) {
      doc.issue('MS7011', `${where}: invalid ICMP type/code ${type}/${code}`, where.split(' ')[0]);
      return undefined;
    }
    const icmp = type === -1 ? undefined : code === -1 ? PortSet.range(type * 256, type * 256 + 255) : PortSet.range(type * 256 + code);
    return { all: false, protos: new Set([p]), icmp };
  }
  return { all: false, protos: new Set([p]) };
}

function describeProto(pm: ProtoMatch): string {
  if (pm.all) return 'all';
  const p = [...pm.protos][0];
  const name = p === PROTO.TCP ? 'tcp' : p === PROTO.UDP ? 'udp' : p === PROTO.ICMP ? 'icmp' : p === PROTO.ICMPV6 ? 'icmpv6' : `proto ${p}`;
  if (pm.ports) return `${name}/${pm.ports}`;
  if (pm.icmp) return `${name} ${pm.icmp.ranges.map((r) => `${r.lo >> 8}/${r.lo === r.hi ? r.lo & 255 : 'any'}`).join(',')}`;
  return name;
}

class AwsReader {
  readonly rules: { group: string; dir: Direction; rule: NormRule }[] = [];
  readonly bounds = new Boundaries();
  private readonly prefixLists = new Map<string, AddressSet>();

  constructor(readonly doc: TerraformDoc) {
    for (const t of doc.types()) {
      if (UNMODELLED.test(t)) for (const r of doc.ofType(t)) doc.issue('MS7011', `${r.address}: ${t} changes what is admitted but is not modelled by the verifier`, r.address);
    }
    this.readPrefixLists();
    for (const g of doc.ofType(GROUP)) {
      for (const dir of ['ingress', 'egress'] as const) {
        doc.list(g.body, dir, g.address).forEach((blk, i) => this.inline(g, dir, blk as Record<string, any>, i));
      }
    }
    for (const r of doc.ofType('aws_security_group_rule')) this.legacyRule(r);
    for (const r of doc.ofType('aws_vpc_security_group_ingress_rule')) this.vpcRule(r, 'ingress');
    for (const r of doc.ofType('aws_vpc_security_group_egress_rule')) this.vpcRule(r, 'egress');
  }

  private readPrefixLists(): void {
    for (const pl of this.doc.ofType(PREFIX_LIST)) {
      const cidrs = this.doc.list(pl.body, 'entry', pl.address).map((e) => (e as Record<string, unknown>)?.cidr);
      this.prefixLists.set(pl.address, this.doc.cidrs(cidrs, pl.address).set);
    }
    for (const e of this.doc.ofType('aws_ec2_managed_prefix_list_entry')) {
      const pl = this.doc.resolveResource(e.body.prefix_list_id, [PREFIX_LIST], undefined, `${e.address} prefix_list_id`);
      if (!pl) continue;
      const add = this.doc.cidrs([e.body.cidr], e.address).set;
      this.prefixLists.set(pl.address, (this.prefixLists.get(pl.address) ?? AddressSet.EMPTY).union(add));
    }
  }

  private prefixList(v: unknown, where: string): AddressSet | undefined {
    const pl = this.doc.resolveResource(v, [PREFIX_LIST], undefined, where);
    return pl ? this.prefixLists.get(pl.address) ?? AddressSet.EMPTY : undefined;
  }

  private group(v: unknown, where: string): TfResource | undefined {
    return this.doc.resolveResource(v, [GROUP], 'name', where);
  }

  private add(group: TfResource, dir: Direction, peer: EndpointMatch, pm: ProtoMatch | undefined, origin: string, peerText: string): void {
    if (!pm) return;
    this.bounds.note(pm);
    const rule: NormRule = {
      action: 'allow',
      local: [{ ids: new Set([group.address]), addrs: AddressSet.EMPTY }],
      peer,
      protos: [pm],
      origin,
      label: `${dir} ${describeProto(pm)} ${dir === 'ingress' ? 'from' : 'to'} ${peerText}`,
    };
    this.rules.push({ group: group.address, dir, rule });
  }

  /** Peers of an inline block or an aws_security_group_rule (several kinds in one rule). */
  private peers(group: TfResource, body: Record<string, any>, where: string, groupKeys: string[]): { match: EndpointMatch; text: string; ok: boolean } {
    const v4 = this.doc.cidrs(this.doc.list(body, 'cidr_blocks', where), where);
    const v6 = this.doc.cidrs(this.doc.list(body, 'ipv6_cidr_blocks', where), where);
    let addrs = v4.set.union(v6.set);
    let ok = v4.ok && v6.ok;
    for (const pl of this.doc.list(body, 'prefix_list_ids', where)) {
      const s = this.prefixList(pl, where);
      if (s) addrs = addrs.union(s);
      else ok = false;
    }
    const ids = new Set<string>();
    for (const k of groupKeys) {
      // A list (`security_groups`) or one group (`source_security_group_id`): a lone reference is not a list expression.
      const raw = body[k];
      const values = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
      for (const g of values) {
        const tok = this.doc.identityToken(g, where);
        if (tok) ids.add(tok);
        else ok = false;
      }
    }
    if (body.self === true) ids.add(group.address);
    else if (body.self !== undefined && body.self !== null && body.self !== false) {
      // `self = "${var.x}"` may be true at apply time: the group's own members would then be a peer we cannot see.
      this.doc.issue('MS7010', `${where}: cannot evaluate self = ${JSON.stringify(body.self)}`, group.address);
      ok = false;
    }
    const text = [...ids, ...addrs.toCidrs()].join(', ') || 'nothing';
    return { match: { ids, addrs }, text, ok };
  }

  private inline(g: TfResource, dir: Direction, blk: Record<string, any>, i: number): void {
    const where = `${g.address} ${dir}[${i}]`;
    if (!blk || typeof blk !== 'object' || Array.isArray(blk)) {
      // A dynamic block or an expression in place of the block: rules we cannot read, never rules that are not there.
      this.doc.issue('MS7010', `${where}: cannot evaluate the ${dir} block ${JSON.stringify(blk)}`, g.address);
      return;
    }
    const p = this.peers(g, blk, where, ['security_groups']);
    if (!p.ok) return;
    this.add(g, dir, p.match, protoMatch(this.doc, blk.protocol, blk.from_port, blk.to_port, where), `${g.address} ${dir}[${i}]`, p.text);
  }

  private legacyRule(r: TfResource): void {
    const dir = r.body.type;
    if (dir !== 'ingress' && dir !== 'egress') {
      this.doc.issue('MS7011', `${r.address}: type ${JSON.stringify(dir)} is neither ingress nor egress`, r.address);
      return;
    }
    const g = this.group(r.body.security_group_id, `${r.address} security_group_id`);
    if (!g) return;
    const p = this.peers(g, r.body, r.address, ['source_security_group_id']);
    if (!p.ok) return;
    this.add(g, dir, p.match, protoMatch(this.doc, r.body.protocol, r.body.from_port, r.body.to_port, r.address), r.address, p.text);
  }

  private vpcRule(r: TfResource, dir: Direction): void {
    const g = this.group(r.body.security_group_id, `${r.address} security_group_id`);
    if (!g) return;
    const b = r.body;
    const kinds = ['cidr_ipv4', 'cidr_ipv6', 'prefix_list_id', 'referenced_security_group_id'].filter((k) => b[k] !== undefined && b[k] !== null);
    if (kinds.length !== 1) {
      this.doc.issue('MS7011', `${r.address}: needs exactly one of cidr_ipv4, cidr_ipv6, prefix_list_id, referenced_security_group_id (has ${kinds.join(', ') || 'none'})`, r.address);
      return;
    }
    let match: EndpointMatch;
    const k = kinds[0];
    if (k === 'referenced_security_group_id') {
      const tok = this.doc.identityToken(b[k], r.address);
      if (!tok) return;
      match = { ids: new Set([tok]), addrs: AddressSet.EMPTY };
    } else if (k === 'prefix_list_id') {
      const s = this.prefixList(b[k], r.address);
      if (!s) return;
      match = { ids: new Set(), addrs: s };
    } else {
      const c = this.doc.cidrs([b[k]], r.address);
      if (!c.ok) return;
      const fam = k === 'cidr_ipv4' ? 4 : 6;
      if (c.set.hasFamily(fam === 4 ? 6 : 4)) {
        this.doc.issue('MS7011', `${r.address}: ${k} holds an address of the other family`, r.address);
        return;
      }
      match = { ids: new Set(), addrs: c.set };
    }
    const text = [...match.ids, ...match.addrs.toCidrs()].join(', ') || 'nothing';
    this.add(g, dir, match, protoMatch(this.doc, b.ip_protocol, b.from_port, b.to_port, r.address), r.address, text);
  }
}

export function readAws(json: Record<string, any>, identities: IdentitiesLike, segments: readonly string[]): CloudModel {
  const doc = new TerraformDoc(json);
  const reader = new AwsReader(doc);
  const ids = readIdentities(doc, identities, segments, 'securityGroups', [GROUP]);
  const byGroup = new Map<string, { ingress: NormRule[]; egress: NormRule[] }>();
  for (const { group, dir, rule } of reader.rules) {
    if (!byGroup.has(group)) byGroup.set(group, { ingress: [], egress: [] });
    byGroup.get(group)![dir].push(rule);
  }
  return cloudModel('aws', { identities: ids, issues: doc.issues, bounds: reader.bounds }, (segment, dir) => {
    const rules: NormRule[] = [];
    for (const g of [...(ids.get(segment) ?? [])].sort()) rules.push(...(byGroup.get(g)?.[dir] ?? []));
    return [{ name: `security groups of ${segment}`, rules }];
  });
}

/**
 * AWS's permitted deviation: stricter where a deny guardrail was enforced by
 * subtracting addresses from CIDR rules (targets/aws/plan.ts, MS4101). At a
 * packet a deny guardrail covers, a flow the output blocks is tolerated when
 * its source may hold the addresses of a segment (or external) the guardrail
 * denies towards the destination, or its destination those the guardrail
 * denies from the source; never where the side admits the peer by identity
 * (a group reference admits a peer at every address), and never looser.
 */
export function awsTolerance(ir: ResolvedPolicy): Tolerance {
  const denyGuardrails = ir.rules.filter((r) => r.origin.kind === 'guardrail' && r.origin.action === 'deny');
  return {
    at(ctx: PacketContext): PacketTolerance {
      const p = ctx.packet;
      const cache = new Map<string, AddressSet>();
      // 'dst': seg is the destination; addresses of sources whose denial is tolerated (TS).
      // 'src': seg is the source; addresses of destinations whose denial is tolerated (TD).
      const tolerated = (seg: string, role: 'src' | 'dst'): AddressSet => {
        const k = `${seg}|${role}`;
        let t = cache.get(k);
        if (!t) cache.set(k, (t = guardrailAddresses(ir, denyGuardrails, p, seg, role)));
        return t;
      };
      return {
        outside(s, dir, extra, missing) {
          const badMissing = missing.subtract(tolerated(s, dir === 'egress' ? 'src' : 'dst'));
          return { ok: extra.isEmpty() && badMissing.isEmpty(), badExtra: extra, badMissing };
        },
        pair(s, d, E, I) {
          const mI = ctx.meaning(d, 'ingress');
          const mE = ctx.meaning(s, 'egress');
          const TS = mI.key(s) === 2 ? AddressSet.EMPTY : tolerated(d, 'dst');
          const TD = mE.key(d) === 2 ? AddressSet.EMPTY : tolerated(s, 'src');
          const actEmpty = E.act.isEmpty() || I.act.isEmpty();
          const subset = actEmpty || (E.exp.containsSet(E.act) && I.exp.containsSet(I.act));
          const dE = E.exp.subtract(E.act);
          const dI = I.exp.subtract(I.act);
          const part1 = dE.isEmpty() || I.exp.isEmpty() || TD.containsSet(dE) || TS.containsSet(I.exp);
          const part2 = dI.isEmpty() || E.exp.isEmpty() || TS.containsSet(dI) || TD.containsSet(E.exp);
          return { ok: subset && part1 && part2, stricterSrc: TS, stricterDst: TD, looserDst: AddressSet.EMPTY };
        },
      };
    },
  };
}

/** A deny guardrail's ends, indexed once: the peers of each segment it names, and their addresses. */
interface GuardrailEnds {
  readonly from: ReadonlySet<string>;
  readonly to: ReadonlySet<string>;
  /** Without sameLabels every from meets every to: the union of each end's addresses serves every segment. */
  readonly fromAddrs?: AddressSet;
  readonly toAddrs?: AddressSet;
  /** With sameLabels: per segment, its peers' addresses. */
  readonly peersOf?: { readonly dst: Map<string, AddressSet>; readonly src: Map<string, AddressSet> };
}

const endsCache = new WeakMap<ResolvedRule, GuardrailEnds>();

function guardrailEnds(ir: ResolvedPolicy, g: ResolvedRule): GuardrailEnds {
  let e = endsCache.get(g);
  if (e) return e;
  const from = new Set(g.fromSegments);
  const to = new Set(g.toSegments);
  const union = (xs: readonly string[]) => xs.reduce((a, x) => a.union(ir.segment(x).addresses), AddressSet.EMPTY);
  if (g.sameLabels.length === 0) e = { from, to, fromAddrs: union(g.fromSegments), toAddrs: union(g.toSegments) };
  else {
    const dst = new Map<string, AddressSet>();
    const src = new Map<string, AddressSet>();
    for (const [q, d] of g.segmentPairs) {
      dst.set(d, (dst.get(d) ?? AddressSet.EMPTY).union(ir.segment(q).addresses));
      src.set(q, (src.get(q) ?? AddressSet.EMPTY).union(ir.segment(d).addresses));
    }
    e = { from, to, peersOf: { dst, src } };
  }
  endsCache.set(g, e);
  return e;
}

/** The addresses the deny guardrails covering `p` deny towards `seg` (role 'dst') or from it (role 'src'). */
function guardrailAddresses(ir: ResolvedPolicy, guardrails: readonly ResolvedRule[], p: Packet, seg: string, role: 'src' | 'dst'): AddressSet {
  let t = AddressSet.EMPTY;
  for (const g of guardrails) {
    if (!g.services.has(p.family, p.proto, p.port)) continue;
    const e = guardrailEnds(ir, g);
    if (role === 'dst') {
      if (e.to.has(seg)) t = t.union(e.fromAddrs ?? e.peersOf!.dst.get(seg) ?? AddressSet.EMPTY);
      if (e.to.has(seg)) for (const a of g.fromAddresses) t = t.union(a.addresses);
    } else {
      if (e.from.has(seg)) t = t.union(e.toAddrs ?? e.peersOf!.src.get(seg) ?? AddressSet.EMPTY);
      if (e.from.has(seg)) for (const a of g.toAddresses) t = t.union(a.addresses);
    }
  }
  return t;
}
