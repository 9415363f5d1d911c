/**
 * GCP firewalls, evaluated the way GCP does, layer by layer (layers.ts):
 *
 *   1. hierarchical firewall policies (`google_compute_firewall_policy`
 *      associated with an organization, then folders): allow and deny decide,
 *      `goto_next` and no match go on;
 *   2. the network's VPC firewall rules and its global network firewall
 *      policy (`google_compute_network_firewall_policy` associated with the
 *      network), in the order the network's
 *      `network_firewall_policy_enforcement_order` says: AFTER_CLASSIC_FIREWALL
 *      (VPC rules first) unless a `google_compute_network` of the output sets
 *      BEFORE_CLASSIC_FIREWALL;
 *   3. the implied rules, after everything: allow all egress, deny all ingress.
 *
 * VPC firewall rules:
 *  - every `google_compute_firewall` of the output applies to the one network
 *    (several networks are reported: we could not tell which applies);
 *  - per direction, the matching rule with the lowest priority number decides,
 *    a deny winning over an allow of equal priority; disabled rules are skipped;
 *  - ingress: source ranges OR source tags OR source service accounts; no
 *    source at all means 0.0.0.0/0 (GCP fills it in); egress: destination
 *    ranges, none meaning 0.0.0.0/0; egress rules cannot name destination identities;
 *  - targets: target tags or target service accounts, or every instance;
 *    ingress `destination_ranges` and egress `source_ranges` narrow the local address;
 *  - protocols by name (tcp udp icmp esp ah sctp ipip, `ipv6-icmp`) or number,
 *    `all`; ports apply to tcp, udp and sctp. `icmp` is IPv4 ICMP (protocol 1);
 *    ICMPv6 is `58`.
 * Firewall policy rules (network and hierarchical): one per priority in a
 * policy; `match.layer4_configs` as above; ingress sources are
 * `src_ip_ranges` OR `src_secure_tags`, egress destinations `dest_ip_ranges`;
 * targets `target_secure_tags` or `target_service_accounts` (or every
 * instance); ingress `dest_ip_ranges` and egress `src_ip_ranges` narrow the
 * local address. Match fields we do not model (FQDNs, region codes, address
 * groups, threat lists, network scopes) and regional policies are reported.
 */
import { AddressSet } from '../net/address';
import { PortSet } from '../net/ports';
import { Layer, stackLayers } from './layers';
import { ServiceAccounts } from './gcp-accounts';
import { Boundaries, Chain, CloudModel, cloudModel, Direction, EndpointMatch, NormRule, PORT_PROTOCOLS, PROTO, ProtoMatch } from './model';
import { IdentitiesLike, parseReference, readIdentities, TerraformDoc, TfResource } from './terraform';
import { PacketContext, PacketTolerance, Tolerance } from './tolerance';

const FIREWALL = 'google_compute_firewall';
const NETWORK_POLICY = 'google_compute_network_firewall_policy';
const NETWORK_RULE = 'google_compute_network_firewall_policy_rule';
const NETWORK_ASSOC = 'google_compute_network_firewall_policy_association';
const HIER_POLICY = 'google_compute_firewall_policy';
const HIER_RULE = 'google_compute_firewall_policy_rule';
const HIER_ASSOC = 'google_compute_firewall_policy_association';
const UNMODELLED = /^google_compute_(region_network_firewall_policy|organization_security_policy)/;
/** Match fields of a firewall policy rule the verifier does not evaluate: a rule using one is reported, not guessed. */
const UNMODELLED_MATCH = [
  'src_fqdns',
  'dest_fqdns',
  'src_region_codes',
  'dest_region_codes',
  'src_address_groups',
  'dest_address_groups',
  'src_threat_intelligences',
  'dest_threat_intelligences',
  'src_network_scope',
  'dest_network_scope',
  'src_networks',
  'src_network_type',
  'dest_network_type',
];
const NAMES: Record<string, number> = { tcp: PROTO.TCP, udp: PROTO.UDP, icmp: PROTO.ICMP, esp: 50, ah: 51, sctp: PROTO.SCTP, ipip: 4, 'ipv6-icmp': PROTO.ICMPV6 };
const V4_ALL = AddressSet.allOf(4);

type Sorted = { ingress: [number, NormRule][]; egress: [number, NormRule][] };
const byPriority = (list: [number, NormRule][]) => list.sort((a, b) => a[0] - b[0] || (a[1].action === b[1].action ? 0 : a[1].action === 'deny' ? -1 : 1)).map((x) => x[1]);

