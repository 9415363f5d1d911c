/**
 * A policy directory composed into one document: the base
 * (`kind: SegmentationPolicy`) with every team fragment's segments,
 * externals, services, guardrails and rules appended in sorted file order,
 * and a locator that sends every path of the composed document back to the
 * file, line and column it came from. Validation, resolve and every analysis
 * then read one ordinary document, and every diagnostic names the right file.
 *
 * What only a directory can get wrong is checked here: one base, names
 * declared in two files, fragment scopes (segments in scope, rules granting
 * ingress only into scope, egress to externals only from scope), and
 * guardrails only from owners in the base's `ownership.security`.
 * Standards documents found in the directory are returned beside the policy.
 */
import { severityOf } from './codes';
import { Diagnostic, SourceLocation } from './diagnostics';
import { LoadResult, parsePolicySource } from './loader';
import { Finding, Locator, locateFindings, locateIn, pathKey } from './locator';
import { fragmentDocumentSchema, schemaFindings } from './schema';
import { labelsMatch, selectorTerms, termSegments } from './selectors';
import { LocatedStandard, standardsOf } from './standards';
import { suggest } from './suggest';
import { LabelSelector, NodePath, RESERVED_SELECTOR_KEYS, SegmentDoc, Selector } from './types';

/** One file of a policy directory: its name as shown in diagnostics and its text. */
export interface SourceText {
  readonly file: string;
  readonly text: string;
}

export type SourceKind = 'SegmentationPolicy' | 'PolicyFragment' | 'SegmentationStandards';
export const SOURCE_KINDS: readonly SourceKind[] = ['SegmentationPolicy', 'PolicyFragment', 'SegmentationStandards'];

/** A file of a composed policy, for reports (owner per file, fragment per rule). */
export interface PolicySource {
  readonly file: string;
  readonly kind: SourceKind;
  readonly name?: string;
  readonly owner?: string;
  readonly scope?: LabelSelector;
}

