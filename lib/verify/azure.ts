/**
 * Azure network security groups, evaluated the way Azure does:
 *  - every NSG that applies to a workload (subnet and NIC, as identities.json
 *    lists them) must admit a packet; a workload with no NSG admits everything;
 *  - within an NSG and a direction, rules are tried by priority (lowest
 *    number first) and the first match decides, Allow or Deny;
 *  - rules: `azurerm_network_security_rule` and inline `security_rule` blocks,
 *    singular and plural address and port fields, application security
 *    groups on either side, `*`, service tags `VirtualNetwork` (taken as
 *    network.internalCidrs), `Internet` (everything else) and
 *    `AzureLoadBalancer` (168.63.129.16);
 *  - the six default rules at 65000, 65001 and 65500 in each direction;
 *  - `Icmp` matches ICMP for IPv4 and ICMPv6 for IPv6 packets.
 *  - security admin rules of Virtual Network Manager before every NSG
 *    (azure-admin.ts: Deny ends it, AlwaysAllow admits regardless, Allow
 *    passes on to the NSGs).
 * Anything else (other service tags, ports on protocols without ports,
 * Azure Firewall) is reported.
 */
import { AddressSet } from '../net/address';
import { PortSet } from '../net/ports';
import { AdminReader } from './azure-admin';
import { stackLayers } from './layers';
import { addressPrefix, LOAD_BALANCER, portRanges, present, ruleDirection, ruleProtocol } from './azure-fields';
import { Boundaries, Chain, CloudModel, cloudModel, Direction, EndpointMatch, NormRule, ProtoMatch } from './model';
import { IdentitiesLike, readIdentities, TerraformDoc, TfResource } from './terraform';

const NSG = 'azurerm_network_security_group';
const ASG = 'azurerm_application_security_group';
const UNMODELLED = /^azurerm_(firewall|network_ddos|web_application_firewall)/;

interface RawRule {
  readonly body: Record<string, any>;
  readonly origin: string;
  readonly nsg: string;
}

class AzureReader {
  readonly bounds = new Boundaries();
  /** Per NSG address, per direction, rules ordered by priority, defaults last. */
  readonly chains = new Map<string, { ingress: NormRule[]; egress: NormRule[] }>();

  constructor(
    readonly doc: TerraformDoc,
    private readonly internal: AddressSet,
  ) {
    for (const t of doc.types()) {
      if (UNMODELLED.test(t)) for (const r of doc.ofType(t)) doc.issue('MS7011', `${r.address}: ${t} changes what is admitted but is not modelled by the verifier`, r.address);
    }
    const raw: RawRule[] = [];
    for (const n of doc.ofType(NSG)) {
      doc.list(n.body, 'security_rule', n.address).forEach((b, i) => {
        const name = (b as Record<string, unknown>)?.name;
        raw.push({ body: b as Record<string, any>, origin: `${n.address} security_rule[${typeof name === 'string' ? name : i}]`, nsg: n.address });
      });
    }
    for (const r of doc.ofType('azurerm_network_security_rule')) {
      const n = doc.resolveResource(r.body.network_security_group_name, [NSG], 'name', `${r.address} network_security_group_name`);
      if (n) raw.push({ body: r.body, origin: r.address, nsg: n.address });
    }
    const sorted = new Map<string, { ingress: [number, NormRule][]; egress: [number, NormRule][] }>();
    for (const n of doc.ofType(NSG)) sorted.set(n.address, { ingress: [], egress: [] });
    for (const r of raw) {
      const x = this.rule(r);
      if (x) sorted.get(r.nsg)![x.dir].push([x.priority, x.rule]);
    }
    for (const [nsg, byDir] of sorted) {
      const out = { ingress: [] as NormRule[], egress: [] as NormRule[] };
      for (const dir of ['ingress', 'egress'] as const) {
        const list = byDir[dir].sort((a, b) => a[0] - b[0]);
        for (let i = 1; i < list.length; i++) {
          if (list[i][0] === list[i - 1][0]) {
            doc.issue('MS7011', `${nsg}: priority ${list[i][0]} is used twice in direction ${dir} (${list[i - 1][1].origin}, ${list[i][1].origin}); Azure rejects this`, nsg);
          }
        }
        out[dir] = [...list.map((x) => x[1]), ...this.defaults(nsg, dir)];
      }
      this.chains.set(nsg, out);
    }
  }

