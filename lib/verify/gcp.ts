/**
 * GCP VPC firewall rules, evaluated the way GCP does:
 *  - every `google_compute_firewall` of the output applies to the one network
 *    (several networks are reported: we could not tell which applies);
 *  - per direction, the matching rule with the lowest priority number decides,
 *    a deny winning over an allow of equal priority; disabled rules are skipped;
 *  - ingress: source ranges OR source tags OR source service accounts; no
 *    source at all means 0.0.0.0/0 (GCP fills it in); egress: destination
 *    ranges, none meaning 0.0.0.0/0; egress rules cannot name destination identities;
 *  - targets: target tags or target service accounts, or every instance;
 *    ingress `destination_ranges` and egress `source_ranges` narrow the local address;
 *  - implied rules at 65535, after every user rule: allow all egress, deny all ingress;
 *  - protocols by name (tcp udp icmp esp ah sctp ipip, `ipv6-icmp`) or number,
 *    `all`; ports apply to tcp, udp and sctp. `icmp` is IPv4 ICMP (protocol 1);
 *    ICMPv6 is `58`.
 * Hierarchical and network firewall policies are reported, not modelled.
 */
import { AddressSet } from '../net/address';
import { PortSet } from '../net/ports';
import { Boundaries, Chain, CloudModel, Direction, EndpointMatch, NormRule, PORT_PROTOCOLS, PROTO, ProtoMatch } from './model';
import { IdentitiesLike, readIdentities, TerraformDoc, TfResource } from './terraform';
import { PacketContext, PacketTolerance, Tolerance } from './tolerance';

const FIREWALL = 'google_compute_firewall';
const UNMODELLED = /^google_compute_(network_firewall_policy|region_network_firewall_policy|firewall_policy|organization_security_policy)/;
const NAMES: Record<string, number> = { tcp: PROTO.TCP, udp: PROTO.UDP, icmp: PROTO.ICMP, esp: 50, ah: 51, sctp: PROTO.SCTP, ipip: 4, 'ipv6-icmp': PROTO.ICMPV6 };
const V4_ALL = AddressSet.allOf(4);

class GcpReader {
  readonly bounds = new Boundaries();
  readonly ingress: NormRule[] = [];
  readonly egress: NormRule[] = [];

  constructor(readonly doc: TerraformDoc) {
    for (const t of doc.types()) {
      if (UNMODELLED.test(t)) for (const r of doc.ofType(t)) doc.issue('MS7011', `${r.address}: ${t} is evaluated before VPC firewall rules but is not modelled by the verifier`, r.address);
    }
    const fws = doc.ofType(FIREWALL);
    const networks = new Set(fws.map((f) => JSON.stringify(f.body.network)));
    if (networks.size > 1) doc.issue('MS7011', `firewall rules name ${networks.size} networks (${[...networks].join(', ')}); the verifier cannot tell which applies to a workload`);
    const sorted: { ingress: [number, NormRule][]; egress: [number, NormRule][] } = { ingress: [], egress: [] };
    for (const f of fws) {
      const x = this.firewall(f);
      if (x) sorted[x.dir].push([x.priority, x.rule]);
    }
    for (const dir of ['ingress', 'egress'] as const) {
      // Lowest number first; on a tie a deny is tried first, so it wins.
      const list = sorted[dir].sort((a, b) => a[0] - b[0] || (a[1].action === b[1].action ? 0 : a[1].action === 'deny' ? -1 : 1));
      const implied: NormRule = {
        action: dir === 'egress' ? 'allow' : 'deny',
        local: [],
        peer: { ids: new Set(), addrs: AddressSet.ALL },
        protos: [{ all: true, protos: new Set() }],
        origin: `implied ${dir === 'egress' ? 'allow-egress' : 'deny-ingress'} rule`,
        label: '(priority 65535)',
      };
      this[dir].push(...list.map((x) => x[1]), implied);
    }
  }

