/**
 * How the segmentation constructs speak the cdktf way: policy diagnostics and
 * compile notes become `Annotations` on the construct (with the YAML
 * location in the message, as the CLI prints it), an error annotation fails
 * `cdktf synth`, and an optional validation re-reads the synthesized stack
 * with the verifier before anything is written.
 *
 * The back-end constructs throw `PolicyError` when a policy cannot be
 * compiled exactly. `withAnnotations` wraps such a construct class: the
 * error becomes error annotations (every diagnostic, not only the first)
 * and the construct stays in the tree, so every other construct's problems
 * are reported in the same `cdktf synth` run — the way a CDK construct
 * validates. Back ends that annotate themselves (see `annotateDiagnostics`)
 * simply never throw, and the wrapper then has nothing to do.
 */
import { Annotations, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { Diagnostic, formatDiagnostic, PolicyError } from '../model/diagnostics';
import { SegmentationPolicy } from '../model/policy';
import { ResolvedPolicy } from '../resolve/ir';
import { IdentitiesFile, TargetName } from './target';

/** Props every public segmentation construct takes besides its back end's own. */
export interface SegmentationExtras {
  /**
   * Re-read the synthesized stack at `cdktf synth` time and check, flow by
   * flow, that the Terraform this construct wrote admits exactly what the
   * policy means (the verifier behind `microseg verify`). A mismatch fails
   * the synth. Costs one extra evaluation of the stack (tens of milliseconds
   * for a policy of a dozen segments, seconds for hundreds).
   * @default true
   */
  readonly verify?: boolean;
}

/** Placeholder a failed construct returns for an identity: never reaches Terraform, because the error annotation stops the synth first. */
export const FAILED_IDENTITY = 'microseg-policy-did-not-compile';

/** Attach diagnostics as annotations: errors fail the synth, warnings are printed, infos are kept in the manifest. */
export function annotateDiagnostics(scope: IConstruct, diagnostics: readonly Diagnostic[]): void {
  const a = Annotations.of(scope);
  for (const d of diagnostics) {
    const text = formatDiagnostic(d);
    if (d.severity === 'error') a.addError(text);
    else if (d.severity === 'warning') a.addWarning(text);
    else a.addInfo(text);
  }
}

function isResolved(p: unknown): p is ResolvedPolicy {
  return typeof p === 'object' && p !== null && (p as ResolvedPolicy).sides instanceof Map;
}

/** The policy a construct was given, whichever form it came in. */
export function policyOf(p: SegmentationPolicy | ResolvedPolicy): SegmentationPolicy {
  return isResolved(p) ? p.policy : p;
}

/** Which methods of a back-end construct return identities, and in which shape (for the failed state). */
export type IdentityMethods = Readonly<Record<string, 'string' | 'list' | 'keyed'>>;

interface SegmentationLike extends Construct {
  readonly identities: IdentitiesFile;
  readonly plan: { readonly notes: readonly Diagnostic[] };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type SegmentationClass = new (scope: Construct, id: string, props: any) => SegmentationLike;
type BaseProps = { readonly policy: SegmentationPolicy | ResolvedPolicy };

/** Lazily loaded so that constructing never costs the verifier unless a synth asks for it. */
function verifyLater(construct: SegmentationLike, target: TargetName, policy: SegmentationPolicy | ResolvedPolicy): void {
  construct.node.addValidation({
    validate(): string[] {
      // Only the stack's JSON shows what Terraform gets (tokens resolved, every other construct's resources included).
      const stack = TerraformStack.of(construct);
      const json = stack.toTerraform();
      const { resolve } = require('../resolve/resolve') as typeof import('../resolve/resolve');
      const { verifyOutput } = require('../verify') as typeof import('../verify');
      const ir = isResolved(policy) ? policy : resolve(policy);
      const r = verifyOutput(ir, target, json, construct.identities, { maxExamples: 5 });
      if (r.verdict === 'equivalent') return [];
      const { mismatchHeadline } = require('../verify/report') as typeof import('../verify/report');
      const lines = [
        `microseg: the synthesized ${target} rules of policy '${ir.name}' are ${r.verdict} to the policy (${r.mismatchCount} flow mismatch${r.mismatchCount === 1 ? '' : 'es'})`,
        ...r.mismatches.map((m) => `  ${mismatchHeadline(m)}`),
        ...r.issues.filter((i) => i.severity === 'error').map((i) => `  ${i.code} ${i.message}`),
      ];
      return [lines.join('\n')];
    },
  });
}

/**
 * A subclass of a back-end construct class that reports through Annotations
 * instead of throwing (see the file comment), annotates the policy's
 * warnings and the compile notes, and verifies at synth unless `verify: false`.
 *
 * `annotatePolicy: false` in the props' owner (MultiCloudSegmentation) avoids
 * printing the same policy warnings once per cloud.
 */
export function withAnnotations<C extends SegmentationClass>(
  Base: C,
  target: TargetName,
  identityMethods: IdentityMethods,
): C {
  const Annotated = class extends (Base as SegmentationClass) {
    constructor(scope: Construct, id: string, props: BaseProps & SegmentationExtras & { readonly annotatePolicy?: boolean }) {
      try {
        super(scope, id, props);
      } catch (e) {
        if (!(e instanceof PolicyError)) throw e;
        // The base registered itself in `scope` before it threw: that half-built node is `this`.
        const failed = scope.node.tryFindChild(id) as SegmentationLike | undefined;
        if (!failed || !(failed instanceof Annotated)) throw e;
        if (props.annotatePolicy !== false) annotateDiagnostics(failed, policyOf(props.policy).diagnostics);
        annotateDiagnostics(failed, e.diagnostics);
        if (!e.diagnostics.some((d) => d.severity === 'error')) Annotations.of(failed).addError(e.message);
        // Wiring code runs before the synth fails: give it placeholders instead of a crash about a missing segment.
        for (const [name, shape] of Object.entries(identityMethods)) {
          Object.defineProperty(failed, name, {
            value: () => (shape === 'list' ? [FAILED_IDENTITY] : shape === 'keyed' ? [{ key: 'segment', id: FAILED_IDENTITY }] : FAILED_IDENTITY),
          });
        }
        return failed;
      }
      if (props.annotatePolicy !== false) annotateDiagnostics(this, policyOf(props.policy).diagnostics);
      annotateDiagnostics(this, this.plan.notes);
      if (props.verify !== false) verifyLater(this, target, props.policy);
    }
  };
  Object.defineProperty(Annotated, 'name', { value: Base.name });
  return Annotated as unknown as C;
}
