/**
 * What the firewall policy layouts (secure tags in a global network
 * firewall policy, deny guardrails in a hierarchical one) need beyond the
 * VPC firewall plan: tag value names, and one priority per rule.
 *
 * Priorities: a firewall policy keys its rules by priority, so two rules
 * cannot share one as VPC firewall rules of a kind do. Each kind keeps its
 * band (GCP_POLICY_BANDS, in the order of GCP_PRIORITIES: denies above
 * allows above exceptions above broad allows above the default deny), and
 * inside its band a rule takes the slot its name hashes to, the next free
 * one on a collision (names in sorted order decide who probes). Inside a
 * band the order carries no meaning (plan.ts says why), so any slot is
 * exact, and a rule's priority moves only if an earlier-sorted rule comes
 * to collide with it: practically never at a million slots a band.
 */
import { ResolvedPolicy } from '../../resolve/ir';
import { fitName, hash32 } from '../kit/names';
import { Reporter } from '../kit/report';
import { GCP_POLICY_BAND_WIDTH, GCP_POLICY_BANDS, GCP_QUOTAS } from './limits';
import type { GcpFirewallPlan } from './plan';

/** Short name of a segment's secure tag value: the segment name, fitted to 63 characters. */
export function tagValueNameFor(segment: string): string {
  return fitName(segment, GCP_QUOTAS.tagValueShortNameMax);
}

const TAG_VALUE = /^[A-Za-z0-9]([-_.A-Za-z0-9]*[A-Za-z0-9])?$/;

/** Tag values are unique per key and must be valid short names; segment names always are, so a failure is ours. */
export function checkTagValueNames(ir: ResolvedPolicy, values: Readonly<Record<string, string>>, rep: Reporter): void {
  const seen = new Map<string, string>();
  for (const s of ir.segments) {
    const v = values[s.name];
    if (!TAG_VALUE.test(v) || v.length > GCP_QUOTAS.tagValueShortNameMax) throw new Error(`internal: invalid tag value short name '${v}'`);
    const other = seen.get(v);
    if (other) rep.add('MS6004', `segments '${other}' and '${s.name}' would both carry the secure tag value '${v}'; rename one`, s.location);
    seen.set(v, s.name);
  }
  rep.failIfErrors();
}

/** The rules with one priority each, in their kind's band (see above); sorted by name as given. */
export function withUniquePriorities(rules: readonly GcpFirewallPlan[]): GcpFirewallPlan[] {
  const taken = new Set<number>();
  return rules.map((r) => {
    const base = GCP_POLICY_BANDS[r.kind];
    // By address, not name: an exception's name follows what it denies (plan.ts), and a new priority would be a new rule.
    let slot = hash32(r.id ?? r.name) % GCP_POLICY_BAND_WIDTH;
    for (let n = 0; taken.has(base + slot); n++) {
      if (n >= GCP_POLICY_BAND_WIDTH) throw new Error(`internal: more than ${GCP_POLICY_BAND_WIDTH} firewall policy rules of kind ${r.kind}`);
      slot = (slot + 1) % GCP_POLICY_BAND_WIDTH;
    }
    taken.add(base + slot);
    return { ...r, priority: base + slot };
  });
}
