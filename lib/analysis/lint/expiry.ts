/**
 * MS3007 expired allow, MS3013 expired deny, MS3008 expiring soon. A rule
 * with `expires: D` is in force through day D; from D+1 it is expired.
 * An expired allow is left out of every compiled output (resolve.ts puts it
 * in `ir.expired`), so the finding says so and asks for the dead text to go.
 * An expired deny guardrail is still enforced (a lapsing deny must never
 * widen access on its own), which the writer of `expires` did not mean: an
 * error. Within `lint.expiryWarningDays` (default 30) before D, an info.
 * "Today" is the IR's (--today / MICROSEG_TODAY / the clock, in UTC).
 */
import { dayNumber, isoDay } from '../../model/today';
import { ResolvedRule } from '../../resolve/ir';
import { LintCheck, RawFinding } from './types';
import { ruleField } from './where';

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

export const expiry: LintCheck = {
  rules: [
    {
      code: 'MS3007',
      kind: 'expired',
      title: 'allow expired',
      why: 'The allow was granted until a date that has passed, so it is left out of every compiled output; the policy still reads as if it granted access.',
      fix: 'Delete the rule, or move `expires` forward after reviewing that the access is still needed.',
    },
    {
      code: 'MS3008',
      kind: 'expiring',
      title: 'rule expires soon',
      why: 'The rule expires within the warning window (`lint.expiryWarningDays`, default 30); its owner should decide now.',
      fix: 'Plan its removal, or extend `expires` after review.',
    },
    {
      code: 'MS3013',
      kind: 'expired-deny',
      title: 'deny guardrail expired',
      why: 'A deny guardrail past its `expires` date is still compiled and enforced (letting it lapse would widen access without anyone deciding so), yet its writer meant it to end.',
      fix: 'Delete the guardrail to open what it denies, or move `expires` forward (or drop it) to keep denying.',
    },
  ],
  check(ctx) {
    const out: RawFinding[] = [];
    const today = dayNumber(ctx.today);
    const left = (r: ResolvedRule) => dayNumber(String(r.origin.expires)) - today;
    const at = (r: ResolvedRule) => ruleField(ctx.policy.doc, r.origin.name, 'expires');
    for (const r of ctx.ir.expired) {
      out.push({ code: 'MS3007', message: `${r.origin.kind} '${r.origin.name}' expired on ${r.origin.expires} (${days(-left(r))} ago) and is left out of every compiled output`, path: at(r), subjects: [r.origin.name] });
    }
    for (const r of ctx.ir.rules) {
      if (!r.origin.expires) continue;
      const n = left(r);
      if (Number.isNaN(n)) continue;
      if (n < 0) {
        out.push({ code: 'MS3013', message: `deny guardrail '${r.origin.name}' expired on ${r.origin.expires} (${days(-n)} ago) and is still enforced`, path: at(r), subjects: [r.origin.name] });
      } else if (n <= ctx.expiryWarningDays) {
        out.push({ code: 'MS3008', message: `${r.origin.kind} '${r.origin.name}' expires on ${r.origin.expires}, in ${days(n)}${r.origin.action === 'allow' ? `, and is left out of every compiled output from ${isoDay(dayNumber(String(r.origin.expires)) + 1)}` : ''}`, path: at(r), subjects: [r.origin.name] });
      }
    }
    return out;
  },
};
