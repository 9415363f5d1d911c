/**
 * Fields Azure's NSG rules and Virtual Network Manager's security admin
 * rules write alike: address prefixes and service tags, port range lists,
 * protocols. Read once here for both readers (azure.ts, azure-admin.ts).
 */
import { AddressSet } from '../net/address';
import { PortSet } from '../net/ports';
import { Boundaries, Direction, PROTO, ProtoMatch } from './model';
import { isExpression, TerraformDoc } from './terraform';

export const LOAD_BALANCER = AddressSet.fromCidrs(['168.63.129.16/32']);

export function present(v: unknown): boolean {
  return !(v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0));
}

const at = (where: string) => where.split(' ')[0];

/**
 * One address prefix: `*`/`Any`, a CIDR, or the service tags the verifier
 * models: `VirtualNetwork` (taken as network.internalCidrs), `Internet`
 * (everything else), `AzureLoadBalancer` (168.63.129.16).
 */
export function addressPrefix(doc: TerraformDoc, v: unknown, where: string, internal: AddressSet): AddressSet | undefined {
  if (typeof v !== 'string' || isExpression(v)) {
    doc.issue('MS7010', `${where}: cannot evaluate address prefix ${JSON.stringify(v)}`, at(where));
    return undefined;
  }
  const t = v.trim();
  const lower = t.toLowerCase();
  if (t === '*' || lower === 'any') return AddressSet.ALL;
  if (lower === 'virtualnetwork') return internal;
  if (lower === 'internet') return AddressSet.ALL.subtract(internal);
  if (lower === 'azureloadbalancer') return LOAD_BALANCER;
  if (/^[A-Za-z]/.test(t) && !t.includes(':')) {
    doc.issue('MS7011', `${where}: service tag '${t}' is not modelled by the verifier`, at(where));
    return undefined;
  }
  const c = doc.cidrs([t], where);
  return c.ok ? c.set : undefined;
}

/** A list of port ranges (`443`, `8000-8099`, `*`): undefined for all ports, null when invalid (reported). */
export function portRanges(doc: TerraformDoc, values: readonly unknown[], prefix: string, where: string): PortSet | undefined | null {
  let set = PortSet.EMPTY;
  for (const v of values) {
    const s = String(v).trim();
    if (s === '*') return undefined;
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(s);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? (m[2] === undefined ? lo : Number(m[2])) : NaN;
    if (!m || lo > hi || hi > 65535) {
      doc.issue('MS7011', `${where}: invalid ${prefix} port range ${JSON.stringify(v)}`, at(where));
      return null;
    }
    set = set.union(PortSet.range(lo, hi));
  }
  return set.isAll() ? undefined : set;
}

/** `Inbound` / `Outbound` (any case) as the direction of the workload's side; undefined for anything else. */
export function ruleDirection(v: unknown): Direction | undefined {
  const d = String(v ?? '').toLowerCase();
  return d === 'inbound' ? 'ingress' : d === 'outbound' ? 'egress' : undefined;
}

/**
 * A rule's protocol and ports as one match, its boundaries noted for the
 * product check, and as the text reports show (`any protocol`,
 * `tcp/443 (source ports 1024-65535)`). Undefined when it cannot be read (reported).
 */
export function ruleProtocol(doc: TerraformDoc, bounds: Boundaries, protocol: unknown, dports: PortSet | undefined, sports: PortSet | undefined, where: string): { pm: ProtoMatch; text: string } | undefined {
  const pm = protocolMatch(doc, protocol, dports, sports, where);
  if (!pm) return undefined;
  bounds.note(pm);
  const text = pm.all ? 'any protocol' : `${String(protocol ?? '').toLowerCase()}${dports ? '/' + dports.toString() : ''}${sports ? ` (source ports ${sports})` : ''}`;
  return { pm, text };
}

const NUMBERS: Record<string, number[]> = { tcp: [PROTO.TCP], udp: [PROTO.UDP], icmp: [PROTO.ICMP, PROTO.ICMPV6], esp: [50], ah: [51] };

/** A protocol (`Tcp`, `Udp`, `Icmp`, `Esp`, `Ah`, `*`/`Any`) with its ports; `Icmp` matches ICMP and ICMPv6. Undefined when it cannot be read (reported). */
export function protocolMatch(doc: TerraformDoc, protocol: unknown, dports: PortSet | undefined, sports: PortSet | undefined, where: string): ProtoMatch | undefined {
  const proto = String(protocol ?? '').toLowerCase();
  if (proto === '*' || proto === 'any') {
    if (dports || sports) {
      doc.issue('MS7011', `${where}: ports on protocol '${String(protocol)}' are ambiguous; the verifier does not guess which protocols they restrict`, at(where));
      return undefined;
    }
    return { all: true, protos: new Set() };
  }
  if (NUMBERS[proto]) {
    if (proto !== 'tcp' && proto !== 'udp' && (dports || sports)) {
      doc.issue('MS7011', `${where}: ports on protocol ${String(protocol)} are not meaningful`, at(where));
      return undefined;
    }
    return { all: false, protos: new Set(NUMBERS[proto]), ports: dports, srcPorts: sports };
  }
  doc.issue('MS7011', `${where}: unknown protocol ${JSON.stringify(protocol)}`, at(where));
  return undefined;
}
