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

/**
 * Segments by label value, so a label term is matched against the segments
 * carrying its rarest label value rather than against every segment (at
 * 10,000 segments and thousands of rules, scanning all of them per term was
 * most of resolve). Answers in document order, like a scan.
 */
export class SegmentLabelIndex {
  private readonly byLabel = new Map<string, Map<string, number[]>>();

  constructor(private readonly segments: readonly SegmentDoc[]) {
    segments.forEach((s, i) => {
      for (const [dim, value] of Object.entries(s.labels)) {
        const values = this.byLabel.get(dim) ?? this.byLabel.set(dim, new Map()).get(dim)!;
        const list = values.get(value);
        if (list) list.push(i);
        else values.set(value, [i]);
      }
    });
  }

  /** Names of the segments matching a label term, in document order. */
  matching(selector: Readonly<Record<string, string | readonly string[]>>): string[] {
    let best: number[] | undefined;
    for (const [dim, want] of Object.entries(selector)) {
      const values = this.byLabel.get(dim);
      const lists = (Array.isArray(want) ? (want as readonly string[]) : [want as string]).map((v) => values?.get(v) ?? []);
      const candidates = lists.length === 1 ? lists[0] : [...new Set(lists.flat())].sort((a, b) => a - b);
      if (!best || candidates.length < best.length) best = candidates;
    }
    const pool = best ?? this.segments.map((_, i) => i);
    const out: string[] = [];
    for (const i of pool) if (labelsMatch(selector, this.segments[i].labels)) out.push(this.segments[i].name);
    return out;
  }
}

/** Names of the segments a term selects (externals and CIDR terms select none); `index` over the same segments makes label terms fast. */
export function termSegments(t: TermRef, segments: readonly SegmentDoc[], index?: SegmentLabelIndex): string[] {
  switch (t.kind) {
    case 'labels':
      if (index) return index.matching(t.term as Record<string, string | string[]>);
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
