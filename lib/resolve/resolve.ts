/**
 * Resolve a validated policy into the IR: selectors to segments and address
 * sets, services to service sets, `sameLabels` applied, and every allow and
 * deny attached to the sides of the segments it names. Pure and
 * deterministic: same policy, same IR, in sorted order.
 */
import { SegmentationPolicy } from '../model/policy';
import { SegmentLabelIndex, selectorTerms, termExternals, termSegments } from '../model/selectors';
import { hasExpired, resolveToday } from '../model/today';
import { DEFAULT_INTERNAL_CIDRS, GuardrailDoc, NodePath, RuleDoc } from '../model/types';
import { AddressSet } from '../net/address';
import { ServiceSet } from '../net/service';
import {
  AddressPeer,
  isResolved,
  Origin,
  ResolvedExternal,
  ResolvedPolicy,
  ResolvedRule,
  ResolvedSegment,
  SegmentSetPeer,
  SegmentSides,
  SideEntry,
} from './ir';
import type { LabelIdentity } from './labels';
import { MAX_SEGMENT_PAIRS, PairBudget } from './budget';
import { labelIdentity } from './labels';
import { ServiceResolver } from './services';

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

interface SelectorResult {
  segments: string[];
  addresses: AddressPeer[];
}

function resolveSelector(
  policy: SegmentationPolicy,
  index: SegmentLabelIndex,
  externals: ReadonlyMap<string, ResolvedExternal>,
  sel: RuleDoc['from'],
  path: NodePath,
): SelectorResult {
  const segs = new Set<string>();
  const addrs = new Map<string, AddressPeer>();
  for (const t of selectorTerms(sel, path)) {
    for (const s of termSegments(t, policy.doc.segments, index)) segs.add(s);
    for (const e of termExternals(t)) {
      const ext = externals.get(e)!;
      addrs.set(`external:${e}`, { kind: 'addresses', label: e, external: e, addresses: ext.addresses });
    }
    if (t.kind === 'cidrs') {
      const cidrs = (t.term as { cidrs: readonly string[] }).cidrs;
      const label = `cidrs:${cidrs.join(',')}`;
      addrs.set(label, { kind: 'addresses', label, addresses: AddressSet.fromCidrs(cidrs) });
    }
  }
  return {
    segments: [...segs].sort(),
    addresses: [...addrs.values()].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0)),
  };
}

/** The values of `keys` on a segment, as one comparable text (an absent label is `null`, never equal to a value). */
function sameLabelKey(s: ResolvedSegment, keys: readonly string[]): string {
  return JSON.stringify(keys.map((k) => s.labels[k]));
}

/** A rule's sides as label identities, where they have exact ones (present keys only, so the IR compares as before). */
function labelSides(r: RuleDoc | GuardrailDoc, from: readonly string[], to: readonly string[], segments: readonly ResolvedSegment[], sameLabels: readonly string[]) {
  const fromLabels = labelIdentity(r.from, from, segments, sameLabels);
  const toLabels = labelIdentity(r.to, to, segments, sameLabels);
  return { ...(fromLabels ? { fromLabels } : {}), ...(toLabels ? { toLabels } : {}) };
}

/** The IR of `policy`, resolving it unless it already is. */
export function resolved(policy: SegmentationPolicy | ResolvedPolicy): ResolvedPolicy {
  return isResolved(policy) ? policy : resolve(policy);
}

export { MAX_SEGMENT_PAIRS };

/**
 * A rule side naming at least this many segments (without sameLabels) is held as one shared segment set per entry
 * rather than one entry per peer segment (ir.ts). The meaning is the same either way; only memory and the time of
 * consumers that can use the set differ.
 */
export const BROAD_PEERS = 1000;

export interface ResolveOptions {
  readonly maxSegmentPairs?: number;
  /** Peers from which a rule side is a segment set (default BROAD_PEERS; tests force the set form with 1). */
  readonly broadPeers?: number;
  /** `YYYY-MM-DD` that expiry is judged against; default: `MICROSEG_TODAY`, else the clock (model/today.ts). */
  readonly today?: string;
}

/**
 * Build the IR. The policy must be valid (a SegmentationPolicy always is). Throws PolicyError (MS2001) when its rules
 * relate too many segment pairs, a RangeError when `today` is not a date.
 */
