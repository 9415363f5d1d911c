/**
 * What every segmentation construct is, on either core: one policy compiled
 * by a cloud's planner and emitter (lib/targets/<cloud>/), the emitted
 * resources added to the stack as the core's generic `TerraformResource`
 * (names and bodies exactly as `microseg compile` writes them, below this
 * construct's path), policy diagnostics and compile notes as `Annotations`
 * (an error fails the synth with the policy's file:line:col), and the
 * stack's Terraform re-read by the verifier at synth.
 *
 * A policy that cannot be compiled exactly does not throw: the construct is
 * in the explicit `failed` state, carries every error as an error
 * annotation (so one synth reports every construct's problems), and its
 * identity accessors return FAILED_IDENTITY so that wiring code runs on
 * until the synth stops with the errors.
 */
import { Construct, IConstruct } from 'constructs';
import { Diagnostic, formatDiagnostic, PolicyError } from '../model/diagnostics';
import { SegmentationPolicy } from '../model/policy';
import { didYouMeanName } from '../model/suggest';
import { isResolved, ResolvedPolicy } from '../resolve/ir';
import { resolve } from '../resolve/resolve';
import { expiredNotes } from '../resolve/expired';
import { addressOf, Emission, EmittedResource } from '../targets/emit';
import { IdentitiesFile, TargetName } from '../targets/target';
import { Core, CoreName, coreOf, GenericResource } from './core';

import { FAILED_IDENTITY } from './failed';

export { FAILED_IDENTITY };

/** Props every segmentation construct takes. `S`: the policy's segment names (typed for policies made with `define`). */
export interface SegmentationProps<S extends string = string> {
  /**
   * The policy, or its resolved form.
   * @example SegmentationPolicy.fromFile('policy.yaml')
   */
  readonly policy: SegmentationPolicy<S> | ResolvedPolicy;
  /**
   * Re-read the synthesized stack at synth time and check, flow by flow,
   * that the Terraform this construct wrote admits exactly what the policy
   * means (the verifier behind `microseg verify`). A mismatch fails the
   * synth. Costs one extra evaluation of the stack (tens of milliseconds for
   * a policy of a dozen segments, seconds for hundreds).
   * @default true
   */
  readonly verify?: boolean;
  /**
   * The date, `YYYY-MM-DD`, that `expires` is judged against: an allow rule
   * or allow guardrail past its date is left out of the synthesized rules
   * (a note names it). Ignored when `policy` is already resolved (its date
   * holds). Pin it in tests and CI for synths that do not change with the
   * calendar.
   * @default MICROSEG_TODAY, else today's date (UTC) from the clock
   */
  readonly today?: string;
}

/** @deprecated the name before lib/constructs: use SegmentationProps. */
export type SegmentationExtras = Pick<SegmentationProps, 'verify'>;

/** Attach diagnostics as annotations of the scope's core: errors fail the synth, warnings are printed, infos are kept in the manifest. */
export function annotateDiagnostics(scope: IConstruct, diagnostics: readonly Diagnostic[], core: Core = coreOf(scope)): void {
  const a = core.module.Annotations.of(scope);
  for (const d of diagnostics) {
    const text = formatDiagnostic(d);
    if (d.severity === 'error') a.addError(text);
    else if (d.severity === 'warning') a.addWarning(text);
    else a.addInfo(text);
  }
}

export { isResolved };

/** What a cloud's construct computes from the policy: the emission (named below `scope`) and the notes to annotate. */
export interface Compiled<E extends Emission, P> {
  /** The cloud's plan (pure data: rules, priorities, notes). */
  readonly plan: P;
  readonly emission: E;
  readonly notes: readonly Diagnostic[];
}

/** Internal: lets MultiCloudSegmentation annotate the policy's warnings once for all clouds. */
export interface InternalProps {
  readonly annotatePolicy?: boolean;
}

export abstract class Segmentation<S extends string = string, E extends Emission = Emission, P = unknown> extends Construct {
  /** The cloud. */
  readonly target: TargetName;
  /** The core this construct's stack is built with. */
  readonly core: CoreName;
  /** `compiled`, or `failed` when the policy cannot be compiled exactly (see `errors`; the synth fails). */
  readonly state: 'compiled' | 'failed';
  /** Why it failed: every error and the notes explaining them (empty when compiled). */
  readonly errors: readonly Diagnostic[];
  /** What identities.json holds for this construct (no segments when failed). */
  readonly identities: IdentitiesFile;
  /** The policy's name. */
  readonly policyName: string;
  private readonly emitted?: E;
  private readonly planned?: P;
  private readonly resources = new Map<string, GenericResource>();
  private readonly tokens = new Map<string, string>();

