/**
 * `targets.gcp.guardrails: hierarchical`: the deny guardrails as rules of a
 * hierarchical firewall policy (folder or organization), evaluated before
 * the project's rules and governed by their own IAM, so an application team
 * that can edit the project's firewall cannot remove them. What they do not
 * deny passes on (`goto_next`, explicit rules at the bottom) to the
 * application layer. Allow guardrails stay with the rules: an allow up here
 * would decide before, and so bypass, the application layer's denies.
 *
 * A hierarchical rule matches its targets by service account or by secure
 * tags of an organization tag key, never by network tags, and its sources
 * by secure tags of an organization key or by address. Where a guardrail's
 * side is a segment the layer cannot match by identity, the segment is
 * matched by its addresses, and that is exact only when
 *  - as the local side (the rule's target): the segment declares addresses
 *    and no other segment holds any of them (else the rule would also deny
 *    for that segment's workloads);
 *  - as the peer (an ingress source): the same, and no allow of the
 *    destination admits outside hosts at those addresses on the
 *    guardrail's services (else the rule would deny them too).
 * Otherwise the compile fails with a located error saying what to declare.
 * The egress half of a guardrail between segments stays where it is in
 * every layout: the application layer's egress allows leave its services out.
 */
import { AddressSet, Family } from '../../net/address';
import { ServiceSet } from '../../net/service';
import { ResolvedPolicy } from '../../resolve/ir';
import { Reporter } from '../kit/report';
import { overlapIndex } from './overlaps';
import type { Draft, GcpIdentityKind } from './plan';

const FAMILIES: readonly Family[] = [4, 6];
const ALL_OF: Record<Family, string> = { 4: '0.0.0.0/0', 6: '::/0' };

export interface HierarchicalOptions {
  readonly prefix: string;
  readonly identity: GcpIdentityKind;
  readonly tagParent?: string;
}

/** What the hierarchical layer can match by identity, with this identity kind. */
export function hierarchicalForms(o: Pick<HierarchicalOptions, 'identity' | 'tagParent'>): { targets: boolean; sources: boolean; word: string } {
  const orgTags = o.identity === 'secureTags' && (o.tagParent ?? '').startsWith('organizations/');
  if (orgTags) return { targets: true, sources: true, word: 'secure tags of an organization tag key' };
  if (o.identity === 'serviceAccounts') return { targets: true, sources: false, word: 'service account (targets only)' };
  return { targets: false, sources: false, word: o.identity === 'tags' ? 'network tag' : 'secure tags of a project tag key' };
}

