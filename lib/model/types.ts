/**
 * The policy document, format v1, as plain data (what YAML/JSON parse to and
 * what `SegmentationPolicy.define` takes). The schema in `schema.ts` checks
 * exactly this shape; keep the two in step.
 */

export type ServiceSpec = string; // 'tcp/443', 'udp/53', 'tcp/8000-8099', 'tcp', 'udp', 'icmp', 'any', or a name from `services`

/** `{env: prod, tier: [web, app]}`: values of one label OR-ed, labels AND-ed. `{}` matches every segment. */
export type LabelSelector = Readonly<Record<string, string | readonly string[]>>;

export interface SegmentRefSelector { readonly segment: string }
export interface SegmentsRefSelector { readonly segments: readonly string[] }
export interface ExternalRefSelector { readonly external: string }
export interface ExternalsRefSelector { readonly externals: readonly string[] }
export interface CidrsSelector { readonly cidrs: readonly string[] }

export type SelectorTerm =
  | LabelSelector
  | SegmentRefSelector
  | SegmentsRefSelector
  | ExternalRefSelector
  | ExternalsRefSelector
  | CidrsSelector;

/** One term, or a list of terms (their union). */
export type Selector = SelectorTerm | readonly SelectorTerm[];

/** Keys that make a selector term a reference rather than a label selector; label dimensions may not use them. */
export const RESERVED_SELECTOR_KEYS = ['segment', 'segments', 'external', 'externals', 'cidrs'] as const;

export interface SegmentDoc {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly addresses?: readonly string[];
  readonly description?: string;
}

export interface ExternalDoc {
  readonly name: string;
  readonly cidrs: readonly string[];
  readonly except?: readonly string[];
  readonly description?: string;
}

export interface RuleDoc {
  readonly name: string;
  readonly from: Selector;
  readonly to: Selector;
  readonly services: readonly ServiceSpec[];
  readonly sameLabels?: readonly string[];
  readonly owner?: string;
  readonly description?: string;
  /** ISO date `YYYY-MM-DD` (YAML may parse it to a Date; the loader normalises to the string). */
  readonly expires?: string;
  /** GCP: Firewall Rules Logging on the firewall rules compiled from this rule or guardrail. */
  readonly log?: boolean;
}

export interface GuardrailDoc extends RuleDoc {
  readonly action: 'allow' | 'deny';
}

export interface SuppressionDoc {
  /** Lint finding id, e.g. `MS3002`. */
  readonly id: string;
  /** Rule, guardrail, segment, service or external the suppression applies to; omitted: the whole policy. */
  readonly rule?: string;
  readonly reason: string;
}

export interface AwsTargetDoc {
  readonly region?: string;
  readonly vpcId?: string;
  /** Security groups a workload may attach (AWS default 5). */
  readonly maxGroupsPerInterface?: number;
  /** Managed prefix lists for CIDR sets of 3 or more CIDRs (default true). */
  readonly prefixLists?: boolean;
  /** VPC Flow Logs on the VPC, in the format the lifecycle commands read. */
  readonly flowLogs?: AwsFlowLogsDoc;
}
export interface AwsFlowLogsDoc {
  /** Default `s3` (plain-text files with a header line). */
  readonly destinationType?: 's3' | 'cloud-watch-logs';
  /** Bucket or log group ARN (or a Terraform expression). */
  readonly destination: string;
  /** Required for `cloud-watch-logs`. */
  readonly iamRoleArn?: string;
  /** 60 or 600 seconds (default 600). */
  readonly maxAggregationInterval?: 60 | 600;
  /** S3: per-hour partitions (default false). */
  readonly perHourPartition?: boolean;
}
export interface AzureTargetDoc {
  readonly location?: string;
  readonly resourceGroupName?: string;
  readonly subnetIds?: readonly string[];
  /** VNet flow logs on the VNet. */
  readonly flowLogs?: AzureFlowLogsDoc;
  /** Where deny guardrails go: the NSGs (default), security admin rules of Virtual Network Manager, or both (the step between, when migrating). */
  readonly guardrails?: 'nsg' | 'network-manager' | 'both';
  readonly networkManager?: AzureNetworkManagerDoc;
}
export interface AzureFlowLogsDoc {
  readonly virtualNetworkId: string;
  readonly storageAccountId: string;
  /** Default `NetworkWatcher_<location>`. */
  readonly networkWatcherName?: string;
  /** Default `NetworkWatcherRG`. */
  readonly networkWatcherResourceGroupName?: string;
  /** Default 90; 0 turns retention off. */
  readonly retentionDays?: number;
}
/** The Virtual Network Manager that carries the deny guardrails (`guardrails: network-manager`). */
export interface AzureNetworkManagerDoc {
  /** The network manager's id; default: Terraform variable `network_manager_id`. */
  readonly id?: string;
  /** An existing network group the admin rules apply to; default: a network group of our own. */
  readonly networkGroupId?: string;
  /** Virtual networks made static members of our network group (not with networkGroupId). */
  readonly virtualNetworkIds?: readonly string[];
  /** Commit the configuration with an azurerm_network_manager_deployment (default true). */
  readonly deploy?: boolean;
}
export interface GcpTargetDoc {
  readonly project?: string;
  readonly network?: string;
  /** `network-tags` (default), `service-accounts`, `secure-tags`; `tags` and `serviceAccounts` are the older spellings. */
  readonly identity?: 'tags' | 'network-tags' | 'serviceAccounts' | 'service-accounts' | 'secureTags' | 'secure-tags';
  /** Where deny guardrails go: `firewall-rules` (default, beside the rules) or `hierarchical` (a folder or organization firewall policy). */
  readonly guardrails?: 'firewall-rules' | 'hierarchical';
  /** Parent of the hierarchical firewall policy: `folders/N` or `organizations/N` (else a Terraform variable). */
  readonly guardrailParent?: string;
  /** Parent of the secure tag key: `organizations/N` or `projects/P` (default the project). */
  readonly tagParent?: string;
  /** Firewall Rules Logging on every deny firewall rule. */
  readonly logDenies?: boolean;
}
export interface KubernetesTargetDoc {
  /** Label key prefix of the pod labels (default `microseg.io/`). */
  readonly labelPrefix?: string;
  /** One namespace (default `default`), one per segment, or the value of a label dimension (optionally renamed). */
  readonly namespace?: string;
  readonly namespacePerSegment?: boolean;
  readonly namespaceFromLabel?: string;
  readonly namespaceNames?: Readonly<Record<string, string>>;
  /** Prepended to every NetworkPolicy name. */
  readonly namePrefix?: string;
  /** Where deny guardrails go: folded into NetworkPolicies (default) or AdminNetworkPolicies. */
  readonly guardrails?: 'network-policy' | 'admin-network-policy';
  /** Priority of every AdminNetworkPolicy written (default 20). */
  readonly adminPriority?: number;
}
export interface TargetsDoc {
  readonly aws?: AwsTargetDoc;
  readonly azure?: AzureTargetDoc;
  readonly gcp?: GcpTargetDoc;
  readonly kubernetes?: KubernetesTargetDoc;
}

