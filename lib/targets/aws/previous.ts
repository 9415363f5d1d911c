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
 * The previous cdk.tf.json, where it is at hand (the CLI's DIR, the old
 * output in diff --apply-check), says which group each rule was in: rules
 * stay in their group while they fit (`previousGroups`), so an edit moves no
 * rule between a segment's groups (a move holds the rule in both groups for
 * a moment, which AWS counts against both quotas).
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

/**
 * The group each rule of the previous output's cdk.tf.json was in, by segment
 * and rule id: a rule's address is `<type>.<logical id of scope/segment/id>`
 * and its `security_group_id` references one of the segment's own groups.
 * Only exact matches count (another scope, or a hand-edited reference, gives
 * nothing), so the worst a wrong file can do is leave placement first fit.
 */
export function previousGroups(terraform: Record<string, any> | undefined, scope: readonly string[], segments: readonly string[]): ((segment: string, ruleId: string) => number | undefined) | undefined {
  const res = terraform?.resource;
  if (!res || typeof res !== 'object') return undefined;
  const groupOf = new Map<string, string>();
  for (const type of ['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule']) {
    for (const [name, body] of Object.entries<any>(res[type] ?? {})) {
      const m = typeof body?.security_group_id === 'string' ? /^\$\{(aws_security_group\.[A-Za-z0-9_-]+)\.id\}$/.exec(body.security_group_id) : null;
      if (m) groupOf.set(name, m[1]);
    }
  }
  if (groupOf.size === 0) return undefined;
  const declared = new Set(Object.keys(res.aws_security_group ?? {}).map((n) => `aws_security_group.${n}`));
  const indexOf = new Map<string, Map<string, number>>();
  for (const s of segments) {
    const m = new Map<string, number>();
    for (let i = 0; i < 16 && declared.has(groupAddress(scope, s, i)); i++) m.set(groupAddress(scope, s, i), i);
    // One group too: when the segment then needs a second, its old rules stay in the first and the new ones go on.
    if (m.size > 0) indexOf.set(s, m);
  }
  if (indexOf.size === 0) return undefined;
  return (segment, ruleId) => {
    const m = indexOf.get(segment);
    const g = m && groupOf.get(logicalId([...scope, segment, ruleId]));
    return g === undefined ? undefined : m!.get(g);
  };
}