  /** The default rules every NSG carries (AllowVnet…, AllowAzureLoadBalancerInBound / AllowInternetOutBound, DenyAll…). */
  private defaults(nsg: string, dir: Direction): NormRule[] {
    const any: ProtoMatch = { all: true, protos: new Set() };
    const vnet: EndpointMatch = { ids: new Set(), addrs: this.internal };
    const mk = (name: string, prio: number, action: 'allow' | 'deny', local: EndpointMatch, peer: EndpointMatch): NormRule => ({
      action,
      local: [local],
      peer,
      protos: [any],
      origin: `${nsg} default rule ${name}`,
      label: `${action} (priority ${prio})`,
    });
    const all: EndpointMatch = { ids: new Set(), addrs: AddressSet.ALL };
    if (dir === 'ingress') {
      return [
        mk('AllowVnetInBound', 65000, 'allow', vnet, vnet),
        mk('AllowAzureLoadBalancerInBound', 65001, 'allow', all, { ids: new Set(), addrs: LOAD_BALANCER }),
        mk('DenyAllInBound', 65500, 'deny', all, all),
      ];
    }
    return [
      mk('AllowVnetOutBound', 65000, 'allow', vnet, vnet),
      mk('AllowInternetOutBound', 65001, 'allow', all, { ids: new Set(), addrs: AddressSet.ALL.subtract(this.internal) }),
      mk('DenyAllOutBound', 65500, 'deny', all, all),
    ];
  }

  /** One address side (source or destination) of a rule. */
  private side(b: Record<string, any>, prefix: 'source' | 'destination', where: string): { match: EndpointMatch; text: string } | undefined {
    const one = b[`${prefix}_address_prefix`];
    const many = b[`${prefix}_address_prefixes`];
    const asgs = b[`${prefix}_application_security_group_ids`];
    const given = [present(one), present(many), present(asgs)].filter(Boolean).length;
    if (given !== 1) {
      this.doc.issue('MS7011', `${where}: the ${prefix} must be exactly one of ${prefix}_address_prefix, ${prefix}_address_prefixes, ${prefix}_application_security_group_ids (${given} given)`, where.split(' ')[0]);
      return undefined;
    }
    if (present(asgs)) {
      const ids = new Set<string>();
      for (const a of this.doc.list(b, `${prefix}_application_security_group_ids`, where)) {
        const tok = this.doc.identityToken(a, where);
        if (!tok) return undefined;
        ids.add(tok);
      }
      return { match: { ids, addrs: AddressSet.EMPTY }, text: [...ids].join(', ') };
    }
    const values = present(one) ? [one] : this.doc.list(b, `${prefix}_address_prefixes`, where);
    let addrs = AddressSet.EMPTY;
    for (const v of values) {
      const s = this.prefix(v, where);
      if (!s) return undefined;
      addrs = addrs.union(s);
    }
    return { match: { ids: new Set(), addrs }, text: values.map(String).join(', ') };
  }

  private prefix(v: unknown, where: string): AddressSet | undefined {
    return addressPrefix(this.doc, v, where, this.internal);
  }

  private ports(b: Record<string, any>, prefix: 'source' | 'destination', where: string): PortSet | undefined | null {
    const one = b[`${prefix}_port_range`];
    const many = b[`${prefix}_port_ranges`];
    if (present(one) && present(many)) {
      this.doc.issue('MS7011', `${where}: both ${prefix}_port_range and ${prefix}_port_ranges are set`, where.split(' ')[0]);
      return null;
    }
    if (!present(one) && !present(many)) {
      this.doc.issue('MS7011', `${where}: neither ${prefix}_port_range nor ${prefix}_port_ranges is set`, where.split(' ')[0]);
      return null;
    }
    return portRanges(this.doc, present(one) ? [one] : this.doc.list(b, `${prefix}_port_ranges`, where), prefix, where);
  }

