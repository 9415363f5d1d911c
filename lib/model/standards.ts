/**
 * Segmentation standards as loaded: named `never`, `only` and `always`
 * entries, each with where it was written. Standards never change what is
 * compiled; lint and verify judge a policy (or a compiled output) against
 * them (lib/analysis/standards). What can be checked without a policy is
 * checked here: the shape (schema), names, exactly one kind per entry,
 * selector term forms, CIDRs and literal service specs. Names of segments,
 * labels, externals and services are resolved against each policy later,
 * because one org-wide file serves many repositories.
 */
import { readPolicyDirectory } from './directory';
import { severityOf } from './codes';
import { Diagnostic, SourceLocation, sortDiagnostics } from './diagnostics';
import { loadPolicyFile, LoadResult, parsePolicySource } from './loader';
import { Finding, Locator, locateFindings, locateIn } from './locator';
import { schemaFindings, standardsDocumentSchema } from './schema';
import { NodePath, RESERVED_SELECTOR_KEYS, StandardBodyDoc, StandardKind, StandardsDocument } from './types';
import { parseCidr } from '../net/address';

export const STANDARD_KINDS: readonly StandardKind[] = ['never', 'only', 'always'];

export interface LocatedStandard {
  readonly name: string;
  readonly kind: StandardKind;
  readonly body: StandardBodyDoc;
  readonly description?: string;
  /** metadata.name and metadata.owner of the document it belongs to. */
  readonly document: string;
  readonly owner?: string;
  /** Where the entry's name is written. */
  readonly location?: SourceLocation;
  readonly file: string;
  /** Location of a path inside the entry's body (`['to']`, `['services', 0]`). */
  locate(rel: NodePath): SourceLocation | undefined;
}

