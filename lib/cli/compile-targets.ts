/**
 * Compile a resolved policy for several targets, collecting every error
 * before anything is written.
 */
import { Diagnostic, PolicyError } from '../model/diagnostics';
import { ResolvedPolicy } from '../resolve/ir';
import { loadBackend, isTargetName } from '../targets/registry';
import { serialiseTerraform, stubVersions } from '../targets/serialise';
import { CLOUD_TARGETS, TARGET_NAMES, TargetName, TargetOutput } from '../targets/target';
import { UsageError } from './errors';

/** `all` means the targets the policy declares, or the three clouds when it declares none. */
export function selectTargets(ir: ResolvedPolicy, spec: string): TargetName[] {
  if (spec === 'all') {
    const declared = TARGET_NAMES.filter((t) => ir.policy.doc.targets?.[t] !== undefined);
    return declared.length > 0 ? declared : [...CLOUD_TARGETS];
  }
  const names = spec.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!isTargetName(n)) throw new UsageError(`unknown target '${n}' (expected aws, azure, gcp, kubernetes or all)`);
  return [...new Set(names)] as TargetName[];
}

export interface CompileResult {
  outputs: TargetOutput[];
  /** Errors (compile failed) and notes. */
  diagnostics: Diagnostic[];
  failed: boolean;
}

export function compileTargets(ir: ResolvedPolicy, targets: readonly TargetName[], opts: { stubVersions?: boolean } = {}): CompileResult {
  const outputs: TargetOutput[] = [];
  const diagnostics: Diagnostic[] = [];
  let failed = false;
  for (const t of targets) {
    let backend;
    try {
      backend = loadBackend(t);
    } catch (e) {
      throw new UsageError(`target '${t}' is not available: ${(e as Error).message.split('\n')[0]}`);
    }
    try {
      const compiled = backend.compile(ir);
      const out = opts.stubVersions ? { ...compiled, terraform: stubVersions(compiled.terraform) } : compiled;
      outputs.push(out);
      diagnostics.push(...out.notes);
    } catch (e) {
      if (e instanceof PolicyError) {
        failed = true;
        diagnostics.push(...e.diagnostics);
      } else throw e;
    }
  }
  return { outputs, diagnostics, failed };
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