/** The deny guardrail drafts as hierarchical rules, plus the pass-on rules; fails (located) where a side cannot be exact. */
export function hierarchicalDrafts(ir: ResolvedPolicy, denies: readonly Draft[], o: HierarchicalOptions, rep: Reporter): Draft[] {
  const forms = hierarchicalForms(o);
  const check = new Exactness(ir);
  const out: Draft[] = [];
  for (const d of denies) {
    const guardrail = ir.rule(d.origins[0]);
    const fail = (seg: string, side: string, reason: string) =>
      rep.add(
        'MS6005',
        `guardrail '${guardrail.origin.name}' goes to the hierarchical firewall policy, which cannot match segment '${seg}' (${side}) by ${forms.word}; matched by its addresses it ${reason}: declare addresses for '${seg}' that no other segment holds, or use targets.gcp.identity: secure-tags with an organization tag key (targets.gcp.tagParent: organizations/…)`,
        guardrail.origin.location,
      );
    const localByAddress = !forms.targets;
    const peerByAddress = d.sourceSegments !== undefined && !forms.sources;
    let ok = true;
    if (localByAddress) {
      for (const t of d.targets) {
        const why = check.local(t);
        if (why) ok = (fail(t, d.direction === 'INGRESS' ? 'the destination' : 'the source', why), false);
      }
    }
    if (peerByAddress) {
      for (const s of d.sourceSegments!) {
        const why = check.local(s) ?? check.peer(s, d.targets, d.services);
        if (why) ok = (fail(s, 'the source', why), false);
      }
    }
    if (!ok) continue;
    if (!localByAddress && !peerByAddress) {
      // Hierarchical rules are new since 0.1.0: nothing to move from.
      out.push({ ...d, base: `${d.base}-h`, formerBase: undefined });
      continue;
    }
    const families: readonly Family[] = d.family ? [d.family] : FAMILIES;
    for (const fam of families) {
      const localCidrs = localByAddress ? check.addresses(d.targets, fam) : undefined;
      const peerCidrs = peerByAddress ? check.addresses(d.sourceSegments!, fam) : undefined;
      if (localCidrs?.length === 0 || peerCidrs?.length === 0) continue;
      const ingress = d.direction === 'INGRESS';
      out.push({
        ...d,
        base: `${d.base}${d.family ? '' : `-v${fam}`}-h`,
        formerBase: undefined,
        family: fam,
        targets: localByAddress ? [] : d.targets,
        sourceSegments: peerByAddress ? undefined : d.sourceSegments,
        sourceRanges: peerByAddress ? peerCidrs : ingress ? d.sourceRanges : localCidrs,
        destinationRanges: ingress && localByAddress ? localCidrs : d.destinationRanges,
      });
    }
  }
  rep.failIfErrors();
  if (out.length === 0) return out;
  for (const direction of ['INGRESS', 'EGRESS'] as const) {
    for (const fam of FAMILIES) {
      out.push({
        base: `${o.prefix}-pass-${direction === 'INGRESS' ? 'in' : 'eg'}-v${fam}`,
        direction,
        action: 'goto_next',
        kind: 'pass',
        priority: 0,
        targets: [],
        sourceRanges: direction === 'INGRESS' ? [ALL_OF[fam]] : undefined,
        destinationRanges: direction === 'EGRESS' ? [ALL_OF[fam]] : undefined,
        family: fam,
        services: ServiceSet.ANY,
        origins: [],
        what: 'goto_next: what no guardrail denies goes on to the project firewall rules',
      });
    }
  }
  return out;
}

/** Notes saying where each lifted guardrail went. */
export function notePlacement(ir: ResolvedPolicy, denies: readonly Draft[], rep: Reporter): void {
  for (const name of [...new Set(denies.flatMap((d) => d.origins))].sort()) {
    const r = ir.rule(name);
    rep.add(
      'MS6104',
      `guardrail '${name}' is a rule of the hierarchical firewall policy, evaluated before the project's firewall rules; what it does not deny goes on with goto_next`,
      r.origin.location,
    );
  }
}

/** When matching a segment by its addresses is exact (see the file comment). */
class Exactness {
  private overlapping?: (name: string) => string[];

  constructor(private readonly ir: ResolvedPolicy) {}

  /** Why matching `seg`'s workloads by its addresses is not exact, or undefined when it is. */
  local(seg: string): string | undefined {
    const s = this.ir.segment(seg);
    if (!s.declaredAddresses) return 'would cover all of network.internalCidrs (it declares no addresses)';
    // One sweep over every segment's ranges, built when first needed (never a comparison of every pair).
    const shared = (this.overlapping ??= overlapIndex(this.ir.segments))(s.name);
    if (shared.length) return `would also match segments ${shared.join(', ')}, which share its addresses`;
    return undefined;
  }

  /** Why denying every host at `seg`'s addresses into `targets` is not exact: an allow admits outside hosts there. */
  peer(seg: string, targets: readonly string[], services: ServiceSet): string | undefined {
    const at = this.ir.segment(seg).addresses;
    for (const t of targets) {
      for (const e of this.ir.sides.get(t)!.ingress.allow) {
        if (e.peer.kind !== 'addresses' || e.peer.addresses.intersect(at).isEmpty() || e.services.intersect(services).isEmpty()) continue;
        return `would also deny outside hosts there that ${e.origin.kind} '${e.origin.name}' admits into '${t}' (${e.peer.label})`;
      }
    }
    return undefined;
  }

  addresses(segs: readonly string[], fam: Family): string[] {
    return segs.reduce((acc, x) => acc.union(this.ir.segment(x).addresses), AddressSet.EMPTY).toCidrs(fam);
  }
}
