/**
 * The previous output as an input of the AWS plan: which of a segment's own
 * groups existed, so that none is destroyed by a policy edit while workloads
 * carry it (issue 23, item 3).
 *
 * A segment's own groups are contiguous (`sg`, `sg-2`, … in the segment's
 * scope), so what the plan needs is a count per segment: the highest group
 * the previous identities.json lists for it, under `securityGroups` (what
 * workloads carry) or `releasableSecurityGroups` (kept, empty, no longer
 * needed). Addresses are matched exactly as the emitter would write them
 * under the same construct scope, so a file of another scope, policy or
 * prefix keeps nothing and an edited file can only keep more, never less.
 *
 * `release`: the groups the previous output already listed as releasable
 * (its workloads were told to let them go) are destroyed now; a group the
 * previous output listed as carried is kept all the same, emptied, and
 * becomes releasable: it goes only at the next compile with release.
 */
import { logicalId } from '../logical-id';
import { IdentitiesFile } from '../target';
import { groupConstructId } from './naming';

/** The Terraform address the emitter gives a segment's group `index` under `scope`. */
export function groupAddress(scope: readonly string[], segment: string, index: number): string {
  return `aws_security_group.${logicalId([...scope, segment, groupConstructId(index)])}`;
}

/** Per segment of `previous`: the own groups to keep (0 or absent: nothing to keep). */
export function keptGroups(previous: IdentitiesFile | undefined, scope: readonly string[], segments: readonly string[], release = false): Map<string, number> {
  const out = new Map<string, number>();
  if (!previous || previous.target !== 'aws') return out;
  for (const s of segments) {
    const e = previous.segments?.[s];
    if (!e) continue;
    const listed = new Set([...(e.securityGroups ?? []), ...(release ? [] : (e.releasableSecurityGroups ?? []))]);
    let keep = 0;
    // A segment has at most as many own groups as the file lists for it, and at most 16 (the schema's bound) unless more are listed.
    for (let i = 0; i < Math.max(16, listed.size); i++) if (listed.has(groupAddress(scope, s, i))) keep = i + 1;
    if (keep > 0) out.set(s, keep);
  }
  return out;
}
