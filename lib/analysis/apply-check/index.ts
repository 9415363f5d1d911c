/**
 * The apply check: is going from one compiled output to another a safe
 * change of the live network? Per target it classifies every resource
 * change as `terraform plan` would (replacement.ts), builds the moments a
 * parallel apply can pass through (schedule.ts), and judges each moment
 * with the verifier's cloud model: flows both versions allow that the
 * moment drops, flows both deny that it opens (flows.ts), and objects the
 * cloud would refuse to hold at once (conflicts.ts; AWS's rules per group,
 * quotas.ts). An identity that
 * workloads carry and the plan would destroy is unsafe as well: the cloud
 * refuses to delete a group attached to an interface, and if it did, the
 * workloads would lose every rule at once.
 */
import { ResolvedPolicy } from '../../resolve/ir';
import { IdentitiesFile, TargetName, TargetOutput } from '../../targets/target';
import { readAws } from '../../verify/aws';
import { readAzure } from '../../verify/azure';
import { readGcp } from '../../verify/gcp';
import { readKubernetes } from '../../verify/kubernetes';
import { CloudModel } from '../../verify/model';
import { IdentitiesLike } from '../../verify/terraform';
import { Conflict, conflictsOf } from './conflicts';
import { quotaProblems } from './quotas';
import { IDENTITY_FIELDS, identitiesOf as idsOf, identityChanges as changesOfIdentities, IdentityChange } from './identities';
import { compareMoment, FlowProblem } from './flows';
import { liveObjects, momentJson } from './moment';
import { classifyChanges, ChangeAction, ResourceChange } from './replacement';
import { describeMoment, schedule } from './schedule';

export type { ResourceChange, ChangeAction } from './replacement';
export type { FlowProblem } from './flows';
export type { Conflict } from './conflicts';
export type { IdentityChange } from './identities';

export interface UnsafeMoment {
  /** Which events are done and which are pending at that moment. */
  readonly moment: string;
  readonly dropped: number;
  readonly opened: number;
  readonly conflicts: readonly Conflict[];
  readonly examples: readonly FlowProblem[];
}

export interface TargetApplyCheck {
  readonly target: TargetName;
  readonly safe: boolean;
  readonly counts: Readonly<Record<ChangeAction, number>> & { readonly replacedCreateBeforeDestroy: number };
  /** Every resource that changes (kept ones are counted only). */
  readonly changes: readonly Pick<ResourceChange, 'address' | 'action' | 'createBeforeDestroy' | 'attributes'>[];
  readonly moments: { readonly checked: number; readonly exhaustive: boolean; readonly events: number };
  /** Distinct flow classes (segment pair or outside side, service atom) dropped or opened at some moment. */
  readonly dropped: number;
  readonly opened: number;
  readonly conflicts: readonly Conflict[];
  /** Identities workloads carry that the plan would destroy or replace. */
  readonly identitiesDestroyed: readonly string[];
  readonly identityChanges: readonly IdentityChange[];
  /** The worst moments (most problems first), at most five. */
  readonly worst: readonly UnsafeMoment[];
}

export interface ApplyCheckResult {
  readonly old: { readonly policy: string; readonly file: string };
  readonly new: { readonly policy: string; readonly file: string };
  readonly targets: readonly TargetApplyCheck[];
  readonly safe: boolean;
}

function readModel(target: TargetName, ir: ResolvedPolicy, json: Record<string, any>, ids: IdentitiesLike, segments: readonly string[]): CloudModel {
  if (target === 'aws') return readAws(json, ids, segments);
  if (target === 'azure') return readAzure(json, ids, segments, ir.internalCidrs);
  if (target === 'kubernetes') return readKubernetes(json, ids, segments);
  return readGcp(json, ids, segments);
}

/**
 * While the apply runs, a workload carries what it carried before and,
 * once the note's attachments are made, what the new version lists: the
 * union, of which only the objects alive at the moment count.
 */
function unionIdentities(a: IdentitiesFile, b: IdentitiesFile, segments: readonly string[], fields: readonly string[]): IdentitiesLike {
  const segs: Record<string, Record<string, string[]>> = {};
  for (const s of segments) {
    const e: Record<string, string[]> = {};
    for (const k of fields) {
      const v = [...new Set([...idsOf(a, s, [k]), ...idsOf(b, s, [k])])].sort();
      if (v.length) e[k] = v;
    }
    segs[s] = e;
  }
  return { target: b.target, segments: segs };
}

