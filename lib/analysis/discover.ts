/**
 * Discovery: least-privilege rules proposed from observed accepted
 * traffic, as a policy that validates.
 *
 * 1. Every workload becomes a member of the segment named by its values
 *    of the chosen labels (`--labels env,tier,app`); with an existing
 *    policy, of that policy's segments, and only flows it does not yet
 *    allow are considered.
 * 2. Each observed flow becomes a cell (client key, server key) → service,
 *    keys being segments, `internet` (addresses outside internalCidrs) or
 *    one internal address outside the inventory. Ports of a cell merge
 *    into ranges only where they are adjacent: nothing unobserved is added.
 * 3. Cells generalise by label pattern: segment pairs with the same
 *    services that differ in the same labels become one rule with
 *    `sameLabels` for the labels they share, and external cells one rule
 *    per label selector. A generalisation is kept only when it admits no
 *    segment pair that was not observed; otherwise the cells stay one rule
 *    each. So the result admits every observed flow and nothing beyond
 *    "these segments on these ports".
 */
import { stringify } from 'yaml';
import { DEFAULT_INTERNAL_CIDRS } from '../model/types';
import { AddressSet, parseAddress } from '../net/address';
import { PROTO_ICMP, PROTO_ICMPV6, ServiceSet } from '../net/service';
import { ResolvedPolicy } from '../resolve/ir';
import { AddressBook, Inventory, memberships } from './inventory';
import { ObservedFlow, packetService, replayFlow } from './replay';
import { PairRow } from './sql/result';

export interface DiscoverOptions {
  /** Label dimensions that define segments (default: every label key of the inventory). */
  readonly labels?: readonly string[];
  /** Policy name (default `discovered`). */
  readonly name?: string;
  /** Existing policy: use its segments and propose only what it does not allow. */
  readonly base?: ResolvedPolicy;
}

export interface DiscoverResult {
  /** The policy document (plain data). */
  readonly doc: Record<string, unknown>;
  readonly yaml: string;
  /** Things left out or worth a look, one line each. */
  readonly notes: readonly string[];
  readonly stats: { readonly cells: number; readonly rules: number; readonly segments: number };
}

const NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A label value as the policy format allows it. */
export function cleanValue(v: string): string {
  const s = v
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s === '' ? 'x' : s;
}

function cleanName(s: string, max = 40): string {
  let n = cleanValue(s);
  if (!/^[a-z]/.test(n)) n = `s-${n}`;
  if (n.length > max) {
    let h = 0;
    for (const c of n) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
    n = `${n.slice(0, max - 7).replace(/-+$/, '')}-${h.toString(36).slice(0, 6)}`;
  }
  return n;
}

/** The segments discovery works with: key → labels. */
export interface SegmentSpace {
  readonly dims: readonly string[];
  readonly segments: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Address → segment key for inventory workloads (shared addresses with different keys left out). */
  readonly keyOfAddress: ReadonlyMap<string, string>;
  readonly internal: AddressSet;
}

/** Segments from inventory labels (no base policy). A missing label reads as `unlabelled`. */
export function labelSpace(inv: Inventory, labels?: readonly string[]): SegmentSpace {
  const dims = [...(labels ?? [...new Set(inv.workloads.flatMap((w) => Object.keys(w.labels)))].sort())];
  const segments = new Map<string, Record<string, string>>();
  const byAddr = new Map<string, Set<string>>();
  for (const w of inv.workloads) {
    if (!dims.some((d) => w.labels[d] !== undefined)) continue;
    const values = dims.map((d) => (w.labels[d] !== undefined ? cleanValue(w.labels[d]) : 'unlabelled'));
    const key = cleanName(values.join('-'));
    segments.set(key, Object.fromEntries(dims.map((d, i) => [d, values[i]])));
    const s = byAddr.get(w.address) ?? new Set();
    s.add(key);
    byAddr.set(w.address, s);
  }
  return { dims, segments, keyOfAddress: single(byAddr), internal: AddressSet.fromCidrs(DEFAULT_INTERNAL_CIDRS) };
}

