/**
 * MS3007 expired, MS3008 expiring soon. A rule with `expires: D` is meant to
 * be in force through day D; from D+1 it is expired. It is still compiled
 * and enforced (lint never changes what the policy means), so an expired
 * rule is a warning, as the format says; within `lint.expiryWarningDays`
 * (default 30) before D it is an info, which never fails a build.
 * "Today" comes from --today / MICROSEG_TODAY / the clock, in UTC.
 */
import { LintCheck, RawFinding } from './types';
import { ruleField } from './where';

const DAY = 86_400_000;

export function dayNumber(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY;
}

export const expiry: LintCheck = {
  rules: [
    {
      code: 'MS3007',
      kind: 'expired',
      title: 'rule expired',
      why: 'The rule was granted until a date that has passed, yet it is still compiled and enforced.',
      fix: 'Delete the rule, or move `expires` forward after reviewing that the access is still needed.',
    },
    {
      code: 'MS3008',
      kind: 'expiring',
      title: 'rule expires soon',
      why: 'The rule expires within the warning window (`lint.expiryWarningDays`, default 30); its owner should decide now.',
      fix: 'Plan its removal, or extend `expires` after review.',
    },
  ],
  check(ctx) {
    const out: RawFinding[] = [];
    const today = dayNumber(ctx.today);
    for (const r of ctx.ir.rules) {
      const e = r.origin.expires;
      if (!e) continue;
      const left = dayNumber(String(e)) - today;
      if (Number.isNaN(left)) continue;
      const path = ruleField(ctx.policy.doc, r.origin.name, 'expires');
      if (left < 0) {
        out.push({ code: 'MS3007', message: `${r.origin.kind} '${r.origin.name}' expired on ${e} (${-left} day${left === -1 ? '' : 's'} ago) and is still enforced`, path, subjects: [r.origin.name] });
      } else if (left <= ctx.expiryWarningDays) {
        out.push({ code: 'MS3008', message: `${r.origin.kind} '${r.origin.name}' expires on ${e}, in ${left} day${left === 1 ? '' : 's'}`, path, subjects: [r.origin.name] });
      }
    }
    return out;
  },
};
