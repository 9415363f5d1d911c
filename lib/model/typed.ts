/**
 * Types for `SegmentationPolicy.define`: the declared labels are captured as
 * literal types (a `const` type parameter), and segments, selectors and
 * `sameLabels` are checked against them (`NoInfer`, so a typo cannot widen
 * the inferred labels instead of failing). `labels: {env: 'prd'}` in a
 * segment or selector is then a compile error ("Did you mean '"prod"'?").
 */
import {
  CidrsSelector,
  ExternalRefSelector,
  ExternalsRefSelector,
  GuardrailDoc,
  PolicyBody,
  RuleDoc,
  SegmentDoc,
  SegmentRefSelector,
  SegmentsRefSelector,
} from './types';

/** Declared labels: dimension to its allowed values. */
export type LabelDecl = Readonly<Record<string, readonly string[]>>;

/** A value of dimension K. */
export type LabelValue<L extends LabelDecl, K extends keyof L> = L[K][number];

/** A segment's labels: one declared value for every dimension. */
export type TypedLabels<L extends LabelDecl> = { readonly [K in keyof L]: LabelValue<L, K> };

/** A label selector over the declared dimensions and values. */
export type TypedLabelSelector<L extends LabelDecl> = { readonly [K in keyof L]?: LabelValue<L, K> | readonly LabelValue<L, K>[] };

/**
 * One selector term. Written as ONE object type (label keys plus the optional
 * reference keys) rather than a union of forms: against a union TypeScript
 * reports a bare "not assignable" for `{env: 'prd'}`, whereas against one
 * object type it says "Did you mean '"prod"'?". Mixing a reference key with
 * label keys type-checks and is refused at run time (MS1255).
 */
export type TypedSelectorTerm<L extends LabelDecl> = TypedLabelSelector<L> &
  Partial<SegmentRefSelector & SegmentsRefSelector & ExternalRefSelector & ExternalsRefSelector & CidrsSelector>;

export type TypedSelector<L extends LabelDecl> = TypedSelectorTerm<L> | readonly TypedSelectorTerm<L>[];

export interface TypedSegment<L extends LabelDecl> extends Omit<SegmentDoc, 'labels'> {
  readonly labels: TypedLabels<L>;
}

export interface TypedRule<L extends LabelDecl> extends Omit<RuleDoc, 'from' | 'to' | 'sameLabels'> {
  readonly from: TypedSelector<L>;
  readonly to: TypedSelector<L>;
  readonly sameLabels?: readonly (keyof L & string)[];
}

export interface TypedGuardrail<L extends LabelDecl> extends TypedRule<L> {
  readonly action: GuardrailDoc['action'];
}

/** What `define` takes: a `PolicyBody` whose labels type everything that refers to them. */
export type TypedPolicyBody<L extends LabelDecl, S extends string = string> = Omit<PolicyBody, 'labels' | 'segments' | 'rules' | 'guardrails'> & {
  readonly labels: L;
  /** Segment names are inferred (`S`), so constructs take only the policy's segments. */
  readonly segments: readonly (NoInfer<TypedSegment<L>> & { readonly name: S })[];
  readonly rules?: NoInfer<readonly TypedRule<L>[]>;
  readonly guardrails?: NoInfer<readonly TypedGuardrail<L>[]>;
};
