/**
 * The previous output as an input of the Azure plan: which label ASGs and
 * whether the all-segments ASG existed, so that a policy edit never
 * destroys an ASG workloads carry (issue 23, item 3): Azure refuses to
 * delete an ASG a NIC still names, and the apply would fail half-way.
 *
 * An ASG is kept when the previous identities.json lists its address, as
 * the emitter writes it under the same construct scope, for a segment that
 * still carries its label value (the all-segments ASG: for any segment),
 * under `applicationSecurityGroups` or `releasableApplicationSecurityGroups`.
 * A file of another scope or policy keeps nothing; an edited file can only
 * keep more, never less.
 *
 * `release`: the ASGs the previous output already listed as releasable (its
 * workloads were told to let them go) are destroyed now; one listed as
 * carried is kept all the same, and becomes releasable.
 */
import { ResolvedPolicy } from '../../resolve/ir';
import { logicalId } from '../logical-id';
import { IdentitiesFile } from '../target';

/** Construct id of a label ASG (emit.ts): segment names hold no '_', so it never meets a segment's `<segment>-asg`. */
export const labelAsgId = (label: string, value: string): string => `${label}_${value}-asg`;
/** Construct id of the all-segments ASG (emit.ts). */
export const ALL_ASG_ID = '_all-asg';

export interface KeptAsgs {
  /** `label=value` keys of label ASGs to keep. */
  readonly labels: ReadonlySet<string>;
  /** Keep the all-segments ASG. */
  readonly all: boolean;
}

export const NOTHING_KEPT: KeptAsgs = { labels: new Set(), all: false };

export function keptAsgs(previous: IdentitiesFile | undefined, scope: readonly string[], ir: ResolvedPolicy, release = false): KeptAsgs {
  if (!previous || previous.target !== 'azure') return NOTHING_KEPT;
  const address = (id: string) => `azurerm_application_security_group.${logicalId([...scope, id])}`;
  const labels = new Set<string>();
  let all = false;
  for (const s of ir.segments) {
    const e = previous.segments?.[s.name];
    if (!e) continue;
    const listed = new Set([...(e.applicationSecurityGroups ?? []), ...(release ? [] : (e.releasableApplicationSecurityGroups ?? []))]);
    for (const [label, value] of Object.entries(s.labels)) if (listed.has(address(labelAsgId(label, value)))) labels.add(`${label}=${value}`);
    if (listed.has(address(ALL_ASG_ID))) all = true;
  }
  return { labels, all };
}
