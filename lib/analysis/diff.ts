/**
 * `diff`: the flows a policy change adds and removes, exactly. Addresses are
 * split into atoms over BOTH policies, every (source, destination) cell is
 * judged by meaning.ts under the old and the new IR, and the differences are
 * merged back into CIDR ranges. Each change names its causes: the allows
 * (new) and deny guardrails (old) that differ between the versions and
 * decide the changed services; when none differs (a segment's addresses or
 * an external's CIDRs moved) the deciding rules are named instead.
 */
import { DEFAULT_ADMIN_PORTS } from './lint/world-open';
import { AddressRange, AddressSet } from '../net/address';
import { ServiceSet } from '../net/service';
import { ResolvedPolicy, ResolvedRule } from '../resolve/ir';
import { ServiceResolver } from '../resolve/services';
import { nameOutside } from './outside-name';
import { AtomEndpoint, atomsOf, denyingGuardrails, flowCells, grantingRules } from './flow-space';

export interface DiffEnd {
  /** Segment name, or undefined for outside hosts. */
  readonly segment?: string;
  /** Readable: the segment, the external whose addresses these are, or the CIDRs. */
  readonly label: string;
  readonly addresses: string[];
}

export interface FlowChange {
  readonly from: DiffEnd;
  readonly to: DiffEnd;
  readonly added: string[];
  readonly removed: string[];
  /** Rules and guardrails that cause the change (see module comment). */
  readonly causes: string[];
}

export interface RuleChange {
  readonly name: string;
  readonly kind: 'rule' | 'guardrail';
  readonly change: 'added' | 'removed' | 'modified' | 'unchanged';
  /** Indexes into `changes`. */
  readonly added: number[];
  readonly removed: number[];
  /** The file that holds the rule (the new version's; the old one's when removed): a fragment of a policy directory, or the policy file. */
  readonly file?: string;
}

/** The changes of one file of a policy directory, for a pull-request comment reviewed by ownership. */
export interface FileChange {
  readonly file: string;
  /** The fragment's `metadata.owner`; absent for the base and single files. */
  readonly owner?: string;
  /** `PolicyFragment` or `SegmentationPolicy` (the base). */
  readonly kind: string;
  /** Rules and guardrails of the file in `byRule`, by name. */
  readonly rules: string[];
  /** Distinct entries of `changes` these rules add or remove flows in. */
  readonly flowsAdded: number;
  readonly flowsRemoved: number;
}

export interface PairChange {
  readonly from: string;
  readonly to: string;
  readonly added: string[];
  readonly removed: string[];
  readonly causes: string[];
}

export interface GuardrailChange {
  readonly name: string;
  readonly change: 'added' | 'removed' | 'modified';
  /** False when only metadata (owner, description, expires) changed. */
  readonly meaningChanged: boolean;
}

export interface DiffResult {
  readonly old: { readonly policy: string; readonly file: string };
  readonly new: { readonly policy: string; readonly file: string };
  /** Sorted by from, to. */
  readonly changes: FlowChange[];
  readonly byRule: RuleChange[];
  /** byRule grouped by the file that holds each rule, sorted by file. */
  readonly byFile: FileChange[];
  readonly byPair: PairChange[];
  readonly risk: {
    /** Added flows from outside hosts at public addresses (outside the new policy's internalCidrs) to segments. */
    readonly internetExposure: { readonly change: number; readonly publicAddresses: string[]; readonly adminPorts: string[] }[];
    /** Added flows between segments whose `env` (or `environment`) label differs. */
    readonly crossEnv: number[];
    readonly guardrails: GuardrailChange[];
  };
  readonly summary: { readonly flowsAdded: number; readonly flowsRemoved: number; readonly rulesChanged: number };
}

function fingerprint(r: ResolvedRule): string {
  return JSON.stringify({
    action: r.origin.action,
    kind: r.origin.kind,
    services: r.services.toSpecs(),
    pairs: r.segmentPairs,
    from: r.fromAddresses.map((p) => p.addresses.toCidrs()),
    to: r.toAddresses.map((p) => p.addresses.toCidrs()),
    fromSegments: r.fromSegments,
    toSegments: r.toSegments,
  });
}

const key = (r: AddressRange) => `${r.family}:${r.lo}`;

function hasSegment(ir: ResolvedPolicy, s: string | undefined): boolean {
  return s === undefined || ir.sides.has(s);
}

