/**
 * Synthesize one stack to Terraform JSON in memory, the way `cdktf synth`
 * (or `cdktn synth`) does — aspects, validations, error annotations fail —
 * without touching the disk. Keys are sorted so the same stack always gives
 * the same bytes. For tests and programs that want a stack's JSON; the CLI
 * never loads this (it writes its documents from the emitters directly).
 */
import type { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { serialiseTerraform, sortKeys, stubVersions, TerraformJson } from '../targets/serialise';
import { CoreName, coreOf } from './core';

export { serialiseTerraform, sortKeys, stubVersions };
export type { TerraformJson };

export interface StackSynthOptions {
  /** The core to build the stack with. @default 'cdktf' */
  readonly core?: CoreName;
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
export function synthStack(stackName: string, build: (stack: TerraformStack) => void, opts: StackSynthOptions = {}): TerraformJson {
  const core = require(opts.core ?? 'cdktf');
  const app = new core.App({ outdir: '.microseg-unused', skipValidation: false });
  const stack = new core.TerraformStack(app, stackName);
  build(stack);
  return synthExisting(stack);
}

/** Synthesize a stack someone else built (of either core). */
export function synthExisting(stack: TerraformStack): TerraformJson {
  const name: CoreName = coreOf(stack).name;
  // Deep import: the cores expose no public in-memory synth besides Testing, which skips annotation checks.
  const { invokeAspects } = require(`${name}/lib/synthesize/synthesizer`);
  invokeAspects(stack);
  const errors = collectErrors(stack);
  if (errors.length > 0) throw new Error(errors.join('\n'));
  // Throws on construct validation failures, e.g. "resources without a matching provider construct".
  (stack as any).runAllValidations();
  const json = stack.toTerraform() as TerraformJson;
  return sortKeys(json);
}
