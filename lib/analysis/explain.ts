/**
 * `explain`: is traffic between two endpoints allowed, in each direction,
 * and which allows and guardrails decided it. Endpoints are written as a
 * segment name, a label selector (`env=prod,tier=web`, values OR-ed with
 * `|`), an external name, an address or CIDR (an outside host there), or
 * `segment@address` (a workload of the segment at that address). The answer
 * is exact: addresses are split into atoms and judged by meaning.ts; cells
 * with the same verdict and the same deciders are merged back into CIDRs.
 */
import { labelsMatch } from '../model/selectors';
import { suggest } from '../model/suggest';
import { SERVICE_CATALOG } from '../model/catalog';
import { AddressSet, parseAddress, parseCidr } from '../net/address';
import { ServiceSet } from '../net/service';
import { Direction, FlatSideEntry, ResolvedPolicy, SideEntry } from '../resolve/ir';
import { ServiceResolver, isServiceName } from '../resolve/services';
import { parseServiceSpec } from '../net/service';
import { enforcedBy } from './enforcement';
import { AtomEndpoint, atomFlow, atomsIn, atomsOf, flowDecisions } from './flow-space';

/** One concrete end: a workload of a segment, or outside hosts; somewhere in `addresses`. */
export interface ExplainEnd {
  readonly label: string;
  readonly segment?: string;
  readonly addresses: AddressSet;
  /** For a bare address inside segments' declared addresses: how to ask about a workload there instead. */
  readonly hint?: string;
}

export class ExplainInputError extends Error {}

/** Parse an endpoint argument into concrete ends (a selector may yield several segments). */
export function parseEndpoint(ir: ResolvedPolicy, text: string): ExplainEnd[] {
  const t = text.trim();
  const at = t.indexOf('@');
  if (at > 0) {
    const seg = ir.segments.find((s) => s.name === t.slice(0, at));
    const addr = cidrSet(t.slice(at + 1));
    if (!seg) throw new ExplainInputError(`'${t.slice(0, at)}' is not a segment${didYouMean(t.slice(0, at), ir.segments.map((s) => s.name))}`);
    if (!addr) throw new ExplainInputError(`'${t.slice(at + 1)}' is not an address or CIDR`);
    const inside = addr.intersect(seg.addresses);
    if (inside.isEmpty()) throw new ExplainInputError(`${t.slice(at + 1)} is outside the addresses of segment '${seg.name}' (${seg.addresses.toString()})`);
    return [{ label: t, segment: seg.name, addresses: inside }];
  }
  const seg = ir.segments.find((s) => s.name === t);
  if (seg) return [{ label: seg.name, segment: seg.name, addresses: seg.addresses }];
  const ext = ir.externals.find((e) => e.name === t);
  if (ext) return [{ label: ext.name, addresses: ext.addresses }];
  if (t.includes('=')) {
    const sel: Record<string, string[]> = {};
    for (const part of t.split(',')) {
      const [k, v] = part.split('=').map((x) => x.trim());
      if (!k || !v) throw new ExplainInputError(`'${t}' is not a label selector (expected key=value,key=value)`);
      sel[k] = v.split('|');
      checkSelectorTerm(ir, k, sel[k]);
    }
    const segs = ir.segments.filter((s) => labelsMatch(sel, s.labels));
    if (!segs.length) throw new ExplainInputError(`label selector '${t}' matches no segment`);
    return segs.map((s) => ({ label: s.name, segment: s.name, addresses: s.addresses }));
  }
  const addr = cidrSet(t);
  if (addr) {
    // A bare address is an outside host by design; if it lies in segments' declared addresses the user
    // most likely meant a workload there, which is written segment@address.
    const within = ir.segments.filter((s) => s.declaredAddresses && addr.subtract(s.addresses).isEmpty()).map((s) => `${s.name}@${t}`);
    const hint = within.length
      ? `${t} lies in the declared addresses of ${within.length === 1 ? 'segment' : 'segments'} ${within.map((w) => w.split('@')[0]).join(', ')} but is taken as an outside host; for a workload there, use ${within.join(' or ')}`
      : undefined;
    return [{ label: t, addresses: addr, ...(hint ? { hint } : {}) }];
  }
  const names = [...ir.segments.map((s) => s.name), ...ir.externals.map((e) => e.name)];
  throw new ExplainInputError(`'${t}' is not a segment, external, label selector (env=prod,tier=web), address or segment@address${didYouMean(t, names)}`);
}

