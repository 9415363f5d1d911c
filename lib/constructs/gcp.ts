/**
 * `GcpSegmentation`: the GCP emission (lib/targets/gcp/emit.ts) added to a
 * cdktf or cdktn stack, no provider package needed. See docs/gcp.md.
 */
import { Construct } from 'constructs';
import { GcpEmission, emitGcp } from '../targets/gcp/emit';
import { GcpGuardrailLayer, GcpIdentityKind, GcpIdentitySpelling, GcpPlan, gcpIdentityKind, planGcp } from '../targets/gcp/plan';
import { firewallLogging } from '../targets/gcp/logging';
import { FAILED_IDENTITY, InternalProps, Segmentation, SegmentationProps } from './segmentation';

export interface GcpSegmentationProps<S extends string = string> extends SegmentationProps<S> {
  /** The VPC network every rule applies to: a self link, `projects/P/global/networks/N`, a name, or a token (e.g. `network.id`). */
  readonly network: string;
  /**
   * Project of the rules; may be a token. Also used to derive service-account
   * emails when `identity` is `serviceAccounts`.
   * @default the provider's project
   */
  readonly project?: string;
  /**
   * Prefix of every firewall rule name and network tag; `[a-z]([-a-z0-9]*[a-z0-9])?`, at most 40 characters.
   * @default the policy name
   */
  readonly namePrefix?: string;
  /**
   * What identifies a segment's workloads: network tags (`<prefix>-<segment>`), service accounts, or
   * secure tags (a tag value per segment, the rules in a global network firewall policy; needs `project`).
   * @default 'tags' (or `targets.gcp.identity` of the policy)
   */
  readonly identity?: GcpIdentitySpelling;
  /**
   * Where deny guardrails go: beside the rules, or a hierarchical firewall policy (needs `guardrailParent`).
   * @default 'firewall-rules' (or `targets.gcp.guardrails` of the policy)
   */
  readonly guardrails?: GcpGuardrailLayer;
  /** Parent of the hierarchical firewall policy, `folders/N` or `organizations/N` (or a token). @default `targets.gcp.guardrailParent` */
  readonly guardrailParent?: string;
  /** Parent of the secure tag key, `organizations/N` or `projects/P`. @default `targets.gcp.tagParent`, else the project */
  readonly tagParent?: string;
  /**
   * Firewall Rules Logging on every deny firewall rule; rules and guardrails with `log: true` are logged either way.
   * @default the policy's `targets.gcp.logDenies`, else false
   */
  readonly logDenies?: boolean;
  /**
   * With `identity: 'serviceAccounts'`: the email per segment. Segments not
   * listed get `<prefix>-<segment>@<project>.iam.gserviceaccount.com`
   * (the id cut to 30 characters with a digest suffix when longer).
   */
  readonly serviceAccounts?: Readonly<Record<string, string>>;
}

/**
 * One policy as `google_compute_firewall` rules on one VPC network: a network
 * tag (or service account) per segment, deny rules above allows, an explicit
 * egress deny-all. Give `networkTag(segment)` (= `identitiesOf(segment)`) to
 * the instances or instance templates of the segment. Policy problems are
 * Annotations: an error fails the synth with the policy's file:line:col.
 *
 * @example
 * const seg = new GcpSegmentation(stack, 'seg', { policy, network: network.id });
 * new ComputeInstanceTemplate(stack, 'web', { tags: [seg.networkTag('shop-web-prod')], ... });
 */
const CARRIED: Record<GcpIdentityKind, string> = { tags: 'network tags', serviceAccounts: 'service accounts', secureTags: 'secure tags' };

export class GcpSegmentation<S extends string = string> extends Segmentation<S, GcpEmission, GcpPlan> {
  /** What identifies a segment's workloads. */
  readonly identity: GcpIdentityKind;

  constructor(scope: Construct, id: string, props: GcpSegmentationProps<S>) {
    let identity: GcpIdentityKind = gcpIdentityKind(props.identity);
    super(scope, id, 'gcp', props as GcpSegmentationProps<S> & InternalProps, (ir, path) => {
      const cfg = ir.policy.doc.targets?.gcp ?? {};
      identity = gcpIdentityKind(props.identity ?? cfg.identity);
      const tagParent = props.tagParent ?? cfg.tagParent;
      const guardrailParent = props.guardrailParent ?? cfg.guardrailParent;
      const guardrails = props.guardrails ?? cfg.guardrails;
      const plan = planGcp(ir, { namePrefix: props.namePrefix, identity, project: props.project, serviceAccounts: props.serviceAccounts, guardrails, tagParent });
      return { plan, emission: emitGcp(plan, { scope: path, network: props.network, project: props.project, tagParent, guardrailParent, logged: firewallLogging(ir, props.logDenies ?? cfg.logDenies ?? false) }), notes: plan.notes };
    });
    this.identity = identity;
  }

  identitiesOf(segment: S): string[] {
    this.known(segment);
    if (this.failed) return [FAILED_IDENTITY];
    const s = this.identities.segments[segment];
    return [...(s.networkTags ?? s.serviceAccounts ?? s.secureTags ?? [])];
  }

  /** The secure tag value a workload of `segment` is bound to (with `identity: 'secure-tags'`): a reference to its `google_tags_tag_value` id. */
  secureTag(segment: S): string {
    if (this.identity !== 'secureTags') throw new Error(`GcpSegmentation: identity is '${this.identity}', segments carry ${CARRIED[this.identity]}, not secure tags`);
    return this.identitiesOf(segment)[0];
  }

  /** Network tag a workload of `segment` carries (with `identity: 'tags'`). */
  networkTag(segment: S): string {
    if (this.identity !== 'tags') throw new Error(`GcpSegmentation: identity is '${this.identity}', segments carry ${CARRIED[this.identity]}, not network tags`);
    return this.identitiesOf(segment)[0];
  }

  /** Service-account email a workload of `segment` runs as (with `identity: 'serviceAccounts'`). */
  serviceAccount(segment: S): string {
    if (this.identity !== 'serviceAccounts') throw new Error(`GcpSegmentation: identity is '${this.identity}', segments carry ${CARRIED[this.identity]}, not service accounts`);
    return this.identitiesOf(segment)[0];
  }
}
