/**
 * What workloads must attach or detach when a segment's identity set changes
 * (an overflow group appears or goes, a label group is added): shared by the
 * apply check and `compile --previous`. Identities are what identities.json
 * lists per segment: AWS security groups, Azure ASGs and NSGs, GCP network
 * tags, service accounts or secure tags.
 */
import { IdentitiesFile, TargetName } from '../../targets/target';

export interface IdentityChange {
  readonly segment: string;
  /** Identities workloads of the segment must carry after the apply and do not carry before. */
  readonly attach: readonly string[];
  /** Identities they carry before and no longer need after. */
  readonly detach: readonly string[];
}

/** The identities.json fields that name what a workload carries, per target. */
export const IDENTITY_FIELDS: Record<TargetName, readonly string[]> = {
  aws: ['securityGroups'],
  azure: ['applicationSecurityGroups', 'networkSecurityGroups', 'networkGroups'],
  gcp: ['networkTags', 'serviceAccounts', 'secureTags'],
  // Pods carry labels, not Terraform objects: nothing of theirs is created or destroyed by an apply.
  kubernetes: [],
};

export function identitiesOf(f: IdentitiesFile, seg: string, fields: readonly string[]): string[] {
  const e = (f.segments[seg] ?? {}) as Record<string, readonly string[] | undefined>;
  return fields.flatMap((k) => [...(e[k] ?? [])]);
}

/** Per segment both versions have (in `segments` order): what to attach and what to detach. */
export function identityChanges(before: IdentitiesFile, after: IdentitiesFile, segments: readonly string[], fields: readonly string[]): IdentityChange[] {
  const out: IdentityChange[] = [];
  for (const s of segments) {
    const b = identitiesOf(before, s, fields);
    const a = identitiesOf(after, s, fields);
    const attach = a.filter((x) => !b.includes(x));
    const detach = b.filter((x) => !a.includes(x));
    if (attach.length || detach.length) out.push({ segment: s, attach, detach });
  }
  return out;
}

/**
 * The note for one change, in apply order: a new identity is attached once
 * the apply has created it; one the new output no longer has is destroyed by
 * the apply, so it must be detached first (the cloud refuses to delete a
 * group a workload carries); one that stays for others is detached after.
 */
export function identityNotes(c: IdentityChange, stillDeclared: (id: string) => boolean, releasable: (id: string) => boolean = () => false): string[] {
  const out: string[] = [];
  if (c.attach.length) out.push(`segment ${c.segment}: attach ${c.attach.join(', ')} to its workloads once the apply has created ${c.attach.length === 1 ? 'it' : 'them'}`);
  const gone = c.detach.filter((x) => !stillDeclared(x));
  const kept = c.detach.filter((x) => stillDeclared(x) && !releasable(x));
  const emptied = c.detach.filter((x) => stillDeclared(x) && releasable(x));
  if (gone.length) out.push(`segment ${c.segment}: detach ${gone.join(', ')} from its workloads before the apply, which destroys ${gone.length === 1 ? 'it' : 'them'}`);
  if (kept.length) out.push(`segment ${c.segment}: its workloads no longer need ${kept.join(', ')}: detach after the apply`);
  // Kept from the previous output, holding or named by no rules (AWS releasableSecurityGroups, Azure releasableApplicationSecurityGroups): the apply leaves it; --release ends it.
  if (emptied.length) out.push(`segment ${c.segment}: ${emptied.join(', ')} ${emptied.length === 1 ? 'holds' : 'hold'} no rules now and ${emptied.length === 1 ? 'stays' : 'stay'} so that the apply destroys nothing workloads carry: detach after the apply, then compile with --release to destroy ${emptied.length === 1 ? 'it' : 'them'}`);
  return out;
}

/** What the file lists as kept but no longer needed (AWS `releasableSecurityGroups`, Azure `releasableApplicationSecurityGroups`). */
export function releasableOf(f: IdentitiesFile): Set<string> {
  return new Set(Object.values(f.segments).flatMap((e) => [...(e.releasableSecurityGroups ?? []), ...(e.releasableApplicationSecurityGroups ?? [])]));
}