export function checkTargetApply(oldIr: ResolvedPolicy, newIr: ResolvedPolicy, oldOut: TargetOutput, newOut: TargetOutput, opts: { examples?: number } = {}): TargetApplyCheck {
  const target = newOut.target;
  const fields = IDENTITY_FIELDS[target];
  const changes = classifyChanges(oldOut.terraform, newOut.terraform);
  const common = newIr.segments.map((s) => s.name).filter((s) => oldIr.sides.has(s));
  const oldModel = readModel(target, oldIr, oldOut.terraform, oldOut.identities, common);
  const newModel = readModel(target, newIr, newOut.terraform, newOut.identities, common);
  const both = target === 'kubernetes' ? newOut.identities : unionIdentities(oldOut.identities, newOut.identities, common, fields);
  const sched = schedule(changes);
  const replaced = new Set(changes.filter((c) => c.action === 'replace').map((c) => c.address));

  const flowKeys = new Set<string>();
  const conflictKeys = new Map<string, Conflict>();
  const unsafe: UnsafeMoment[] = [];
  for (const m of sched.moments) {
    const objects = liveObjects(changes, sched.events, m);
    const now = readModel(target, newIr, momentJson(objects), both, common);
    const flows = compareMoment(oldIr, newIr, oldModel, newModel, now, opts.examples ?? 5);
    const conflicts = [...conflictsOf(objects, replaced), ...(target === 'aws' ? quotaProblems(objects, replaced) : [])];
    const dropCount = flows.dropped;
    const openCount = flows.opened;
    for (const k of flows.keys) flowKeys.add(k);
    for (const c of conflicts) conflictKeys.set(c.key, c);
    if (dropCount + openCount > 0 || conflicts.length > 0) {
      unsafe.push({ moment: describeMoment(sched.events, m), dropped: dropCount, opened: openCount, conflicts, examples: flows.problems });
    }
  }

  const identitiesDestroyed: string[] = [];
  const byAddr = new Map(changes.map((c) => [c.address, c]));
  for (const s of common) {
    for (const id of idsOf(oldOut.identities, s, fields)) {
      const c = byAddr.get(id);
      if (c && (c.action === 'replace' || c.action === 'destroy') && !identitiesDestroyed.includes(id)) identitiesDestroyed.push(id);
    }
  }
  const identityChanges: IdentityChange[] = changesOfIdentities(oldOut.identities, newOut.identities, common, fields);
  identitiesDestroyed.sort();
  const dropped = [...flowKeys].filter((k) => k.startsWith('dropped|')).length;
  const opened = flowKeys.size - dropped;

  const counts = { keep: 0, update: 0, replace: 0, create: 0, destroy: 0, replacedCreateBeforeDestroy: 0 };
  for (const c of changes) {
    counts[c.action]++;
    if (c.action === 'replace' && c.createBeforeDestroy) counts.replacedCreateBeforeDestroy++;
  }
  const conflicts = [...conflictKeys.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
  const worst = unsafe.sort((a, b) => b.dropped + b.opened + b.conflicts.length - (a.dropped + a.opened + a.conflicts.length) || (a.moment < b.moment ? -1 : 1)).slice(0, 5);
  return {
    target,
    safe: dropped === 0 && opened === 0 && conflicts.length === 0 && identitiesDestroyed.length === 0,
    counts,
    changes: changes.filter((c) => c.action !== 'keep').map(({ address, action, createBeforeDestroy, attributes }) => ({ address, action, createBeforeDestroy, attributes })),
    moments: { checked: sched.moments.length, exhaustive: sched.exhaustive, events: sched.events.length },
    dropped,
    opened,
    conflicts,
    identitiesDestroyed,
    identityChanges,
    worst,
  };
}

export function checkApply(oldIr: ResolvedPolicy, newIr: ResolvedPolicy, pairs: readonly { old: TargetOutput; new: TargetOutput }[]): ApplyCheckResult {
  const targets = pairs.map((p) => checkTargetApply(oldIr, newIr, p.old, p.new));
  return {
    old: { policy: oldIr.name, file: oldIr.policy.file },
    new: { policy: newIr.name, file: newIr.policy.file },
    targets,
    safe: targets.every((t) => t.safe),
  };
}