function didYouMean(input: string, candidates: Iterable<string>): string {
  const s = suggest(input, candidates);
  return s ? ` (did you mean '${s}'?)` : '';
}

/** A selector naming an undeclared label or value is a typo, not "matches no segment": say which, with a suggestion. */
function checkSelectorTerm(ir: ResolvedPolicy, key: string, values: readonly string[]): void {
  const labels = ir.policy.doc.labels ?? {};
  const declared = labels[key];
  if (!declared) throw new ExplainInputError(`unknown label '${key}'${didYouMean(key, Object.keys(labels))} (declared: ${Object.keys(labels).join(', ')})`);
  for (const v of values) {
    if (!declared.includes(v)) throw new ExplainInputError(`unknown value '${v}' for ${key}${didYouMean(v, declared)} (declared: ${declared.join(', ')})`);
  }
}

function cidrSet(text: string): AddressSet | undefined {
  const a = parseAddress(text);
  if (a) return AddressSet.fromRanges([{ family: a.family, lo: a.value, hi: a.value }]);
  const c = parseCidr(text);
  return c.ok ? AddressSet.fromRanges([{ family: c.cidr.family, lo: c.cidr.lo, hi: c.cidr.hi }]) : undefined;
}

/** A service argument: a literal spec or a name (declared or catalogued). */
export function parseServiceArg(ir: ResolvedPolicy, text: string): ServiceSet {
  if (isServiceName(ir.policy.doc, text)) return new ServiceResolver(ir.policy.doc).spec(text);
  const p = parseServiceSpec(text);
  if (!p.ok) {
    const names = [...Object.keys(ir.policy.doc.services ?? {}), ...Object.keys(SERVICE_CATALOG)];
    throw new ExplainInputError(`'${text}' is not a service (tcp/443, udp/53, sctp/2905, icmp, icmp/8, icmpv6/128, esp, gre, proto/N, any, or a service name)${didYouMean(text, names)}`);
  }
  return p.set;
}

export interface Decider {
  readonly name: string;
  readonly kind: 'rule' | 'guardrail';
  readonly action: 'allow' | 'deny';
  /** The entry's services, restricted to the question. */
  readonly services: string[];
  /** How the entry names the peer: a segment or an address term. */
  readonly peer: string;
  readonly location?: { file: string; line: number; col: number };
  /** For a deny guardrail a cloud enforces outside the application layer: the cloud object that denies (enforcement.ts). */
  readonly enforcedBy?: string[];
}

export interface SideExplanation {
  readonly segment: string;
  readonly direction: Direction;
  readonly admitted: string[];
  readonly allows: Decider[];
  readonly denies: Decider[];
}

export interface ExplainCase {
  /** Addresses of the source and destination this case covers (CIDRs). */
  readonly fromAddresses: string[];
  readonly toAddresses: string[];
  readonly verdict: 'allowed' | 'denied' | 'partly allowed';
  /** Services allowed (restricted to the question). */
  readonly allowed: string[];
  readonly sides: SideExplanation[];
}

export interface ExplainPair {
  readonly from: string;
  readonly to: string;
  readonly fromSegment?: string;
  readonly toSegment?: string;
  /** Empty when neither end is a workload (no segment enforces anything), or the ends share no address family; `note` says which. */
  readonly cases: ExplainCase[];
  readonly note?: string;
  /** Set when an end is a bare address inside a segment's declared addresses: use segment@address for a workload. */
  readonly hint?: string;
}

export interface ExplainResult {
  readonly policy: string;
  readonly service?: string;
  readonly forward: ExplainPair[];
  readonly reverse: ExplainPair[];
}

function decider(ir: ResolvedPolicy, e: FlatSideEntry, services: ServiceSet, direction: Direction): Decider {
  const layers = enforcedBy(ir, e, direction);
  return {
    name: e.origin.name,
    kind: e.origin.kind,
    action: e.origin.action,
    services: e.services.intersect(services).toSpecs(),
    peer: e.peer.kind === 'segment' ? e.peer.segment : e.peer.label,
    ...(e.origin.location ? { location: e.origin.location } : {}),
    ...(layers.length ? { enforcedBy: layers } : {}),
  };
}

