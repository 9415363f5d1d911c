/**
 * The layered evaluation (lib/verify/layers.ts) and GCP's order of layers
 * (lib/verify/gcp.ts): hierarchical policy first (allow and deny decide,
 * goto_next and no match go on), then VPC firewall rules and the network
 * firewall policy in the network's enforcement order, implied rules last.
 */
import { AddressSet } from '../../lib/net/address';
import { rankRules, stackLayers } from '../../lib/verify/layers';
import { decidePacket, NormRule, walkChain } from '../../lib/verify/model';
import { readGcp } from '../../lib/verify/gcp';

const cidr = (c: string) => AddressSet.fromCidrs([c]);
const rule = (action: NormRule['action'], peer: string, origin: string): NormRule => ({
  action,
  local: [],
  peer: { ids: new Set(), addrs: cidr(peer) },
  protos: [{ all: true, protos: new Set() }],
  origin,
  label: action,
});
const v4 = (a: string) => {
  const [x, y, z, w] = a.split('.').map(Number);
  return BigInt(((x * 256 + y) * 256 + z) * 256 + w);
};

describe('layered chains', () => {
  // Layer 0: deny 10.1/16, goto_next 10/8, allow everything else. Layer 1: allow 10.2/16, deny all.
  const chain = stackLayers([
    { name: 'upper', rules: [rule('deny', '10.1.0.0/16', 'u-deny'), rule('next', '10.0.0.0/8', 'u-next'), rule('allow', '0.0.0.0/0', 'u-allow')] },
    { name: 'lower', rules: [rule('allow', '10.2.0.0/16', 'l-allow'), rule('deny', '0.0.0.0/0', 'l-deny')] },
  ]);

  it('walkChain: a deny decides, goto_next skips the rest of its layer, the next layer decides what it passed on', () => {
    const admitted = walkChain(chain, () => false, AddressSet.allOf(4));
    // 10.2/16 passed on and allowed below; the rest of 10/8 passed on and denied below; outside 10/8 allowed above.
    expect(admitted.toCidrs(4)).toEqual(['0.0.0.0/5', '8.0.0.0/7', '10.2.0.0/16', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/1']);
  });

  it('decidePacket names the deciding rule of the deciding layer', () => {
    const at = (a: string) => decidePacket([{ name: 'fw', rules: chain }], { ids: new Set(), family: 4, address: 0n }, { ids: new Set(), family: 4, address: v4(a) }, { family: 4, proto: 6, port: 22, srcPort: 1000 });
    expect(at('10.1.0.1')).toEqual({ admitted: false, decidedBy: ['fw: u-deny deny'] });
    expect(at('10.2.0.1')).toEqual({ admitted: true, decidedBy: ['fw: l-allow allow'] });
    expect(at('10.3.0.1')).toEqual({ admitted: false, decidedBy: ['fw: l-deny deny'] });
    expect(at('11.0.0.1')).toEqual({ admitted: true, decidedBy: ['fw: u-allow allow'] });
  });

  it('an unlayered chain evaluates as before (every rule in layer 0)', () => {
    const flat = [rule('deny', '10.1.0.0/16', 'd'), rule('allow', '10.0.0.0/8', 'a')];
    expect(walkChain(flat, () => false, AddressSet.allOf(4)).toCidrs(4)).toEqual(['10.0.0.0/16', '10.2.0.0/15', '10.4.0.0/14', '10.8.0.0/13', '10.16.0.0/12', '10.32.0.0/11', '10.64.0.0/10', '10.128.0.0/9']);
  });
});

describe('rankRules (Azure admin rule collections, AdminNetworkPolicies)', () => {
  it('orders by priority, ties between policies by address, and keeps each policy\'s own order', () => {
    const r = (priority: number, policy: string, origin: string) => ({ priority, policy, rule: rule('deny', '10.0.0.0/8', origin) });
    const input = [r(20, 'b', 'b1'), r(10, 'b', 'b2'), r(20, 'a', 'a1'), r(20, 'b', 'b3'), r(5, 'c', 'c1'), r(20, 'a', 'a2')];
    expect(rankRules(input).map((x) => x.rule.origin)).toEqual(['c1', 'b2', 'a1', 'a2', 'b1', 'b3']);
    // A copy: the reader's own list keeps its order.
    expect(input.map((x) => x.rule.origin)).toEqual(['b1', 'b2', 'a1', 'b3', 'c1', 'a2']);
  });
});

describe('GCP layers in the verifier', () => {
  const l4 = [{ ip_protocol: 'tcp', ports: ['22'] }];
  const doc = (order?: string) => ({
    resource: {
      ...(order ? { google_compute_network: { net: { name: 'net', network_firewall_policy_enforcement_order: order } } } : {}),
      google_compute_firewall_policy: { g: { parent: 'folders/1', short_name: 'g' } },
      google_compute_firewall_policy_association: { g: { attachment_target: 'folders/1', firewall_policy: '${google_compute_firewall_policy.g.id}', name: 'g' } },
      google_compute_firewall_policy_rule: {
        deny: { action: 'deny', direction: 'INGRESS', firewall_policy: '${google_compute_firewall_policy.g.name}', priority: 10, match: { src_ip_ranges: ['10.9.0.0/16'], layer4_configs: l4 } },
        pass: { action: 'goto_next', direction: 'INGRESS', firewall_policy: '${google_compute_firewall_policy.g.name}', priority: 20, match: { src_ip_ranges: ['0.0.0.0/0'], layer4_configs: [{ ip_protocol: 'all' }] } },
      },
      google_compute_firewall: {
        vpc: { name: 'vpc', network: 'net', direction: 'INGRESS', priority: 1000, allow: [{ protocol: 'tcp', ports: ['22'] }], source_ranges: ['10.0.0.0/8'], target_tags: ['web'] },
      },
      google_compute_network_firewall_policy: { n: { name: 'n' } },
      google_compute_network_firewall_policy_association: { n: { attachment_target: 'net', firewall_policy: '${google_compute_network_firewall_policy.n.name}', name: 'n' } },
      google_compute_network_firewall_policy_rule: {
        deny: { action: 'deny', direction: 'INGRESS', firewall_policy: '${google_compute_network_firewall_policy.n.name}', priority: 5, match: { src_ip_ranges: ['10.5.0.0/16'], layer4_configs: l4 } },
      },
    },
  });
  const ids = { segments: { web: { networkTags: ['web'] } } };
  const admitted = (order?: string) => {
    const m = readGcp(doc(order), ids, ['web']);
    expect(m.issues).toEqual([]);
    const [c] = m.chains('web', 'ingress');
    return walkChain(c.rules, () => false, AddressSet.allOf(4)).toCidrs(4);
  };

  it('AFTER_CLASSIC_FIREWALL (default): the hierarchical deny decides first, the VPC allow before the network policy deny', () => {
    // 10/8 minus 10.9/16 (hierarchical deny); 10.5/16 stays allowed: the VPC rule decides before the network policy.
    expect(admitted()).toEqual(['10.0.0.0/13', '10.8.0.0/16', '10.10.0.0/15', '10.12.0.0/14', '10.16.0.0/12', '10.32.0.0/11', '10.64.0.0/10', '10.128.0.0/9']);
  });

  it('BEFORE_CLASSIC_FIREWALL: the network policy deny decides before the VPC allow', () => {
    expect(admitted('BEFORE_CLASSIC_FIREWALL')).toEqual(['10.0.0.0/14', '10.4.0.0/16', '10.6.0.0/15', '10.8.0.0/16', '10.10.0.0/15', '10.12.0.0/14', '10.16.0.0/12', '10.32.0.0/11', '10.64.0.0/10', '10.128.0.0/9']);
  });

  it('explains a denial by the hierarchical firewall policy rule', () => {
    const m = readGcp(doc(), ids, ['web']);
    const d = decidePacket(m.chains('web', 'ingress'), { ids: new Set(['tag:web']), family: 4, address: v4('10.0.0.1') }, { ids: new Set(), family: 4, address: v4('10.9.0.1') }, { family: 4, proto: 6, port: 22, srcPort: 1000 });
    expect(d.admitted).toBe(false);
    expect(d.decidedBy[0]).toMatch(/google_compute_firewall_policy_rule\.deny \(hierarchical firewall policy rule\) deny 6\/22 from 10\.9\.0\.0\/16 \(priority 10\)/);
  });

  it('reports a policy rule of a policy associated with nothing, and two rules at one priority', () => {
    const d = doc() as any;
    delete d.resource.google_compute_network_firewall_policy_association;
    d.resource.google_compute_firewall_policy_rule.twin = { ...d.resource.google_compute_firewall_policy_rule.pass };
    const m = readGcp(d, ids, ['web']);
    expect(m.issues.map((i) => i.message)).toEqual([
      'google_compute_firewall_policy_rule.twin and google_compute_firewall_policy_rule.pass: two rules at priority 20 of google_compute_firewall_policy.g; GCP keys a policy\'s rules by priority',
      'google_compute_network_firewall_policy_rule.deny: google_compute_network_firewall_policy.n is associated with nothing, so its rules apply nowhere',
    ]);
  });
});
