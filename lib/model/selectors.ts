/**
 * Selector terms and label matching, shared by validation (a selector that
 * matches nothing) and the resolver.
 */
import { NodePath, RESERVED_SELECTOR_KEYS, SegmentDoc, Selector, SelectorTerm } from './types';

export type TermKind = 'labels' | 'segment' | 'segments' | 'external' | 'externals' | 'cidrs';

export interface TermRef {
  readonly term: SelectorTerm;
  /** Path of the term in the document (the selector's path, plus the index when the selector is a list). */
  readonly path: NodePath;
  readonly kind: TermKind;
}

/** The terms of a selector, each with its document path. */
export function selectorTerms(sel: Selector, path: NodePath): TermRef[] {
  const terms: readonly SelectorTerm[] = Array.isArray(sel) ? (sel as readonly SelectorTerm[]) : [sel as SelectorTerm];
  return terms.map((term, i) => ({ term, path: Array.isArray(sel) ? [...path, i] : path, kind: termKind(term) }));
}

export function termKind(term: SelectorTerm): TermKind {
  const keys = Object.keys(term);
  for (const k of RESERVED_SELECTOR_KEYS) if (keys.includes(k)) return k;
  return 'labels';
}

/** Does a label selector term match a segment's labels? Values of one label OR-ed, labels AND-ed. */
export function labelsMatch(selector: Readonly<Record<string, string | readonly string[]>>, labels: Readonly<Record<string, string>>): boolean {
  for (const [dim, want] of Object.entries(selector)) {
    const have = labels[dim];
    if (have === undefined) return false;
    if (Array.isArray(want) ? !(want as readonly string[]).includes(have) : want !== have) return false;
  }
  return true;
}

/** Names of the segments a term selects (externals and CIDR terms select none). */
export function termSegments(t: TermRef, segments: readonly SegmentDoc[]): string[] {
  switch (t.kind) {
    case 'labels':
      return segments.filter((s) => labelsMatch(t.term as Record<string, string | string[]>, s.labels)).map((s) => s.name);
    case 'segment':
      return [(t.term as { segment: string }).segment];
    case 'segments':
      return [...(t.term as { segments: readonly string[] }).segments];
    default:
      return [];
  }
}

/** Names of the externals a term selects. */
export function termExternals(t: TermRef): string[] {
  if (t.kind === 'external') return [(t.term as { external: string }).external];
  if (t.kind === 'externals') return [...(t.term as { externals: readonly string[] }).externals];
  return [];
}
