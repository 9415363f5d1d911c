/**
 * The public API of cdktf-microseg, and nothing else.
 *
 * Importing this module loads the policy model only. The constructs are
 * lazy: `AwsSegmentation` loads its planner and emitter the first time it is
 * read, and the CDKTF core of the stack it is created in (cdktf or cdktn,
 * whichever built the stack); no provider package is ever loaded or needed.
 * (The same classes are also entry points of their own:
 * `cdktf-microseg/aws`, `/azure`, `/gcp`.)
 *
 * ```ts
 * import { SegmentationPolicy, AwsSegmentation } from 'cdktf-microseg';
 * const policy = SegmentationPolicy.fromFile('policy.yaml');
 * const seg = new AwsSegmentation(stack, 'seg', { policy, vpcId: vpc.id });
 * new Instance(stack, 'web', { vpcSecurityGroupIds: seg.securityGroupIds('shop-web-prod'), ... });
 * ```
 */
import type * as AwsEntry from './aws';
import type * as AzureEntry from './azure';
import type * as GcpEntry from './gcp';
import type * as KubernetesEntry from './kubernetes';
import type * as MultiCloudEntry from './multi-cloud';
import type * as ResolveModule from './resolve/resolve';
import type * as VerifyModule from './verify';

// ---- policies: the three front doors and the non-throwing checks ----
export { SegmentationPolicy, loadPolicy, checkPolicySource, checkPolicyObject } from './model/policy';
export type { CheckResult } from './model/policy';
export type { LabelDecl, LabelValue, TypedLabels, TypedLabelSelector, TypedSelector, TypedSelectorTerm, TypedSegment, TypedRule, TypedGuardrail, TypedPolicyBody } from './model/typed';
export type {
  PolicyDocument,
  PolicyBody,
  SegmentDoc,
  ExternalDoc,
  RuleDoc,
  GuardrailDoc,
  Selector,
  SelectorTerm,
  LabelSelector,
  ServiceSpec,
  TargetsDoc,
  AwsTargetDoc,
  AzureTargetDoc,
  GcpTargetDoc,
} from './model/types';
export { DEFAULT_INTERNAL_CIDRS } from './model/types';

// ---- diagnostics ----
export { PolicyError, formatDiagnostic, hasErrors, sortDiagnostics } from './model/diagnostics';
export type { Diagnostic, Severity, SourceLocation } from './model/diagnostics';
export { CODES } from './model/codes';
export type { CodeInfo } from './model/codes';

// ---- the resolved form (IR) every back end and analysis reads ----
export type {
  ResolvedPolicy,
  ResolvedSegment,
  ResolvedExternal,
  ResolvedRule,
  SegmentSides,
  Side,
  SideEntry,
  Peer,
  SegmentPeer,
  AddressPeer,
  Origin,
  Direction,
  Action,
} from './resolve/ir';
export type { IdentitiesFile, TargetName, TargetOutput } from './targets/target';
export type { SegmentationExtras, SegmentationProps, Segmentation } from './constructs/segmentation';
export { FAILED_IDENTITY } from './constructs/failed';
export type { EmittedResource, Emission, MovedBlock, EmittedLifecycle } from './targets/emit';
export type { CoreName } from './constructs/core';
export type { VerifyReport, VerifyOptions, Mismatch } from './verify';

// ---- constructs (lazy: see the file comment) ----
export type AwsSegmentation = AwsEntry.AwsSegmentation;
export type AzureSegmentation = AzureEntry.AzureSegmentation;
export type GcpSegmentation = GcpEntry.GcpSegmentation;
export type KubernetesSegmentation = KubernetesEntry.KubernetesSegmentation;
export type MultiCloudSegmentation = MultiCloudEntry.MultiCloudSegmentation;
/** AWS security groups per segment; see `cdktf-microseg/aws`. */
export declare const AwsSegmentation: typeof AwsEntry.AwsSegmentation;
/** Azure ASGs and NSGs per segment; see `cdktf-microseg/azure`. */
export declare const AzureSegmentation: typeof AzureEntry.AzureSegmentation;
/** GCP firewall rules and network tags per segment; see `cdktf-microseg/gcp`. */
export declare const GcpSegmentation: typeof GcpEntry.GcpSegmentation;
/** Kubernetes NetworkPolicies per segment (pod labels, namespaces); see `KubernetesSegmentationProps`. */
export declare const KubernetesSegmentation: typeof KubernetesEntry.KubernetesSegmentation;
/** One policy compiled to every cloud given in its props. */
export declare const MultiCloudSegmentation: typeof MultiCloudEntry.MultiCloudSegmentation;
export type { AwsSegmentationProps } from './aws';
export type { AzureSegmentationProps } from './azure';
export type { GcpSegmentationProps } from './gcp';
export type { KubernetesSegmentationProps, Dependable } from './kubernetes';
export type { MultiCloudSegmentationProps } from './multi-cloud';

/**
 * Resolve a policy into the IR (selectors to segments, services to ports, guardrails applied), as of `today`
 * (`YYYY-MM-DD`; default MICROSEG_TODAY, else the clock): allows past their `expires` go to `expired`, not `rules`.
 */
export function resolve(policy: import('./model/policy').SegmentationPolicy, options: import('./resolve/resolve').ResolveOptions = {}): import('./resolve/ir').ResolvedPolicy {
  return (require('./resolve/resolve') as typeof ResolveModule).resolve(policy, options);
}

/**
 * Check synthesized Terraform JSON against the policy's meaning, flow by flow
 * (what `microseg verify` and the constructs' `verify` prop run).
 *
 * @example
 * const json = JSON.parse(Testing.synth(stack));
 * const report = verifyOutput(resolve(policy), 'aws', json, seg.identities);
 * expect(report.verdict).toBe('equivalent');
 */
export function verifyOutput(...args: Parameters<typeof VerifyModule.verifyOutput>): ReturnType<typeof VerifyModule.verifyOutput> {
  return (require('./verify') as typeof VerifyModule).verifyOutput(...args);
}

function lazy(name: string, load: () => unknown): void {
  let value: unknown;
  Object.defineProperty(exports, name, {
    enumerable: true,
    configurable: false,
    get: () => (value ??= load()),
  });
}
lazy('AwsSegmentation', () => (require('./aws') as typeof AwsEntry).AwsSegmentation);
lazy('AzureSegmentation', () => (require('./azure') as typeof AzureEntry).AzureSegmentation);
lazy('GcpSegmentation', () => (require('./gcp') as typeof GcpEntry).GcpSegmentation);
lazy('KubernetesSegmentation', () => (require('./kubernetes') as typeof KubernetesEntry).KubernetesSegmentation);
lazy('MultiCloudSegmentation', () => (require('./multi-cloud') as typeof MultiCloudEntry).MultiCloudSegmentation);
