/**
 * "Did you mean" suggestions: the closest candidate by edit distance, with
 * adjacent transpositions counting one edit (`segmnets` → `segments`).
 */

/** Optimal-string-alignment distance (Levenshtein plus adjacent transposition). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur: number[] = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur.push(v);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n];
}

/**
 * The candidate closest to `input`, if it is close enough to be a likely
 * typo: 1 edit for words up to 3 letters, 2 up to 6, then a third of the length.
 * Ties go to the first candidate in the given order, so results are stable.
 */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  if (input.length > 200) return undefined; // quadratic cost; nobody typos a 200-character name
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    if (c === input) continue;
    const len = Math.max(c.length, input.length);
    const limit = len <= 3 ? 1 : len <= 6 ? 2 : Math.max(2, Math.floor(len / 3));
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (d <= limit && d < bestD && d < Math.max(input.length, c.length)) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/**
 * Candidates one of whose dash-separated parts is `input` or a likely typo of
 * it (`webb` → shop-web-prod, shop-web-staging), at most `max`, in the given
 * order: for a short name typed where a segment's full name is needed.
 */
export function suggestByPart(input: string, candidates: Iterable<string>, max = 3): string[] {
  const out: string[] = [];
  for (const c of candidates) {
    if (out.length >= max) break;
    if (c === input) continue;
    const parts = c.split('-');
    if (parts.length > 1 && parts.some((p) => p === input || suggest(input, [p]) === p)) out.push(c);
  }
  return out;
}

/** The " (did you mean …?)" of a message: the closest whole name, else names with a close part; '' when none. */
export function didYouMeanName(input: string, candidates: readonly string[]): string {
  const whole = suggest(input, candidates);
  if (whole) return ` (did you mean '${whole}'?)`;
  const parts = suggestByPart(input, candidates);
  if (parts.length === 1) return ` (did you mean '${parts[0]}'?)`;
  return parts.length ? ` (did you mean one of ${parts.map((p) => `'${p}'`).join(', ')}?)` : '';
}