export interface StandardsResult {
  readonly standards: LocatedStandard[];
  readonly diagnostics: Diagnostic[];
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Findings that need no policy: kinds, term forms, CIDRs. */
export function standardsFindings(doc: unknown): Finding[] {
  const out: Finding[] = [];
  if (!isRec(doc) || !Array.isArray(doc.standards)) return out;
  const seen = new Set<string>();
  doc.standards.forEach((s, i) => {
    if (!isRec(s)) return;
    const path: NodePath = ['standards', i];
    if (typeof s.name === 'string') {
      if (seen.has(s.name)) out.push({ code: 'MS1312', message: `duplicate standard name '${s.name}'`, path: [...path, 'name'] });
      seen.add(s.name);
    }
    const kinds = STANDARD_KINDS.filter((k) => s[k] !== undefined);
    if (kinds.length !== 1) {
      out.push({ code: 'MS1311', message: kinds.length === 0 ? `standard needs one of never, only or always` : `standard has ${kinds.join(' and ')}: write one kind per standard`, path });
    }
    for (const k of kinds) {
      const body = s[k];
      if (!isRec(body)) continue;
      for (const side of ['from', 'to'] as const) if (body[side] !== undefined) termFindings(body[side], [...path, k, side], out);
      if (Array.isArray(body.services) && body.services.length === 0) out.push({ code: 'MS1244', message: 'standard has an empty services list: it would judge nothing', path: [...path, k, 'services'] });
    }
  });
  return out;
}

function termFindings(sel: unknown, path: NodePath, out: Finding[]): void {
  const terms: [unknown, NodePath][] = Array.isArray(sel) ? sel.map((t, i) => [t, [...path, i]]) : [[sel, path]];
  if (Array.isArray(sel) && sel.length === 0) out.push({ code: 'MS1256', message: 'an empty selector list selects nothing', path });
  for (const [t, tpath] of terms) {
    if (!isRec(t)) continue;
    const keys = Object.keys(t);
    const refs = keys.filter((k) => (RESERVED_SELECTOR_KEYS as readonly string[]).includes(k));
    if (refs.length > 0 && keys.length > 1) {
      out.push({ code: 'MS1255', message: `selector term mixes '${refs[0]}' with ${keys.filter((k) => k !== refs[0]).map((k) => `'${k}'`).join(', ')}: use a list of terms for a union`, path: tpath });
      continue;
    }
    const single = refs[0] === 'segment' || refs[0] === 'external';
    if (refs.length === 1 && (single ? typeof t[refs[0]] !== 'string' : !Array.isArray(t[refs[0]]))) {
      out.push({ code: 'MS1256', message: single ? `'${refs[0]}' takes one name` : `'${refs[0]}' takes a list`, path: [...tpath, refs[0]] });
      continue;
    }
    if (refs[0] === 'cidrs') {
      (t.cidrs as unknown[]).forEach((c, j) => {
        if (typeof c !== 'string') return;
        const p = parseCidr(c);
        if (!p.ok) out.push({ code: 'MS1230', message: `invalid CIDR: ${p.reason}`, path: [...tpath, 'cidrs', j] });
      });
    }
  }
}

/** Standards of one loaded document (already known to be `kind: SegmentationStandards`). */
export function standardsOf(loaded: Pick<LoadResult, 'value' | 'locator'>, file: string): StandardsResult {
  const findings = [...schemaFindings(loaded.value, standardsDocumentSchema), ...standardsFindings(loaded.value)];
  const diagnostics = locateFindings(findings, loaded.locator, file);
  if (diagnostics.some((d) => d.severity === 'error')) return { standards: [], diagnostics };
  const doc = loaded.value as StandardsDocument;
  const standards = doc.standards.map((s, i) => located(s, i, doc, loaded.locator, file));
  return { standards, diagnostics };
}

function located(s: StandardsDocument['standards'][number], i: number, doc: StandardsDocument, locator: Locator, file: string): LocatedStandard {
  const kind = STANDARD_KINDS.find((k) => s[k] !== undefined)!;
  return {
    name: s.name,
    kind,
    body: s[kind]!,
    ...(s.description !== undefined ? { description: s.description } : {}),
    document: doc.metadata.name,
    ...(doc.metadata.owner !== undefined ? { owner: doc.metadata.owner } : {}),
    location: locateIn(locator, ['standards', i, 'name']),
    file,
    locate: (rel) => locateIn(locator, ['standards', i, kind, ...rel]),
  };
}

/** A `--standards FILE`: one document of kind SegmentationStandards. */
export function loadStandardsFile(path: string, displayName: string = path): StandardsResult {
  // A directory of standards (an org's shared repository checked out): every document under it, in sorted path order.
  const dir = readPolicyDirectory(path, displayName);
  if (dir) {
    const results = dir.files.map((f) => checkStandardsSource(f.text, f.file));
    const diagnostics = [...dir.diagnostics, ...results.flatMap((r) => r.diagnostics)];
    if (dir.files.length === 0 && dir.diagnostics.length === 0) {
      diagnostics.push({ code: 'MS0001', severity: severityOf('MS0001'), message: 'standards directory holds no .yaml, .yml or .json file', file: displayName });
    }
    const standards = results.flatMap((r) => r.standards);
    return { standards, diagnostics: sortDiagnostics(diagnostics) };
  }
  return standardsFromLoad(loadPolicyFile(path, displayName), displayName);
}

export function checkStandardsSource(text: string, file: string): StandardsResult {
  return standardsFromLoad(parsePolicySource(text, file), file);
}

function standardsFromLoad(loaded: LoadResult, file: string): StandardsResult {
  if (loaded.fatal) return { standards: [], diagnostics: sortDiagnostics(loaded.diagnostics.map((d) => (d.code === 'MS0001' ? { ...d, message: d.message.replace('policy file', 'standards file') } : d))) };
  const kind = isRec(loaded.value) ? loaded.value.kind : undefined;
  if (kind !== 'SegmentationStandards') {
    const loc = locateIn(loaded.locator, ['kind']);
    const d: Diagnostic = { code: 'MS1201', severity: severityOf('MS1201'), message: `a standards file must be kind: SegmentationStandards, got ${typeof kind === 'string' ? `'${kind}'` : 'no kind'}`, ...(loc ? { location: loc } : { file }) };
    return { standards: [], diagnostics: [...loaded.diagnostics, d] };
  }
  const r = standardsOf(loaded, file);
  return { standards: r.standards, diagnostics: sortDiagnostics([...loaded.diagnostics, ...r.diagnostics]) };
}

/** Standards names are global across every document in use: a repeat names both places. */
export function duplicateStandards(standards: readonly LocatedStandard[]): Diagnostic[] {
  const first = new Map<string, LocatedStandard>();
  const out: Diagnostic[] = [];
  for (const s of standards) {
    const f = first.get(s.name);
    if (!f) {
      first.set(s.name, s);
      continue;
    }
    if (f.file === s.file) continue; // reported within the document (MS1312)
    const where = f.location ? `${f.location.file}:${f.location.line}:${f.location.col}` : f.file;
    out.push({ code: 'MS1312', severity: severityOf('MS1312'), message: `standard '${s.name}' is also defined at ${where}`, ...(s.location ? { location: s.location } : { file: s.file }) });
  }
  return out;
}
