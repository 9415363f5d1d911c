/**
 * Virtual Network Manager security admin rules, evaluated the way Azure
 * does, as the first layer of every chain of a segment side (layers.ts):
 *  - a rule collection applies to the virtual networks of its network
 *    groups; a workload is covered when identities.json lists one of them
 *    under `networkGroups` (its virtual network is a member);
 *  - the rules of every collection that applies are tried by priority
 *    (1–4096, lowest first); the first match decides: `Deny` drops the
 *    packet, `AlwaysAllow` admits it whatever the NSGs say, `Allow` hands it
 *    on to the NSGs (`next`); a packet no admin rule matches goes to the
 *    NSGs too. Each NSG's chain starts with the same admin layer, so an
 *    AlwaysAllow admits in all of them and a Deny in the first; a workload
 *    without NSG gets one chain of the admin layer and an allow-all;
 *  - inbound rules match the workload by destination, outbound by source,
 *    both by address only (prefixes, `*`, the service tags azure-fields.ts
 *    models); protocols Tcp, Udp, Icmp, Esp, Ah, Any;
 *  - a configuration takes effect only when deployed: one this output
 *    never deploys is evaluated as if it were, with a warning.
 */
import { AddressSet } from '../net/address';
import { PortSet } from '../net/ports';
import { addressPrefix, portRanges, present, ruleDirection, ruleProtocol } from './azure-fields';
import { Layer, RankedRule, rankRules } from './layers';
import { Boundaries, Direction, NormRule } from './model';
import { IdentitiesLike, readIdentities, TerraformDoc } from './terraform';

const CONFIG = 'azurerm_network_manager_security_admin_configuration';
const COLLECTION = 'azurerm_network_manager_admin_rule_collection';
const RULE = 'azurerm_network_manager_admin_rule';
const DEPLOYMENT = 'azurerm_network_manager_deployment';

/** An admin rule, ranked within the rule collections (`policy`: the collection's address). */
interface Ranked extends RankedRule {
  readonly dir: Direction;
}

/** The admin layer of each segment side; segments no collection applies to have none. */
export class AdminReader {
  private readonly byCollection = new Map<string, Ranked[]>();
  /** Collection address → network group tokens it applies to. */
  private readonly groupsOf = new Map<string, Set<string>>();
  private readonly segmentGroups: Map<string, Set<string>>;

  constructor(
    private readonly doc: TerraformDoc,
    private readonly internal: AddressSet,
    private readonly bounds: Boundaries,
    identities: IdentitiesLike,
    segments: readonly string[],
  ) {
    const collections = doc.ofType(COLLECTION);
    const rules = doc.ofType(RULE);
    const anyGroups = segments.some((s) => Array.isArray(identities?.segments?.[s]?.networkGroups));
    // Without admin resources and without networkGroups, identities.json need not mention them.
    this.segmentGroups = collections.length + rules.length > 0 || anyGroups ? readIdentities(doc, identities, segments, 'networkGroups') : new Map();
    const deployed = new Set<string>();
    for (const d of doc.ofType(DEPLOYMENT)) {
      if (String(d.body.scope_access ?? '').toLowerCase() !== 'securityadmin') continue;
      for (const c of doc.list(d.body, 'configuration_ids', d.address)) {
        const r = doc.resolveResource(c, [CONFIG], 'name', `${d.address} configuration_ids`);
        if (r) deployed.add(r.address);
      }
    }
    for (const c of doc.ofType(CONFIG)) {
      if (!deployed.has(c.address)) doc.issue('MS7011', `${c.address}: no azurerm_network_manager_deployment of this output commits it; its admin rules are evaluated as if deployed, and take effect only once they are`, c.address, 'warning');
    }
    for (const c of collections) {
      doc.resolveResource(c.body.security_admin_configuration_id, [CONFIG], 'name', `${c.address} security_admin_configuration_id`);
      const groups = new Set<string>();
      for (const g of doc.list(c.body, 'network_group_ids', c.address)) {
        const tok = doc.identityToken(g, `${c.address} network_group_ids`);
        if (tok) groups.add(tok);
      }
      this.groupsOf.set(c.address, groups);
      this.byCollection.set(c.address, []);
    }
    for (const r of rules) {
      const c = doc.resolveResource(r.body.admin_rule_collection_id, [COLLECTION], 'name', `${r.address} admin_rule_collection_id`);
      if (!c) continue;
      const x = this.rule(r.address, r.body, c.address);
      if (x) this.byCollection.get(c.address)!.push(x);
    }
    for (const [c, list] of this.byCollection) {
      const seen = new Map<string, string>();
      for (const x of list) {
        const k = `${x.priority}`;
        if (seen.has(k)) doc.issue('MS7011', `${c}: priority ${x.priority} is used twice (${seen.get(k)}, ${x.rule.origin}); Azure rejects this`, c);
        else seen.set(k, x.rule.origin);
      }
    }
    for (const s of this.segmentGroups.keys()) {
      if (this.collectionsOf(s).length === 0 && collections.length > 0) doc.issue('MS7012', `identities.json puts segment '${s}' in no network group that a security admin rule collection of this output applies to: its admin rules do not reach it`, undefined, 'warning');
    }
  }