class GcpReader {
  readonly bounds = new Boundaries();
  readonly ingress: NormRule[] = [];
  readonly egress: NormRule[] = [];

  constructor(
    readonly doc: TerraformDoc,
    readonly accounts: ServiceAccounts,
  ) {
    for (const t of doc.types()) {
      if (UNMODELLED.test(t)) for (const r of doc.ofType(t)) doc.issue('MS7011', `${r.address}: ${t} is evaluated before VPC firewall rules but is not modelled by the verifier`, r.address);
    }
    const fws = doc.ofType(FIREWALL);
    const networks = new Set(fws.map((f) => JSON.stringify(f.body.network)));
    if (networks.size > 1) doc.issue('MS7011', `firewall rules name ${networks.size} networks (${[...networks].join(', ')}); the verifier cannot tell which applies to a workload`);
    const vpc: Sorted = { ingress: [], egress: [] };
    for (const f of fws) {
      const x = this.firewall(f);
      if (x) vpc[x.dir].push([x.priority, x.rule]);
    }
    const hierarchical = this.policies(HIER_POLICY, HIER_RULE, HIER_ASSOC, 'hierarchical firewall policy');
    const network = this.policies(NETWORK_POLICY, NETWORK_RULE, NETWORK_ASSOC, 'network firewall policy');
    if (network.length > 1) doc.issue('MS7011', `${network.length} global network firewall policies are associated; a network has at most one`);
    const before = this.enforcementOrder() === 'BEFORE_CLASSIC_FIREWALL';
    for (const dir of ['ingress', 'egress'] as const) {
      const implied: NormRule = {
        action: dir === 'egress' ? 'allow' : 'deny',
        local: [],
        peer: { ids: new Set(), addrs: AddressSet.ALL },
        protos: [{ all: true, protos: new Set() }],
        origin: `implied ${dir === 'egress' ? 'allow-egress' : 'deny-ingress'} rule`,
        label: '(priority 65535)',
      };
      const vpcLayer: Layer = { name: 'VPC firewall rules', rules: byPriority(vpc[dir]) };
      const netLayers: Layer[] = network.map((p) => ({ name: p.name, rules: byPriority(p.rules[dir]) }));
      const layers: Layer[] = [
        ...hierarchical.map((p) => ({ name: p.name, rules: byPriority(p.rules[dir]) })),
        ...(before ? [...netLayers, vpcLayer] : [vpcLayer, ...netLayers]),
        { name: 'implied rules', rules: [implied] },
      ];
      this[dir].push(...stackLayers(layers.filter((l) => l.rules.length > 0)));
    }
  }

  /** The network's enforcement order, from a `google_compute_network` of the output if there is exactly one. */
  private enforcementOrder(): string {
    const nets = this.doc.ofType('google_compute_network');
    if (nets.length !== 1) return 'AFTER_CLASSIC_FIREWALL';
    const v = nets[0].body.network_firewall_policy_enforcement_order;
    if (v === undefined || v === 'AFTER_CLASSIC_FIREWALL' || v === 'BEFORE_CLASSIC_FIREWALL') return v ?? 'AFTER_CLASSIC_FIREWALL';
    this.doc.issue('MS7011', `${nets[0].address}: network_firewall_policy_enforcement_order ${JSON.stringify(v)} not understood`, nets[0].address);
    return 'AFTER_CLASSIC_FIREWALL';
  }

  /**
   * The associated policies of one kind with their rules, in evaluation
   * order: hierarchical ones of the organization before those of folders
   * (nesting among folders cannot be read from the output: reported).
   */
  private policies(policyType: string, ruleType: string, assocType: string, word: string): { name: string; rules: Sorted }[] {
    const associated = new Map<string, string>();
    for (const a of this.doc.ofType(assocType)) {
      const p = this.policyOf(a, policyType);
      if (!p) continue;
      associated.set(p.address, String(a.body.attachment_target ?? ''));
    }
    const rules = new Map<string, Sorted>();
    const priorities = new Map<string, TfResource>();
    for (const r of this.doc.ofType(ruleType)) {
      const p = this.policyOf(r, policyType);
      if (!p) continue;
      if (!associated.has(p.address)) {
        this.doc.issue('MS7011', `${r.address}: ${p.address} is associated with nothing, so its rules apply nowhere`, r.address, 'warning');
        continue;
      }
      const key = `${p.address}|${JSON.stringify(r.body.priority)}`;
      const twin = priorities.get(key);
      if (twin) {
        this.doc.issue('MS7011', `${r.address} and ${twin.address}: two rules at priority ${JSON.stringify(r.body.priority)} of ${p.address}; GCP keys a policy's rules by priority`, r.address);
        continue;
      }
      priorities.set(key, r);
      const x = this.policyRule(r, word);
      if (!x) continue;
      const s = rules.get(p.address) ?? { ingress: [], egress: [] };
      s[x.dir].push([x.priority, x.rule]);
      rules.set(p.address, s);
    }
    const order = [...associated.entries()].sort(([a, pa], [b, pb]) => rank(pa) - rank(pb) || (a < b ? -1 : 1));
    if (policyType === HIER_POLICY && order.filter(([, t]) => !t.startsWith('organizations/')).length > 1) {
      this.doc.issue('MS7011', `${order.length} hierarchical firewall policies are associated with folders; the verifier cannot read their nesting`);
    }
    return order.map(([address]) => ({ name: `${word} ${address}`, rules: rules.get(address) ?? { ingress: [], egress: [] } }));
  }

