/**
 * Serialising Terraform JSON, apart from synth.ts so that code which only
 * writes or reads plans (the CLI's output step, the verifier) never loads
 * cdktf: `microseg --version` stays fast.
 */
export type TerraformJson = Record<string, any>;

/** Sort object keys recursively so serialisation is byte-stable. */
export function sortKeys<T>(v: T): T {
  if (Array.isArray(v)) return v.map(sortKeys) as unknown as T;
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out as T;
  }
  return v;
}

/**
 * Replace the format version in metadata and every provider version
 * constraint with "stubbed": golden files that do not change when a provider
 * or core is upgraded (`microseg compile --stub-versions`, snapshot tests).
 * A pure step on the finished document (a copy; the input is untouched), so
 * no compile API carries it.
 */
export function stubVersions(json: TerraformJson): TerraformJson {
  const out: TerraformJson = { ...json };
  const meta = json['//']?.metadata;
  if (meta && 'version' in meta) out['//'] = { ...json['//'], metadata: { ...meta, version: 'stubbed' } };
  const req = json.terraform?.required_providers as Record<string, Record<string, unknown>> | undefined;
  if (req) {
    const stubbed: Record<string, unknown> = {};
    for (const [name, p] of Object.entries(req)) stubbed[name] = p && 'version' in p ? { ...p, version: 'stubbed' } : p;
    out.terraform = { ...json.terraform, required_providers: stubbed };
  }
  return out;
}

/** Serialise as `cdktf synth` writes cdk.tf.json: two-space indent, trailing newline. */
export function serialiseTerraform(json: TerraformJson): string {
  return JSON.stringify(json, null, 2) + '\n';
}
