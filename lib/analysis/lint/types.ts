/**
 * Lint findings and the shape of a check, cdk-nag style: each finding kind
 * is a small module with a stable id (MS3xxx), a one-line why-it-matters,
 * how to fix it, and a `check` that reads only the IR and the meaning.
 * Severities live in lib/model/codes.ts, as for every diagnostic.
 */
import { Diagnostic, SourceLocation } from '../../model/diagnostics';
import { SegmentationPolicy } from '../../model/policy';
import { AddressRange } from '../../net/address';
import { ServiceSet } from '../../net/service';
import { ResolvedPolicy } from '../../resolve/ir';

export interface RelatedLocation {
  readonly message: string;
  readonly location?: SourceLocation;
  readonly path?: readonly (string | number)[];
}

export interface LintFinding extends Diagnostic {
  /** Short name of the finding kind (`conflict`, `shadowed`, …). */
  readonly kind: string;
  readonly title: string;
  /** One line: why it matters. */
  readonly why: string;
  /** Rules, guardrails, segments, services or externals concerned; the first is the one the finding sits on. A suppression's `rule` matches any of them. */
  readonly subjects: readonly string[];
  /** An example flow, when the finding is about flows. */
  readonly example?: string;
  /** Other places that take part (the guardrail of a conflict, the covering rules of a shadowed rule). */
  readonly related?: readonly RelatedLocation[];
  /** Set when a suppression in the policy acknowledges the finding: still reported, never failing. */
  readonly suppressed?: { readonly reason: string; readonly location?: SourceLocation; readonly index: number };
}

export interface LintContext {
  readonly ir: ResolvedPolicy;
  readonly policy: SegmentationPolicy;
  /** `YYYY-MM-DD`, from --today / MICROSEG_TODAY / the clock. */
  readonly today: string;
  readonly expiryWarningDays: number;
  /** Built-in admin ports plus `lint.adminPorts`. */
  readonly adminPorts: ServiceSet;
  /** Address atoms of the policy. */
  readonly atoms: readonly AddressRange[];
}

/** What a check returns; `lint()` fills in severity, title and why from the pack. */
export interface RawFinding {
  readonly code: string;
  readonly message: string;
  readonly path: readonly (string | number)[];
  readonly at?: 'key' | 'value';
  readonly subjects: readonly string[];
  readonly example?: string;
  readonly related?: readonly RelatedLocation[];
}

export interface LintRule {
  readonly code: string;
  readonly kind: string;
  readonly title: string;
  readonly why: string;
  readonly fix: string;
}

export interface LintCheck {
  readonly rules: readonly LintRule[];
  check(ctx: LintContext): RawFinding[];
}