  private rule(r: RawRule): { dir: Direction; priority: number; rule: NormRule } | undefined {
    const b = r.body;
    const where = r.origin;
    if (!b || typeof b !== 'object' || Array.isArray(b)) {
      // An expression in place of the rule: a rule we cannot read, never a rule that is not there.
      this.doc.issue('MS7010', `${where}: cannot evaluate the security rule ${JSON.stringify(b)}`, where.split(' ')[0]);
      return undefined;
    }
    const dir = ruleDirection(b.direction);
    const access = String(b.access ?? '').toLowerCase();
    if (!dir || (access !== 'allow' && access !== 'deny')) {
      this.doc.issue('MS7011', `${where}: direction ${JSON.stringify(b.direction)} / access ${JSON.stringify(b.access)} not understood`, where.split(' ')[0]);
      return undefined;
    }
    const priority = this.doc.int(b.priority, where);
    if (priority === undefined) return undefined;
    if (priority < 100 || priority > 4096) this.doc.issue('MS7011', `${where}: priority ${priority} is outside 100–4096; Azure rejects this`, where.split(' ')[0]);
    const src = this.side(b, 'source', where);
    const dst = this.side(b, 'destination', where);
    if (!src || !dst) return undefined;
    const dports = this.ports(b, 'destination', where);
    const sports = this.ports(b, 'source', where);
    if (dports === null || sports === null) return undefined;
    const protocol = ruleProtocol(this.doc, this.bounds, b.protocol, dports, sports, where);
    if (!protocol) return undefined;
    const [local, peer] = dir === 'ingress' ? [dst, src] : [src, dst];
    const action = access as 'allow' | 'deny';
    return {
      dir,
      priority,
      rule: {
        action,
        local: [local.match],
        peer: peer.match,
        protos: [protocol.pm],
        origin: where,
        label: `${action} ${protocol.text} ${dir === 'ingress' ? 'from' : 'to'} ${peer.text} (priority ${priority})`,
      },
    };
  }
}

/** What a workload without NSG admits after the admin rules: everything. */
const ADMIT_ALL: NormRule = {
  action: 'allow',
  local: [],
  peer: { ids: new Set(), addrs: AddressSet.ALL },
  protos: [{ all: true, protos: new Set() }],
  origin: 'no network security group',
  label: 'admits everything',
};

export function readAzure(json: Record<string, any>, identities: IdentitiesLike, segments: readonly string[], internal: AddressSet): CloudModel {
  const doc = new TerraformDoc(json);
  const reader = new AzureReader(doc, internal);
  const asgs = readIdentities(doc, identities, segments, 'applicationSecurityGroups', [ASG]);
  const nsgs = readIdentities(doc, identities, segments, 'networkSecurityGroups', [NSG]);
  const admin = new AdminReader(doc, internal, reader.bounds, identities, segments);
  for (const [s, set] of nsgs) {
    if (set.size === 0) doc.issue('MS7012', `identities.json applies no network security group to segment '${s}': Azure then admits everything`, undefined, 'warning');
  }
  return cloudModel('azure', { identities: asgs, issues: doc.issues, bounds: reader.bounds }, (segment, dir): Chain[] => {
    const nsgChains = [...(nsgs.get(segment) ?? [])].sort().map((n) => ({ name: n, rules: reader.chains.get(n)?.[dir] ?? [] }));
    const layer = admin.layer(segment, dir);
    if (!layer) return nsgChains;
    // Admin rules first in every chain; without an NSG, Azure admits what the admin rules pass on.
    if (nsgChains.length === 0) return [{ name: 'security admin rules, then no NSG', rules: stackLayers([layer, { name: 'no NSG', rules: [ADMIT_ALL] }]) }];
    return nsgChains.map((c) => ({ name: `security admin rules, then ${c.name}`, rules: stackLayers([layer, c]) }));
  });
}

export type { TfResource };
