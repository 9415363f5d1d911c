/**
 * GcpSegmentation: renders a GCP plan as `google_compute_firewall` resources.
 * The only GCP code that imports provider classes, by deep import (the
 * provider's index costs seconds and a gigabyte to load).
 *
 * Each firewall rule's Terraform logical id is its GCP name (unique in the
 * project, derived from the policy, rule and segment names), so plan diffs
 * read in policy terms and never move when an unrelated rule changes.
 */
import { ComputeFirewall, ComputeFirewallConfig } from '@cdktf/provider-google/lib/compute-firewall';
import { Construct } from 'constructs';
import { SegmentationPolicy } from '../../model/policy';
import { ResolvedPolicy } from '../../resolve/ir';
import { resolve } from '../../resolve/resolve';
import { IdentitiesFile } from '../target';
import { GcpIdentityKind, GcpPlan, planGcp } from './plan';

export interface GcpSegmentationProps {
  /** The policy, or its resolved IR. */
  readonly policy: SegmentationPolicy | ResolvedPolicy;
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
   * What identifies a segment's workloads: network tags (`<prefix>-<segment>`) or service accounts.
   * @default 'tags' (or `targets.gcp.identity` of the policy)
   */
  readonly identity?: GcpIdentityKind;
  /**
   * With `identity: 'serviceAccounts'`: the email per segment. Segments not
   * listed get `<prefix>-<segment>@<project>.iam.gserviceaccount.com`
   * (the id cut to 30 characters with a digest suffix when longer).
   */
  readonly serviceAccounts?: Readonly<Record<string, string>>;
}

function isResolved(p: SegmentationPolicy | ResolvedPolicy): p is ResolvedPolicy {
  return (p as ResolvedPolicy).sides instanceof Map;
}

export class GcpSegmentation extends Construct {
  /** The plan this construct rendered (pure data: rules, priorities, notes). */
  readonly plan: GcpPlan;
  /** identities.json: the network tags (or service accounts) each segment's workloads carry. */
  readonly identities: IdentitiesFile;
  /** The firewall resources by GCP name. */
  readonly firewalls: ReadonlyMap<string, ComputeFirewall>;

  constructor(scope: Construct, id: string, props: GcpSegmentationProps) {
    super(scope, id);
    const ir = isResolved(props.policy) ? props.policy : resolve(props.policy);
    const identity = props.identity ?? ir.policy.doc.targets?.gcp?.identity ?? 'tags';
    this.plan = planGcp(ir, { namePrefix: props.namePrefix, identity, project: props.project, serviceAccounts: props.serviceAccounts });
    const plan = this.plan;
    const ids = (segments: readonly string[] | undefined) => (segments ? segments.map((s) => plan.identities[s]) : undefined);
    const byTags = plan.identity === 'tags';

    const firewalls = new Map<string, ComputeFirewall>();
    for (const f of plan.firewalls) {
      const blocks = f.blocks.map((b) => ({ protocol: b.protocol, ports: b.ports ? [...b.ports] : undefined }));
      const config: ComputeFirewallConfig = {
        name: f.name,
        network: props.network,
        project: props.project,
        description: f.description,
        direction: f.direction,
        priority: f.priority,
        ...(f.action === 'allow' ? { allow: blocks } : { deny: blocks }),
        ...(byTags ? { targetTags: ids(f.targets) } : { targetServiceAccounts: ids(f.targets) }),
        ...(f.sourceSegments ? (byTags ? { sourceTags: ids(f.sourceSegments) } : { sourceServiceAccounts: ids(f.sourceSegments) }) : {}),
        ...(f.sourceRanges ? { sourceRanges: [...f.sourceRanges] } : {}),
        ...(f.destinationRanges ? { destinationRanges: [...f.destinationRanges] } : {}),
      };
      const fw = new ComputeFirewall(this, f.name, config);
      fw.overrideLogicalId(f.name);
      firewalls.set(f.name, fw);
    }
    this.firewalls = firewalls;

    const segments: Record<string, { networkTags?: string[]; serviceAccounts?: string[] }> = {};
    for (const s of ir.segments) segments[s.name] = byTags ? { networkTags: [plan.identities[s.name]] } : { serviceAccounts: [plan.identities[s.name]] };
    this.identities = { apiVersion: 'microseg/v1', policy: ir.name, target: 'gcp', segments };
  }

  /** Network tag a workload of `segment` carries (with `identity: 'tags'`). */
  networkTag(segment: string): string {
    if (this.plan.identity !== 'tags') throw new Error(`GcpSegmentation: identity is '${this.plan.identity}', segments carry service accounts, not tags`);
    return this.identityOf(segment);
  }

  /** Service-account email a workload of `segment` runs as (with `identity: 'serviceAccounts'`). */
  serviceAccount(segment: string): string {
    if (this.plan.identity !== 'serviceAccounts') throw new Error(`GcpSegmentation: identity is '${this.plan.identity}', segments carry network tags, not service accounts`);
    return this.identityOf(segment);
  }

  private identityOf(segment: string): string {
    const v = this.plan.identities[segment];
    if (v === undefined) throw new Error(`GcpSegmentation: unknown segment '${segment}'`);
    return v;
  }
}