/** Segments of an existing policy. */
export function policySpace(ir: ResolvedPolicy, inv: Inventory): SegmentSpace {
  const byAddr = new Map<string, Set<string>>();
  for (const m of memberships(ir, inv)) {
    if (m.segment === undefined) continue;
    const s = byAddr.get(m.workload.address) ?? new Set();
    s.add(m.segment);
    byAddr.set(m.workload.address, s);
  }
  return {
    dims: Object.keys(ir.policy.doc.labels ?? {}),
    segments: new Map(ir.segments.map((s) => [s.name, s.labels])),
    keyOfAddress: single(byAddr),
    internal: ir.internalCidrs,
  };
}

function single(m: Map<string, Set<string>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [a, s] of m) if (s.size === 1) out.set(a, [...s][0]);
  return out;
}

/** Key of an address: its segment, `internet`, or `addr:<address>`. */
export function keyOf(space: SegmentSpace, address: string): string | undefined {
  const k = space.keyOfAddress.get(address);
  if (k !== undefined) return k;
  const p = parseAddress(address);
  if (!p) return undefined;
  return space.internal.contains(p.family, p.value) ? `addr:${address}` : 'internet';
}

/**
 * Accepted flows → pair rows, the same rows the discover SQL returns. With
 * a base policy, flows it already allows are dropped.
 */
