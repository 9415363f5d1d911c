/**
 * A small AWS evaluator for tests: reads synthesized Terraform JSON and
 * identities.json back and decides flows the way AWS does (allow-only rules
 * on both sides; egress of the source's groups and ingress of the
 * destination's groups must both admit). The full verifier lives in
 * lib/verify; this one only has to be obviously right for our own tests.
 */
import { AddressSet, addressAtoms, Family, parseCidr } from '../../../lib/net/address';
import { ServiceSet } from '../../../lib/net/service';
import { ResolvedPolicy } from '../../../lib/resolve/ir';
import { flowAllowed, FlowEndpoint } from '../../../lib/resolve/meaning';
import { IdentitiesFile } from '../../../lib/targets/target';

interface Rule {
  group: string;
  dir: 'ingress' | 'egress';
  peerGroup?: string;
  /** A CIDR, or a prefix list's entries. */
  cidr?: AddressSet;
  proto: string;
  from?: number;
  to?: number;
}

const ref = (s: string) => /^\$\{aws_security_group\.([^.]+)\.id\}$/.exec(s)?.[1];
const listRef = (s: string) => /^\$\{aws_ec2_managed_prefix_list\.([^.]+)\.id\}$/.exec(s)?.[1];

function readCidr(c: string, family: Family): AddressSet {
  const p = parseCidr(c);
  if (!p.ok || p.cidr.hostBitsSet) throw new Error(`bad cidr ${c}`);
  if (family !== p.cidr.family) throw new Error(`cidr ${c} in the wrong family`);
  return AddressSet.fromRanges([{ family: p.cidr.family, lo: p.cidr.lo, hi: p.cidr.hi }]);
}

export class AwsModel {
  readonly rules: Rule[] = [];
  readonly cidrs: AddressSet[] = [];
  private readonly groups = new Map<string, Set<string>>();

  constructor(tf: Record<string, any>, identities: IdentitiesFile) {
    const res = tf.resource ?? {};
    for (const [seg, v] of Object.entries(identities.segments)) {
      this.groups.set(seg, new Set((v.securityGroups ?? []).map((a) => a.replace(/^aws_security_group\./, ''))));
    }
    for (const [name, g] of Object.entries<any>(res.aws_security_group ?? {})) {
      if (g.ingress || g.egress) throw new Error(`inline rules in ${name}`);
    }
    const lists = new Map<string, AddressSet>();
    for (const [name, l] of Object.entries<any>(res.aws_ec2_managed_prefix_list ?? {})) {
      const family: Family = l.address_family === 'IPv4' ? 4 : l.address_family === 'IPv6' ? 6 : (0 as Family);
      if (!family) throw new Error(`bad address family in ${name}`);
      if (l.max_entries !== l.entry.length) throw new Error(`max_entries of ${name} is not its entry count`);
      lists.set(name, l.entry.reduce((s: AddressSet, e: any) => s.union(readCidr(e.cidr, family)), AddressSet.EMPTY));
    }
    for (const dir of ['ingress', 'egress'] as const) {
      for (const r of Object.values<any>(res[`aws_vpc_security_group_${dir}_rule`] ?? {})) {
        const rule: Rule = { group: ref(r.security_group_id)!, dir, proto: r.ip_protocol, from: r.from_port, to: r.to_port };
        if (r.referenced_security_group_id) rule.peerGroup = ref(r.referenced_security_group_id);
        if ([r.cidr_ipv4, r.cidr_ipv6, r.prefix_list_id, r.referenced_security_group_id].filter(Boolean).length !== 1) throw new Error(`not exactly one peer: ${JSON.stringify(r)}`);
        const c = r.cidr_ipv4 ?? r.cidr_ipv6;
        if (c) rule.cidr = readCidr(c, r.cidr_ipv4 ? 4 : 6);
        if (r.prefix_list_id) {
          rule.cidr = lists.get(listRef(r.prefix_list_id) ?? '');
          if (!rule.cidr) throw new Error(`unknown prefix list ${r.prefix_list_id}`);
        }
        if (rule.cidr) this.cidrs.push(rule.cidr);
        if (!rule.group || (!rule.peerGroup && !rule.cidr)) throw new Error(`unreadable rule ${JSON.stringify(r)}`);
        this.rules.push(rule);
      }
    }
  }

  private protoMatches(r: Rule, family: Family, proto: number, port: number): boolean {
    switch (r.proto) {
      case '-1':
        return true;
      case 'tcp':
        return proto === 6 && port >= r.from! && port <= r.to!;
      case 'udp':
        return proto === 17 && port >= r.from! && port <= r.to!;
      case 'icmp':
        return proto === 1 && family === 4;
      case 'icmpv6':
        return proto === 58 && family === 6;
      default:
        throw new Error(`unexpected ip_protocol ${r.proto}`);
    }
  }

  /** Does one side (the groups of a workload) admit a packet from/to the peer? */
  private admits(own: Set<string>, dir: 'ingress' | 'egress', peer: FlowEndpoint, proto: number, port: number): boolean {
    const peerGroups = peer.segment !== undefined ? this.groups.get(peer.segment)! : new Set<string>();
    return this.rules.some(
      (r) =>
        r.dir === dir &&
        own.has(r.group) &&
        this.protoMatches(r, peer.family, proto, port) &&
        (r.peerGroup !== undefined ? peerGroups.has(r.peerGroup) : r.cidr!.contains(peer.family, peer.address)),
    );
  }

