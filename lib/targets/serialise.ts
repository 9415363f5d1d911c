/**
 * Serialising Terraform JSON, apart from synth.ts so that code which only
 * writes or reads plans (the CLI's output step, the verifier) never loads
 * cdktf: `microseg --version` stays fast.
 */
export type TerraformJson = Record<string, any>;

/**
 * Sort object keys recursively so serialisation is byte-stable. A value
 * whose keys are already sorted all the way down is returned as it is, not
 * copied: emitters write most bodies in order, and copying a 10,000-segment
 * document was a tenth of a compile, most of it garbage collection. Treat
 * the result as read-only: it may share objects with the input.
 */
export function sortKeys<T>(v: T): T {
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = sortKeys(v[i]);
      if (x !== v[i]) (out ??= v.slice())[i] = x;
    }
    return (out ?? v) as unknown as T;
  }
  if (v !== null && typeof v === 'object') {
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj);
    let inOrder = true;
    for (let i = 1; i < keys.length && inOrder; i++) inOrder = keys[i - 1] < keys[i];
    let out: Record<string, unknown> | undefined;
    if (!inOrder) {
      out = {};
      for (const k of keys.sort()) out[k] = sortKeys(obj[k]);
      return out as T;
    }
    for (const k of keys) {
      const x = sortKeys(obj[k]);
      if (x === obj[k]) continue;
      if (!out) {
        out = {};
        for (const j of keys) out[j] = obj[j];
      }
      out[k] = x;
    }
    return (out ?? v) as T;
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
