/**
 * The emit layer's common vocabulary: a plan becomes Terraform resources as
 * plain data (`{type, name, body}`), the single source of truth for the CLI
 * (which writes them straight to cdk.tf.json, see document.ts) and for the
 * constructs (which add each one to a cdktf or cdktn stack as a generic
 * `TerraformResource`, see lib/constructs/). Nothing here, nor in any
 * `lib/targets/<cloud>/emit.ts`, imports cdktf, cdktn or a provider package.
 *
 * Bodies are Terraform JSON attributes (snake_case) exactly as the provider
 * classes would synthesize them; a reference to another emitted resource is
 * the string `${TYPE.NAME.attr}`; a value given by the caller (a VPC id, a
 * resource group name) is passed through untouched, so a CDKTF token stays a
 * token and the core resolves it at synth.
 */
import { IdentitiesFile } from './target';
import { logicalId } from './logical-id';

/** Resource meta-arguments, as Terraform JSON writes them (for issue 23's apply safety). */
export interface EmittedLifecycle {
  readonly create_before_destroy?: boolean;
  readonly prevent_destroy?: boolean;
  readonly ignore_changes?: readonly string[];
}

export interface EmittedResource {
  /** Terraform resource type, e.g. `aws_security_group`. */
  readonly type: string;
  /** Construct ids from just below the stack down to the resource: where a construct adds it, and the `//` path the CLI writes. */
  readonly path: readonly string[];
  /** Terraform name (the logical id): `${type}.${name}` is its address. */
  readonly name: string;
  /** Attributes, Terraform JSON. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly lifecycle?: EmittedLifecycle;
  /** Addresses (`TYPE.NAME`) this resource must be created after. */
  readonly dependsOn?: readonly string[];
}

/** A top-level `moved` block: an address changed and Terraform must not destroy and recreate. */
export interface MovedBlock {
  readonly from: string;
  readonly to: string;
}

/** What one cloud's emitter returns. */
export interface Emission {
  readonly resources: readonly EmittedResource[];
  readonly moved: readonly MovedBlock[];
  readonly identities: IdentitiesFile;
}

export const addressOf = (r: Pick<EmittedResource, 'type' | 'name'>): string => `${r.type}.${r.name}`;
/** A reference to an attribute of an emitted resource, as Terraform JSON writes it. */
export const refOf = (r: Pick<EmittedResource, 'type' | 'name'>, attr: string): string => `\${${r.type}.${r.name}.${attr}}`;

/**
 * Collects the resources of one emission, naming each from its construct
 * path below the stack: `scope` is where the segmentation construct sits
 * (`['microseg']` for the CLI's AWS stack; the construct's own path in a
 * user's stack), `rel` the ids below it.
 */
export class ResourceList {
  readonly resources: EmittedResource[] = [];
  constructor(readonly scope: readonly string[]) {}

  /** Add a resource; `name` overrides the logical id (GCP names its rules after their cloud name). */
  add(type: string, rel: readonly string[], body: Record<string, unknown>, name?: string, lifecycle?: EmittedLifecycle, dependsOn?: readonly string[]): EmittedResource {
    const path = [...this.scope, ...rel];
    const r: EmittedResource = { type, path, name: name ?? logicalId(path), body, ...(lifecycle ? { lifecycle } : {}), ...(dependsOn ? { dependsOn } : {}) };
    this.resources.push(r);
    return r;
  }
}

/**
 * Drop undefined attributes (a provider class never writes them), keeping key order. A fresh object rather than
 * `delete` on the given one: deleting a key that is not the last one turns a V8 object into a slow dictionary, which
 * the document builder and JSON.stringify then read key by key (a tenth of a 10,000-segment compile).
 */
export function defined(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(body)) if (body[k] !== undefined) out[k] = body[k];
  return out;
}