  /**
   * The policy a rule or association names in `firewall_policy`: a
   * reference, or (in live state, where references are values) the one
   * policy of the output whose `name` or `id` it is. Reported when none.
   */
  private policyOf(r: TfResource, type: string): TfResource | undefined {
    const v = r.body.firewall_policy;
    const found = this.policyNamed(v, type);
    if (!found) this.doc.issue('MS7010', `${r.address}: firewall_policy ${JSON.stringify(v)} does not name a ${type} of this output`, r.address);
    return found;
  }

  private policyNamed(v: unknown, type: string): TfResource | undefined {
    const ref = parseReference(v);
    if (ref) {
      const p = this.doc.get(ref.address);
      return p && p.type === type ? p : undefined;
    }
    const hits = typeof v === 'string' ? this.doc.ofType(type).filter((p) => p.body.name === v || p.body.id === v) : [];
    return hits.length === 1 ? hits[0] : undefined;
  }

  /** Protocol matches of a list of blocks (`allow`/`deny` of a firewall, `layer4_configs` of a policy rule). */
  private protos(blocks: readonly unknown[], f: TfResource, key: string, protoKey: string): ProtoMatch[] | undefined {
    const out: ProtoMatch[] = [];
    for (const [i, blk] of blocks.entries()) {
      const where = `${f.address} ${key}[${i}]`;
      const b = blk as Record<string, any>;
      const name = String(b?.[protoKey] ?? '').trim().toLowerCase();
      let proto: number | 'all' | undefined;
      if (name === 'all') proto = 'all';
      else if (name in NAMES) proto = NAMES[name];
      else if (/^\d+$/.test(name) && Number(name) <= 255) proto = Number(name);
      if (proto === undefined) {
        this.doc.issue('MS7011', `${where}: unknown protocol ${JSON.stringify(b?.[protoKey])}`, f.address);
        return undefined;
      }
      const portList = this.doc.list(b ?? {}, 'ports', where);
      let ports: PortSet | undefined;
      if (portList.length > 0) {
        if (proto === 'all' || !PORT_PROTOCOLS.includes(proto)) {
          this.doc.issue('MS7011', `${where}: ports are only meaningful for tcp, udp and sctp`, f.address);
          return undefined;
        }
        ports = PortSet.EMPTY;
        for (const p of portList) {
          const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(String(p).trim());
          const lo = m ? Number(m[1]) : NaN;
          const hi = m ? (m[2] === undefined ? lo : Number(m[2])) : NaN;
          if (!m || lo > hi || hi > 65535) {
            this.doc.issue('MS7011', `${where}: invalid port ${JSON.stringify(p)}`, f.address);
            return undefined;
          }
          ports = ports.union(PortSet.range(lo, hi));
        }
        if (ports.isAll()) ports = undefined;
      }
      const pm: ProtoMatch = proto === 'all' ? { all: true, protos: new Set() } : { all: false, protos: new Set([proto]), ports };
      this.bounds.note(pm);
      out.push(pm);
    }
    return out;
  }

  private ids(f: TfResource, values: readonly unknown[], key: string, prefix: string): Set<string> | undefined {
    const out = new Set<string>();
    for (const v of values) {
      // Service accounts may name the output's project variable (gcp-accounts.ts); tags are read as values.
      const tok = prefix === 'sa:' ? this.accounts.token(v, `${f.address} ${key}`) : this.doc.identityToken(v, `${f.address} ${key}`);
      if (tok === undefined) return undefined;
      out.add(prefix + tok);
    }
    return out;
  }