export function diffPolicies(oldIr: ResolvedPolicy, newIr: ResolvedPolicy): DiffResult {
  const atoms = atomsOf([oldIr, newIr]);
  const segs = [...new Set([...oldIr.segments, ...newIr.segments].map((s) => s.name))].sort();
  const cellKey = (src: AtomEndpoint, dst: AtomEndpoint) => `${src.segment ?? ''}\u0000${key(src.range)}\u0000${dst.segment ?? ''}\u0000${key(dst.range)}`;
  const cells = new Map<string, { src: AtomEndpoint; dst: AtomEndpoint; old: ServiceSet; now: ServiceSet }>();
  for (const c of flowCells(oldIr, atoms, segs)) cells.set(cellKey(c.src, c.dst), { src: c.src, dst: c.dst, old: c.services, now: ServiceSet.EMPTY });
  for (const c of flowCells(newIr, atoms, segs)) {
    const k = cellKey(c.src, c.dst);
    const hit = cells.get(k);
    if (hit) hit.now = c.services;
    else cells.set(k, { src: c.src, dst: c.dst, old: ServiceSet.EMPTY, now: c.services });
  }

  const oldRules = new Map(oldIr.rules.map((r) => [r.origin.name, r]));
  const newRules = new Map(newIr.rules.map((r) => [r.origin.name, r]));
  const changed = new Set<string>();
  for (const n of new Set([...oldRules.keys(), ...newRules.keys()])) {
    const a = oldRules.get(n);
    const b = newRules.get(n);
    if (!a || !b || fingerprint(a) !== fingerprint(b)) changed.add(n);
  }

  // Per cell: the change and its causes; then a two-stage merge into address ranges.
  type Cell = { src: AtomEndpoint; dst: AtomEndpoint; added: ServiceSet; removed: ServiceSet; causes: string[] };
  const diffCells: Cell[] = [];
  for (const c of cells.values()) {
    const added = c.now.subtract(c.old);
    const removed = c.old.subtract(c.now);
    if (added.isEmpty() && removed.isEmpty()) continue;
    const causes = new Set<string>();
    const fallback = new Set<string>();
    const inNew = hasSegment(newIr, c.src.segment) && hasSegment(newIr, c.dst.segment);
    const inOld = hasSegment(oldIr, c.src.segment) && hasSegment(oldIr, c.dst.segment);
    if (!added.isEmpty()) {
      for (const n of grantingRules(newIr, c.src, c.dst, added)) (changed.has(n) ? causes : fallback).add(n);
      if (inOld) for (const n of denyingGuardrails(oldIr, c.src, c.dst, added)) if (changed.has(n)) causes.add(n);
    }
    if (!removed.isEmpty()) {
      if (inOld) for (const n of grantingRules(oldIr, c.src, c.dst, removed)) (changed.has(n) ? causes : fallback).add(n);
      if (inNew) for (const n of denyingGuardrails(newIr, c.src, c.dst, removed)) if (changed.has(n)) causes.add(n);
    }
    diffCells.push({ src: c.src, dst: c.dst, added, removed, causes: [...(causes.size ? causes : fallback)].sort() });
  }

  const sig = (c: Cell) => JSON.stringify([c.src.segment ?? '', c.dst.segment ?? '', c.added.toSpecs(), c.removed.toSpecs(), c.causes]);
  // Stage 1: per (source atom, signature), merge destination atoms.
  const stage1 = new Map<string, { cell: Cell; src: AddressRange; dst: AddressSet }>();
  for (const c of diffCells) {
    const k = `${sig(c)}\u0000${key(c.src.range)}`;
    const g = stage1.get(k);
    const d = AddressSet.fromRanges([c.dst.range]);
    if (!g) stage1.set(k, { cell: c, src: c.src.range, dst: d });
    else g.dst = g.dst.union(d);
  }
  // Stage 2: merge source atoms with the same (signature, destination set).
  const stage2 = new Map<string, { cell: Cell; src: AddressSet; dst: AddressSet }>();
  for (const g of stage1.values()) {
    const k = `${sig(g.cell)}\u0000${g.dst.toString()}`;
    const s = AddressSet.fromRanges([g.src]);
    const h = stage2.get(k);
    if (!h) stage2.set(k, { cell: g.cell, src: s, dst: g.dst });
    else h.src = h.src.union(s);
  }

  // Stage 3: flows never cross address families, so an IPv4-only group and an IPv6-only group with the same
  // signature merge exactly ((A4 ∪ A6) × (B4 ∪ B6) adds only cross-family cells, which hold no flows).
  const fam = (x: AddressSet) => (x.hasFamily(4) ? 4 : 0) | (x.hasFamily(6) ? 6 : 0);
  const merged: { cell: Cell; src: AddressSet; dst: AddressSet }[] = [];
  for (const g of stage2.values()) {
    const f = fam(g.src) | fam(g.dst);
    const partner = f === 4 || f === 6 ? merged.find((m) => sig(m.cell) === sig(g.cell) && (fam(m.src) | fam(m.dst)) === (f === 4 ? 6 : 4)) : undefined;
    if (partner) {
      partner.src = partner.src.union(g.src);
      partner.dst = partner.dst.union(g.dst);
    } else merged.push({ ...g });
  }

  const externals = [...newIr.externals, ...oldIr.externals];
  /** One end of a group; `peer` is the other end's addresses (outside ends are named as seen from it). */
  const describe = (segment: string | undefined, set: AddressSet, peer: AddressSet): DiffEnd => {
    const addresses = set.toCidrs();
    if (segment) {
      const whole = [newIr, oldIr].some((ir) => ir.sides.has(segment) && ir.segment(segment).addresses.equals(set));
      return { segment, label: whole ? segment : `${segment} at ${abbreviate(addresses)}`, addresses };
    }
    return { label: nameOutside(set, peer, externals) ?? abbreviate(addresses), addresses };
  };
  const changes: FlowChange[] = merged
    .map((g) => ({
      from: describe(g.cell.src.segment, g.src, g.dst),
      to: describe(g.cell.dst.segment, g.dst, g.src),
      added: g.cell.added.toSpecs(),
      removed: g.cell.removed.toSpecs(),
      causes: g.cell.causes,
    }))
    .sort((a, b) => cmp(a.from.label, b.from.label) || cmp(a.to.label, b.to.label) || cmp(JSON.stringify(a), JSON.stringify(b)));

  // By rule.
  const ruleNames = [...new Set([...changed, ...changes.flatMap((c) => c.causes)])].sort();
  const byRule: RuleChange[] = ruleNames.map((name) => {
    const a = oldRules.get(name);
    const b = newRules.get(name);
    const change = !a ? 'added' : !b ? 'removed' : changed.has(name) ? 'modified' : 'unchanged';
    const idx = (pred: (c: FlowChange) => boolean) => changes.map((c, i) => (pred(c) ? i : -1)).filter((i) => i >= 0);
    const file = (b ?? a)!.origin.location?.file;
    return {
      name,
      kind: (b ?? a)!.origin.kind,
      change,
      added: idx((c) => c.causes.includes(name) && c.added.length > 0),
      removed: idx((c) => c.causes.includes(name) && c.removed.length > 0),
      ...(file !== undefined ? { file } : {}),
    };
  });
  const byFile = groupByFile(byRule, [newIr, oldIr]);

  // By segment pair (outside hosts named by their label).
  const pairs = new Map<string, { from: string; to: string; added: ServiceSet; removed: ServiceSet; causes: Set<string> }>();
  const svc = new ServiceResolver({});
  for (const c of changes) {
    const from = c.from.segment ?? c.from.label;
    const to = c.to.segment ?? c.to.label;
    const k = `${from}\u0000${to}`;
    let p = pairs.get(k);
    if (!p) pairs.set(k, (p = { from, to, added: ServiceSet.EMPTY, removed: ServiceSet.EMPTY, causes: new Set() }));
    p.added = p.added.union(specsToSet(svc, c.added));
    p.removed = p.removed.union(specsToSet(svc, c.removed));
    for (const n of c.causes) p.causes.add(n);
  }
  const byPair: PairChange[] = [...pairs.values()].map((p) => ({ from: p.from, to: p.to, added: p.added.toSpecs(), removed: p.removed.toSpecs(), causes: [...p.causes].sort() }));

  // Risk summary.
  const admin = svc.specs(DEFAULT_ADMIN_PORTS.map((p) => p.spec));
  const internetExposure: DiffResult['risk']['internetExposure'] = [];
  const crossEnv: number[] = [];
  const envKey = (ir: ResolvedPolicy) => ('env' in ir.policy.doc.labels ? 'env' : 'environment' in ir.policy.doc.labels ? 'environment' : undefined);
  const envOf = (s: string) => {
    const ir = newIr.sides.has(s) ? newIr : oldIr;
    const k = envKey(ir);
    return k ? ir.segment(s).labels[k] : undefined;
  };
  changes.forEach((c, i) => {
    if (!c.added.length) return;
    if (!c.from.segment && c.to.segment) {
      const pub = AddressSet.fromCidrs(c.from.addresses).subtract(newIr.internalCidrs);
      if (!pub.isEmpty()) internetExposure.push({ change: i, publicAddresses: pub.toCidrs(), adminPorts: specsToSet(svc, c.added).intersect(admin).toSpecs() });
    }
    if (c.from.segment && c.to.segment) {
      const a = envOf(c.from.segment);
      const b = envOf(c.to.segment);
      if (a !== undefined && b !== undefined && a !== b) crossEnv.push(i);
    }
  });
  const guardrails: GuardrailChange[] = [];
  const oldG = new Map((oldIr.policy.doc.guardrails ?? []).map((g) => [g.name, g]));
  const newG = new Map((newIr.policy.doc.guardrails ?? []).map((g) => [g.name, g]));
  for (const n of [...new Set([...oldG.keys(), ...newG.keys()])].sort()) {
    const a = oldG.get(n);
    const b = newG.get(n);
    if (!a) guardrails.push({ name: n, change: 'added', meaningChanged: true });
    else if (!b) guardrails.push({ name: n, change: 'removed', meaningChanged: true });
    else if (JSON.stringify(a) !== JSON.stringify(b)) guardrails.push({ name: n, change: 'modified', meaningChanged: changed.has(n) });
  }

  return {
    old: { policy: oldIr.name, file: oldIr.policy.file },
    new: { policy: newIr.name, file: newIr.policy.file },
    changes,
    byRule,
    byFile,
    byPair,
    risk: { internetExposure, crossEnv, guardrails },
    summary: {
      flowsAdded: changes.filter((c) => c.added.length).length,
      flowsRemoved: changes.filter((c) => c.removed.length).length,
      rulesChanged: byRule.filter((r) => r.change !== 'unchanged').length,
    },
  };
}

