/**
 * MS3004 world-open admin port: a rule lets a world-sized address set reach
 * an administrative or data port of a segment. "World-sized" is decided on
 * what is actually exposed after deny guardrails: the outside-host addresses
 * of the rule's address terms from which Ingress(segment) admits an admin
 * port, measured per family; at least half of the IPv4 space (2^31
 * addresses) or half of the IPv6 space counts. So `0.0.0.0/0`, `::/0` and
 * "the internet minus the private ranges" (98.6 % of IPv4) all count, while
 * a partner's /24 does not.
 */
import { AddressSet, Family, formatAddress } from '../../net/address';
import { count } from '../../model/words';
import { ServiceSet } from '../../net/service';
import { ServiceResolver } from '../../resolve/services';
import { sideServices } from '../../resolve/meaning';
import { atomsIn } from '../flow-space';
import { LintCheck, RawFinding } from './types';
import { rulePath } from './where';
import { probe } from '../flow-space';

/** Ports that should never be open to the world: remote shells, databases, caches, cluster control planes. */
export const DEFAULT_ADMIN_PORTS: readonly { readonly spec: string; readonly what: string }[] = [
  { spec: 'tcp/22', what: 'SSH' },
  { spec: 'tcp/23', what: 'Telnet' },
  { spec: 'tcp/135', what: 'MS RPC' },
  { spec: 'tcp/139', what: 'NetBIOS' },
  { spec: 'tcp/445', what: 'SMB' },
  { spec: 'tcp/1433', what: 'SQL Server' },
  { spec: 'tcp/2375-2376', what: 'Docker daemon' },
  { spec: 'tcp/2379-2380', what: 'etcd' },
  { spec: 'tcp/3306', what: 'MySQL' },
  { spec: 'tcp/3389', what: 'RDP' },
  { spec: 'tcp/5432', what: 'PostgreSQL' },
  { spec: 'tcp/5900', what: 'VNC' },
  { spec: 'tcp/5985-5986', what: 'WinRM' },
  { spec: 'tcp/6379', what: 'Redis' },
  { spec: 'tcp/6443', what: 'Kubernetes API' },
  { spec: 'tcp/9200', what: 'Elasticsearch' },
  { spec: 'tcp/10250', what: 'kubelet' },
  { spec: 'tcp/11211', what: 'memcached' },
  { spec: 'tcp/27017', what: 'MongoDB' },
];

export function adminPortSet(extra: readonly string[] | undefined, resolver: ServiceResolver): ServiceSet {
  return resolver.specs([...DEFAULT_ADMIN_PORTS.map((p) => p.spec), ...(extra ?? [])]);
}

const HALF: Record<Family, bigint> = { 4: 1n << 31n, 6: 1n << 127n };

function size(set: AddressSet, f: Family): bigint {
  let n = 0n;
  for (const r of set.ranges) if (r.family === f) n += r.hi - r.lo + 1n;
  return n;
}

/** A readable public address of a set for examples: a well-known one when the set holds it. */
export function exampleAddress(set: AddressSet): string {
  for (const a of ['203.0.113.7', '8.8.8.8', '2001:db8::7']) if (set.containsAddress(a)) return a;
  const s = set.sample();
  return s ? formatAddress(s.family, s.value) : '(none)';
}

/** At least half of the IPv4 or of the IPv6 address space. */
export function isWorldSized(set: AddressSet): boolean {
  return size(set, 4) >= HALF[4] || size(set, 6) >= HALF[6];
}

export const worldOpen: LintCheck = {
  rules: [
    {
      code: 'MS3004',
      kind: 'world-open-admin-port',
      title: 'admin port open to the world',
      why: 'Shells, databases and caches reachable from the whole internet are scanned and brute-forced within minutes.',
      fix: 'Open the port to a narrow external (a VPN or bastion range) instead, or put the service behind a web tier; extend the list with `lint.adminPorts`.',
    },
  ],
  check(ctx) {
    const { ir } = ctx;
    const out: RawFinding[] = [];
    for (const r of ir.rules) {
      if (r.origin.action !== 'allow') continue;
      const admin = r.services.intersect(ctx.adminPorts);
      if (admin.isEmpty()) continue;
      for (const p of r.fromAddresses) {
        if (!isWorldSized(p.addresses)) continue;
        const srcAtoms = atomsIn(ctx.atoms, p.addresses);
        for (const t of r.toSegments) {
          let exposed = ServiceSet.EMPTY;
          const from: typeof srcAtoms = [];
          for (const a of srcAtoms) {
            const s = sideServices(ir, t, 'ingress', probe({ range: a })).intersect(admin);
            if (s.isEmpty()) continue;
            exposed = exposed.union(s);
            from.push(a);
          }
          const fromSet = AddressSet.fromRanges(from);
          if (exposed.isEmpty() || !isWorldSized(fromSet)) continue;
          out.push({
            code: 'MS3004',
            message: `${r.origin.kind} '${r.origin.name}' opens admin port${exposed.toSpecs().length > 1 ? 's' : ''} ${exposed.toString()} of segment '${t}' to '${p.label}' (${count(fromSet.cidrCount(), 'CIDR')}, world-sized)`,
            path: rulePath(ir.policy.doc, r.origin.name),
            subjects: [r.origin.name, t, ...(p.external ? [p.external] : [])],
            example: `outside host ${exampleAddress(fromSet)} → ${t} on ${exposed.toSpecs()[0]}`,
          });
        }
      }
    }
    return out;
  },
};