  /** `disabled`: true skips the rule; anything but true/false/absent cannot be evaluated. */
  private enabled(f: TfResource): boolean {
    const d = f.body.disabled;
    if (d === true) return false;
    if (d !== undefined && d !== false) {
      this.doc.issue('MS7010', `${f.address}: cannot evaluate disabled = ${JSON.stringify(d)}`, f.address);
      return false;
    }
    return true;
  }

  private direction(f: TfResource, v: unknown): Direction | undefined {
    const direction = String(v ?? 'INGRESS').toUpperCase();
    if (direction === 'INGRESS' || direction === 'EGRESS') return direction === 'INGRESS' ? 'ingress' : 'egress';
    this.doc.issue('MS7011', `${f.address}: direction ${JSON.stringify(v)} not understood`, f.address);
    return undefined;
  }

  private firewall(f: TfResource): { dir: Direction; priority: number; rule: NormRule } | undefined {
    const b = f.body;
    if (!this.enabled(f)) return undefined;
    const dir = this.direction(f, b.direction);
    if (!dir) return undefined;
    const priority = b.priority === undefined ? 1000 : this.doc.int(b.priority, f.address);
    if (priority === undefined) return undefined;
    const allow = this.protos(this.doc.list(b, 'allow', f.address), f, 'allow', 'protocol');
    const deny = this.protos(this.doc.list(b, 'deny', f.address), f, 'deny', 'protocol');
    if (!allow || !deny) return undefined;
    if ((allow.length > 0) === (deny.length > 0)) {
      this.doc.issue('MS7011', `${f.address}: a firewall rule needs allow blocks or deny blocks, not ${allow.length ? 'both' : 'neither'}`, f.address);
      return undefined;
    }
    const srcRanges = this.doc.cidrs(this.doc.list(b, 'source_ranges', f.address), f.address);
    const dstRanges = this.doc.cidrs(this.doc.list(b, 'destination_ranges', f.address), f.address);
    const srcTags = this.ids(f, this.doc.list(b, 'source_tags', f.address), 'source_tags', 'tag:');
    const srcSas = this.ids(f, this.doc.list(b, 'source_service_accounts', f.address), 'source_service_accounts', 'sa:');
    const tgtTags = this.ids(f, this.doc.list(b, 'target_tags', f.address), 'target_tags', 'tag:');
    const tgtSas = this.ids(f, this.doc.list(b, 'target_service_accounts', f.address), 'target_service_accounts', 'sa:');
    if (!srcRanges.ok || !dstRanges.ok || !srcTags || !srcSas || !tgtTags || !tgtSas) return undefined;
    if (tgtTags.size && tgtSas.size) {
      this.doc.issue('MS7011', `${f.address}: target tags and target service accounts in one rule; GCP rejects this`, f.address);
      return undefined;
    }
    const local: EndpointMatch[] = [];
    if (tgtTags.size || tgtSas.size) local.push({ ids: new Set([...tgtTags, ...tgtSas]), addrs: AddressSet.EMPTY });
    let peer: EndpointMatch;
    if (dir === 'ingress') {
      if (!dstRanges.set.isEmpty()) local.push({ ids: new Set(), addrs: dstRanges.set });
      const ids = new Set([...srcTags, ...srcSas]);
      const none = ids.size === 0 && this.doc.list(b, 'source_ranges', f.address).length === 0;
      peer = { ids, addrs: none ? V4_ALL : srcRanges.set };
    } else {
      if (srcTags.size || srcSas.size) {
        this.doc.issue('MS7011', `${f.address}: source tags or service accounts on an egress rule; GCP rejects this`, f.address);
        return undefined;
      }
      if (!srcRanges.set.isEmpty()) local.push({ ids: new Set(), addrs: srcRanges.set });
      const none = this.doc.list(b, 'destination_ranges', f.address).length === 0;
      peer = { ids: new Set(), addrs: none ? V4_ALL : dstRanges.set };
    }
    const action = allow.length ? 'allow' : 'deny';
    return { dir, priority, rule: this.normRule(action, local, peer, allow.length ? allow : deny, f, dir, priority, 'VPC firewall rule') };
  }

