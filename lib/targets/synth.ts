/**
 * Synthesize one stack to Terraform JSON in memory, the way `cdktf synth`
 * does (aspects, validations, error annotations fail), without touching the
 * disk. Keys are sorted so the same policy always gives the same bytes.
 */
import { App, TerraformStack } from 'cdktf';
// Deep import: cdktf exposes no public in-memory synth besides Testing, which skips annotation checks.
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { Construct } from 'constructs';
import { serialiseTerraform, sortKeys, TerraformJson } from './serialise';

export { serialiseTerraform, sortKeys };
export type { TerraformJson };

export interface SynthOptions {
  /** Replace cdktf and provider versions with "stubbed", as snapshot tests want. */
  readonly stubVersions?: boolean;
}

function collectErrors(scope: Construct): string[] {
  const out: string[] = [];
  for (const c of scope.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type === '@cdktf/error') out.push(String(m.data));
    }
  }
  return out;
}

/** Build a stack with `build`, then synthesize it to Terraform JSON. Throws on error annotations or failed validations. */
export function synthStack(stackName: string, build: (stack: TerraformStack) => void, opts: SynthOptions = {}): TerraformJson {
  const app = new App({ outdir: '.microseg-unused', skipValidation: false });
  if (opts.stubVersions) app.node.setContext('cdktfVersion', 'stubbed');
  const stack = new TerraformStack(app, stackName);
  build(stack);
  return synthExisting(stack, opts);
}

/** Synthesize a stack someone else built. */
export function synthExisting(stack: TerraformStack, opts: SynthOptions = {}): TerraformJson {
  invokeAspects(stack);
  const errors = collectErrors(stack);
  if (errors.length > 0) throw new Error(errors.join('\n'));
  // Throws on construct validation failures, e.g. "resources without a matching provider construct".
  stack.runAllValidations();
  const json = stack.toTerraform() as TerraformJson;
  if (opts.stubVersions) stubVersions(json);
  return sortKeys(json);
}

/** Replace the cdktf version in metadata and every provider version constraint with "stubbed". */
export function stubVersions(json: TerraformJson): TerraformJson {
  const meta = json['//']?.metadata;
  if (meta && 'version' in meta) meta.version = 'stubbed';
  const req = json.terraform?.required_providers;
  if (req) for (const p of Object.values(req) as Record<string, unknown>[]) if (p && 'version' in p) p.version = 'stubbed';
  return json;
}