/** Reports group by file only where there are several (a policy directory): a single file would repeat its name on every line. */
export function byFileShown(d: DiffResult): boolean {
  return d.byFile.length > 1 || d.byFile.some((f) => f.kind === 'PolicyFragment');
}

function groupByFile(byRule: readonly RuleChange[], irs: readonly ResolvedPolicy[]): FileChange[] {
  const files = new Map<string, { rules: string[]; added: Set<number>; removed: Set<number> }>();
  for (const r of byRule) {
    if (r.file === undefined) continue;
    let f = files.get(r.file);
    if (!f) files.set(r.file, (f = { rules: [], added: new Set(), removed: new Set() }));
    f.rules.push(r.name);
    for (const i of r.added) f.added.add(i);
    for (const i of r.removed) f.removed.add(i);
  }
  return [...files.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([file, f]) => {
      const source = irs.map((ir) => ir.policy.sources.find((s) => s.file === file)).find((s) => s !== undefined);
      return { file, ...(source?.owner ? { owner: source.owner } : {}), kind: source?.kind ?? 'SegmentationPolicy', rules: f.rules, flowsAdded: f.added.size, flowsRemoved: f.removed.size };
    });
}

function specsToSet(svc: ServiceResolver, specs: readonly string[]): ServiceSet {
  // `other` (every protocol without a spec of its own) and `stray-icmp` (ICMP of the wrong family) are no specs the
  // parser reads: they only appear in what is left of `any`.
  let s = ServiceSet.EMPTY;
  for (const x of specs) s = s.union(x === 'other' ? ServiceSet.of({ other: true }) : x === 'stray-icmp' ? ServiceSet.of({ strayIcmp: true }) : svc.spec(x));
  return s;
}

function abbreviate(cidrs: readonly string[]): string {
  return cidrs.length <= 3 ? cidrs.join(', ') : `${cidrs.slice(0, 2).join(', ')} and ${cidrs.length - 2} more CIDRs`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
