/**
 * Firewall Rules Logging from the policy: `log: true` on a rule or guardrail
 * logs every firewall rule compiled from it, and `targets.gcp.logDenies`
 * every deny firewall rule (deny guardrails, the exceptions of allows, the
 * default deny). The entries name the firewall that decided
 * (`rule_details.reference`), which `stale` maps back to the rules it was
 * compiled from: exact attribution, no replay (docs/lifecycle.md).
 *
 * Metadata is included (GCP's default): the instance, VPC and remote
 * fields are what a person reads an entry by; the reader needs only the
 * base fields.
 */
import { ResolvedPolicy } from '../../resolve/ir';
import { GcpFirewallPlan } from './plan';

/** The `log_config` block of a logged firewall rule. */
export const GCP_LOG_CONFIG: Readonly<Record<string, string>> = { metadata: 'INCLUDE_ALL_METADATA' };

/** Which firewall rules to log: those realising a rule or guardrail with `log: true`, and with `logDenies` every deny. */
export function firewallLogging(ir: ResolvedPolicy, logDenies: boolean): (f: Pick<GcpFirewallPlan, 'action' | 'origins'>) => boolean {
  const doc = ir.policy.doc;
  const logged = new Set([...(doc.rules ?? []), ...(doc.guardrails ?? [])].filter((r) => r.log === true).map((r) => r.name));
  return (f) => (logDenies && f.action === 'deny') || f.origins.some((o) => logged.has(o));
}
