/**
 * Diagnostics of a back end: every message names its cloud (`aws: …`), is
 * located at the policy node it is about (else the file and the node's path),
 * and is an error or a note by its code's severity. One compile collects
 * them all and fails once, with every error and the notes that explain them.
 */
import { severityOf } from '../../model/codes';
import { Diagnostic, PolicyError, SourceLocation } from '../../model/diagnostics';
import { Origin, ResolvedPolicy } from '../../resolve/ir';
import { TargetName } from '../target';

export type PolicyPath = readonly (string | number)[];

export class Reporter {
  readonly errors: Diagnostic[] = [];
  readonly notes: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly ir: ResolvedPolicy,
    readonly cloud: TargetName,
  ) {}

  /** The diagnostic, not yet recorded: at `location`, else at `path` in the policy, else at the policy file. */
  diagnostic(code: string, message: string, location?: SourceLocation, path?: PolicyPath): Diagnostic {
    const loc = location ?? (path ? this.ir.policy.locate(path) : undefined);
    return { code, severity: severityOf(code), message: `${this.cloud}: ${message}`, location: loc, path: loc ? undefined : path, file: loc ? undefined : this.ir.policy.file };
  }

  /** Record a diagnostic; the same one twice (e.g. one rule reaching many segments) is recorded once. */
  add(code: string, message: string, location?: SourceLocation, path?: PolicyPath): void {
    const d = this.diagnostic(code, message, location, path);
    const key = `${code}|${d.message}|${d.location ? `${d.location.file}:${d.location.line}:${d.location.col}` : ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    (d.severity === 'error' ? this.errors : this.notes).push(d);
  }

  /** Throw the errors so far (with the notes) as one PolicyError; nothing when there are none. */
  failIfErrors(): void {
    if (this.errors.length > 0) throw this.failure();
  }

  /** Throw one error now. */
  fail(code: string, message: string, location?: SourceLocation, path?: PolicyPath): never {
    this.add(code, message, location, path);
    throw this.failure();
  }

  private failure(): PolicyError {
    return new PolicyError([...this.errors, ...this.notes], `cannot compile policy '${this.ir.name}' exactly for ${this.cloud}`);
  }
}

/**
 * The phrase a quota message ends with, `largest contributors: rule 'a' (12),
 * guardrail 'b' (4)`: the rules and guardrails contributing most cloud rules
 * (`weight` each) to what is over the quota, most first, ties by name, at
 * most three; and the location of the first, where the message is located.
 * `label` spells one origin (default: its kind and quoted name).
 */
export function largestContributors(
  items: Iterable<{ readonly origin: Origin; readonly weight: number }>,
  label: (o: Origin) => string = (o) => `${o.kind} '${o.name}'`,
): { readonly text: string; readonly location?: SourceLocation } {
  const by = new Map<string, { origin: Origin; count: number }>();
  for (const { origin, weight } of items) {
    const c = by.get(origin.name);
    if (c) c.count += weight;
    else by.set(origin.name, { origin, count: weight });
  }
  const top = [...by.values()].sort((a, b) => b.count - a.count || (a.origin.name < b.origin.name ? -1 : 1)).slice(0, 3);
  return { text: `largest contributors: ${top.map((t) => `${label(t.origin)} (${t.count})`).join(', ')}`, location: top[0]?.origin.location };
}