  protected constructor(scope: Construct, id: string, target: TargetName, props: SegmentationProps<S> & InternalProps, compile: (ir: ResolvedPolicy, path: readonly string[], core: Core) => Compiled<E, P>) {
    super(scope, id);
    this.target = target;
    const core = coreOf(this);
    this.core = core.name;
    const policy = isResolved(props.policy) ? props.policy.policy : props.policy;
    this.policyName = policy.name;
    if (props.annotatePolicy !== false) annotateDiagnostics(this, policy.diagnostics, core);
    let compiled: Compiled<E, P> | undefined;
    let ir: ResolvedPolicy | undefined;
    try {
      ir = isResolved(props.policy) ? props.policy : resolve(props.policy, { today: props.today });
      if (props.annotatePolicy !== false) annotateDiagnostics(this, expiredNotes(ir), core);
      compiled = compile(ir, this.stackPath(), core);
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      annotateDiagnostics(this, e.diagnostics, core);
      if (!e.diagnostics.some((d) => d.severity === 'error')) core.module.Annotations.of(this).addError(e.message);
      this.state = 'failed';
      this.errors = e.diagnostics;
      this.identities = { apiVersion: 'microseg/v1', policy: policy.name, target, segments: {} };
      return;
    }
    this.state = 'compiled';
    this.errors = [];
    this.emitted = compiled.emission;
    this.planned = compiled.plan;
    this.identities = compiled.emission.identities;
    this.addResources(core, compiled.emission.resources);
    // Earlier addresses of the same resources (a library upgrade renamed them): moves, not replacements.
    for (const m of compiled.emission.moved) this.resources.get(m.to)?.moveFromId(m.from);
    annotateDiagnostics(this, compiled.notes, core);
    if (props.verify !== false) this.verifyAtSynth(ir);
  }

  /** Whether the policy could not be compiled (the synth will fail with `errors`). */
  get failed(): boolean {
    return this.state === 'failed';
  }

  /** The emitted resources (plain data, as `microseg compile` writes them). Throws when failed. */
  get emission(): E {
    if (!this.emitted) throw this.notCompiled();
    return this.emitted;
  }

  /** The plan the resources were emitted from (pure data). Throws when failed. */
  get plan(): P {
    if (!this.emitted) throw this.notCompiled();
    return this.planned as P;
  }

  private notCompiled(): Error {
    return new Error(`${this.constructor.name} '${this.node.path}': the policy did not compile (${this.errors.find((d) => d.severity === 'error')?.message ?? 'see the error annotations'})`);
  }

  /** The segments of the policy, in policy order (none when failed). */
  get segments(): S[] {
    return Object.keys(this.identities.segments) as S[];
  }

  /**
   * Everything a workload of the segment must carry to be in it, all of it:
   * AWS security group ids (its own groups, then its label groups), Azure
   * ASG ids (its own, label ASGs, the all-segments ASG), GCP network tags or
   * service accounts.
   */
  abstract identitiesOf(segment: S): string[];

  /** Ids from just below the stack down to this construct: where the emitter names resources from. */
  private stackPath(): string[] {
    const scopes = this.node.scopes;
    const stack = scopes.findIndex((s) => Symbol.for('cdktf/TerraformStack') in s);
    return scopes.slice(stack + 1).map((c) => c.node.id);
  }

  private addResources(core: Core, resources: readonly EmittedResource[]): void {
    const base = this.stackPath().length;
    const parents = new Map<string, Construct>();
    for (const r of resources) {
      const rel = r.path.slice(base);
      let parent: Construct = this;
      for (let i = 0; i < rel.length - 1; i++) {
        const key = rel.slice(0, i + 1).join('/');
        let next = parents.get(key);
        if (!next) parents.set(key, (next = new Construct(parent, rel[i])));
        parent = next;
      }
      this.resources.set(addressOf(r), core.resource(parent, rel[rel.length - 1], r));
    }
  }

  /** The resources this construct added to the stack by address (`TYPE.NAME`), in emission order: for meta-arguments a cloud's construct sets later. */
  protected addedResources(): ReadonlyMap<string, GenericResource> {
    return this.resources;
  }

  /** A token for an attribute of an emitted resource (read once: each read makes a new token with a stack trace). */
  protected attribute(r: EmittedResource, attr: string): string {
    const key = `${addressOf(r)}.${attr}`;
    let t = this.tokens.get(key);
    if (t === undefined) this.tokens.set(key, (t = this.resources.get(addressOf(r))!.getStringAttribute(attr)));
    return t;
  }

  /** The segment's identities entry; throws for a segment the policy does not have (a programming error, even when failed). */
  protected known(segment: string): void {
    if (this.state === 'compiled' && !(segment in this.identities.segments)) {
      throw new Error(`${this.constructor.name}: unknown segment '${segment}'${didYouMeanName(segment, this.segments)} (the policy has ${this.segments.slice(0, 5).join(', ')}${this.segments.length > 5 ? ', …' : ''})`);
    }
  }

  private verifyAtSynth(ir: ResolvedPolicy): void {
    this.node.addValidation({
      validate: (): string[] => {
        // Only the stack's JSON shows what Terraform gets (tokens resolved, every other construct's resources included).
        const stack = this.node.scopes.find((s) => Symbol.for('cdktf/TerraformStack') in s) as unknown as { toTerraform(): Record<string, unknown> };
        const json = stack.toTerraform();
        const { verifyOutput } = require('../verify') as typeof import('../verify');
        const r = verifyOutput(ir, this.target, json, this.identities, { maxExamples: 5 });
        if (r.verdict === 'equivalent') return [];
        const { mismatchHeadline } = require('../verify/report') as typeof import('../verify/report');
        const lines = [
          `microseg: the synthesized ${this.target} rules of policy '${ir.name}' are ${r.verdict} to the policy (${r.mismatchCount} flow mismatch${r.mismatchCount === 1 ? '' : 'es'})`,
          ...r.mismatches.map((m) => `  ${mismatchHeadline(m)}`),
          ...r.issues.filter((i) => i.severity === 'error').map((i) => `  ${i.code} ${i.message}`),
        ];
        return [lines.join('\n')];
      },
    });
  }
}
