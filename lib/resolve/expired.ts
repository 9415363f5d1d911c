/**
 * The note every command prints for each allow left out because its
 * `expires` date has passed (MS2002, an info): temporary access ends on its
 * date, and whoever compiles should see which access ended and when.
 */
import { severityOf } from '../model/codes';
import { Diagnostic } from '../model/diagnostics';
import { NodePath } from '../model/types';
import { ResolvedPolicy, ResolvedRule } from './ir';

function expiresPath(ir: ResolvedPolicy, r: ResolvedRule): NodePath {
  const key = r.origin.kind === 'rule' ? 'rules' : 'guardrails';
  const i = (ir.policy.doc[key] ?? []).findIndex((x) => x.name === r.origin.name);
  return i >= 0 ? [key, i, 'expires'] : [];
}

/** One MS2002 note per expired allow, located at its `expires`, in name order. */
export function expiredNotes(ir: ResolvedPolicy): Diagnostic[] {
  return ir.expired.map((r) => {
    const path = expiresPath(ir, r);
    const location = path.length ? ir.policy.locate(path) : undefined;
    return {
      code: 'MS2002',
      severity: severityOf('MS2002'),
      message: `${r.origin.kind} '${r.origin.name}' expired on ${r.origin.expires} (today is ${ir.today}): left out of every output`,
      ...(location ? { location } : { file: ir.policy.file }),
      path,
    };
  });
}

/** `vpn-ssh (expired 2026-01-31), …`: the left-out allows in one line, for summaries. */
export function expiredSummary(ir: ResolvedPolicy): string {
  return ir.expired.map((r) => `${r.origin.name} (expired ${r.origin.expires})`).join(', ');
}