export function resolve(policy: SegmentationPolicy, opts: ResolveOptions = {}): ResolvedPolicy {
  const maxPairs = opts.maxSegmentPairs ?? MAX_SEGMENT_PAIRS;
  const broadPeers = Math.max(1, opts.broadPeers ?? BROAD_PEERS);
  const today = resolveToday(opts.today);
  const doc = policy.doc;
  const internalCidrs = AddressSet.fromCidrs(doc.network?.internalCidrs ?? DEFAULT_INTERNAL_CIDRS);

  const segments: ResolvedSegment[] = doc.segments
    .map((s, i) => ({
      name: s.name,
      labels: { ...s.labels },
      addresses: s.addresses && s.addresses.length > 0 ? AddressSet.fromCidrs(s.addresses) : internalCidrs,
      declaredAddresses: Boolean(s.addresses && s.addresses.length > 0),
      description: s.description,
      location: policy.locate(['segments', i, 'name']),
    }))
    .sort(byName);
  const segmentIndex = new Map(segments.map((s) => [s.name, s]));

  const externals: ResolvedExternal[] = (doc.externals ?? [])
    .map((e, i) => ({
      name: e.name,
      addresses: AddressSet.fromCidrs(e.cidrs).subtract(AddressSet.fromCidrs(e.except ?? [])),
      description: e.description,
      location: policy.locate(['externals', i, 'name']),
    }))
    .sort(byName);
  const externalIndex = new Map(externals.map((e) => [e.name, e]));

  const services = new ServiceResolver(doc);
  const labelIndex = new SegmentLabelIndex(doc.segments);
  const rules: ResolvedRule[] = [];
  // Counted before any pair is built (budget.ts): only pairs the IR lists; a rule whose two sides are segment sets lists none.
  const pairBudget = new PairBudget(maxPairs, { name: doc.metadata.name, file: policy.file });
  const budget = (origin: Origin, pairs: number) => pairBudget.add(origin, pairs);
  const expired: ResolvedRule[] = [];
  const collect = (list: readonly (RuleDoc | GuardrailDoc)[] | undefined, kind: 'rule' | 'guardrail') => {
    (list ?? []).forEach((r, i) => {
      const listKey = kind === 'rule' ? 'rules' : 'guardrails';
      const action = kind === 'guardrail' ? (r as GuardrailDoc).action : 'allow';
      const origin: Origin = {
        kind,
        name: r.name,
        action,
        owner: r.owner,
        description: r.description,
        expires: r.expires,
        location: policy.locate([listKey, i, 'name']),
      };
      // An expired allow ends access: resolved for reports, but attached to no side and counted in no budget.
      const lapsed = action === 'allow' && hasExpired(r.expires, today);
      const from = resolveSelector(policy, labelIndex, externalIndex, r.from, [listKey, i, 'from']);
      const to = resolveSelector(policy, labelIndex, externalIndex, r.to, [listKey, i, 'to']);
      const sameLabels = r.sameLabels ?? [];
      let pairs: [string, string][] | undefined;
      let pairCount: number;
      let pairsListed = true;
      if (lapsed) {
        // No pairs: nothing of it is compiled, and a lapsed rule must not make a policy too large.
        pairs = [];
        pairCount = 0;
      } else if (sameLabels.length === 0) {
        // Every from with every to: counted now, listed only if some consumer asks (segmentPairs below).
        pairCount = from.segments.length * to.segments.length;
        // Both sides sets (see the sides below): no pair is listed here; a back end that must list them counts them.
        pairsListed = from.segments.length < broadPeers || to.segments.length < broadPeers;
        if (pairsListed) budget(origin, pairCount);
      } else {
        // Destinations grouped by their values of the sameLabels keys (in order), so each source meets only its own
        // group: linear in the pairs, not in |from| × |to| (4 million comparisons per rule at 10,000 segments).
        const groups = new Map<string, string[]>();
        for (const t of to.segments) {
          const k = sameLabelKey(segmentIndex.get(t)!, sameLabels);
          const g = groups.get(k);
          if (g) g.push(t);
          else groups.set(k, [t]);
        }
        pairCount = from.segments.reduce((n, f) => n + (groups.get(sameLabelKey(segmentIndex.get(f)!, sameLabels))?.length ?? 0), 0);
        budget(origin, pairCount);
        pairs = [];
        for (const f of from.segments) for (const t of groups.get(sameLabelKey(segmentIndex.get(f)!, sameLabels)) ?? []) pairs.push([f, t]);
      }
      const allPairs = () => {
        const out: [string, string][] = [];
        for (const f of from.segments) for (const t of to.segments) out.push([f, t]);
        return out;
      };
      (lapsed ? expired : rules).push({
        origin,
        services: services.specs(r.services),
        serviceSpecs: [...r.services],
        fromSegments: from.segments,
        toSegments: to.segments,
        fromAddresses: from.addresses,
        toAddresses: to.addresses,
        sameLabels: [...sameLabels],
        get segmentPairs() {
          return (pairs ??= allPairs());
        },
        pairCount,
        pairsListed,
        ...labelSides(r, from.segments, to.segments, segments, sameLabels),
      });
    });
  };
  collect(doc.guardrails, 'guardrail');
  collect(doc.rules, 'rule');
  const byOrigin = (a: ResolvedRule, b: ResolvedRule) => (a.origin.name < b.origin.name ? -1 : a.origin.name > b.origin.name ? 1 : 0);
  rules.sort(byOrigin);
  expired.sort(byOrigin);
  const ruleIndex = new Map(rules.map((r) => [r.origin.name, r]));

  // Attach every rule to the sides of the segments it names.
  type MutableSide = { allow: SideEntry[]; deny: SideEntry[] };
  const sides = new Map<string, { ingress: MutableSide; egress: MutableSide }>();
  for (const s of segments) sides.set(s.name, { ingress: { allow: [], deny: [] }, egress: { allow: [], deny: [] } });
  // A broad side (no sameLabels, at least broadPeers segments) is one shared set: the entry sits where the rule's
  // per-segment entries would, so expanding it in place (peers.ts) gives exactly the list without sets.
  const setPeer = (rule: string, end: 'from' | 'to', segs: readonly string[], labels: LabelIdentity | undefined): SegmentSetPeer | undefined => {
    if (segs.length < broadPeers) return undefined;
    const members = Object.freeze([...segs]);
    return Object.freeze({ kind: 'segments' as const, rule, end, segments: members, set: new Set(members), ...(labels ? { labels } : {}) });
  };
  for (const r of rules) {
    if (r.services.isEmpty()) continue;
    const bucket = r.origin.action;
    const broad = r.sameLabels.length === 0;
    const fromSet = broad ? setPeer(r.origin.name, 'from', r.fromSegments, r.fromLabels) : undefined;
    const toSet = broad ? setPeer(r.origin.name, 'to', r.toSegments, r.toLabels) : undefined;
    // Ingress of each destination segment: source segments (one set, or one entry per pair) and source addresses.
    if (fromSet) for (const t of r.toSegments) sides.get(t)!.ingress[bucket].push({ peer: fromSet, services: r.services, origin: r.origin });
    if (toSet) for (const f of r.fromSegments) sides.get(f)!.egress[bucket].push({ peer: toSet, services: r.services, origin: r.origin });
    const attach = (f: string, t: string) => {
      if (!fromSet) sides.get(t)!.ingress[bucket].push({ peer: { kind: 'segment', segment: f }, services: r.services, origin: r.origin });
      if (!toSet) sides.get(f)!.egress[bucket].push({ peer: { kind: 'segment', segment: t }, services: r.services, origin: r.origin });
    };
    if (fromSet && toSet) {
      // Both ends are sets: no pair to attach.
    } else if (broad) {
      // Every from with every to, in segmentPairs' order, without building (and keeping on the rule) the pair list.
      for (const f of r.fromSegments) for (const t of r.toSegments) attach(f, t);
    } else {
      for (const [f, t] of r.segmentPairs) attach(f, t);
    }
    for (const t of r.toSegments) {
      for (const a of r.fromAddresses) sides.get(t)!.ingress[bucket].push({ peer: a, services: r.services, origin: r.origin });
    }
    for (const f of r.fromSegments) {
      for (const a of r.toAddresses) sides.get(f)!.egress[bucket].push({ peer: a, services: r.services, origin: r.origin });
    }
  }
  // Rules were visited in name order and peers are sorted within a rule, so entries are already sorted.
  const frozenSides = new Map<string, SegmentSides>();
  for (const s of segments) frozenSides.set(s.name, sides.get(s.name)!);

  return {
    name: policy.name,
    policy,
    internalCidrs,
    segments,
    externals,
    rules,
    today,
    expired,
    sides: frozenSides,
    pairBudget: { max: maxPairs, listed: pairBudget.used },
    segment(name: string) {
      const s = segmentIndex.get(name);
      if (!s) throw new Error(`unknown segment '${name}'`);
      return s;
    },
    rule(name: string) {
      const r = ruleIndex.get(name);
      if (!r) throw new Error(`unknown rule '${name}'`);
      return r;
    },
  };
}

export { ServiceSet };