export interface LintSettingsDoc {
  /** Extra ports treated as admin ports by the world-open check, as service specs. */
  readonly adminPorts?: readonly ServiceSpec[];
  /** Days before `expires` at which lint starts warning (default 30). */
  readonly expiryWarningDays?: number;
}

/** The body shared by the YAML document and `SegmentationPolicy.define`. */
export interface PolicyBody {
  readonly name: string;
  readonly description?: string;
  readonly network?: { readonly internalCidrs?: readonly string[] };
  readonly labels: Readonly<Record<string, readonly string[]>>;
  readonly segments: readonly SegmentDoc[];
  readonly externals?: readonly ExternalDoc[];
  readonly services?: Readonly<Record<string, readonly ServiceSpec[]>>;
  readonly guardrails?: readonly GuardrailDoc[];
  readonly rules?: readonly RuleDoc[];
  readonly targets?: TargetsDoc;
  readonly suppressions?: readonly SuppressionDoc[];
  readonly lint?: LintSettingsDoc;
}

/** The YAML/JSON document as written. */
export interface PolicyDocument {
  readonly apiVersion: 'microseg/v1';
  readonly kind: 'SegmentationPolicy';
  readonly metadata: { readonly name: string; readonly description?: string };
  readonly network?: { readonly internalCidrs?: readonly string[] };
  readonly labels: Readonly<Record<string, readonly string[]>>;
  readonly segments: readonly SegmentDoc[];
  readonly externals?: readonly ExternalDoc[];
  readonly services?: Readonly<Record<string, readonly ServiceSpec[]>>;
  readonly guardrails?: readonly GuardrailDoc[];
  readonly rules?: readonly RuleDoc[];
  readonly targets?: TargetsDoc;
  readonly suppressions?: readonly SuppressionDoc[];
  readonly lint?: LintSettingsDoc;
  /** Directory policies: fragment owners allowed to write guardrails. */
  readonly ownership?: OwnershipDoc;
}

export interface OwnershipDoc {
  readonly security?: readonly string[];
}

/** A team fragment of a policy directory, as written. */
export interface FragmentDocument {
  readonly apiVersion: 'microseg/v1';
  readonly kind: 'PolicyFragment';
  readonly metadata: { readonly name: string; readonly owner: string; readonly description?: string };
  readonly scope: LabelSelector;
  readonly segments?: readonly SegmentDoc[];
  readonly externals?: readonly ExternalDoc[];
  readonly services?: Readonly<Record<string, readonly ServiceSpec[]>>;
  readonly guardrails?: readonly GuardrailDoc[];
  readonly rules?: readonly RuleDoc[];
}

export type StandardKind = 'never' | 'only' | 'always';

export interface StandardBodyDoc {
  readonly from: Selector;
  readonly to: Selector;
  readonly services: readonly ServiceSpec[];
}

export interface StandardDoc {
  readonly name: string;
  readonly description?: string;
  readonly never?: StandardBodyDoc;
  readonly only?: StandardBodyDoc;
  readonly always?: StandardBodyDoc;
}

/** Org-wide standards: checked by lint and verify, never compiled. */
export interface StandardsDocument {
  readonly apiVersion: 'microseg/v1';
  readonly kind: 'SegmentationStandards';
  readonly metadata: { readonly name: string; readonly owner?: string; readonly description?: string };
  readonly standards: readonly StandardDoc[];
}

export const DEFAULT_INTERNAL_CIDRS: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];

/** Path into the document, e.g. `['rules', 2, 'from']`. */
export type NodePath = readonly (string | number)[];