  /** A rule of a network or hierarchical firewall policy. */
  private policyRule(f: TfResource, word: string): { dir: Direction; priority: number; rule: NormRule } | undefined {
    const b = f.body;
    if (!this.enabled(f)) return undefined;
    const dir = this.direction(f, b.direction);
    if (!dir) return undefined;
    const priority = this.doc.int(b.priority, f.address);
    if (priority === undefined) return undefined;
    const actions: Record<string, NormRule['action']> = { allow: 'allow', deny: 'deny', goto_next: 'next' };
    const action = actions[String(b.action)];
    if (!action) {
      this.doc.issue('MS7011', `${f.address}: action ${JSON.stringify(b.action)} is not modelled (allow, deny, goto_next)`, f.address);
      return undefined;
    }
    const matches = this.doc.list(b, 'match', f.address);
    const m = (matches[0] ?? {}) as Record<string, any>;
    if (matches.length !== 1 || typeof m !== 'object') {
      this.doc.issue('MS7011', `${f.address}: a firewall policy rule needs exactly one match block`, f.address);
      return undefined;
    }
    const odd = UNMODELLED_MATCH.filter((k) => m[k] !== undefined && m[k] !== null && !(Array.isArray(m[k]) && m[k].length === 0));
    if (odd.length) {
      this.doc.issue('MS7011', `${f.address}: match.${odd.join(', match.')} not modelled by the verifier`, f.address);
      return undefined;
    }
    const protos = this.protos(this.doc.list(m, 'layer4_configs', f.address), f, 'match.layer4_configs', 'ip_protocol');
    if (!protos) return undefined;
    if (protos.length === 0) {
      this.doc.issue('MS7011', `${f.address}: match.layer4_configs is empty`, f.address);
      return undefined;
    }
    const tagNames = (list: unknown[]) => list.map((t) => (t as Record<string, unknown>)?.name);
    const srcRanges = this.doc.cidrs(this.doc.list(m, 'src_ip_ranges', f.address), f.address);
    const dstRanges = this.doc.cidrs(this.doc.list(m, 'dest_ip_ranges', f.address), f.address);
    const srcTags = this.ids(f, tagNames(this.doc.list(m, 'src_secure_tags', f.address)), 'match.src_secure_tags', 'stag:');
    const tgtTags = this.ids(f, tagNames(this.doc.list(b, 'target_secure_tags', f.address)), 'target_secure_tags', 'stag:');
    const tgtSas = this.ids(f, this.doc.list(b, 'target_service_accounts', f.address), 'target_service_accounts', 'sa:');
    if (!srcRanges.ok || !dstRanges.ok || !srcTags || !tgtTags || !tgtSas) return undefined;
    if (tgtTags.size && tgtSas.size) {
      this.doc.issue('MS7011', `${f.address}: target secure tags and target service accounts in one rule; GCP rejects this`, f.address);
      return undefined;
    }
    const local: EndpointMatch[] = [];
    if (tgtTags.size || tgtSas.size) local.push({ ids: new Set([...tgtTags, ...tgtSas]), addrs: AddressSet.EMPTY });
    let peer: EndpointMatch;
    if (dir === 'ingress') {
      if (srcTags.size === 0 && this.doc.list(m, 'src_ip_ranges', f.address).length === 0) {
        this.doc.issue('MS7011', `${f.address}: an ingress rule needs src_ip_ranges or src_secure_tags`, f.address);
        return undefined;
      }
      if (!dstRanges.set.isEmpty()) local.push({ ids: new Set(), addrs: dstRanges.set });
      peer = { ids: srcTags, addrs: srcRanges.set };
    } else {
      if (srcTags.size) {
        this.doc.issue('MS7011', `${f.address}: src_secure_tags on an egress rule; GCP rejects this`, f.address);
        return undefined;
      }
      if (this.doc.list(m, 'dest_ip_ranges', f.address).length === 0) {
        this.doc.issue('MS7011', `${f.address}: an egress rule needs dest_ip_ranges`, f.address);
        return undefined;
      }
      if (!srcRanges.set.isEmpty()) local.push({ ids: new Set(), addrs: srcRanges.set });
      peer = { ids: new Set(), addrs: dstRanges.set };
    }
    return { dir, priority, rule: this.normRule(action, local, peer, protos, f, dir, priority, `${word} rule`) };
  }

  private normRule(action: NormRule['action'], local: EndpointMatch[], peer: EndpointMatch, protos: ProtoMatch[], f: TfResource, dir: Direction, priority: number, what: string): NormRule {
    const protoText = protos.map((p) => (p.all ? 'all' : [...p.protos].join('+') + (p.ports ? `/${p.ports}` : ''))).join(', ');
    const peerText = [...peer.ids, ...peer.addrs.toCidrs().slice(0, 4)].join(', ');
    const verb = action === 'next' ? 'goto_next' : action;
    return { action, local, peer, protos, origin: f.address, label: `(${what}) ${verb} ${protoText} ${dir === 'ingress' ? 'from' : 'to'} ${peerText} (priority ${priority})` };
  }
}

