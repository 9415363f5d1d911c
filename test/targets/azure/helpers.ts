/**
 * Test helpers for the Azure back end: load a policy without the CLI, and an
 * evaluator that reads synthesized Terraform JSON the way Azure does:
 * per NSG and direction, rules by priority, first match; when none matches,
 * Azure's defaults, modelled here as allow (AllowVnetInBound,
 * AllowAzureLoadBalancerInBound, AllowVnetOutBound and AllowInternetOutBound
 * between them admit nearly everything, so "allow" is the strict test of our
 * deny-alls).
 */
import * as fs from 'fs';
import { SegmentationPolicy } from '../../../lib/model/policy';
import { AddressSet, Family } from '../../../lib/net/address';
import { PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP } from '../../../lib/net/service';
import { ResolvedPolicy } from '../../../lib/resolve/ir';
import { resolve } from '../../../lib/resolve/resolve';
import { IdentitiesFile } from '../../../lib/targets/target';
import { PlannedRule } from '../../../lib/targets/azure/plan';

/** The readable name 0.1.0 gave a rule (after its policy rule); today's names carry the rule's identity code instead. */
export const readableName = (r: Pick<PlannedRule, 'name' | 'formerName'>): string => r.formerName ?? r.name;
/** A rule's key as 0.1.0 wrote it (`segment|dir|<rule name>|protocol|peer`), for tests that look rules up by their policy rule. */
export const formerKey = (r: Pick<PlannedRule, 'key' | 'origin'>): string => (r.origin ? r.key.replace(/\|r[0-9a-f]{8}\|/, `|${r.origin.name}|`) : r.key);

export function irFromYaml(text: string, file = 'policy.yaml'): ResolvedPolicy {
  return resolve(SegmentationPolicy.fromSource(text, file));
}

export function irFromFile(file: string): ResolvedPolicy {
  return irFromYaml(fs.readFileSync(file, 'utf8'), file);
}

export function irFromObject(doc: unknown, file = '<object>'): ResolvedPolicy {
  return resolve(SegmentationPolicy.fromObject(doc, file));
}

interface EvalRule {
  priority: number;
  access: 'Allow' | 'Deny';
  protocol: string;
  ports: '*' | { lo: number; hi: number }[];
  src: Matcher;
  dst: Matcher;
}
type Matcher = { kind: 'any' } | { kind: 'asgs'; asgs: Set<string> } | { kind: 'prefixes'; set: AddressSet };

export interface Endpoint {
  /** Terraform addresses of the ASGs the workload carries; undefined for an outside host. */
  asgs?: readonly string[];
  nsgs?: readonly string[];
  family: Family;
  address: bigint;
}

const ref = (s: string) => {
  const m = /^\$\{([a-z_]+\.[^.]+)\.(id|name)\}$/.exec(s);
  if (!m) throw new Error(`unexpected reference ${s}`);
  return m[1];
};

