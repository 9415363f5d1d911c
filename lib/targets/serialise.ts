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

/** Serialise as `cdktf synth` writes cdk.tf.json: two-space indent, trailing newline. */
export function serialiseTerraform(json: TerraformJson): string {
  return JSON.stringify(json, null, 2) + '\n';
}
