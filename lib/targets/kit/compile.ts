/**
 * What every back end's `compile` does around its own emitter, without any
 * CDKTF core: turn each missing setting of the policy's `targets.<cloud>`
 * block into a Terraform variable with a note (so the output stays valid,
 * says what it needs, and never guesses a region or a network), write the
 * Terraform document (../document.ts) from the emitted resources, gather the
 * plan's notes and count the resources.
 */
import { TargetsDoc } from '../../model/types';
import { Diagnostic } from '../../model/diagnostics';
import { ResolvedPolicy } from '../../resolve/ir';
import { terraformDocument, ProviderName, TerraformVariableSpec } from '../document';
import { Emission } from '../emit';
import { CompileSettings, IdentitiesFile, TargetBackend, TargetName, TargetOutput } from '../target';
import { Reporter } from './report';

/** The policy's settings for one cloud (`targets.aws` …), empty when absent. */
export type CloudSettings<T extends TargetName> = NonNullable<NonNullable<TargetsDoc[T]>>;

export interface CompileContext<T extends TargetName> {
  /** The policy being compiled. */
  readonly ir: ResolvedPolicy;
  readonly settings: CloudSettings<T>;
  /**
   * The policy's `targets.<cloud>.<key>` when set; else a reference to a
   * string Terraform variable `variable` (described by `description`, by
   * default "<Cloud> <key> for the microseg policy …") and a note saying so.
   */
  setting(key: keyof CloudSettings<T> & string, variable: string, description?: string): string;
  /** A nested setting (`targets.<cloud>.<path…>`) the same way: `given` when set, else the variable and the note. */
  nestedSetting(path: readonly string[], given: string | undefined, variable: string, description: string): string;
  /** For notes of the back end's own (`reporter.diagnostic`), returned in `Built.notes`. */
  readonly reporter: Reporter;
  /** The previous output's identities and whether to release (CompileSettings), for back ends that keep identities. */
  readonly previous?: IdentitiesFile;
  readonly release: boolean;
  readonly previousTerraform?: Record<string, any>;
}

/** What the back end planned and emitted. */
export interface Built {
  readonly provider: ProviderName;
  readonly providerConfig: Readonly<Record<string, unknown>>;
  readonly emission: Emission;
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
  /** Plan and emit. Throws PolicyError when the policy cannot be compiled exactly. */
  build(ctx: CompileContext<T>): Built;
}

export function compileBackend<T extends TargetName>(recipe: BackendRecipe<T>, ir: ResolvedPolicy, settings: CompileSettings = {}): TargetOutput {
  const { target } = recipe;
  const cfg = (ir.policy.doc.targets?.[target] ?? {}) as CloudSettings<T>;
  const rep = new Reporter(ir, target);
  const variables: Record<string, TerraformVariableSpec> = {};
  const nestedSetting = (path: readonly string[], given: string | undefined, variable: string, description: string): string => {
    if (given !== undefined) return given;
    rep.add(recipe.variableNote, `targets.${target}.${path.join('.')} is not set; the output declares Terraform variable '${variable}'`, undefined, ['targets', target]);
    variables[variable] = { description, type: 'string' };
    return `\${var.${variable}}`;
  };
  const setting = (key: keyof CloudSettings<T> & string, variable: string, description?: string): string =>
    nestedSetting([key], (cfg as Record<string, unknown>)[key] as string | undefined, variable, description ?? `${recipe.title} ${key} for the microseg policy '${ir.name}' (targets.${target}.${key} not set)`);
  const built = recipe.build({ ir, settings: cfg, setting, nestedSetting, reporter: rep, previous: settings.previous, release: settings.release === true, previousTerraform: settings.previousTerraform });
  const terraform = terraformDocument({
    stackName: settings.stackName ?? ir.name,
    provider: built.provider,
    providerConfig: built.providerConfig,
    variables,
    resources: built.emission.resources,
    moved: built.emission.moved,
  });
  return {
    target,
    terraform,
    identities: built.emission.identities,
    notes: [...rep.notes, ...built.notes],
    stats: { resources: built.emission.resources.length, rules: built.rules, identities: built.identityCount },
  };
}

/** The back end that compiles by `recipe`: what each cloud's index.ts exports. */
export function defineBackend<T extends TargetName>(recipe: BackendRecipe<T>): TargetBackend {
  return { name: recipe.target, compile: (ir, settings) => compileBackend(recipe, ir, settings) };
}