/** Terraform JSON → per NSG address, per direction, rules sorted by priority. Checks Azure's own field rules while at it. */
export function readAzure(tf: any): Map<string, { Inbound: EvalRule[]; Outbound: EvalRule[] }> {
  const out = new Map<string, { Inbound: EvalRule[]; Outbound: EvalRule[] }>();
  for (const name of Object.keys(tf.resource?.azurerm_network_security_group ?? {})) out.set(`azurerm_network_security_group.${name}`, { Inbound: [], Outbound: [] });
  const matcher = (r: any, side: 'source' | 'destination'): Matcher => {
    const single = r[`${side}_address_prefix`];
    const plural = r[`${side}_address_prefixes`];
    const asgs = r[`${side}_application_security_group_ids`];
    const set = [single, plural, asgs].filter((x) => x !== undefined);
    if (set.length !== 1) throw new Error(`rule ${r.name}: exactly one of ${side} prefix / prefixes / ASGs expected`);
    if (single !== undefined) {
      if (single !== '*') throw new Error(`rule ${r.name}: singular fields hold only '*'`);
      return { kind: 'any' };
    }
    if (plural !== undefined) {
      const s = AddressSet.fromCidrs(plural);
      if (s.hasFamily(4) && s.hasFamily(6)) throw new Error(`rule ${r.name}: mixed address families`);
      if (plural.length > 4000) throw new Error(`rule ${r.name}: over 4000 prefixes`);
      return { kind: 'prefixes', set: s };
    }
    if (asgs.length > 10) throw new Error(`rule ${r.name}: over 10 ASGs`);
    return { kind: 'asgs', asgs: new Set(asgs.map(ref)) };
  };
  for (const r of Object.values(tf.resource?.azurerm_network_security_rule ?? {}) as any[]) {
    const nsg = out.get(ref(r.network_security_group_name));
    if (!nsg) throw new Error(`rule ${r.name}: unknown NSG`);
    if ((r.destination_port_range === undefined) === (r.destination_port_ranges === undefined)) throw new Error(`rule ${r.name}: port range singular xor plural`);
    if (r.destination_port_range !== undefined && r.destination_port_range !== '*') throw new Error(`rule ${r.name}: singular port holds only '*'`);
    if (r.source_port_range !== '*' || r.source_port_ranges !== undefined) throw new Error(`rule ${r.name}: source ports are '*'`);
    if (r.name.length > 80 || (r.description ?? '').length > 140) throw new Error(`rule ${r.name}: name or description too long`);
    if (r.priority < 100 || r.priority > 4096) throw new Error(`rule ${r.name}: priority out of range`);
    const ports =
      r.destination_port_range === '*'
        ? '*'
        : r.destination_port_ranges.map((p: string) => {
            const [lo, hi] = p.split('-').map(Number);
            return { lo, hi: hi ?? lo };
          });
    nsg[r.direction as 'Inbound' | 'Outbound'].push({ priority: r.priority, access: r.access, protocol: r.protocol, ports, src: matcher(r, 'source'), dst: matcher(r, 'destination') });
  }
  for (const [name, n] of out) {
    for (const d of ['Inbound', 'Outbound'] as const) {
      n[d].sort((a, b) => a.priority - b.priority);
      const ps = n[d].map((r) => r.priority);
      if (new Set(ps).size !== ps.length) throw new Error(`${name} ${d}: duplicate priorities`);
    }
  }
  return out;
}

function matches(m: Matcher, e: Endpoint): boolean {
  if (m.kind === 'any') return true;
  if (m.kind === 'prefixes') return m.set.contains(e.family, e.address);
  return (e.asgs ?? []).some((a) => m.asgs.has(a));
}

function protoMatches(p: string, family: Family, proto: number): boolean {
  if (p === '*') return true;
  if (p === 'Tcp') return proto === PROTO_TCP;
  if (p === 'Udp') return proto === PROTO_UDP;
  // Azure's Icmp: ICMP for IPv4, ICMPv6 for IPv6 (documented assumption in docs/azure.md).
  if (p === 'Icmp') return (family === 4 && proto === PROTO_ICMP) || (family === 6 && proto === PROTO_ICMPV6);
  throw new Error(`unknown protocol ${p}`);
}

function nsgAdmits(rules: EvalRule[], src: Endpoint, dst: Endpoint, proto: number, port: number): boolean {
  for (const r of rules) {
    if (!protoMatches(r.protocol, dst.family, proto)) continue;
    if (r.ports !== '*' && (proto === PROTO_TCP || proto === PROTO_UDP) && !r.ports.some((x) => x.lo <= port && port <= x.hi)) continue;
    if (r.ports !== '*' && proto !== PROTO_TCP && proto !== PROTO_UDP) continue;
    if (!matches(r.src, src) || !matches(r.dst, dst)) continue;
    return r.access === 'Allow';
  }
  return true; // Azure defaults: allow (see above).
}

/** Is the packet allowed: every NSG of the source (outbound) and of the destination (inbound) must admit it. */
export function azureAllows(model: ReturnType<typeof readAzure>, src: Endpoint, dst: Endpoint, proto: number, port: number): boolean {
  for (const n of src.nsgs ?? []) if (!nsgAdmits(model.get(n)!.Outbound, src, dst, proto, port)) return false;
  for (const n of dst.nsgs ?? []) if (!nsgAdmits(model.get(n)!.Inbound, src, dst, proto, port)) return false;
  return true;
}

export function workloadOf(ids: IdentitiesFile, segment: string, family: Family, address: bigint): Endpoint & { segment: string } {
  const s = ids.segments[segment];
  return { segment, asgs: s.applicationSecurityGroups ?? [], nsgs: s.networkSecurityGroups ?? [], family, address };
}

