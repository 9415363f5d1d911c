/**
 * SegmentationPolicy: a validated, immutable policy document with the source
 * location of every node. Every front door (YAML/JSON file, plain object,
 * typed `define`) ends here; everything downstream reads only this.
 *
 * All front doors run the same pipeline: load (or copy) → schema → validate
 * → one sorted list of diagnostics. Any error: the throwing doors throw one
 * PolicyError listing them all, the `load…`/`check…` functions return them.
 */
import { hasErrors, PolicyError, sortDiagnostics, Diagnostic, SourceLocation } from './diagnostics';
import { Composition, composeSources, PolicySource, SourceText } from './compose';
import { readPolicyDirectory } from './directory';
import { LoadResult, loadPolicyFile, parsePolicySource } from './loader';
import { Finding, Locator, locateFindings, locateIn, NO_LOCATOR } from './locator';
import { deepFreeze, toPlain } from './plain';
import { schemaFindings } from './schema';
import { LocatedStandard } from './standards';
import { LabelDecl, TypedPolicyBody } from './typed';
import { NodePath, PolicyBody, PolicyDocument } from './types';
import { validateDocument } from './validate';
import { pruneCascades } from './cascade';

export type { Locator } from './locator';
export type { PolicySource } from './compose';

/** Result of the non-throwing front doors: a policy exactly when there are no errors. */
export interface CheckResult {
  readonly policy?: SegmentationPolicy;
  /** Every diagnostic, sorted; warnings too when a policy is returned. */
  readonly diagnostics: Diagnostic[];
}

/** `S`: the segment names, known to the compiler for policies made with `define` (else `string`). */
export class SegmentationPolicy<S extends string = string> {
  /** The document, deep-frozen, with defaults NOT filled in (resolve does that). */
  readonly doc: PolicyDocument;
  /** File the policy came from (`<object>` / `<define>` for the typed front doors). */
  readonly file: string;
  /** Warnings and infos found while validating (errors never reach a SegmentationPolicy). */
  readonly diagnostics: readonly Diagnostic[];
  /**
   * The files a directory policy was composed from (base, fragments, standards),
   * in sorted path order; one entry for a single file.
   */
  readonly sources: readonly PolicySource[];
  /** Standards documents found in a policy directory (lint and verify judge by them; they never change what is compiled). */
  readonly standards: readonly LocatedStandard[];
  private readonly locator: Locator;

  /** @internal use fromFile / fromObject / define / fromSource. */
  constructor(doc: PolicyDocument, file: string, locator: Locator, diagnostics: readonly Diagnostic[], sources?: readonly PolicySource[], standards: readonly LocatedStandard[] = []) {
    this.doc = doc;
    this.file = file;
    this.locator = locator;
    this.diagnostics = diagnostics;
    this.sources = sources ?? [{ file, kind: 'SegmentationPolicy', name: doc.metadata.name }];
    this.standards = standards;
  }

  /** The source file a rule, guardrail, segment or external was written in (the policy's file when unlocated). */
  sourceOf(path: NodePath): PolicySource | undefined {
    const file = this.locate(path)?.file ?? this.file;
    return this.sources.find((s) => s.file === file);
  }

  get name(): string {
    return this.doc.metadata.name;
  }

  /** The segments' names, in policy order. */
  get segmentNames(): readonly S[] {
    return this.doc.segments.map((s) => s.name as S);
  }

  /**
   * Location of a node, falling back to the nearest located ancestor. `at: 'key'`
   * points at a mapping entry's key rather than its value. Undefined for
   * policies built from objects (they have no source positions).
   */
  locate(path: NodePath, at: 'key' | 'value' = 'value'): SourceLocation | undefined {
    return locateIn(this.locator, path, at);
  }

  /** Read, parse and validate a YAML or JSON file, or a policy directory. Throws PolicyError listing every error. */
  static fromFile(path: string): SegmentationPolicy {
    return orThrow(loadPolicy(path));
  }

  /** Parse and validate policy text; `file` names it in diagnostics. */
  static fromSource(text: string, file: string): SegmentationPolicy {
    return orThrow(checkPolicySource(text, file));
  }

  /** Validate a plain document object (`apiVersion`, `kind`, `metadata`, …). It is copied, not kept. */
  static fromObject(obj: unknown, file = '<object>'): SegmentationPolicy {
    return orThrow(checkPolicyObject(obj, file));
  }

  /**
   * The typed front door: a policy body (`name` instead of `metadata`, no
   * `apiVersion`/`kind`). Label values in segments, selectors and `sameLabels`
   * must be declared in `labels`, checked by the compiler:
   *
   * ```ts
   * SegmentationPolicy.define({
   *   name: 'shop',
   *   labels: { env: ['prod', 'staging'], tier: ['web', 'db'] },
   *   segments: [{ name: 'web-prod', labels: { env: 'prod', tier: 'web' } }],
   *   rules: [{ name: 'r', from: { tier: 'web' }, to: { tier: 'db' }, services: ['tcp/5432'] }],
   * });
   * ```
   */
  static define<const L extends LabelDecl, const S extends string>(body: TypedPolicyBody<L, S>): SegmentationPolicy<S> {
    return orThrow(checkPolicyObject(bodyToDocument(body as unknown as PolicyBody), '<define>')) as SegmentationPolicy<S>;
  }
}

