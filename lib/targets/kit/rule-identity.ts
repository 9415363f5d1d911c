/**
 * What a rule or guardrail is, whatever it is called (issue 23): its action,
 * its `from` and `to` selectors as written and its `sameLabels`. Renaming a
 * rule, reordering rules, giving it another owner or description, or
 * widening or narrowing its services leaves this the same, so names and
 * Terraform addresses derived from it stay put and the cloud updates the
 * resource in place. Adding a segment leaves it the same too: a selector
 * names labels, not the segments that happen to carry them.
 *
 * Two rules with one identity relate exactly the same peers (resolution is
 * a function of the selectors and sameLabels), so a back end merges them
 * into one resource holding the union of their services: allows add up,
 * and so do denies.
 */
import { Origin, ResolvedPolicy, ResolvedRule } from '../../resolve/ir';
import { ServiceSet } from '../../net/service';
import { digest } from './names';

/** A JSON value with object keys sorted and every list sorted (a selector's meaning ignores both orders). */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical).sort((a, b) => cmp(JSON.stringify(a), JSON.stringify(b)));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** One term is a list of one term: `from: {tier: web}` and `from: [{tier: web}]` are the same selector. */
const terms = (s: unknown) => canonical(Array.isArray(s) ? s : [s]);

type RuleSides = { from: unknown; to: unknown; sameLabels?: readonly string[] };
const docsCache = new WeakMap<ResolvedPolicy, Map<string, RuleSides>>();

/** The documents of every rule and guardrail by name (a policy directory's too: its doc is the composed one), built once per IR: once per rule was quadratic in the rules. */
function docsOf(ir: ResolvedPolicy): Map<string, RuleSides> {
  let m = docsCache.get(ir);
  if (!m) {
    const doc = ir.policy.doc;
    docsCache.set(ir, (m = new Map([...(doc.guardrails ?? []), ...(doc.rules ?? [])].map((r) => [r.name, r]))));
  }
  return m;
}

const cache = new WeakMap<ResolvedPolicy, Map<string, string>>();

/** The identity text of a rule or guardrail: stable under every edit that does not change who it relates. */
export function ruleIdentity(ir: ResolvedPolicy, origin: Pick<Origin, 'name' | 'action'>): string {
  let m = cache.get(ir);
  if (!m) cache.set(ir, (m = new Map()));
  const hit = m.get(origin.name);
  if (hit !== undefined) return hit;
  const d = docsOf(ir).get(origin.name);
  const text = JSON.stringify([origin.action, terms(d?.from ?? null), terms(d?.to ?? null), [...(d?.sameLabels ?? [])].sort()]);
  m.set(origin.name, text);
  return text;
}

/** Hex characters of a rule identity's digest in names. */
export const IDENTITY_DIGEST_LENGTH = 8;

/** A short, stable code for a rule identity, for cloud names and construct ids. */
export function identityCode(identity: string): string {
  return digest(identity, IDENTITY_DIGEST_LENGTH);
}

/** Rules of one identity merged: the first rule's resolution, the union of their services, every origin. */
export interface MergedRule {
  readonly identity: string;
  readonly code: string;
  /** The rule whose resolution (pairs, segments, addresses) stands for all of them. */
  readonly rule: ResolvedRule;
  readonly services: ServiceSet;
  /** Names of the merged rules and guardrails, sorted. */
  readonly origins: readonly string[];
}

/** The policy's rules merged by identity, in the order of their first rules (the IR's, by name): diagnostics keep policy order; names never depend on it. */
export function mergeByIdentity(ir: ResolvedPolicy, rules: readonly ResolvedRule[] = ir.rules): MergedRule[] {
  const by = new Map<string, { rule: ResolvedRule; services: ServiceSet; origins: string[] }>();
  for (const r of rules) {
    const id = ruleIdentity(ir, r.origin);
    const e = by.get(id);
    if (!e) by.set(id, { rule: r, services: r.services, origins: [r.origin.name] });
    else {
      e.services = e.services.union(r.services);
      e.origins.push(r.origin.name);
    }
  }
  return [...by.entries()]
    .map(([identity, e]) => ({ identity, code: identityCode(identity), rule: e.rule, services: e.services, origins: [...e.origins].sort() }))
    .sort((a, b) => cmp(a.origins[0], b.origins[0]));
}