  flowAllowed(src: FlowEndpoint, dst: FlowEndpoint, proto: number, port = 0): boolean {
    if (src.segment === undefined && dst.segment === undefined) return false;
    if (src.segment !== undefined && !this.admits(this.groups.get(src.segment)!, 'egress', dst, proto, port)) return false;
    if (dst.segment !== undefined && !this.admits(this.groups.get(dst.segment)!, 'ingress', src, proto, port)) return false;
    return true;
  }
}

/** The spec's permitted AWS deviation: stricter where a deny guardrail's denied side may hold the address. */
export function permittedStricter(ir: ResolvedPolicy, src: FlowEndpoint, dst: FlowEndpoint, proto: number, port: number): boolean {
  for (const g of ir.rules) {
    if (g.origin.action !== 'deny' || !g.services.has(dst.family, proto, port)) continue;
    if (dst.segment !== undefined) {
      if (g.segmentPairs.some(([q, d]) => d === dst.segment && ir.segment(q).addresses.contains(src.family, src.address))) return true;
      if (g.toSegments.includes(dst.segment) && g.fromAddresses.some((a) => a.addresses.contains(src.family, src.address))) return true;
    }
    if (src.segment !== undefined) {
      if (g.segmentPairs.some(([s, q]) => s === src.segment && ir.segment(q).addresses.contains(dst.family, dst.address))) return true;
      if (g.fromSegments.includes(src.segment) && g.toAddresses.some((a) => a.addresses.contains(dst.family, dst.address))) return true;
    }
  }
  return false;
}

/** Probe services: every port boundary the policy names, ICMP of both families, and another protocol. */
function probes(ir: ResolvedPolicy): [number, number][] {
  const ports = { 6: new Set([0, 1, 65535]), 17: new Set([0, 1, 65535]) } as Record<number, Set<number>>;
  const add = (s: ServiceSet) => {
    for (const [p, set] of [
      [6, s.tcp],
      [17, s.udp],
    ] as const)
      for (const r of set.ranges) for (const x of [r.lo - 1, r.lo, r.hi, r.hi + 1]) if (x >= 0 && x <= 65535) ports[p].add(x);
  };
  for (const r of ir.rules) add(r.services);
  const out: [number, number][] = [];
  for (const p of [6, 17]) for (const x of [...ports[p]].sort((a, b) => a - b)) out.push([p, x]);
  out.push([1, 0], [58, 0], [47, 0]);
  return out;
}

export interface Mismatch {
  readonly flow: string;
  readonly meaning: boolean;
  readonly aws: boolean;
}

/**
 * Compare AWS with the meaning on every flow between probe endpoints: one
 * workload per segment per address atom, and one outside host per atom.
 * Returns mismatches that the spec does not permit, and how many permitted
 * stricter flows were seen.
 */
export function compareFlows(ir: ResolvedPolicy, model: AwsModel): { mismatches: Mismatch[]; stricter: number; flows: number } {
  const sets = [ir.internalCidrs, ...ir.segments.map((s) => s.addresses), ...ir.externals.map((e) => e.addresses), ...model.cidrs];
  for (const r of ir.rules) for (const a of [...r.fromAddresses, ...r.toAddresses]) sets.push(a.addresses);
  const atoms = addressAtoms(sets);
  const ends: FlowEndpoint[] = [];
  for (const a of atoms) {
    ends.push({ family: a.family, address: a.lo });
    for (const s of ir.segments) if (s.addresses.contains(a.family, a.lo)) ends.push({ segment: s.name, family: a.family, address: a.lo });
  }
  const svc = probes(ir);
  const mismatches: Mismatch[] = [];
  let stricter = 0;
  let flows = 0;
  for (const src of ends) {
    for (const dst of ends) {
      if (src.family !== dst.family || (src.segment === undefined && dst.segment === undefined)) continue;
      for (const [proto, port] of svc) {
        flows++;
        const m = flowAllowed(ir, src, dst, proto, port);
        const a = model.flowAllowed(src, dst, proto, port);
        if (m === a) continue;
        if (m && !a && permittedStricter(ir, src, dst, proto, port)) {
          stricter++;
          continue;
        }
        if (mismatches.length < 20) {
          const show = (e: FlowEndpoint) => `${e.segment ?? 'outside'}@${AddressSet.fromRanges([{ family: e.family, lo: e.address, hi: e.address }]).toCidrs()[0]}`;
          mismatches.push({ flow: `${show(src)} -> ${show(dst)} proto ${proto} port ${port}`, meaning: m, aws: a });
        }
      }
    }
  }
  return { mismatches, stricter, flows };
}

/**
 * The heaviest rule count any group carries in one direction and family, as
 * AWS counts it from the output: a CIDR rule 1 in its family, a group
 * reference 1 in both, a prefix-list reference its max_entries in both.
 */
export function maxGroupLoad(tf: Record<string, any>): number {
  const res = tf.resource ?? {};
  const maxEntries = new Map<string, number>();
  for (const [name, l] of Object.entries<any>(res.aws_ec2_managed_prefix_list ?? {})) maxEntries.set(name, l.max_entries);
  const load = new Map<string, number>();
  for (const dir of ['ingress', 'egress']) {
    for (const r of Object.values<any>(res[`aws_vpc_security_group_${dir}_rule`] ?? {})) {
      const list = r.prefix_list_id ? maxEntries.get(listRef(r.prefix_list_id)!)! : undefined;
      const families = r.cidr_ipv4 ? [4] : r.cidr_ipv6 ? [6] : [4, 6];
      for (const f of families) {
        const k = `${r.security_group_id}|${dir}|${f}`;
        load.set(k, (load.get(k) ?? 0) + (list ?? 1));
      }
    }
  }
  return Math.max(0, ...load.values());
}
