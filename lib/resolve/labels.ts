/**
 * Label identities: a rule side written as values of one label
 * (`{env: prod}`, `{tier: [db, cache]}`) names every segment carrying one of
 * those values, and a side written as `{}` names every segment. A cloud can
 * then reference the side by one identity per value (Azure label ASGs, AWS
 * label groups) or one for all, which every workload of a carrier carries:
 * exact exactly when the carriers are the side's segments, which is checked
 * here, once, on the resolved rule, so no back end rests on the selector's
 * shape alone.
 *
 * Decided by the selector's shape, never by how many segments it matches:
 * adding or removing a segment never flips a rule between the two forms.
 */
import { selectorTerms } from '../model/selectors';
import { Selector } from '../model/types';
import { ResolvedSegment } from './ir';

/** The identity of a rule side: every segment (`{}`), or the carriers of `label=value` keys. */
export type LabelIdentity = { readonly kind: 'all' } | { readonly kind: 'values'; readonly label: string; /** `label=value`, values some segment carries, sorted by value. */ readonly keys: readonly string[] };

/** Key of the all-segments identity among label keys (segment names and `label=value` never hold `*`). */
export const ALL_SEGMENTS_KEY = '*';

/** A selector written as values of one label (`{env: [prod, staging]}`), or `all` when it names every segment. */
type LabelForm = { readonly label: string; readonly values: readonly string[] } | 'all';

/**
 * The label form of a selector, if it has one, for back ends that give label
 * values an identity of their own (Azure label ASGs, AWS label groups).
 * `all`: some term is `{}`, so the side names every segment whatever else it
 * lists. A label form: every segment term is a label term with exactly one
 * key, the same key in all of them (address terms are compiled to addresses
 * anyway). Cloud rule sides OR their identities and have no AND, so
 * `{env: prod, tier: web}` has no form; nor has `{segment: …}`.
 */
function selectorLabelForm(sel: Selector): LabelForm | undefined {
  const terms = selectorTerms(sel, []);
  if (terms.some((t) => t.kind === 'labels' && Object.keys(t.term).length === 0)) return 'all';
  let label: string | undefined;
  const values = new Set<string>();
  for (const t of terms) {
    if (t.kind === 'segment' || t.kind === 'segments') return undefined;
    if (t.kind !== 'labels') continue;
    const entries = Object.entries(t.term as Readonly<Record<string, string | readonly string[]>>);
    if (entries.length !== 1) return undefined;
    const [key, want] = entries[0];
    if (label !== undefined && label !== key) return undefined;
    label = key;
    for (const v of typeof want === 'string' ? [want] : want) values.add(v);
  }
  return label === undefined ? undefined : { label, values: [...values].sort() };
}

/**
 * The label identity of a rule side whose selector is `sel` and which
 * resolved to `sideSegments`, or undefined when it has none: a rule with
 * sameLabels pairs each segment with only some of the side's segments, and
 * a side whose carriers differ from its segments could not be referenced
 * exactly.
 */
export function labelIdentity(sel: Selector, sideSegments: readonly string[], segments: readonly ResolvedSegment[], sameLabels: readonly string[]): LabelIdentity | undefined {
  if (sameLabels.length > 0) return undefined;
  const form = selectorLabelForm(sel);
  if (!form) return undefined;
  const side = new Set(sideSegments);
  if (form === 'all') return side.size === segments.length && segments.every((s) => side.has(s.name)) ? { kind: 'all' } : undefined;
  const wanted = new Set(form.values);
  const carriers = segments.filter((s) => s.labels[form.label] !== undefined && wanted.has(s.labels[form.label]));
  if (carriers.length === 0 || carriers.length !== side.size || carriers.some((s) => !side.has(s.name))) return undefined;
  const carried = new Set(carriers.map((s) => s.labels[form.label]));
  return { kind: 'values', label: form.label, keys: form.values.filter((v) => carried.has(v)).map((v) => `${form.label}=${v}`) };
}
