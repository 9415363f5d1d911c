/**
 * The GCP plan as `google_compute_firewall` resources (plain data, see
 * ../emit.ts). Each rule's Terraform name is its GCP name (unique in the
 * project, derived from the policy, rule and segment names), so plan diffs
 * read in policy terms and never move when an unrelated rule changes.
 */
import { defined, Emission, EmittedResource, ResourceList } from '../emit';
import { GcpPlan } from './plan';

export interface GcpEmitOptions {
  /** Construct path of the segmentation below the stack (`['gcp']` in the CLI's stack). */
  readonly scope: readonly string[];
  /** The VPC network of every rule: self link, `projects/P/global/networks/N`, name, `${var.…}` or a CDKTF token. */
  readonly network: string;
  /** Project of the rules; absent: the provider's. */
  readonly project?: string;
}

export interface GcpEmission extends Emission {
  /** The firewall resources by GCP name. */
  readonly firewalls: ReadonlyMap<string, EmittedResource>;
}

export function emitGcp(plan: GcpPlan, opts: GcpEmitOptions): GcpEmission {
  const out = new ResourceList(opts.scope);
  const byTags = plan.identity === 'tags';
  const ids = (segments: readonly string[] | undefined) => (segments ? segments.map((s) => plan.identities[s]) : undefined);
  const firewalls = new Map<string, EmittedResource>();
  for (const f of plan.firewalls) {
    const blocks = f.blocks.map((b) => defined({ ports: b.ports ? [...b.ports] : undefined, protocol: b.protocol }));
    const body = defined({
      [f.action]: blocks,
      description: f.description,
      destination_ranges: f.destinationRanges ? [...f.destinationRanges] : undefined,
      direction: f.direction,
      name: f.name,
      network: opts.network,
      priority: f.priority,
      project: opts.project,
      ...(f.sourceSegments ? { [byTags ? 'source_tags' : 'source_service_accounts']: ids(f.sourceSegments) } : {}),
      source_ranges: f.sourceRanges ? [...f.sourceRanges] : undefined,
      [byTags ? 'target_tags' : 'target_service_accounts']: ids(f.targets),
    });
    firewalls.set(f.name, out.add('google_compute_firewall', [f.name], body, f.name));
  }
  const segments: Record<string, { networkTags?: string[]; serviceAccounts?: string[] }> = {};
  for (const [s, v] of Object.entries(plan.identities)) segments[s] = byTags ? { networkTags: [v] } : { serviceAccounts: [v] };
  return { resources: out.resources, moved: [], identities: { apiVersion: 'microseg/v1', policy: plan.policy, target: 'gcp', segments }, firewalls };
}
