/**
 * Locators map a document path to where it was written, and turn the
 * path-based findings of schema and validation into located diagnostics.
 * Kept apart from the loader so that validation never depends on YAML.
 */
import { severityOf } from './codes';
import { Diagnostic, SourceLocation } from './diagnostics';
import { NodePath } from './types';

/**
 * Where a node was written. For a mapping entry, `at: 'key'` gives the key's
 * position (used for unknown and duplicate keys) and `'value'` (the default)
 * the value's (used for bad values). A missing key is reported at its parent
 * mapping. Returns undefined for input without positions (`define`, `fromObject`).
 */
export type Locator = (path: NodePath, at?: 'key' | 'value') => SourceLocation | undefined;

export const NO_LOCATOR: Locator = () => undefined;

/** A problem found by schema or validation, before it is located. */
export interface Finding {
  readonly code: string;
  readonly message: string;
  readonly path: NodePath;
  readonly at?: 'key' | 'value';
}

/** Key for path maps: indices and keys compare by their text, so `['a', 0]` and `['a', '0']` meet. */
export function pathKey(path: NodePath): string {
  return path.map(String).join('\u0000');
}

/** Locate a path, falling back to the nearest located ancestor. */
export function locateIn(locator: Locator, path: NodePath, at: 'key' | 'value' = 'value'): SourceLocation | undefined {
  const exact = locator(path, at);
  if (exact) return exact;
  for (let n = path.length - 1; n >= 0; n--) {
    const loc = locator(path.slice(0, n));
    if (loc) return loc;
  }
  return undefined;
}

/** Located diagnostics; unlocated input keeps `file` and `path` so messages read `<define>:rules[2].from`. */
export function locateFindings(findings: readonly Finding[], locator: Locator, file: string): Diagnostic[] {
  return findings.map((f) => {
    const location = locateIn(locator, f.path, f.at);
    const d: Diagnostic = { code: f.code, severity: severityOf(f.code), message: f.message, path: [...f.path] };
    return location ? { ...d, location } : { ...d, file };
  });
}