/** Every service-account value the output's rules and identities.json name: where a variable email looks for a possible twin. */
function serviceAccountValues(doc: TerraformDoc, identities: IdentitiesLike, segments: readonly string[]): unknown[] {
  const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
  const out: unknown[] = [];
  for (const f of doc.ofType(FIREWALL)) out.push(...asList(f.body.source_service_accounts), ...asList(f.body.target_service_accounts));
  for (const t of [NETWORK_RULE, HIER_RULE]) for (const r of doc.ofType(t)) out.push(...asList(r.body.target_service_accounts));
  for (const s of segments) out.push(...asList(identities?.segments?.[s]?.serviceAccounts));
  return out;
}

/** Organizations' hierarchical policies are evaluated before folders'. */
function rank(attachment: string): number {
  return attachment.startsWith('organizations/') ? 0 : 1;
}

export function readGcp(json: Record<string, any>, identities: IdentitiesLike, segments: readonly string[]): CloudModel {
  const doc = new TerraformDoc(json);
  const accounts = new ServiceAccounts(doc, serviceAccountValues(doc, identities, segments));
  const reader = new GcpReader(doc, accounts);
  const tags = readIdentities(doc, identities, segments, 'networkTags');
  const sas = readIdentities(doc, { segments: Object.fromEntries(segments.map((s) => [s, { serviceAccounts: identities?.segments?.[s]?.serviceAccounts ?? [] }])) }, segments, 'serviceAccounts', undefined, (v, where) => accounts.token(v, where));
  const stags = readIdentities(doc, { segments: Object.fromEntries(segments.map((s) => [s, { secureTags: identities?.segments?.[s]?.secureTags ?? [] }])) }, segments, 'secureTags');
  const ids = new Map<string, Set<string>>();
  for (const s of segments) {
    ids.set(s, new Set([...[...tags.get(s)!].map((t) => 'tag:' + t), ...[...sas.get(s)!].map((t) => 'sa:' + t), ...[...stags.get(s)!].map((t) => 'stag:' + t)]));
  }
  // One chain for every segment: the network's firewalls (their target tags and accounts say whom a rule applies to).
  return cloudModel('gcp', { identities: ids, issues: doc.issues, bounds: reader.bounds }, (_segment, dir): Chain[] => [{ name: 'firewalls of the network', rules: reader[dir] }]);
}

/**
 * GCP's permitted deviation: egress rules cannot name destination tags, so
 * egress towards a segment Y goes to Y's addresses (targets/gcp/plan.ts) and
 * also reaches whatever else is there. Tolerated: S's egress admitting more,
 * but only at the addresses of segments S's egress admits by identity (less
 * what it denies by address), and never less, never on ingress.
 */
export function gcpTolerance(): Tolerance {
  return {
    at(ctx: PacketContext): PacketTolerance {
      const cache = new Map<string, AddressSet>();
      const looser = (s: string): AddressSet => {
        let t = cache.get(s);
        if (t) return t;
        const m = ctx.meaning(s, 'egress');
        t = AddressSet.EMPTY;
        for (const y of m.admittedIds()) t = t.union(ctx.addrOf.get(y) ?? AddressSet.EMPTY);
        t = t.subtract(m.addrDeny);
        cache.set(s, t);
        return t;
      };
      return {
        outside(s, dir, extra, missing) {
          if (dir !== 'egress') return { ok: false, badExtra: extra, badMissing: missing };
          const badExtra = extra.subtract(looser(s));
          return { ok: missing.isEmpty() && badExtra.isEmpty(), badExtra, badMissing: missing };
        },
        pair(s, _d, E, I) {
          const T = looser(s);
          const actEmpty = E.act.isEmpty() || I.act.isEmpty();
          const expEmpty = E.exp.isEmpty() || I.exp.isEmpty();
          const sup = expEmpty || (E.act.containsSet(E.exp) && I.act.containsSet(I.exp));
          const looserOk = actEmpty || (I.exp.containsSet(I.act) && E.exp.union(T).containsSet(E.act));
          return { ok: sup && looserOk, stricterSrc: AddressSet.EMPTY, stricterDst: AddressSet.EMPTY, looserDst: T };
        },
      };
    },
  };
}
