/**
 * Which CDKTF core a stack is built with — `cdktf` 0.21 or CDK Terrain
 * (`cdktn`) 0.24, the same API under another name — read from the scope:
 * the stack above it is an instance of exactly one installed core's
 * `TerraformStack`. Resources are added as that core's generic
 * `TerraformResource` with an explicit type, so no provider package is
 * needed at all (a cdktf resource inside a cdktn stack fails at synth, and
 * the reverse too). Both cores are optional peers: only the one a stack
 * uses is ever loaded.
 */
import type { Construct, IConstruct } from 'constructs';
import { EmittedResource } from '../targets/emit';

export type CoreName = 'cdktf' | 'cdktn';
const CORE_NAMES: readonly CoreName[] = ['cdktf', 'cdktn'];

/** The parts of a core the constructs use (identical in both). */
export interface CoreModule {
  readonly TerraformStack: { new (...a: any[]): any; isStack(x: unknown): boolean };
  readonly TerraformResource: new (scope: Construct, id: string, config: { terraformResourceType: string }) => any;
  readonly Annotations: { of(scope: IConstruct): { addError(m: string): void; addWarning(m: string): void; addInfo(m: string): void } };
  readonly Token: { isUnresolved(x: unknown): boolean };
}

/** A generic resource of one core: its attributes are the emitted body, verbatim. */
export interface GenericResource extends Construct {
  readonly friendlyUniqueId: string;
  getStringAttribute(attr: string): string;
  overrideLogicalId(id: string): void;
  /** Adds a `moved` block from an earlier address (`TYPE.NAME`) to this resource. */
  moveFromId(id: string): void;
  /** Addresses (`TYPE.NAME`, tokens allowed) the resource is created after: Terraform's `depends_on`. */
  dependsOn?: string[];
}

export interface Core {
  readonly name: CoreName;
  readonly module: CoreModule;
  /** Add an emitted resource under `parent` with construct id `id`, named as emitted. */
  resource(parent: Construct, id: string, r: EmittedResource): GenericResource;
}

const loaded = new Map<CoreName, Core | null>();

/** Whether a core's module is loaded already (a stack of it exists only then): checking the other never loads it. */
function isLoaded(name: CoreName): boolean {
  try {
    return require.cache[require.resolve(name)] !== undefined;
  } catch {
    return false;
  }
}

function load(name: CoreName): Core | null {
  if (loaded.has(name)) return loaded.get(name)!;
  let module: CoreModule;
  try {
    module = require(name) as CoreModule;
  } catch {
    loaded.set(name, null);
    return null;
  }
  class Resource extends (module.TerraformResource as new (scope: Construct, id: string, config: { terraformResourceType: string }) => any) {
    constructor(
      scope: Construct,
      id: string,
      private readonly emitted: EmittedResource,
    ) {
      super(scope, id, { terraformResourceType: emitted.type });
      // Meta-arguments through the core's own fields: it writes them after the attributes (and drops any attribute of their name).
      if (emitted.lifecycle) (this as any).lifecycle = toLifecycle(emitted.lifecycle);
      if (emitted.dependsOn?.length) (this as any).dependsOn = [...emitted.dependsOn];
    }
    protected synthesizeAttributes(): Record<string, unknown> {
      return { ...this.emitted.body };
    }
  }
  const core: Core = {
    name,
    module,
    resource(parent, id, r) {
      const res = new Resource(parent, id, r) as unknown as GenericResource;
      res.overrideLogicalId(r.name);
      return res;
    },
  };
  loaded.set(name, core);
  return core;
}

function toLifecycle(l: NonNullable<EmittedResource['lifecycle']>): Record<string, unknown> {
  return { createBeforeDestroy: l.create_before_destroy, preventDestroy: l.prevent_destroy, ignoreChanges: l.ignore_changes ? [...l.ignore_changes] : undefined };
}

/** The core of the stack `scope` belongs to. Throws, naming what was found, when no installed core built it. */
export function coreOf(scope: IConstruct): Core {
  const stack = scope.node.scopes.find((s) => typeof s === 'object' && s !== null && Symbol.for('cdktf/TerraformStack') in s);
  if (!stack) throw new Error(`${scope.node.path || 'the scope'}: a segmentation construct must be created inside a TerraformStack (cdktf or cdktn)`);
  const installed: CoreName[] = [];
  // Loaded cores first; the others only if none of those built the stack (then only to name them in the error).
  for (const name of [...CORE_NAMES.filter(isLoaded), ...CORE_NAMES.filter((n) => !isLoaded(n))]) {
    const core = load(name);
    if (!core) continue;
    installed.push(name);
    if (stack instanceof core.module.TerraformStack) return core;
  }
  throw new Error(
    installed.length === 0
      ? `cdktf-microseg: no CDKTF core can be loaded from here: npm install cdktn constructs (or cdktf, if your stack is built with cdktf)`
      : `cdktf-microseg: stack '${stack.node.id}' is not a TerraformStack of the ${installed.join(' or ')} this package loads (two copies installed?)`,
  );
}
