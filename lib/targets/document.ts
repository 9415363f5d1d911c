/**
 * cdk.tf.json for the CLI, written straight from an emission without any
 * CDKTF core: the same document `cdktf synth` wrote for the same stack
 * (`//` metadata, `provider`, `resource`, `terraform.required_providers`,
 * `variable`, keys sorted), so upgrading from the CDKTF-based CLI changes no
 * byte and no plan.
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
} as const;
export type ProviderName = keyof typeof PROVIDERS;

/** The CDKTF version the document's `//` metadata names: the format it follows (cdktn 0.24 writes the same layout). */
export const FORMAT_VERSION = '0.21.0';

export interface TerraformVariableSpec {
  readonly type: string;
  readonly description: string;
}

export interface DocumentSpec {
  readonly stackName: string;
  readonly provider: ProviderName;
  readonly providerConfig: Readonly<Record<string, unknown>>;
  /** Declared in this order; keys sorted in the output anyway. */
  readonly variables?: Readonly<Record<string, TerraformVariableSpec>>;
  readonly resources: readonly EmittedResource[];
  readonly moved?: readonly MovedBlock[];
}

/** A resource's Terraform JSON: its body, meta-arguments, and the `//` metadata cdktf writes (node path and logical id). */
export function resourceJson(stackName: string, r: EmittedResource): Record<string, unknown> {
  // `//` first: it sorts before every attribute, so a body written in order needs no second copy (sortKeys).
  const json: Record<string, unknown> = { '//': undefined, ...r.body };
  if (r.dependsOn && r.dependsOn.length > 0) json.depends_on = [...r.dependsOn];
  if (r.lifecycle) json.lifecycle = { ...r.lifecycle };
  json['//'] = { metadata: { path: `${stackName}/${r.path.join('/')}`, uniqueId: r.name } };
  return json;
}

/** The whole document, keys sorted. Throws if two resources share an address. */
export function terraformDocument(spec: DocumentSpec): TerraformJson {
  // Types and names inserted in sorted order, so sortKeys below keeps these maps instead of copying them.
  const byType = new Map<string, EmittedResource[]>();
  for (const r of spec.resources) (byType.get(r.type) ?? byType.set(r.type, []).get(r.type)!).push(r);
  const resource: Record<string, Record<string, unknown>> = {};
  for (const type of [...byType.keys()].sort()) {
    const byName: Record<string, unknown> = (resource[type] = {});
    for (const r of byType.get(type)!.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (r.name in byName) throw new Error(`two resources at ${r.type}.${r.name}`);
      byName[r.name] = resourceJson(spec.stackName, r);
    }
  }
  const p = PROVIDERS[spec.provider];
  const doc: TerraformJson = {
    '//': { metadata: { backend: 'local', stackName: spec.stackName, version: FORMAT_VERSION }, outputs: {} },
    provider: { [spec.provider]: [spec.providerConfig] },
    terraform: { required_providers: { [spec.provider]: { source: p.source, version: p.version } } },
  };
  if (Object.keys(resource).length > 0) doc.resource = resource;
  if (spec.variables && Object.keys(spec.variables).length > 0) doc.variable = spec.variables;
  if (spec.moved && spec.moved.length > 0) doc.moved = spec.moved.map((m) => ({ from: m.from, to: m.to }));
  return sortKeys(doc);
}