export interface Composition {
  /** The composed document, not yet validated (undefined when no base could be read). */
  readonly value: unknown;
  readonly locator: Locator;
  /** Load, composition and scope diagnostics, located. */
  readonly diagnostics: Diagnostic[];
  /** Validation findings to drop because composition already reported them better (cross-file clashes). */
  readonly covered: ReadonlySet<string>;
  /** Does a path of the composed document lie in a fragment's entry? (The fragment's own schema check has reported its shape.) */
  fromFragment(path: NodePath): boolean;
  readonly fatal: boolean;
  readonly sources: readonly PolicySource[];
  readonly standards: readonly LocatedStandard[];
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const LISTS = ['segments', 'externals', 'guardrails', 'rules'] as const;
type ListKey = (typeof LISTS)[number];

interface Parsed {
  readonly file: string;
  readonly load: LoadResult;
  readonly kind?: SourceKind;
}

/** Where an entry of the composed document came from. */
interface Origin {
  readonly source: number;
  readonly path: NodePath;
}

function located(code: string, message: string, location: SourceLocation | undefined, file: string): Diagnostic {
  return { code, severity: severityOf(code), message, ...(location ? { location } : { file }) };
}

function whereText(loc: SourceLocation | undefined, file: string): string {
  return loc ? `${loc.file}:${loc.line}:${loc.col}` : file;
}

/** `{app: billing}`, as messages show a selector. */
export function selectorText(sel: LabelSelector): string {
  const parts = Object.entries(sel).map(([k, v]) => `${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : v}`);
  return `{${parts.join(', ')}}`;
}

/** Compose the files of a directory (already in sorted path order). `root` names the directory. */
export function composeSources(root: string, files: readonly SourceText[]): Composition {
  const diagnostics: Diagnostic[] = [];
  const parsed: Parsed[] = [];
  for (const f of files) {
    const load = parsePolicySource(f.text.charCodeAt(0) === 0xfeff ? f.text.slice(1) : f.text, f.file);
    diagnostics.push(...load.diagnostics);
    if (load.fatal) {
      parsed.push({ file: f.file, load });
      continue;
    }
    const kind = isRec(load.value) ? load.value.kind : undefined;
    if (typeof kind === 'string' && (SOURCE_KINDS as readonly string[]).includes(kind)) {
      parsed.push({ file: f.file, load, kind: kind as SourceKind });
      continue;
    }
    const s = typeof kind === 'string' ? suggest(kind, SOURCE_KINDS) : undefined;
    const msg = kind === undefined
      ? `missing 'kind': every file of a policy directory is a SegmentationPolicy, PolicyFragment or SegmentationStandards document`
      : `kind ${typeof kind === 'string' ? `'${kind}'` : 'of this type'} is not one of SegmentationPolicy, PolicyFragment, SegmentationStandards${s ? ` (did you mean '${s}'?)` : ''}`;
    diagnostics.push(located('MS1201', msg, locateIn(load.locator, ['kind']), f.file));
    parsed.push({ file: f.file, load });
  }
  const empty: Composition = { value: undefined, locator: () => undefined, diagnostics, covered: new Set(), fromFragment: () => false, fatal: true, sources: [], standards: [] };
  if (files.length === 0) {
    diagnostics.push(located('MS1301', `policy directory ${root} holds no .yaml, .yml or .json file`, undefined, root));
    return empty;
  }
  const bases = parsed.filter((p) => p.kind === 'SegmentationPolicy');
  if (bases.length === 0) {
    if (!parsed.some((p) => p.load.fatal || !p.kind)) diagnostics.push(located('MS1301', `policy directory ${root} has no document of kind SegmentationPolicy (the base)`, undefined, root));
    return { ...empty, fatal: true };
  }
  for (const extra of bases.slice(1)) {
    diagnostics.push(located('MS1302', `a second SegmentationPolicy in the directory: the base is ${bases[0].file}; teams write kind: PolicyFragment`, locateIn(extra.load.locator, ['kind']), extra.file));
  }
  const fatal = parsed.some((p) => p.load.fatal || !p.kind) || bases.length > 1;

  const sources: PolicySource[] = [];
  const standards: LocatedStandard[] = [];
  const base = bases[0];
  const locators: Locator[] = [];
  const sourceIndex = (p: Parsed): number => {
    locators.push(p.load.locator);
    return locators.length - 1;
  };
  const baseIdx = sourceIndex(base);
  sources.push({ file: base.file, kind: 'SegmentationPolicy', ...nameOwner(base.load.value) });
  const baseDoc = isRec(base.load.value) ? base.load.value : {};
  const composed: Rec = { ...baseDoc };
  const origins = new Map<string, Origin>();
  const lists: Record<ListKey, unknown[]> = { segments: [], externals: [], guardrails: [], rules: [] };
  for (const key of LISTS) {
    const own = baseDoc[key];
    if (Array.isArray(own)) own.forEach((e, i) => {
      lists[key].push(e);
      origins.set(pathKey([key, i]), { source: baseIdx, path: [key, i] });
    });
    else if (own !== undefined) lists[key] = own as unknown[]; // wrong type: let the schema say so
  }
  const services: Rec = isRec(baseDoc.services) ? { ...baseDoc.services } : {};
  const serviceOrigin = new Map<string, Origin>();
  for (const k of Object.keys(services)) serviceOrigin.set(k, { source: baseIdx, path: ['services', k] });

  const fragments: { p: Parsed; idx: number; doc: Rec; offsets: Record<ListKey, number> }[] = [];
  for (const p of parsed) {
    if (p.load.fatal || !p.kind || p === base) continue;
    if (p.kind === 'SegmentationStandards') {
      const r = standardsOf(p.load, p.file);
      diagnostics.push(...r.diagnostics);
      standards.push(...r.standards);
      sources.push({ file: p.file, kind: p.kind, ...nameOwner(p.load.value) });
      continue;
    }
    if (p.kind === 'SegmentationPolicy') continue; // a second base: reported above
    const findings = schemaFindings(p.load.value, fragmentDocumentSchema);
    diagnostics.push(...locateFindings(findings, p.load.locator, p.file));
    const doc = p.load.value as Rec;
    const idx = sourceIndex(p);
    const meta = isRec(doc.metadata) ? doc.metadata : {};
    const owner = typeof meta.owner === 'string' ? meta.owner : undefined;
    sources.push({ file: p.file, kind: 'PolicyFragment', ...nameOwner(doc), ...(isRec(doc.scope) ? { scope: doc.scope as LabelSelector } : {}) });
    const offsets = { segments: 0, externals: 0, guardrails: 0, rules: 0 };
    for (const key of LISTS) {
      offsets[key] = Array.isArray(lists[key]) ? lists[key].length : 0;
      const own = doc[key];
      if (!Array.isArray(own) || !Array.isArray(lists[key])) continue;
      own.forEach((e, i) => {
        // A fragment's rules answer to the fragment's owner unless they name their own.
        const entry = (key === 'rules' || key === 'guardrails') && isRec(e) && e.owner === undefined && owner !== undefined ? { ...e, owner } : e;
        origins.set(pathKey([key, lists[key].length]), { source: idx, path: [key, i] });
        lists[key].push(entry);
      });
    }
    if (isRec(doc.services)) {
      for (const [k, v] of Object.entries(doc.services)) {
        const prev = serviceOrigin.get(k);
        if (prev) {
          const at = locateIn(p.load.locator, ['services', k], 'key');
          diagnostics.push(located('MS1304', `service '${k}' is also declared at ${whereText(locateIn(locators[prev.source], prev.path, 'key'), p.file)}: names are global in a policy directory`, at, p.file));
          continue;
        }
        services[k] = v;
        serviceOrigin.set(k, { source: idx, path: ['services', k] });
      }
    }
    fragments.push({ p, idx, doc, offsets });
  }
  for (const key of LISTS) if (lists[key].length > 0 || baseDoc[key] !== undefined || key === 'segments') composed[key] = lists[key];
  if (Object.keys(services).length > 0 || baseDoc.services !== undefined) composed.services = services;

  const locator: Locator = (path, at) => {
    if (path.length >= 2 && (LISTS as readonly string[]).includes(path[0] as string)) {
      const o = origins.get(pathKey(path.slice(0, 2)));
      if (o) return locators[o.source]([...o.path, ...path.slice(2)], at);
    }
    if (path.length >= 2 && path[0] === 'services') {
      const o = serviceOrigin.get(String(path[1]));
      if (o) return locators[o.source]([...o.path, ...path.slice(2)], at);
    }
    // A key the base does not write (segments of a directory whose base has none) is the base's top.
    return base.load.locator(path, at) ?? (path.length === 1 && baseDoc[path[0] as string] === undefined ? base.load.locator([]) : undefined);
  };

  const covered = new Set<string>();
  diagnostics.push(...clashes(lists, origins, locators, covered));
  diagnostics.push(...scopeChecks(baseDoc, lists, fragments, locators));
  const fromFragment = (path: NodePath): boolean => {
    const o = path.length >= 2 ? (path[0] === 'services' ? serviceOrigin.get(String(path[1])) : origins.get(pathKey(path.slice(0, 2)))) : undefined;
    return o !== undefined && o.source !== baseIdx;
  };
  return { value: composed, locator, diagnostics, covered, fromFragment, fatal, sources, standards };
}

function nameOwner(v: unknown): { name?: string; owner?: string } {
  const meta = isRec(v) && isRec(v.metadata) ? v.metadata : {};
  return { ...(typeof meta.name === 'string' ? { name: meta.name } : {}), ...(typeof meta.owner === 'string' ? { owner: meta.owner } : {}) };
}

/** Segment, external and rule names declared in two files: one error at the later, naming the earlier. */
function clashes(lists: Record<ListKey, unknown[]>, origins: Map<string, Origin>, locators: Locator[], covered: Set<string>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const groups: [string, ListKey[], string][] = [
    ['segment or external', ['segments', 'externals'], 'MS1211'],
    ['rule or guardrail', ['guardrails', 'rules'], 'MS1215'],
  ];
  for (const [what, keys] of groups) {
    const first = new Map<string, Origin>();
    for (const key of keys) {
      if (!Array.isArray(lists[key])) continue;
      lists[key].forEach((e, i) => {
        if (!isRec(e) || typeof e.name !== 'string') return;
        const o = origins.get(pathKey([key, i]));
        if (!o) return;
        const prev = first.get(e.name);
        if (!prev) {
          first.set(e.name, o);
          return;
        }
        if (prev.source === o.source) return; // same file: validation reports it
        const at = locators[o.source]([...o.path, 'name']);
        const there = locators[prev.source]([...prev.path, 'name']);
        out.push(located('MS1304', `${what} '${e.name}' is also declared at ${whereText(there, '?')}: names are global in a policy directory`, at, at?.file ?? '?'));
        for (const code of ['MS1211', 'MS1213', 'MS1214', 'MS1215']) covered.add(`${code}\u0000${pathKey([key, i, 'name'])}`);
      });
    }
  }
  return out;
}

function segmentsOf(sel: unknown, segments: readonly SegmentDoc[]): { segments: string[]; addresses: boolean } {
  const out = new Set<string>();
  let addresses = false;
  const terms = Array.isArray(sel) ? sel : [sel];
  if (!terms.every(isRec)) return { segments: [], addresses: false };
  for (const t of selectorTerms(sel as Selector, [])) {
    if (t.kind === 'external' || t.kind === 'externals' || t.kind === 'cidrs') addresses = true;
    else for (const s of termSegments(t, segments)) out.add(s);
  }
  return { segments: [...out].sort(), addresses };
}

function scopeChecks(baseDoc: Rec, lists: Record<ListKey, unknown[]>, fragments: { p: Parsed; idx: number; doc: Rec; offsets: Record<ListKey, number> }[], locators: Locator[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const dims = isRec(baseDoc.labels) ? baseDoc.labels : {};
  const security = isRec(baseDoc.ownership) && Array.isArray(baseDoc.ownership.security) ? baseDoc.ownership.security.filter((s): s is string => typeof s === 'string') : [];
  const segments = (Array.isArray(lists.segments) ? lists.segments : []).filter((s): s is SegmentDoc => isRec(s) && typeof s.name === 'string' && isRec(s.labels));
  const labelsOf = new Map(segments.map((s) => [s.name, s.labels]));
  for (const { p, idx, doc } of fragments) {
    const loc = (path: NodePath, at?: 'key' | 'value') => locateIn(locators[idx], path, at);
    const meta = isRec(doc.metadata) ? doc.metadata : {};
    const owner = typeof meta.owner === 'string' ? meta.owner : undefined;
    const name = typeof meta.name === 'string' ? meta.name : p.file;
    // Guardrails: the security team's alone.
    if (Array.isArray(doc.guardrails) && owner !== undefined && !security.includes(owner)) {
      const who = security.length ? `ownership.security (${security.join(', ')})` : 'ownership.security, which the base does not declare';
      doc.guardrails.forEach((g, i) => {
        const gname = isRec(g) && typeof g.name === 'string' ? ` '${g.name}'` : '';
        out.push(located('MS1308', `guardrail${gname} in fragment '${name}' owned by '${owner}': only owners listed in the base's ${who} may write guardrails`, loc(['guardrails', i]), p.file));
      });
    }
    if (!isRec(doc.scope)) continue;
    const scope = doc.scope as LabelSelector;
    let scopeOk = true;
    for (const [dim, want] of Object.entries(scope)) {
      if ((RESERVED_SELECTOR_KEYS as readonly string[]).includes(dim)) {
        out.push(located('MS1309', `scope is a label selector; '${dim}' is not a label dimension`, loc(['scope', dim], 'key'), p.file));
        scopeOk = false;
        continue;
      }
      const values = dims[dim];
      if (!Array.isArray(values)) {
        const s = suggest(dim, Object.keys(dims));
        out.push(located('MS1002', `unknown label dimension '${dim}' in scope${s ? ` (did you mean '${s}'?)` : ''}`, loc(['scope', dim], 'key'), p.file));
        scopeOk = false;
        continue;
      }
      (Array.isArray(want) ? want : [want]).forEach((w, j) => {
        if (typeof w === 'string' && !values.includes(w)) {
          const s = suggest(w, values.filter((v): v is string => typeof v === 'string'));
          out.push(located('MS1001', `unknown label value '${w}' for '${dim}' in scope${s ? ` (did you mean '${s}'?)` : ''}`, loc(Array.isArray(want) ? ['scope', dim, j] : ['scope', dim]), p.file));
          scopeOk = false;
        }
      });
    }
    if (!scopeOk) continue;
    const shown = selectorText(scope);
    const inScope = (seg: string) => {
      const l = labelsOf.get(seg);
      return l !== undefined && labelsMatch(scope, l as Record<string, string>);
    };
    (Array.isArray(doc.segments) ? doc.segments : []).forEach((s, i) => {
      if (!isRec(s) || !isRec(s.labels)) return;
      if (!labelsMatch(scope, s.labels as Record<string, string>)) {
        out.push(located('MS1305', `segment${typeof s.name === 'string' ? ` '${s.name}'` : ''} is outside scope ${shown}: a fragment declares only segments its scope matches`, loc(['segments', i, 'labels']), p.file));
      }
    });
    (Array.isArray(doc.rules) ? doc.rules : []).forEach((r, i) => {
      if (!isRec(r) || r.to === undefined || r.from === undefined) return;
      const rname = typeof r.name === 'string' ? `rule '${r.name}'` : 'rule';
      const to = segmentsOf(r.to, segments);
      const outside = to.segments.filter((s) => !inScope(s));
      if (outside.length > 0) {
        out.push(located('MS1306', `${rname} grants ingress into ${list(outside)}, outside scope ${shown}: a cross-team flow is written by the team that receives it`, loc(['rules', i, 'to']), p.file));
      }
      if (to.addresses) {
        const from = segmentsOf(r.from, segments);
        const away = from.segments.filter((s) => !inScope(s));
        if (away.length > 0) out.push(located('MS1307', `${rname} grants egress to externals from ${list(away)}, outside scope ${shown}`, loc(['rules', i, 'from']), p.file));
      }
    });
  }
  return out;
}

function list(names: string[]): string {
  const shown = names.slice(0, 3).map((n) => `'${n}'`).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}
