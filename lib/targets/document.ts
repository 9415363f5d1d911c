/**
 * cdk.tf.json for the CLI, written straight from an emission without any
 * CDKTF core, for every target. The clouds' document is the one `cdktf
 * synth` wrote for the same stack (`//` metadata, `provider`, `resource`,
 * `terraform.required_providers`, `variable`, keys sorted), so upgrading
 * from the CDKTF-based CLI changes no byte and no plan. The Kubernetes
 * target never went through cdktf and has always written its own layout
 * (KUBERNETES_LAYOUT); the one builder writes both, so neither changes a byte.
 */
import { EmittedResource, MovedBlock } from './emit';
import { sortKeys, TerraformJson } from './serialise';

/**
 * The provider each cloud's resources are written for, with the version
 * the CDKTF-generated bindings we used to build with declared (the
 * attributes of every type we emit are the same across the provider
 * majors in use, see docs/performance.md). test/targets/document.test.ts
 * keeps these equal to the installed bindings'.
 */
export const PROVIDERS = {
  aws: { source: 'aws', version: '6.25.0' },
  azurerm: { source: 'azurerm', version: '4.55.0' },
  google: { source: 'google', version: '6.50.0' },
  /** No bindings behind this one: our own constraint (every attribute the Kubernetes target writes exists since 2.x). */
  kubernetes: { source: 'hashicorp/kubernetes', version: '~> 2.36' },
} as const;
export type ProviderName = keyof typeof PROVIDERS;

/** The CDKTF version the document's `//` metadata names: the format it follows (cdktn 0.24 writes the same layout). */
export const FORMAT_VERSION = '0.21.0';

export interface TerraformVariableSpec {
  readonly type: string;
  readonly description: string;
}

/**
 * What marks a document apart from its resources: kept per target so that no
 * target's bytes change (two layouts, below).
 */
export interface DocumentLayout {
  /** The `//` metadata's version. */
  readonly version: string;
  /** Each resource carries cdktf's `//` metadata (its node path and logical id). */
  readonly resourceMetadata: boolean;
  /** `terraform.backend.local` with the state file `terraform.<stack>.tfstate`. */
  readonly localBackend: boolean;
  /** `resource` is written even when there is none (`{}`). */
  readonly emptyResource: boolean;
}

/** The clouds': `cdktf synth`'s, as the CDKTF-based CLI wrote it. */
export const CDKTF_LAYOUT: DocumentLayout = { version: FORMAT_VERSION, resourceMetadata: true, localBackend: false, emptyResource: false };

/** The Kubernetes target's since its first release: the format marked as microseg's own, the local backend spelt out. */
export const KUBERNETES_LAYOUT: DocumentLayout = { version: 'microseg', resourceMetadata: false, localBackend: true, emptyResource: true };

export interface DocumentSpec {
  readonly stackName: string;
  /** Default CDKTF_LAYOUT. */
  readonly layout?: DocumentLayout;
  readonly provider: ProviderName;
  readonly providerConfig: Readonly<Record<string, unknown>>;
  /** Declared in this order; keys sorted in the output anyway. */
  readonly variables?: Readonly<Record<string, TerraformVariableSpec>>;
  readonly resources: readonly EmittedResource[];
  readonly moved?: readonly MovedBlock[];
}

/**
 * A resource's Terraform JSON: its body, meta-arguments, and (in CDKTF_LAYOUT) the `//` metadata cdktf writes (node
 * path and logical id), keys sorted all the way down.
 *
 * Built as one fresh object whose keys are inserted in sorted order, rather than spreading the body and sorting a
 * copy: at 10,000 segments (275,000 resources) the spread, the copy that sorted it and the dictionary-mode bodies the
 * emitters had deleted keys from cost more than JSON.stringify of the whole document, most of it in the collector.
 * Nested values go through sortKeys, which keeps what is already in order.
 */
export function resourceJson(stackName: string, r: EmittedResource, layout: DocumentLayout = CDKTF_LAYOUT): Record<string, unknown> {
  const body = r.body as Record<string, unknown>;
  const dependsOn = r.dependsOn !== undefined && r.dependsOn.length > 0;
  if (!layout.resourceMetadata && !dependsOn && !r.lifecycle) return sortKeys(body);
  const keys = Object.keys(body);
  if (layout.resourceMetadata && !('//' in body)) keys.push('//');
  if (dependsOn && !('depends_on' in body)) keys.push('depends_on');
  if (r.lifecycle && !('lifecycle' in body)) keys.push('lifecycle');
  let inOrder = true;
  for (let i = 1; i < keys.length && inOrder; i++) inOrder = keys[i - 1] < keys[i];
  // Emitters write bodies in order, so usually only the keys added above are out of place.
  if (!inOrder) keys.sort();
  const json: Record<string, unknown> = {};
  for (const k of keys) {
    if (k === '//' && layout.resourceMetadata) json[k] = { metadata: { path: `${stackName}/${r.path.join('/')}`, uniqueId: r.name } };
    else if (k === 'depends_on' && dependsOn) json[k] = [...r.dependsOn!];
    else if (k === 'lifecycle' && r.lifecycle) json[k] = sortKeys({ ...r.lifecycle });
    else json[k] = sortKeys(body[k]);
  }
  return json;
}

/** The whole document, keys sorted. Throws if two resources share an address. */
export function terraformDocument(spec: DocumentSpec): TerraformJson {
  const layout = spec.layout ?? CDKTF_LAYOUT;
  // Types and names inserted in sorted order, and each resource built sorted (resourceJson): the resource map is
  // written in order once and never walked again by sortKeys.
  const byType = new Map<string, EmittedResource[]>();
  for (const r of spec.resources) (byType.get(r.type) ?? byType.set(r.type, []).get(r.type)!).push(r);
  const resource: Record<string, Record<string, unknown>> = {};
  for (const type of [...byType.keys()].sort()) {
    const byName: Record<string, unknown> = (resource[type] = {});
    for (const r of byType.get(type)!.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (r.name in byName) throw new Error(`two resources at ${r.type}.${r.name}`);
      byName[r.name] = resourceJson(spec.stackName, r, layout);
    }
  }
  const p = PROVIDERS[spec.provider];
  const terraform: Record<string, unknown> = { required_providers: { [spec.provider]: { source: p.source, version: p.version } } };
  if (layout.localBackend) terraform.backend = { local: { path: `terraform.${spec.stackName}.tfstate` } };
  const parts: TerraformJson = {
    '//': { metadata: { backend: 'local', stackName: spec.stackName, version: layout.version }, outputs: {} },
    provider: { [spec.provider]: [spec.providerConfig] },
    terraform,
  };
  if (layout.emptyResource || Object.keys(resource).length > 0) parts.resource = resource;
  if (spec.variables && Object.keys(spec.variables).length > 0) parts.variable = spec.variables;
  if (spec.moved && spec.moved.length > 0) parts.moved = spec.moved.map((m) => ({ from: m.from, to: m.to }));
  const doc: TerraformJson = {};
  for (const k of Object.keys(parts).sort()) doc[k] = k === 'resource' ? resource : sortKeys(parts[k]);
  return doc;
}