  private collectionsOf(segment: string): string[] {
    const mine = this.segmentGroups.get(segment) ?? new Set<string>();
    return [...this.groupsOf].filter(([, gs]) => [...gs].some((g) => mine.has(g))).map(([c]) => c).sort();
  }

  /** The admin rules of one segment side in Azure's order (the first layer of its chains), or undefined when none reaches it. */
  layer(segment: string, dir: Direction): Layer | undefined {
    const ranked = rankRules(this.collectionsOf(segment).flatMap((c) => this.byCollection.get(c)!.filter((x) => x.dir === dir)));
    if (ranked.length === 0) return undefined;
    for (let i = 1; i < ranked.length; i++) {
      const [a, b] = [ranked[i - 1], ranked[i]];
      if (a.priority === b.priority && a.policy !== b.policy && a.rule.action !== b.rule.action) {
        this.doc.issue('MS7011', `${a.rule.origin} and ${b.rule.origin}: two collections reaching segment '${segment}' use priority ${a.priority} with different actions; the verifier cannot tell which Azure tries first`, a.policy);
      }
    }
    return { name: 'security admin rules', rules: ranked.map((x) => x.rule) };
  }

  private side(body: Record<string, any>, key: 'source' | 'destination', where: string): { addrs: AddressSet; text: string } | undefined {
    const blocks = this.doc.list(body, key, where);
    // No prefix on a side matches every address, as Azure reads it.
    if (blocks.length === 0) return { addrs: AddressSet.ALL, text: '*' };
    let addrs = AddressSet.EMPTY;
    const texts: string[] = [];
    for (const b of blocks as Record<string, unknown>[]) {
      const type = String(b?.address_prefix_type ?? '').toLowerCase();
      if (type !== 'ipprefix' && type !== 'servicetag') {
        this.doc.issue('MS7011', `${where}: ${key} address_prefix_type ${JSON.stringify(b?.address_prefix_type)} is neither IPPrefix nor ServiceTag`, where);
        return undefined;
      }
      const set = addressPrefix(this.doc, b.address_prefix, where, this.internal);
      if (!set) return undefined;
      addrs = addrs.union(set);
      texts.push(String(b.address_prefix));
    }
    return { addrs, text: texts.join(', ') };
  }

  private ports(body: Record<string, any>, key: string, where: string): PortSet | undefined | null {
    return present(body[key]) ? portRanges(this.doc, this.doc.list(body, key, where), key.replace(/_port_ranges$/, ''), where) : undefined;
  }

  private rule(where: string, b: Record<string, any>, collection: string): Ranked | undefined {
    const dir = ruleDirection(b.direction);
    const access = String(b.action ?? '').toLowerCase();
    const action = access === 'deny' ? 'deny' : access === 'alwaysallow' ? 'allow' : access === 'allow' ? 'next' : undefined;
    if (!dir || !action) {
      this.doc.issue('MS7011', `${where}: direction ${JSON.stringify(b.direction)} / action ${JSON.stringify(b.action)} not understood`, where);
      return undefined;
    }
    const priority = this.doc.int(b.priority, where);
    if (priority === undefined) return undefined;
    if (priority < 1 || priority > 4096) this.doc.issue('MS7011', `${where}: priority ${priority} is outside 1–4096; Azure rejects this`, where);
    const src = this.side(b, 'source', where);
    const dst = this.side(b, 'destination', where);
    const dports = this.ports(b, 'destination_port_ranges', where);
    const sports = this.ports(b, 'source_port_ranges', where);
    if (!src || !dst || dports === null || sports === null) return undefined;
    const protocol = ruleProtocol(this.doc, this.bounds, b.protocol, dports, sports, where);
    if (!protocol) return undefined;
    const [local, peer] = dir === 'ingress' ? [dst, src] : [src, dst];
    return {
      priority,
      policy: collection,
      dir,
      rule: {
        action,
        local: [{ ids: new Set(), addrs: local.addrs }],
        peer: { ids: new Set(), addrs: peer.addrs },
        protos: [protocol.pm],
        origin: where,
        label: `${String(b.action)} ${protocol.text} ${dir === 'ingress' ? 'from' : 'to'} ${peer.text} (security admin rule, priority ${priority})`,
      },
    };
  }
}
