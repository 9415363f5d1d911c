/**
 * Compile a resolved policy for several targets, collecting every error
 * before anything is written.
 */
import { resourcesOf } from '../analysis/apply-check/replacement';
import { Diagnostic, PolicyError } from '../model/diagnostics';
import { ResolvedPolicy } from '../resolve/ir';
import { loadBackend, isTargetName } from '../targets/registry';
import { serialiseTerraform, stubVersions } from '../targets/serialise';
import { CLOUD_TARGETS, IdentitiesFile, TARGET_NAMES, TargetName, TargetOutput } from '../targets/target';
import { UsageError } from './errors';

/** A target `all` leaves out, and why (printed, so nothing is skipped silently). */
export interface SkippedTarget {
  readonly target: TargetName;
  readonly why: string;
  /** Left out because the policy does not declare it (the line says how to ask for it). */
  readonly undeclared?: boolean;
}

/**
 * `all` means the targets the policy declares under `targets:`, or the three
 * clouds when it declares none; `skipped` says which of the others were left
 * out and why. A list names its targets exactly (an unknown one is bad usage).
 */
export function planTargets(ir: ResolvedPolicy, spec: string): { targets: TargetName[]; skipped: SkippedTarget[] } {
  if (spec === 'all') {
    const declared = TARGET_NAMES.filter((t) => ir.policy.doc.targets?.[t] !== undefined);
    const targets = declared.length > 0 ? declared : [...CLOUD_TARGETS];
    const why = declared.length > 0 ? `the policy declares targets for ${declared.join(', ')} only` : 'the policy declares no targets, so all means the three clouds';
    const skipped = TARGET_NAMES.filter((t) => !targets.includes(t)).map((target) => ({ target, why, undeclared: true }));
    return { targets, skipped };
  }
  const names = spec.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!isTargetName(n)) throw new UsageError(`unknown target '${n}' (expected aws, azure, gcp, kubernetes or all)`);
  return { targets: [...new Set(names)] as TargetName[], skipped: [] };
}

/** The targets of `spec` (see planTargets). */
export function selectTargets(ir: ResolvedPolicy, spec: string): TargetName[] {
  return planTargets(ir, spec).targets;
}

/** One line per skipped target, for stderr (compile) or the summary (demo, which takes no --target). */
export function skippedLines(skipped: readonly SkippedTarget[], takesTarget = true): string[] {
  return skipped.map((s) => `skipped ${s.target}: ${s.why}${s.undeclared ? ` (add targets.${s.target} to the policy${takesTarget ? ` or pass --target ${s.target}` : ''})` : ''}`);
}

export interface CompileResult {
  outputs: TargetOutput[];
  /** With `optional`: targets whose back end could not be loaded, and why. */
  skipped: SkippedTarget[];
  /** Errors (compile failed) and notes. */
  diagnostics: Diagnostic[];
  failed: boolean;
}

export interface CompileOptions {
  readonly stubVersions?: boolean;
  /**
   * The targets were not asked for by name (`all`, demo), so one whose back
   * end cannot be loaded is skipped with the reason instead of failing the
   * command; a target asked for by name is bad usage then (exit 2).
   */
  readonly optional?: boolean;
  /**
   * What is kept of each output once compiled (all of it by default). The
   * compile command keeps only the serialised files: a target's document is
   * garbage before the next target is planned, which at 10,000 segments
   * spares the collector a heap of three documents at once.
   */
  readonly keep?: (o: TargetOutput) => TargetOutput;
  /** Each target's previous identities.json (`compile --previous`): what it lists is kept (CompileSettings.previous). */
  readonly previous?: ReadonlyMap<TargetName, IdentitiesFile>;
  /** Each target's previous cdk.tf.json, where at hand (CompileSettings.previousTerraform). */
  readonly previousTerraform?: ReadonlyMap<TargetName, Record<string, any>>;
  /** With `previous`: destroy what it lists as releasable (`compile --release`). */
  readonly release?: boolean;
}

export function compileTargets(ir: ResolvedPolicy, targets: readonly TargetName[], opts: CompileOptions = {}): CompileResult {
  const outputs: TargetOutput[] = [];
  const skipped: SkippedTarget[] = [];
  const diagnostics: Diagnostic[] = [];
  let failed = false;
  for (const t of targets) {
    let backend;
    try {
      backend = loadBackend(t);
    } catch (e) {
      if (!opts.optional) throw new UsageError(`target '${t}' is not available: ${missingPiece(e)}`);
      skipped.push({ target: t, why: `not available: ${missingPiece(e)}` });
      continue;
    }
    try {
      const compiled = backend.compile(ir, { previous: opts.previous?.get(t), release: opts.release, previousTerraform: opts.previousTerraform?.get(t) });
      const out = opts.stubVersions ? { ...compiled, terraform: stubVersions(compiled.terraform) } : compiled;
      outputs.push(opts.keep ? opts.keep(out) : out);
      diagnostics.push(...out.notes);
    } catch (e) {
      if (e instanceof PolicyError) {
        failed = true;
        diagnostics.push(...e.diagnostics);
      } else throw e;
    }
  }
  return { outputs, skipped, diagnostics, failed };
}

/** The files a compile writes: `<target>/cdk.tf.json` and `<target>/identities.json`. */
export function outputFiles(outputs: readonly TargetOutput[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const o of outputs) {
    files[`${o.target}/cdk.tf.json`] = serialiseTerraform(o.terraform);
    files[`${o.target}/identities.json`] = JSON.stringify(o.identities, null, 2) + '\n';
  }
  return files;
}

/**
 * Compile and serialise target by target: the files of every target that
 * compiled, and each output without its document (`terraform` is `{}`).
 * Nothing is written here: the caller writes only when none failed.
 */
export function compileToFiles(ir: ResolvedPolicy, targets: readonly TargetName[], opts: Omit<CompileOptions, 'keep'> = {}): CompileResult & { files: Record<string, string>; addresses: ReadonlyMap<TargetName, ReadonlySet<string>> } {
  const files: Record<string, string> = {};
  const addresses = new Map<TargetName, ReadonlySet<string>>();
  const c = compileTargets(ir, targets, {
    ...opts,
    keep: (o) => {
      Object.assign(files, outputFiles([o]));
      // The document goes; what `--previous` notes compare against (is an identity still a resource?) stays.
      if (opts.previous?.has(o.target)) addresses.set(o.target, resourceAddresses(o.terraform));
      return { ...o, terraform: {} };
    },
  });
  return { ...c, files, addresses };
}

/** Every `TYPE.NAME` a Terraform document declares. */
export function resourceAddresses(terraform: Record<string, any>): Set<string> {
  return new Set(resourcesOf(terraform).keys());
}

/** One line for a back end that cannot load: the package to install when a module is missing, else the first line of the error. */
export function missingPiece(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { message: string };
  const mod = err.code === 'MODULE_NOT_FOUND' ? /Cannot find module '([^']+)'/.exec(err.message)?.[1] : undefined;
  if (mod && !mod.startsWith('.') && !mod.startsWith('/')) {
    const pkg = mod.startsWith('@') ? mod.split('/').slice(0, 2).join('/') : mod.split('/')[0];
    return `it needs the package '${pkg}': npm install ${pkg}`;
  }
  return String(err.message ?? e).split('\n')[0];
}
