/**
 * A rule's segment pairs without listing them: a rule without sameLabels
 * relates every segment of its `from` with every one of its `to` (100
 * million pairs for an allow from `{}` to `{}` at 10,000 segments), so
 * back ends that need only who is on either end, or which services deny
 * guardrails take from one pair, ask here instead of walking
 * `segmentPairs`. Rules with sameLabels keep their listed pairs (few by
 * construction).
 */
import { ServiceSet } from '../net/service';
import { ResolvedRule } from './ir';

/** Does the rule relate every from with every to (no sameLabels)? */
export const isProduct = (r: ResolvedRule): boolean => r.sameLabels.length === 0;

/** The destination segments some pair of the rule reaches, sorted. */
export function pairTargets(r: ResolvedRule): readonly string[] {
  if (isProduct(r)) return r.fromSegments.length > 0 ? r.toSegments : [];
  return [...new Set(r.segmentPairs.map(([, t]) => t))].sort();
}

/**
 * The services that deny rules take from each ordered pair: a product rule
 * by membership of its two ends, a sameLabels rule by its listed pairs.
 */
export class PairServices {
  private readonly listed = new Map<string, ServiceSet>();
  private readonly products: { from: ReadonlySet<string>; to: ReadonlySet<string>; services: ServiceSet }[] = [];

  constructor(rules: readonly ResolvedRule[]) {
    for (const r of rules) {
      if (isProduct(r)) {
        if (r.fromSegments.length > 0 && r.toSegments.length > 0) this.products.push({ from: new Set(r.fromSegments), to: new Set(r.toSegments), services: r.services });
        continue;
      }
      for (const [f, t] of r.segmentPairs) {
        const k = `${f}\u0000${t}`;
        this.listed.set(k, (this.listed.get(k) ?? ServiceSet.EMPTY).union(r.services));
      }
    }
  }

  /** The union of the services of the rules relating `f` to `t` (EMPTY when none does). */
  of(f: string, t: string): ServiceSet {
    let s = this.listed.get(`${f}\u0000${t}`) ?? ServiceSet.EMPTY;
    for (const p of this.products) if (p.from.has(f) && p.to.has(t)) s = s.union(p.services);
    return s;
  }
}
