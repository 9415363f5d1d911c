/**
 * MS3004 world-open admin port: a segment admits an administrative or data
 * port from a world-sized set of outside addresses. Judged on the exposure
 * as a whole, the way the compiled output behaves: per segment, per port and
 * per address family, the union of every outside address from which
 * Ingress(segment) admits the port, across all terms, rules, guardrails and
 * externals, after deny guardrails. So four rules of a quarter of IPv4 each
 * (or one rule with four quarter terms, or four quarter externals) are as
 * open as one rule from 0.0.0.0/0, which is what a cloud merges them into.
 * "World-sized": at least half of the IPv4 space (2^31 addresses) or of the
 * IPv6 space; `0.0.0.0/0`, `::/0` and "the internet minus the private
 * ranges" (98.6 % of IPv4) count, a partner's /24 does not. The finding
 * sits on the first contributing rule and lists every one.
 */
import { AddressSet, Family, formatAddress } from '../../net/address';
import { ServiceSet, serviceAtoms } from '../../net/service';
import { ServiceResolver } from '../../resolve/services';
import { sideServices } from '../../resolve/meaning';
import { sideOf } from '../../resolve/peers';
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
    for (const seg of ir.segments) {
      const t = seg.name;
      // Address entries that can admit an admin port: the only way an outside host gets in.
      const entries = sideOf(ir, t, 'ingress').allow.filter((e) => e.peer.kind === 'addresses' && e.services.overlaps(ctx.adminPorts));
      if (entries.length === 0) continue;
      let reach = AddressSet.EMPTY;
      for (const e of entries) if (e.peer.kind === 'addresses') reach = reach.union(e.peer.addresses);
      if (!isWorldSized(reach)) continue; // before denies, the union is the most it can be
      // What each source atom gets, after denies.
      const exposedAt = atomsIn(ctx.atoms, reach)
        .map((a) => ({ a, s: sideServices(ir, t, 'ingress', probe({ range: a })).intersect(ctx.adminPorts) }))
        .filter((x) => !x.s.isEmpty());
      const pieces = serviceAtoms(ctx.adminPorts, exposedAt.map((x) => x.s));
      for (const family of [4, 6] as const) {
        let open = ServiceSet.EMPTY;
        let from = AddressSet.EMPTY;
        const rules = new Set<string>();
        const externals = new Set<string>();
        for (const piece of pieces) {
          const atoms = exposedAt.filter((x) => x.a.family === family && x.s.containsSet(piece)).map((x) => x.a);
          const set = AddressSet.fromRanges(atoms);
          if (size(set, family) < HALF[family]) continue;
          open = open.union(piece);
          from = from.union(set);
          for (const e of entries) {
            if (e.peer.kind !== 'addresses' || !e.services.containsSet(piece) || !e.peer.addresses.overlaps(set)) continue;
            rules.add(e.origin.name);
            if (e.peer.external) externals.add(e.peer.external);
          }
        }
        if (open.isEmpty()) continue;
        const names = [...rules].sort();
        const specs = open.toSpecs();
        out.push({
          code: 'MS3004',
          message: `segment '${t}' admits admin port${specs.length > 1 ? 's' : ''} ${open.toString()} from ${share(from, family)} of the IPv${family} space (world-sized) through ${names.length === 1 ? 'rule' : 'rules'} ${names.map((n) => `'${n}'`).join(', ')}`,
          path: rulePath(ir.policy.doc, names[0]),
          subjects: [names[0], t, ...names.slice(1), ...[...externals].sort()],
          example: `outside host ${exampleAddress(from)} → ${t} on ${specs[0]}`,
          related: names.slice(1).map((n) => ({ message: `${ir.rule(n).origin.kind} '${n}' also opens it`, location: ir.rule(n).origin.location, path: rulePath(ir.policy.doc, n) })),
        });
      }
    }
    return out;
  },
};

/** `100 %`, `98.6 %`, `50 %` of a family's space. */
function share(set: AddressSet, f: Family): string {
  const total = f === 4 ? 1n << 32n : 1n << 128n;
  const permille = (size(set, f) * 1000n) / total;
  const whole = permille / 10n;
  const tenth = permille % 10n;
  return `${whole}${tenth ? `.${tenth}` : ''} %`;
}
