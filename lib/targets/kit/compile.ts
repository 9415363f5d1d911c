/**
 * What every back end's `compile` does around its own construct: synthesize
 * one stack, turn each missing setting of the policy's `targets.<cloud>`
 * block into a Terraform variable with a note (so the output stays valid,
 * says what it needs, and never guesses a region or a network), gather the
 * plan's notes and count the resources.
 */
import { TerraformStack, TerraformVariable } from 'cdktf';
import { TargetsDoc } from '../../model/types';
import { Diagnostic } from '../../model/diagnostics';
import { ResolvedPolicy } from '../../resolve/ir';
import { synthStack, TerraformJson } from '../synth';
import { CompileSettings, IdentitiesFile, TargetName, TargetOutput } from '../target';
import { Reporter } from './report';

/** The policy's settings for one cloud (`targets.aws` …), empty when absent. */
export type CloudSettings<T extends TargetName> = NonNullable<NonNullable<TargetsDoc[T]>>;

export interface StackContext<T extends TargetName> {
  readonly stack: TerraformStack;
  readonly settings: CloudSettings<T>;
  /**
   * The policy's `targets.<cloud>.<key>` when set; else a string Terraform
   * variable `variable` (described by `description`, by default
   * "<Cloud> <key> for the microseg policy …") and a note saying so.
   */
  setting(key: keyof CloudSettings<T> & string, variable: string, description?: string): string;
  /** For notes of the back end's own (`reporter.diagnostic`), returned in `Built.notes`. */
  readonly reporter: Reporter;
}

/** What the built construct tells the compile. */
export interface Built {
  readonly identities: IdentitiesFile;
  /** The plan's notes, then any the back end adds. */
  readonly notes: readonly Diagnostic[];
  readonly rules: number;
  readonly identityCount: number;
}

export interface BackendRecipe<T extends TargetName> {
  readonly target: T;
  /** The cloud as descriptions spell it: `AWS`, `Azure`, `GCP`. */
  readonly title: string;
  /** Code of the note "a setting is missing, the output declares a variable". */
  readonly variableNote: string;
  /** Declare the provider and the construct; return what the compile reports. Called once, inside the stack. */
  build(ctx: StackContext<T>): () => Built;
}

/** Resources in a synthesized stack: every `resource.<type>.<name>`. */
export function resourceCount(terraform: TerraformJson): number {
  return Object.values((terraform.resource ?? {}) as Record<string, Record<string, unknown>>).reduce((n, byName) => n + Object.keys(byName).length, 0);
}

export function compileBackend<T extends TargetName>(recipe: BackendRecipe<T>, ir: ResolvedPolicy, settings: CompileSettings = {}): TargetOutput {
  const { target } = recipe;
  const cfg = (ir.policy.doc.targets?.[target] ?? {}) as CloudSettings<T>;
  const rep = new Reporter(ir, target);
  let report: (() => Built) | undefined;
  const terraform = synthStack(
    settings.stackName ?? ir.name,
    (stack) => {
      const setting = (key: keyof CloudSettings<T> & string, variable: string, description?: string): string => {
        const given = (cfg as Record<string, unknown>)[key];
        if (given !== undefined) return given as unknown as string;
        rep.add(recipe.variableNote, `targets.${target}.${key} is not set; the output declares Terraform variable '${variable}'`, undefined, ['targets', target]);
        const text = description ?? `${recipe.title} ${key} for the microseg policy '${ir.name}' (targets.${target}.${key} not set)`;
        return new TerraformVariable(stack, variable, { type: 'string', description: text }).stringValue;
      };
      report = recipe.build({ stack, settings: cfg, setting, reporter: rep });
    },
    settings.synth,
  );
  const built = report!();
  return {
    target,
    terraform,
    identities: built.identities,
    notes: [...rep.notes, ...built.notes],
    stats: { resources: resourceCount(terraform), rules: built.rules, identities: built.identityCount },
  };
}