/** The document a `PolicyBody` stands for. Keys the body does not know are kept, so validation reports them. */
export function bodyToDocument(body: PolicyBody): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const { name, description, ...rest } = body as PolicyBody & Record<string, unknown>;
  const metadata: Record<string, unknown> = { name };
  if (description !== undefined) metadata.description = description;
  return { apiVersion: 'microseg/v1', kind: 'SegmentationPolicy', metadata, ...rest };
}

/**
 * Read and validate a policy file or directory without throwing (the CLI's door).
 * `displayName` names it in diagnostics; files of a directory are shown under it.
 */
export function loadPolicy(path: string, displayName: string = path): CheckResult {
  const dir = readPolicyDirectory(path, displayName);
  if (dir === undefined) return finish(loadPolicyFile(path, displayName), displayName);
  if (dir.diagnostics.length > 0) return { diagnostics: sortDiagnostics(dir.diagnostics) };
  return checkPolicySources(displayName, dir.files);
}

/** Compose and validate the files of a policy directory (sorted path order), e.g. as git holds them at a revision. */
export function checkPolicySources(root: string, files: readonly SourceText[]): CheckResult {
  return finishComposed(composeSources(root, files), root);
}

function finishComposed(c: Composition, root: string): CheckResult {
  if (c.fatal || hasErrors(c.diagnostics) && c.value === undefined) return { diagnostics: sortDiagnostics(c.diagnostics) };
  const findings = pruneCascades(c.value, dedupe([...schemaFindings(c.value).filter((f) => !c.fromFragment(f.path)), ...validateDocument(c.value)])).filter((f) => !c.covered.has(`${f.code}\u0000${f.path.map(String).join('\u0000')}`));
  const diagnostics = sortDiagnostics([...c.diagnostics, ...locateFindings(findings, c.locator, root)]);
  if (hasErrors(diagnostics)) return { diagnostics };
  const doc = deepFreeze(c.value) as PolicyDocument;
  return { policy: new SegmentationPolicy(doc, root, c.locator, Object.freeze(diagnostics), c.sources, c.standards), diagnostics };
}

/** Parse and validate policy text without throwing. */
export function checkPolicySource(text: string, file: string): CheckResult {
  return finish(parsePolicySource(text, file), file);
}

/** Validate a plain document object without throwing. */
export function checkPolicyObject(obj: unknown, file = '<object>'): CheckResult {
  const { value, findings } = toPlain(obj);
  const fatal = findings.some((f) => f.code === 'MS1018' || f.code === 'MS1020' || f.code === 'MS1015');
  const diagnostics = locateFindings(findings, NO_LOCATOR, file);
  if (fatal) return { diagnostics: sortDiagnostics(diagnostics) };
  return finish({ value, locator: NO_LOCATOR, diagnostics, fatal: false }, file);
}

/** Schema and validation on loaded data; a policy when nothing is an error. */
function finish(loaded: LoadResult, file: string): CheckResult {
  if (loaded.fatal) return { diagnostics: sortDiagnostics(loaded.diagnostics) };
  const findings = pruneCascades(loaded.value, dedupe([...schemaFindings(loaded.value), ...validateDocument(loaded.value)]));
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...locateFindings(findings, loaded.locator, file)]);
  if (hasErrors(diagnostics)) return { diagnostics };
  const doc = deepFreeze(loaded.value) as PolicyDocument;
  return { policy: new SegmentationPolicy(doc, file, loaded.locator, Object.freeze(diagnostics)), diagnostics };
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}\u0000${f.path.map(String).join('\u0000')}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function orThrow(r: CheckResult): SegmentationPolicy {
  if (r.policy) return r.policy;
  throw new PolicyError(r.diagnostics);
}

/**
 * The policy as it was before `policy` existed: its name, network, labels,
 * services and targets, and nothing that admits or denies a flow (no
 * segments, externals, rules, guardrails or suppressions). `diff --base-ref`
 * compares against it when the policy is absent at the base, so everything
 * reads as added. `file` names it in reports (e.g. `HEAD:policy.yaml (absent)`).
 */
export function absentPolicy(policy: SegmentationPolicy, file: string): SegmentationPolicy {
  const { segments: _s, externals: _e, rules: _r, guardrails: _g, suppressions: _x, ownership: _o, ...rest } = policy.doc;
  const doc = deepFreeze({ ...rest, segments: [] }) as PolicyDocument;
  return new SegmentationPolicy(doc, file, NO_LOCATOR, Object.freeze([]), [{ file, kind: 'SegmentationPolicy', name: doc.metadata.name }]);
}