export function pairsFromFlows(space: SegmentSpace, flows: readonly ObservedFlow[], base?: { ir: ResolvedPolicy; book: AddressBook }): PairRow[] {
  const rows = new Map<string, PairRow>();
  for (const f of flows) {
    // Only traffic the cloud let through is evidence: rejected and verdict-unknown flows never become rules.
    if (f.action !== 'accept') continue;
    const client = keyOf(space, f.client);
    const server = keyOf(space, f.server);
    if (client === undefined || server === undefined) continue;
    if (!space.segments.has(client) && !space.segments.has(server)) continue;
    if (base && replayFlow(base.ir, base.book, f).verdict === 'allowed') continue;
    const k = `${client}|${server}|${f.proto}|${f.port}`;
    const prev = rows.get(k);
    rows.set(k, { client, server, proto: f.proto, port: f.port, hits: (prev?.hits ?? 0) + f.hits });
  }
  return [...rows.values()].sort((a, b) => cmp(a.client, b.client) || cmp(a.server, b.server) || a.proto - b.proto || a.port - b.port);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type Selector = Record<string, unknown>;
interface Rule {
  name: string;
  from: Selector;
  to: Selector;
  services: string[];
  sameLabels?: string[];
  description: string;
}

export function discover(space: SegmentSpace, pairs: readonly PairRow[], opts: DiscoverOptions = {}): DiscoverResult {
  const notes: string[] = [];
  const cells = new Map<string, { client: string; server: string; services: ServiceSet; hits: number }>();
  for (const p of pairs) {
    // ICMP and ICMPv6 are both `icmp` in a policy.
    // Flow logs carry no ICMP type: an ICMP record proposes `icmp`. Other protocols are proposed by name or number (`esp`, `proto/N`).
    const s = p.proto === PROTO_ICMP || p.proto === PROTO_ICMPV6 ? ServiceSet.of({ icmp: true }) : packetService(4, p.proto, p.port);
    if (s.isEmpty()) {
      notes.push(`IP protocol ${p.proto} from ${p.client} to ${p.server} (${p.hits} records) left out: not a protocol number 0–255`);
      continue;
    }
    const k = `${p.client}|${p.server}`;
    const c = cells.get(k);
    if (c) {
      c.services = c.services.union(s);
      c.hits += p.hits;
    } else cells.set(k, { client: p.client, server: p.server, services: s, hits: p.hits });
  }
  const segs = space.segments;
  const dims = space.dims;
  const declared = new Map(dims.map((d) => [d, [...new Set([...segs.values()].map((l) => l[d]))].sort()]));
  const rules: Rule[] = [];
  const usedNames = new Set<string>(opts.base ? opts.base.rules.map((r) => r.origin.name) : []);
  const nameRule = (base: string) => {
    let n = cleanName(`${opts.base ? 'discovered-' : ''}${base}`, 60);
    for (let i = 2; usedNames.has(n); i++) n = cleanName(`${opts.base ? 'discovered-' : ''}${base}`, 56) + `-${i}`;
    usedNames.add(n);
    return n;
  };
  const specs = (s: ServiceSet) => s.toSpecs();

  // Segment → segment cells, grouped by services and label pattern.
  const groups = new Map<string, { client: string; server: string }[]>();
  for (const c of cells.values()) {
    if (!segs.has(c.client) || !segs.has(c.server)) continue;
    const a = segs.get(c.client)!;
    const b = segs.get(c.server)!;
    const sig = dims.map((d) => (a[d] === b[d] ? '=' : `${a[d]}>${b[d]}`)).join(',');
    const k = `${specs(c.services).join(' ')}#${sig}`;
    const g = groups.get(k) ?? [];
    g.push(c);
    groups.set(k, g);
  }
  for (const [k, g] of [...groups].sort((x, y) => cmp(x[0], y[0]))) {
    const services = k.slice(0, k.indexOf('#')).split(' ');
    const a0 = segs.get(g[0].client)!;
    const b0 = segs.get(g[0].server)!;
    const eq = dims.filter((d) => a0[d] === b0[d]);
    const from: Selector = {};
    const to: Selector = {};
    for (const d of dims) {
      if (eq.includes(d)) {
        const vs = [...new Set(g.map((c) => segs.get(c.client)![d]))].sort();
        if (vs.length < declared.get(d)!.length) {
          from[d] = vs.length === 1 ? vs[0] : vs;
          to[d] = from[d];
        }
      } else {
        from[d] = a0[d];
        to[d] = b0[d];
      }
    }
    const observed = new Set(g.map((c) => `${c.client}>${c.server}`));
    const admitted = admittedPairs(segs, from, to, eq);
    const desc = (n: number) => `observed: ${n} segment pair${n === 1 ? '' : 's'}`;
    if (admitted.every((p) => observed.has(p))) {
      const differing = dims.filter((d) => !eq.includes(d));
      const label = (l: Readonly<Record<string, string>>) => (differing.length ? differing.map((d) => l[d]).join('-') : 'same');
      // sameLabels only where the rule spans several values; a single value is already pinned by the selectors.
      const same = eq.filter((d) => Array.isArray(from[d]) || from[d] === undefined);
      rules.push({ name: nameRule(`${label(a0)}-to-${label(b0)}`), from, to, services, ...(same.length ? { sameLabels: same } : {}), description: desc(g.length) });
    } else {
      for (const c of g) rules.push({ name: nameRule(`${c.client}-to-${c.server}`), from: { ...segs.get(c.client)! }, to: { ...segs.get(c.server)! }, services, description: desc(1) });
    }
  }

  // Cells with an outside end: per (direction, outside end, services), segments covered by one selector when it is exact.
  const ext = new Map<string, { dir: 'in' | 'out'; other: string; services: string[]; segments: Set<string>; addrs: Set<string> }>();
  for (const c of cells.values()) {
    const inbound = segs.has(c.server) && !segs.has(c.client);
    const outbound = segs.has(c.client) && !segs.has(c.server);
    if (!inbound && !outbound) continue;
    const seg = inbound ? c.server : c.client;
    const other = inbound ? c.client : c.server;
    const kind = other === 'internet' ? 'internet' : 'addr';
    // Internal hosts outside the inventory: one rule per segment and services, listing their addresses.
    const k = `${inbound ? 'in' : 'out'}|${kind}|${kind === 'addr' ? seg : ''}|${specs(c.services).join(' ')}`;
    const e = ext.get(k) ?? { dir: inbound ? ('in' as const) : ('out' as const), other: kind, services: specs(c.services), segments: new Set<string>(), addrs: new Set<string>() };
    e.segments.add(seg);
    if (kind === 'addr') e.addrs.add(other.slice('addr:'.length));
    ext.set(k, e);
  }
  let internetName: string | undefined;
  const internetSet = AddressSet.ALL.subtract(space.internal);
  const needInternet = () => {
    if (internetName) return internetName;
    const existing = opts.base?.externals.find((x) => x.addresses.equals(internetSet));
    internetName = existing?.name ?? (opts.base?.externals.some((x) => x.name === 'internet') ? 'internet-discovered' : 'internet');
    return internetName;
  };
  for (const [, e] of [...ext].sort((x, y) => cmp(x[0], y[0]))) {
    const peer: Selector =
      e.other === 'internet' ? { external: needInternet() } : { cidrs: AddressSet.fromRanges([...e.addrs].map((a) => parseAddress(a)!).map((p) => ({ family: p.family, lo: p.value, hi: p.value }))).toCidrs() };
    const segList = [...e.segments].sort();
    const sel: Selector = {};
    for (const d of dims) {
      const vs = [...new Set(segList.map((s) => segs.get(s)![d]))].sort();
      if (vs.length < declared.get(d)!.length) sel[d] = vs.length === 1 ? vs[0] : vs;
    }
    const matched = [...segs.keys()].filter((s) => matches(segs.get(s)!, sel));
    const selectors = matched.length === segList.length ? [sel] : segList.map((s) => ({ ...segs.get(s)! }));
    const names = matched.length === segList.length ? [Object.values(sel).flat().join('-') || 'all'] : segList;
    const otherName = e.other === 'internet' ? needInternet() : 'hosts';
    selectors.forEach((s, i) => {
      const base = e.dir === 'in' ? `${otherName}-to-${names[i]}` : `${names[i]}-to-${otherName}`;
      rules.push({
        name: nameRule(base),
        from: e.dir === 'in' ? peer : s,
        to: e.dir === 'in' ? s : peer,
        services: e.services,
        description: `observed: ${e.dir === 'in' ? 'from' : 'to'} ${e.other === 'internet' ? 'the internet' : `${e.addrs.size} internal host${e.addrs.size === 1 ? '' : 's'} outside the inventory`}`,
      });
    });
  }

  const ruleDocs = rules.map((r) => ({ name: r.name, from: r.from, to: r.to, services: r.services, ...(r.sameLabels ? { sameLabels: r.sameLabels } : {}), description: r.description }));
  let doc: Record<string, unknown>;
  if (opts.base) {
    const b = JSON.parse(JSON.stringify(opts.base.policy.doc)) as Record<string, any>;
    if (internetName && !(b.externals ?? []).some((x: { name: string }) => x.name === internetName)) b.externals = [...(b.externals ?? []), internetExternal(internetName, space)];
    b.rules = [...(b.rules ?? []), ...ruleDocs];
    doc = b;
  } else {
    doc = {
      apiVersion: 'microseg/v1',
      kind: 'SegmentationPolicy',
      metadata: { name: cleanName(opts.name ?? 'discovered') },
      labels: Object.fromEntries(dims.map((d) => [d, declared.get(d)!])),
      segments: [...segs].sort((a, b) => cmp(a[0], b[0])).map(([name, labels]) => ({ name, labels })),
      ...(internetName ? { externals: [internetExternal(internetName, space)] } : {}),
      rules: ruleDocs,
    };
  }
  const header = `# Proposed by \`microseg discover\` from observed accepted flows: least privilege, generalised by labels.\n# Review before use. ${notes.length ? `${notes.length} note(s):\n${notes.map((n) => `#   ${n}`).join('\n')}\n` : '\n'}`;
  return { doc, yaml: header + stringify(doc, { lineWidth: 0, flowCollectionPadding: false }), notes, stats: { cells: cells.size, rules: rules.length, segments: segs.size } };
}

function internetExternal(name: string, space: SegmentSpace): Record<string, unknown> {
  return { name, cidrs: ['0.0.0.0/0', '::/0'], except: space.internal.toCidrs(), description: 'every address outside network.internalCidrs' };
}

function matches(labels: Readonly<Record<string, string>>, sel: Selector): boolean {
  return Object.entries(sel).every(([k, v]) => (Array.isArray(v) ? v.includes(labels[k]) : labels[k] === v));
}

/** Segment pairs a label rule admits: from × to, equal on `same`. */
function admittedPairs(segs: ReadonlyMap<string, Readonly<Record<string, string>>>, from: Selector, to: Selector, same: readonly string[]): string[] {
  const out: string[] = [];
  for (const [a, la] of segs) {
    if (!matches(la, from)) continue;
    for (const [b, lb] of segs) if (matches(lb, to) && same.every((d) => la[d] === lb[d])) out.push(`${a}>${b}`);
  }
  return out;
}

export { NAME };
