/**
 * Where a cloud enforces a deny guardrail when the policy moves it out of
 * the application layer (`targets.azure.guardrails: network-manager`,
 * `targets.gcp.guardrails: hierarchical`, `targets.kubernetes.guardrails:
 * admin-network-policy`), so
 * that `explain` can say which cloud object denies, not only which
 * guardrail. One line per cloud that does; none when every cloud keeps the
 * guardrail beside the rules.
 */
import { Direction, ResolvedPolicy, SideEntry } from '../resolve/ir';

export function enforcedBy(ir: ResolvedPolicy, e: SideEntry, direction: Direction): string[] {
  if (e.origin.kind !== 'guardrail' || e.origin.action !== 'deny') return [];
  const out: string[] = [];
  const azure = ir.policy.doc.targets?.azure?.guardrails;
  if (azure === 'network-manager' || azure === 'both') {
    // The admin rules of a guardrail are named guardrail.in|out.protocol.family (lib/targets/azure/admin.ts).
    const dir = direction === 'ingress' ? 'in' : 'out';
    out.push(`azure: denied by security admin rule ${e.origin.name}.${dir}.* of configuration '${ir.name}-guardrails' (Virtual Network Manager, before every NSG)`);
  }
  if (ir.policy.doc.targets?.gcp?.guardrails === 'hierarchical') out.push(`gcp: denied by a rule of the hierarchical firewall policy, before the project's firewall rules (docs/gcp.md)`);
  if (ir.policy.doc.targets?.kubernetes?.guardrails === 'admin-network-policy') out.push(`kubernetes: denied by an AdminNetworkPolicy Deny rule, before every NetworkPolicy (docs/kubernetes.md)`);
  return out;
}
