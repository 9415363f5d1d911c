/**
 * A standard's selectors and services read against one policy. Names the
 * policy lacks (labels, values, segments, externals) select nothing and are
 * reported as warnings (MS3104): one org-wide file serves repositories that
 * do not all have every label. An unknown service is an error (MS3105): it
 * would silently make the standard judge nothing.
 */
import { ownEntry, SERVICE_CATALOG } from '../../model/catalog';
import { SourceLocation } from '../../model/diagnostics';
import { labelsMatch, selectorTerms } from '../../model/selectors';
import { LocatedStandard } from '../../model/standards';
import { NodePath, Selector } from '../../model/types';
import { AddressSet } from '../../net/address';
import { parseServiceSpec, ServiceSet } from '../../net/service';
import { ResolvedPolicy } from '../../resolve/ir';
import { ServiceResolver } from '../../resolve/services';
import { Ends, ResolvedStandard } from './evaluate';

export interface StandardNote {
  readonly code: 'MS3104' | 'MS3105';
  readonly message: string;
  readonly location?: SourceLocation;
  readonly standard: LocatedStandard;
}

export function resolveStandard(ir: ResolvedPolicy, std: LocatedStandard): { resolved?: ResolvedStandard; notes: StandardNote[] } {
  const notes: StandardNote[] = [];
  const note = (code: StandardNote['code'], message: string, rel: NodePath) => notes.push({ code, message: `standard '${std.name}': ${message}`, location: std.locate(rel) ?? std.location, standard: std });
  const from = ends(ir, std.body.from, ['from'], note);
  const to = ends(ir, std.body.to, ['to'], note);
  const resolver = new ServiceResolver(ir.policy.doc);
  let services = ServiceSet.EMPTY;
  std.body.services.forEach((s, i) => {
    if (ownEntry(ir.policy.doc.services, s) !== undefined || ownEntry(SERVICE_CATALOG, s) !== undefined || parseServiceSpec(s).ok) services = services.union(resolver.spec(s));
    else note('MS3105', `unknown service '${s}': not a literal spec, not a built-in service, not in this policy's services`, ['services', i]);
  });
  if (notes.some((n) => n.code === 'MS3105')) return { notes };
  return { resolved: { standard: std, from, to, services }, notes };
}

function ends(ir: ResolvedPolicy, sel: Selector, path: NodePath, note: (code: 'MS3104', message: string, rel: NodePath) => void): Ends {
  const segments = new Set<string>();
  let outside = AddressSet.EMPTY;
  const known = new Set(ir.segments.map((s) => s.name));
  const externals = new Map(ir.externals.map((e) => [e.name, e]));
  const dims = ir.policy.doc.labels;
  for (const t of selectorTerms(sel, path)) {
    const term = t.term as Record<string, string | readonly string[]>;
    if (t.kind === 'labels') {
      const missing = Object.entries(term).flatMap(([d, want]) => {
        if (!dims[d]) return [`label '${d}'`];
        return (typeof want === 'string' ? [want] : want).filter((v) => !dims[d].includes(v)).map((v) => `value '${v}' of '${d}'`);
      });
      const hits = ir.segments.filter((s) => labelsMatch(term, s.labels));
      for (const s of hits) segments.add(s.name);
      if (missing.length > 0) note('MS3104', `this policy has no ${missing.join(', ')}`, t.path);
      else if (hits.length === 0) note('MS3104', `label selector matches no segment of this policy`, t.path);
      continue;
    }
    const names = typeof term[t.kind] === 'string' ? [term[t.kind] as string] : [...(term[t.kind] as readonly string[])];
    if (t.kind === 'segment' || t.kind === 'segments') {
      for (const n of names) {
        if (known.has(n)) segments.add(n);
        else note('MS3104', `this policy has no segment '${n}'`, t.path);
      }
    } else if (t.kind === 'external' || t.kind === 'externals') {
      for (const n of names) {
        const e = externals.get(n);
        if (e) outside = outside.union(e.addresses);
        else note('MS3104', `this policy has no external '${n}'`, t.path);
      }
    } else outside = outside.union(AddressSet.fromCidrs(names));
  }
  return { segments: [...segments].sort(), outside };
}