  private protos(f: TfResource, key: 'allow' | 'deny'): ProtoMatch[] | undefined {
    const out: ProtoMatch[] = [];
    for (const [i, blk] of this.doc.list(f.body, key, f.address).entries()) {
      const where = `${f.address} ${key}[${i}]`;
      const b = blk as Record<string, any>;
      const name = String(b?.protocol ?? '').trim().toLowerCase();
      let proto: number | 'all' | undefined;
      if (name === 'all') proto = 'all';
      else if (name in NAMES) proto = NAMES[name];
      else if (/^\d+$/.test(name) && Number(name) <= 255) proto = Number(name);
      if (proto === undefined) {
        this.doc.issue('MS7011', `${where}: unknown protocol ${JSON.stringify(b?.protocol)}`, f.address);
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

  private ids(f: TfResource, key: string, prefix: string): Set<string> | undefined {
    const out = new Set<string>();
    for (const v of this.doc.list(f.body, key, f.address)) {
      const tok = this.doc.identityToken(v, `${f.address} ${key}`);
      if (tok === undefined) return undefined;
      out.add(prefix + tok);
    }
    return out;
  }

  private firewall(f: TfResource): { dir: Direction; priority: number; rule: NormRule } | undefined {
    const b = f.body;
    if (b.disabled === true) return undefined;
    if (b.disabled !== undefined && b.disabled !== false) {
      this.doc.issue('MS7010', `${f.address}: cannot evaluate disabled = ${JSON.stringify(b.disabled)}`, f.address);
      return undefined;
    }
    const direction = String(b.direction ?? 'INGRESS').toUpperCase();
    if (direction !== 'INGRESS' && direction !== 'EGRESS') {
      this.doc.issue('MS7011', `${f.address}: direction ${JSON.stringify(b.direction)} not understood`, f.address);
      return undefined;
    }
    const dir: Direction = direction === 'INGRESS' ? 'ingress' : 'egress';
    const priority = b.priority === undefined ? 1000 : this.doc.int(b.priority, f.address);
    if (priority === undefined) return undefined;
    const allow = this.protos(f, 'allow');
    const deny = this.protos(f, 'deny');
    if (!allow || !deny) return undefined;
    if ((allow.length > 0) === (deny.length > 0)) {
      this.doc.issue('MS7011', `${f.address}: a firewall rule needs allow blocks or deny blocks, not ${allow.length ? 'both' : 'neither'}`, f.address);
      return undefined;
    }
    const srcRanges = this.doc.cidrs(this.doc.list(b, 'source_ranges', f.address), f.address);
    const dstRanges = this.doc.cidrs(this.doc.list(b, 'destination_ranges', f.address), f.address);
    const srcTags = this.ids(f, 'source_tags', 'tag:');
    const srcSas = this.ids(f, 'source_service_accounts', 'sa:');
    const tgtTags = this.ids(f, 'target_tags', 'tag:');
    const tgtSas = this.ids(f, 'target_service_accounts', 'sa:');
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
    const protos = allow.length ? allow : deny;
    const protoText = protos.map((p) => (p.all ? 'all' : [...p.protos].join('+') + (p.ports ? `/${p.ports}` : ''))).join(', ');
    const peerText = [...peer.ids, ...peer.addrs.toCidrs().slice(0, 4)].join(', ');
    return {
      dir,
      priority,
      rule: {
        action,
        local,
        peer,
        protos,
        origin: f.address,
        label: `${action} ${protoText} ${dir === 'ingress' ? 'from' : 'to'} ${peerText} (priority ${priority})`,
      },
    };
  }
}

export function readGcp(json: Record<string, any>, identities: IdentitiesLike, segments: readonly string[]): CloudModel {
  const doc = new TerraformDoc(json);
  const reader = new GcpReader(doc);
  const tags = readIdentities(doc, identities, segments, 'networkTags');
  const sas = readIdentities(doc, { segments: Object.fromEntries(segments.map((s) => [s, { serviceAccounts: identities?.segments?.[s]?.serviceAccounts ?? [] }])) }, segments, 'serviceAccounts');
  const ids = new Map<string, Set<string>>();
  for (const s of segments) ids.set(s, new Set([...[...tags.get(s)!].map((t) => 'tag:' + t), ...[...sas.get(s)!].map((t) => 'sa:' + t)]));
  return {
    target: 'gcp',
    identities: ids,
    issues: doc.issues,
    portSets: reader.bounds.portSets,
    srcPortSets: reader.bounds.srcPortSets,
    protocols: reader.bounds.protocols,
    chains(_segment: string, dir: Direction): Chain[] {
      return [{ name: 'firewall rules of the network', rules: reader[dir] }];
    },
  };
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
        for (const y of m.idAllow) if (!m.idDeny.has(y)) t = t.union(ctx.addrOf.get(y) ?? AddressSet.EMPTY);
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