function explainPair(ir: ResolvedPolicy, atoms: ReturnType<typeof atomsOf>, src: ExplainEnd, dst: ExplainEnd, services: ServiceSet): ExplainPair {
  const hint = [src.hint, dst.hint].filter(Boolean).join('; ');
  const base = { from: src.label, to: dst.label, ...(src.segment ? { fromSegment: src.segment } : {}), ...(dst.segment ? { toSegment: dst.segment } : {}), ...(hint ? { hint } : {}) };
  if (!src.segment && !dst.segment) return { ...base, cases: [], note: 'neither end is a workload of a segment: the policy does not govern this traffic' };
  // Two-stage merge keeps the cases exact as products: per source atom, destination atoms with the same answer are
  // merged; then source atoms with the same (destination set, answer) are merged.
  const rows = new Map<string, { from: AddressSet; to: AddressSet; c: Omit<ExplainCase, 'fromAddresses' | 'toAddresses'> }>();
  const srcAtoms = atomsIn(atoms, src.addresses);
  const dstAtoms = atomsIn(atoms, dst.addresses);
  for (const a of srcAtoms) {
    const perDst = new Map<string, { to: AddressSet; c: Omit<ExplainCase, 'fromAddresses' | 'toAddresses'> }>();
    for (const b of dstAtoms) {
      if (a.family !== b.family) continue;
      const s: AtomEndpoint = { segment: src.segment, range: a };
      const d: AtomEndpoint = { segment: dst.segment, range: b };
      const allowed = atomFlow(ir, s, d).intersect(services);
      const verdict = allowed.isEmpty() ? 'denied' : allowed.equals(services) ? 'allowed' : 'partly allowed';
      const sides = flowDecisions(ir, s, d, services).map((x) => ({
        segment: x.segment,
        direction: x.direction,
        admitted: x.admitted.toSpecs(),
        allows: x.allows.map((e) => decider(ir, e, services, x.direction)),
        denies: x.denies.map((e) => decider(ir, e, services, x.direction)),
      }));
      const c = { verdict, allowed: allowed.toSpecs(), sides } as const;
      const key = JSON.stringify(c);
      const rb = AddressSet.fromRanges([b]);
      const g = perDst.get(key);
      if (!g) perDst.set(key, { to: rb, c });
      else g.to = g.to.union(rb);
    }
    for (const [key, g] of perDst) {
      const rowKey = key + '|' + g.to.toString();
      const ra = AddressSet.fromRanges([a]);
      const r = rows.get(rowKey);
      if (!r) rows.set(rowKey, { from: ra, to: g.to, c: g.c });
      else r.from = r.from.union(ra);
    }
  }
  // Flows never cross address families: an IPv4-only and an IPv6-only row with the same answer merge exactly.
  const fam = (x: AddressSet) => (x.hasFamily(4) ? 4 : 0) | (x.hasFamily(6) ? 6 : 0);
  const merged: { from: AddressSet; to: AddressSet; c: Omit<ExplainCase, 'fromAddresses' | 'toAddresses'> }[] = [];
  for (const r of rows.values()) {
    const f = fam(r.from) | fam(r.to);
    const k = JSON.stringify(r.c);
    const m = f === 4 || f === 6 ? merged.find((x) => JSON.stringify(x.c) === k && (fam(x.from) | fam(x.to)) === (f === 4 ? 6 : 4)) : undefined;
    if (m) {
      m.from = m.from.union(r.from);
      m.to = m.to.union(r.to);
    } else merged.push({ ...r });
  }
  const cases = merged.map((g) => ({ fromAddresses: g.from.toCidrs(), toAddresses: g.to.toCidrs(), ...g.c }));
  // Only possible when the ends have no address family in common: say so rather than print nothing.
  if (cases.length === 0) return { ...base, cases, note: 'no flow possible: the two ends share no address family (IPv4 and IPv6 never meet)' };
  return { ...base, cases };
}

export interface ExplainQuery {
  readonly from: string;
  readonly to: string;
  readonly service?: string;
}

export function explain(ir: ResolvedPolicy, q: ExplainQuery): ExplainResult {
  const from = parseEndpoint(ir, q.from);
  const to = parseEndpoint(ir, q.to);
  const services = q.service ? parseServiceArg(ir, q.service) : ServiceSet.ANY;
  const atoms = atomsOf([ir], [...from, ...to].map((e) => e.addresses));
  const pairs = (xs: ExplainEnd[], ys: ExplainEnd[]) => xs.flatMap((x) => ys.map((y) => explainPair(ir, atoms, x, y, services)));
  return { policy: ir.name, ...(q.service ? { service: q.service } : {}), forward: pairs(from, to), reverse: pairs(to, from) };
}
