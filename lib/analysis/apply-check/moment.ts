/**
 * The live resources at one moment of an apply, as Terraform JSON the
 * verifier reads. A resource created before its old object is destroyed
 * holds both objects for a while: the old one is kept under the address
 * with a `~deposed` suffix, as Terraform's state keeps a deposed object.
 */
import { TerraformJson } from '../../targets/serialise';
import { isDescriptiveOnly, ResourceChange } from './replacement';
import { ApplyEvent, Moment } from './schedule';

export interface LiveObject {
  readonly address: string;
  readonly type: string;
  readonly body: Record<string, any>;
  /** The old object of a created-before-destroyed replacement. */
  readonly deposed: boolean;
  /** The body is the old configuration's: its references to replaced resources mean their old objects. */
  readonly old: boolean;
}

export function liveObjects(changes: readonly ResourceChange[], events: readonly ApplyEvent[], m: Moment): LiveObject[] {
  const done = (address: string, kind: ApplyEvent['kind']) => events.some((e) => e.address === address && e.kind === kind && m.has(e.id));
  const out: LiveObject[] = [];
  const push = (c: ResourceChange, body: Record<string, any> | undefined, deposed = false) => {
    if (body) out.push({ address: deposed ? `${c.address}~deposed` : c.address, type: c.type, body, deposed, old: body === c.old && body !== c.new });
  };
  for (const c of changes) {
    switch (c.action) {
      case 'keep':
        push(c, c.new);
        break;
      case 'update':
        push(c, isDescriptiveOnly(c) || done(c.address, 'update') ? c.new : c.old);
        break;
      case 'create':
        if (done(c.address, 'create')) push(c, c.new);
        break;
      case 'destroy':
        if (!done(c.address, 'destroy')) push(c, c.old);
        break;
      case 'replace': {
        const created = done(c.address, 'create');
        const destroyed = done(c.address, 'destroy');
        if (created) push(c, c.new);
        if (!destroyed) push(c, c.old, created);
        break;
      }
    }
  }
  return out;
}

/** The live objects as Terraform JSON (deposed objects under a name of their own). */
export function momentJson(objects: readonly LiveObject[]): TerraformJson {
  const resource: Record<string, Record<string, any>> = {};
  for (const o of objects) {
    const name = o.address.slice(o.type.length + 1).replace('~deposed', '_deposed_');
    (resource[o.type] ??= {})[name] = o.body;
  }
  return { resource };
}