// ---------------------------------------------------------------------------
// exhaustive flow comparison against the meaning

import { addressAtoms, formatAddress } from '../../../lib/net/address';
import { flowAllowed, FlowEndpoint } from '../../../lib/resolve/meaning';
import { TargetOutput } from '../../../lib/targets/target';

export interface Mismatch {
  from: string;
  to: string;
  service: string;
  meaning: boolean;
  azure: boolean;
}

/** Representative ports: every boundary of every port range the policy names. */
function portProbes(ir: ResolvedPolicy): { tcp: number[]; udp: number[] } {
  const tcp = new Set([0, 65535]);
  const udp = new Set([0, 65535]);
  for (const r of ir.rules) {
    for (const x of r.services.tcp.ranges) [x.lo, x.hi, x.hi + 1, x.lo - 1].forEach((p) => p >= 0 && p <= 65535 && tcp.add(p));
    for (const x of r.services.udp.ranges) [x.lo, x.hi, x.hi + 1, x.lo - 1].forEach((p) => p >= 0 && p <= 65535 && udp.add(p));
  }
  return { tcp: [...tcp].sort((a, b) => a - b), udp: [...udp].sort((a, b) => a - b) };
}

/**
 * Compare every flow between workloads of every segment (one per address atom
 * inside its addresses) and outside hosts (one per atom), on every service
 * atom, with the meaning. `maxWorkloadAtoms` caps the workloads per segment
 * for large policies (the cap keeps the first atoms of each family).
 */
export function compareFlows(ir: ResolvedPolicy, out: TargetOutput, opts: { maxWorkloadAtoms?: number; outside?: boolean } = {}): { flows: number; mismatches: Mismatch[] } {
  const model = readAzure(out.terraform);
  const sets = [ir.internalCidrs, ...ir.segments.map((s) => s.addresses), ...ir.externals.map((e) => e.addresses)];
  for (const r of ir.rules) for (const a of [...r.fromAddresses, ...r.toAddresses]) sets.push(a.addresses);
  const atoms = addressAtoms(sets);
  type Ep = { label: string; flow: FlowEndpoint; az: Endpoint };
  const ends: Ep[] = [];
  for (const s of ir.segments) {
    let n = 0;
    for (const a of atoms) {
      if (!s.addresses.contains(a.family, a.lo)) continue;
      if (opts.maxWorkloadAtoms !== undefined && n++ >= opts.maxWorkloadAtoms) break;
      ends.push({ label: `${s.name}@${formatAddress(a.family, a.lo)}`, flow: { segment: s.name, family: a.family, address: a.lo }, az: workloadOf(out.identities, s.name, a.family, a.lo) });
    }
  }
  if (opts.outside !== false) for (const a of atoms) ends.push({ label: `host@${formatAddress(a.family, a.lo)}`, flow: { family: a.family, address: a.lo }, az: { family: a.family, address: a.lo } });
  const ports = portProbes(ir);
  const services = (family: Family): [string, number, number][] => [
    ...ports.tcp.map((p): [string, number, number] => [`tcp/${p}`, PROTO_TCP, p]),
    ...ports.udp.map((p): [string, number, number] => [`udp/${p}`, PROTO_UDP, p]),
    ['icmp', family === 4 ? PROTO_ICMP : PROTO_ICMPV6, 0],
    ['icmp-other-family', family === 4 ? PROTO_ICMPV6 : PROTO_ICMP, 0],
    ['gre', 47, 0],
  ];
  const svc4 = services(4);
  const svc6 = services(6);
  const mismatches: Mismatch[] = [];
  let flows = 0;
  for (const f of ends) {
    for (const t of ends) {
      if (f.flow.segment === undefined && t.flow.segment === undefined) continue;
      if (f.flow.family !== t.flow.family) continue;
      for (const [name, proto, port] of f.flow.family === 4 ? svc4 : svc6) {
        flows++;
        const m = flowAllowed(ir, f.flow, t.flow, proto, port);
        const a = azureAllows(model, f.az, t.az, proto, port);
        if (m !== a && mismatches.length < 20) mismatches.push({ from: f.label, to: t.label, service: name, meaning: m, azure: a });
      }
    }
  }
  return { flows, mismatches };
}
