/**
 * "Today", the one input besides the policy that decides what is compiled:
 * an allow whose `expires` date has passed is left out of every output.
 * It comes from an explicit value (`--today`, the constructs' `today`
 * option), else `MICROSEG_TODAY` (reproducible CI), else the clock, as a UTC
 * date, so every output stays a function of its inputs and today.
 */

const DAY = 86_400_000;

/** Days since 1970-01-01 of a `YYYY-MM-DD` date; NaN for anything else. */
export function dayNumber(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY;
}

/** The `YYYY-MM-DD` of a day number. */
export function isoDay(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** Is `v` a real calendar date written `YYYY-MM-DD`? */
export function isIsoDate(v: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v + 'T00:00:00Z')) && new Date(v + 'T00:00:00Z').toISOString().slice(0, 10) === v;
}

/** Today's date as `YYYY-MM-DD` (UTC), from an explicit value, `MICROSEG_TODAY`, or the clock. Throws a RangeError on an invalid date. */
export function resolveToday(explicit?: string, env: NodeJS.ProcessEnv = process.env, now: () => Date = () => new Date()): string {
  const v = explicit ?? env.MICROSEG_TODAY;
  if (v !== undefined && v !== '') {
    if (!isIsoDate(v)) throw new RangeError(`invalid date '${v}' (expected YYYY-MM-DD)`);
    return v;
  }
  return now().toISOString().slice(0, 10);
}

/**
 * Has a term with this `expires` date ended by `today`? A rule with
 * `expires: D` is in force through day D and ends from D+1.
 */
export function hasExpired(expires: string | undefined, today: string): boolean {
  if (expires === undefined) return false;
  const left = dayNumber(String(expires)) - dayNumber(today);
  return !Number.isNaN(left) && left < 0;
}
