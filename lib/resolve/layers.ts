/**
 * A policy split into layers: when a target enforces some deny guardrails in
 * a layer evaluated before the application rules (Kubernetes
 * AdminNetworkPolicy, GCP hierarchical firewall policies, Azure security
 * admin rules), the application layer is compiled from the IR without those
 * denies. Because the meaning is "some allow and no deny" per side, a deny
 * enforced by the higher layer with the same match, evaluated first and
 * final, leaves the flows of the whole exactly those of the policy.
 */
import { Direction, ResolvedPolicy, SegmentSides, SideEntry } from './ir';

/** The IR whose sides keep only the deny entries `keep` accepts; allows, segments and rules unchanged. */
export function withoutDenies(ir: ResolvedPolicy, keep: (entry: SideEntry, segment: string, dir: Direction) => boolean): ResolvedPolicy {
  const sides = new Map<string, SegmentSides>();
  for (const [segment, s] of ir.sides) {
    sides.set(segment, {
      ingress: { allow: s.ingress.allow, deny: s.ingress.deny.filter((e) => keep(e, segment, 'ingress')) },
      egress: { allow: s.egress.allow, deny: s.egress.deny.filter((e) => keep(e, segment, 'egress')) },
    });
  }
  return { ...ir, sides };
}
