/**
 * What every back end provides to the CLI, the verifier and the analyses.
 * A back end lives in lib/targets/<cloud>/: plan.ts (pure IR → cloud rules),
 * emit.ts (plan → Terraform resources as plain data, for the CLI and the
 * constructs alike), and index.ts exporting a `TargetBackend`. Nothing under
 * lib/targets/ imports a CDKTF core or a provider package: the constructs
 * (lib/constructs/) are thin adapters over the emitters.
 */
import { Diagnostic } from '../model/diagnostics';
import { TargetName } from '../model/targets';
import { ResolvedPolicy } from '../resolve/ir';
import { TerraformJson } from './serialise';

export { CLOUD_TARGETS, TARGET_NAMES, TargetName } from '../model/targets';

/** identities.json: what a workload of each segment must carry on the target (docs/aws.md, azure.md, gcp.md, "Identities"). Terraform addresses are `TYPE.NAME` as in the synthesized JSON. */
export interface IdentitiesFile {
  readonly apiVersion: 'microseg/v1';
  readonly policy: string;
  readonly target: TargetName;
  readonly segments: Readonly<
    Record<
      string,
      {
        /** AWS: every group a workload of the segment attaches. */
        readonly securityGroups?: readonly string[];
        /** AWS: groups kept from the previous output that hold no rules; no workload needs them (detach, then compile with release to destroy them). Absent when none. */
        readonly releasableSecurityGroups?: readonly string[];
        /** Azure: ASGs on the workload's NIC. */
        readonly applicationSecurityGroups?: readonly string[];
        /** Azure: label or all-segments ASGs kept from the previous output that no rule references; no workload needs them (detach, then compile with release to destroy them). Absent when none. */
        readonly releasableApplicationSecurityGroups?: readonly string[];
        /** Azure: every NSG that applies to the workload (all must admit a flow). */
        readonly networkSecurityGroups?: readonly string[];
        /** Azure, deny guardrails as security admin rules: the network groups the workload's virtual network must be in. */
        readonly networkGroups?: readonly string[];
        /** GCP: network tags the instance carries (values, not addresses). */
        readonly networkTags?: readonly string[];
        /** GCP: service account emails when `identity: serviceAccounts`. */
        readonly serviceAccounts?: readonly string[];
        /** GCP, `identity: secure-tags`: the tag values the instance's tag binding needs (`google_tags_tag_value` addresses). */
        readonly secureTags?: readonly string[];
        /** GCP, `identity: secure-tags`: the same values by namespaced name (`<project or org id>/<key>/<value>`), as `gcloud resource-manager tags bindings create --tag-value` takes them. */
        readonly secureTagValues?: readonly string[];
        /** Kubernetes: the namespace the segment's pods run in. */
        readonly namespace?: string;
        /** Kubernetes: the labels every pod of the segment carries (keys with the label prefix). */
        readonly labels?: Readonly<Record<string, string>>;
      }
    >
  >;
}

/** Settings a compile needs besides the policy; defaults come from the policy's `targets` block. */
export interface CompileSettings {
  /** Terraform stack name (default: the policy name). */
  readonly stackName?: string;
  /**
   * The identities.json of this target's previous output (`compile --previous`): identities it lists are kept, so an
   * apply never destroys one that workloads carry (AWS: overflow groups, emptied when no rule needs them).
   */
  readonly previous?: IdentitiesFile;
  /** With `previous`: destroy what the previous output already listed as releasable (`compile --release`). */
  readonly release?: boolean;
  /** The previous output's cdk.tf.json, when at hand: AWS keeps each rule in the group it was in while it fits. */
  readonly previousTerraform?: Record<string, any>;
}

export interface TargetOutput {
  readonly target: TargetName;
  /** The synthesized Terraform JSON (cdk.tf.json), keys sorted. */
  readonly terraform: TerraformJson;
  readonly identities: IdentitiesFile;
  /** Infos and warnings about the compile (e.g. AWS subtractions, GCP shared-address notes). */
  readonly notes: readonly Diagnostic[];
  /** Counts for the summary and the benchmark. */
  readonly stats: { readonly resources: number; readonly rules: number; readonly identities: number };
}

export interface TargetBackend {
  readonly name: TargetName;
  /** Compile and synthesize. Throws PolicyError (with located diagnostics) when the policy cannot be compiled exactly. */
  compile(ir: ResolvedPolicy, settings?: CompileSettings): TargetOutput;
}
