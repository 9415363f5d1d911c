/**
 * Service specs to service sets: literals (`tcp/443`), names from the
 * policy's `services` map, and names from the built-in catalog.
 */
import { ownEntry, SERVICE_CATALOG } from '../model/catalog';
import { PolicyDocument } from '../model/types';
import { parseServiceSpec, ServiceSet } from '../net/service';

export class ServiceResolver {
  private readonly cache = new Map<string, ServiceSet>();

  constructor(private readonly doc: Pick<PolicyDocument, 'services'>) {}

  /** The set a spec names. Validation guarantees every spec resolves; an unknown one throws. */
  spec(spec: string, seen: ReadonlySet<string> = new Set()): ServiceSet {
    const hit = this.cache.get(spec);
    if (hit) return hit;
    const own = ownEntry(this.doc.services, spec);
    let set: ServiceSet;
    const catalogued = ownEntry(SERVICE_CATALOG, spec);
    if (own || catalogued) {
      if (seen.has(spec)) throw new Error(`service '${spec}' refers to itself`);
      const next = new Set(seen).add(spec);
      set = this.specs(own ?? catalogued!, next);
    } else {
      const p = parseServiceSpec(spec);
      if (!p.ok) throw new Error(`unknown service '${spec}'`);
      set = p.set;
    }
    this.cache.set(spec, set);
    return set;
  }

  specs(specs: readonly string[], seen: ReadonlySet<string> = new Set()): ServiceSet {
    let out = ServiceSet.EMPTY;
    for (const s of specs) out = out.union(this.spec(s, seen));
    return out;
  }
}

/** Is a spec resolvable by name (declared or catalogued)? */
export function isServiceName(doc: Pick<PolicyDocument, 'services'>, spec: string): boolean {
  return Boolean(ownEntry(doc.services, spec) ?? ownEntry(SERVICE_CATALOG, spec));
}
