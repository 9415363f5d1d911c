/**
 * The shape of a policy document as a zod schema: types, required keys and
 * strict objects (an unknown key is an error everywhere). Patterns and
 * lengths are part of the schema so editors see them in the JSON Schema, but
 * their diagnostics come from validate.ts, which words them better and gives
 * them their own codes; `schemaFindings` drops zod's copies.
 *
 * Selector terms are one open mapping here (`{env: prod}`, `{segment: a}`,
 * `{cidrs: [...]}` all fit); validate.ts tells the forms apart.
 */
import { z } from 'zod';
import { Finding, pathKey } from './locator';
import { NodePath } from './types';
import { suggest } from './suggest';

/** Policy, segment, external, service, rule and guardrail names. */
export const NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Label dimensions and values. */
export const LABEL_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
export const CODE_PATTERN = /^MS\d{4}$/;
/** metadata.name and segment names (they prefix or form cloud names). */
export const SHORT_NAME_MAX = 40;
/** Other names, label dimensions and values. */
export const NAME_MAX = 63;

const name = (max: number, what: string) => z.string().regex(NAME_PATTERN).max(max).describe(`${what}: [a-z]([-a-z0-9]*[a-z0-9])?, at most ${max} characters`);
const labelName = (what: string) => z.string().regex(LABEL_PATTERN).max(NAME_MAX).describe(`${what}: [a-z0-9]([-a-z0-9]*[a-z0-9])?`);
const cidr = z.string().describe('IPv4 or IPv6 CIDR, e.g. 10.0.0.0/8 or fc00::/7 (a bare address is a /32 or /128)');
const cidrList = (description: string) => z.array(cidr).describe(description);
const serviceSpec = z.string().describe('tcp/443, udp/53, tcp/8000-8099, sctp/2905, tcp, udp, sctp, icmp, icmp/8, icmp/3/4, icmpv6/128, esp, ah, gre, ipip, proto/N, any, or a name from `services`');
const description = z.string().describe('Free text for humans; copied into cloud descriptions where they fit.').optional();

const selectorTerm = z
  .record(z.string(), z.union([z.string(), z.array(z.string())]))
  .describe(
    'One selector term: a label selector {env: prod, tier: [web, app]} (values of one label OR-ed, labels AND-ed; {} is every segment), ' +
      'or exactly one of {segment: NAME}, {segments: [NAMES]}, {external: NAME}, {externals: [NAMES]}, {cidrs: [CIDRS]}.',
  );
const selector = z.union([selectorTerm, z.array(selectorTerm)]).describe('A selector term, or a list of terms (their union).');

const ruleFields = {
  name: name(NAME_MAX, 'Rule or guardrail name, unique across rules and guardrails'),
  from: selector.describe('Sources: a selector term or a list of terms.'),
  to: selector.describe('Destinations: a selector term or a list of terms.'),
  services: z.array(serviceSpec).describe('Services this applies to (non-empty).'),
  sameLabels: z
    .array(labelName('Label dimension'))
    .describe('Keep only pairs of segments with equal values for every listed dimension; not allowed when either side can be an external.')
    .optional(),
  owner: z.string().describe('Who answers for this rule.').optional(),
  description,
  expires: z.string().regex(DATE_PATTERN).describe('Last day, YYYY-MM-DD, the rule is in force: from the next day an allow is left out of every compiled output, and an expired deny guardrail (still enforced) is a lint error.').optional(),
  log: z.boolean().describe('GCP: Firewall Rules Logging on the firewall rules compiled from this rule or guardrail, so `stale` sees exactly which rule decided (AWS and Azure log per network: targets.aws.flowLogs, targets.azure.flowLogs).').optional(),
};

export const segmentSchema = z.strictObject({
  name: name(SHORT_NAME_MAX, 'Segment name, unique'),
  labels: z.record(labelName('Label dimension'), labelName('Label value')).describe('A value for every dimension declared in `labels`.'),
  addresses: cidrList('Where workloads of this segment may live; default network.internalCidrs.').optional(),
  description,
});

export const externalSchema = z.strictObject({
  name: name(NAME_MAX, 'External name, unique and not a segment name'),
  cidrs: cidrList('Addresses of this external (non-empty).'),
  except: cidrList('Addresses removed from `cidrs`.').optional(),
  description,
});

export const ruleSchema = z.strictObject(ruleFields).describe('An allow rule.');
export const guardrailSchema = z
  .strictObject({ ...ruleFields, action: z.enum(['allow', 'deny']).describe('deny always beats any allow.') })
  .describe('A baseline rule; deny guardrails beat every allow.');

export const suppressionSchema = z.strictObject({
  id: z.string().regex(CODE_PATTERN).describe('Diagnostic code to suppress, e.g. MS3002.'),
  rule: z.string().describe('Rule, guardrail, segment, service or external it applies to; omitted: the whole policy.').optional(),
  reason: z.string().min(1).describe('Why the finding is accepted (required).'),
});

export const targetsSchema = z
  .strictObject({
    aws: z
      .strictObject({
        region: z.string().optional(),
        vpcId: z.string().describe('VPC id or a Terraform expression such as ${aws_vpc.main.id}.').optional(),
        maxGroupsPerInterface: z.number().int().min(1).max(16).describe('Security groups a workload may attach (AWS default 5).').optional(),
        prefixLists: z.boolean().describe('Reference CIDR sets of 3 or more CIDRs through managed prefix lists (default true); false spells one rule per CIDR.').optional(),
        flowLogs: z
          .strictObject({
            destinationType: z.enum(['s3', 'cloud-watch-logs']).describe('Where the records go (default s3: plain-text files with a header line, which `stale` reads as they are; cloud-watch-logs writes no header, read with `--aws-format`).').optional(),
            destination: z.string().min(1).describe('ARN of the S3 bucket (optionally with a /prefix) or CloudWatch Logs log group, or a Terraform expression such as ${aws_s3_bucket.logs.arn}.'),
            iamRoleArn: z.string().min(1).describe('Role that lets the flow-log service write to the log group (required for cloud-watch-logs, not allowed for s3).').optional(),
            maxAggregationInterval: z.union([z.literal(60), z.literal(600)]).describe('Seconds over which a record aggregates packets: 60 or 600 (default 600, AWS\'s default).').optional(),
            perHourPartition: z.boolean().describe('S3: partition the files per hour instead of per day (default false).').optional(),
          })
          .describe('Turn VPC Flow Logs on for the VPC (`aws_flow_log`, all traffic), in the custom format that holds every field `stale` and `discover` read.')
          .optional(),
      })
      .optional(),
    azure: z
      .strictObject({
        location: z.string().optional(),
        resourceGroupName: z.string().optional(),
        subnetIds: z.array(z.string()).describe('Associate the NSG with these subnets.').optional(),
        flowLogs: z
          .strictObject({
            virtualNetworkId: z.string().min(1).describe('Resource id of the VNet whose traffic is logged, or a Terraform expression such as ${azurerm_virtual_network.main.id}.'),
            storageAccountId: z.string().min(1).describe('Resource id of the storage account the records are written to (in the same region as the VNet).'),
            networkWatcherName: z.string().min(1).describe('Network Watcher of the region (default NetworkWatcher_<location>, the one Azure creates).').optional(),
            networkWatcherResourceGroupName: z.string().min(1).describe('Its resource group (default NetworkWatcherRG).').optional(),
            retentionDays: z.number().int().min(0).max(365).describe('Days the records are kept (default 90, the default window of `stale`; 0 turns retention off and keeps them).').optional(),
          })
          .describe('Turn VNet flow logs on for the VNet (`azurerm_network_watcher_flow_log`, version 2); NSG flow logs are being retired.')
          .optional(),
        guardrails: z
          .enum(['nsg', 'network-manager', 'both'])
          .describe('Where deny guardrails go: the NSGs (default); security admin rules of Virtual Network Manager, evaluated before every NSG and governed apart from them; or both, the safe step between when migrating (docs/azure.md).')
          .optional(),
        networkManager: z
          .strictObject({
            id: z.string().describe('Network manager id or a Terraform expression; default: Terraform variable network_manager_id.').optional(),
            networkGroupId: z.string().describe('An existing network group the guardrails apply to; default: a network group of our own.').optional(),
            virtualNetworkIds: z.array(z.string()).describe('Virtual networks made static members of our network group (not with networkGroupId).').optional(),
            deploy: z.boolean().describe('Commit the security admin configuration with an azurerm_network_manager_deployment (default true).').optional(),
          })
          .describe('With guardrails: network-manager (or both), the Virtual Network Manager that carries them.')
          .optional(),
      })
      .optional(),
    gcp: z
      .strictObject({
        project: z.string().optional(),
        network: z.string().optional(),
        identity: z
          .enum(['network-tags', 'service-accounts', 'secure-tags', 'tags', 'serviceAccounts', 'secureTags'])
          .describe('What identifies a segment: network tags (default), service accounts, or secure tags (IAM-governed tag values, rules in a global network firewall policy); tags and serviceAccounts are the older spellings.')
          .optional(),
        guardrails: z
          .enum(['firewall-rules', 'hierarchical'])
          .describe('Where deny guardrails go: beside the rules (default), or a hierarchical firewall policy of a folder or the organization, evaluated first.')
          .optional(),
        guardrailParent: z
          .string()
          .regex(/^(folders|organizations)\/\d+$|\$\{/)
          .describe('Parent of the hierarchical firewall policy: folders/N or organizations/N (default: a Terraform variable).')
          .optional(),
        tagParent: z
          .string()
          .regex(/^(organizations\/\d+|projects\/[a-z][-a-z0-9]{4,28}[a-z0-9])$|\$\{/)
          .describe('Parent of the secure tag key: organizations/N or projects/P (default: the project). Only organization keys can be matched by a hierarchical firewall policy.')
          .optional(),
        logDenies: z.boolean().describe('Firewall Rules Logging on every deny firewall rule (default false); rules and guardrails with `log: true` are logged anyway.').optional(),
      })
      .optional(),
    kubernetes: z
      .strictObject({
        labelPrefix: z.string().describe("Label key prefix of the pod labels a segment's pods carry (default microseg.io/).").optional(),
        namespace: z.string().describe('One namespace for every segment (default "default").').optional(),
        namespacePerSegment: z.boolean().describe("Each segment's pods in the namespace named after the segment.").optional(),
        namespaceFromLabel: z.string().describe('Each segment in the namespace named by its value of this label dimension.').optional(),
        namespaceNames: z.record(z.string(), z.string()).describe('With namespaceFromLabel: label value to namespace name.').optional(),
        namePrefix: z.string().describe('Prepended to every NetworkPolicy name.').optional(),
        guardrails: z
          .enum(['network-policy', 'admin-network-policy'])
          .describe('Where deny guardrails go: folded into the NetworkPolicies (default), or AdminNetworkPolicies (policy.networking.k8s.io) that namespace owners cannot change.')
          .optional(),
        adminPriority: z.number().int().min(0).max(1000).describe('With guardrails: admin-network-policy, the priority of every AdminNetworkPolicy written (0–1000, default 20); keep it apart from your other AdminNetworkPolicies.').optional(),
      })
      .optional(),
  })
  .describe('Per-cloud settings; a target may be omitted.');

/** Who may write what when a policy is a directory of a base and team fragments (docs/policy-reference.md). */
export const ownershipSchema = z
  .strictObject({
    security: z.array(z.string().min(1)).describe('Owners (fragment metadata.owner) allowed to write guardrails in fragments.').optional(),
  })
  .describe('Ownership of a policy directory: which fragment owners are the security team.');

export const policyDocumentSchema = z
  .strictObject({
    apiVersion: z.literal('microseg/v1').describe('Format version: microseg/v1.'),
    kind: z.literal('SegmentationPolicy').describe('Always SegmentationPolicy.'),
    metadata: z.strictObject({ name: name(SHORT_NAME_MAX, 'Policy name; prefixes every cloud name'), description }).describe('Name and description of the policy.'),
    network: z
      .strictObject({ internalCidrs: cidrList('Where workloads may live; default 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7.').optional() })
      .optional(),
    labels: z.record(labelName('Label dimension'), z.array(labelName('Label value'))).describe('Label dimensions and their allowed values.'),
    segments: z.array(segmentSchema).describe('One identity per full label assignment.'),
    externals: z.array(externalSchema).describe('Address-based endpoints outside the model.').optional(),
    services: z
      .record(name(NAME_MAX, 'Service name (not tcp, udp, icmp or any)'), z.array(serviceSpec.describe('A literal spec: tcp/443, udp/53, tcp/8000-8099, tcp, udp, icmp or any')))
      .describe('Named lists of literal service specs.')
      .optional(),
    guardrails: z.array(guardrailSchema).describe('Security baseline; deny always wins.').optional(),
    rules: z.array(ruleSchema).describe('Application allows.').optional(),
    targets: targetsSchema.optional(),
    suppressions: z.array(suppressionSchema).describe('Accepted lint findings, each with a reason.').optional(),
    ownership: ownershipSchema.optional(),
    lint: z
      .strictObject({
        adminPorts: z.array(serviceSpec).describe('Extra ports the world-open check treats as admin ports.').optional(),
        expiryWarningDays: z.number().int().min(0).describe('Days before `expires` at which lint starts warning (default 30).').optional(),
      })
      .optional(),
  })
  .describe('A label-based microsegmentation policy.');

/** A team's part of a policy directory: segments, externals, services and rules inside its scope. */
export const fragmentDocumentSchema = z
  .strictObject({
    apiVersion: z.literal('microseg/v1').describe('Format version: microseg/v1.'),
    kind: z.literal('PolicyFragment').describe('Always PolicyFragment.'),
    metadata: z
      .strictObject({ name: name(NAME_MAX, 'Fragment name'), owner: z.string().min(1).describe('The team that owns this fragment (CODEOWNERS should agree).'), description })
      .describe('Name, owner and description of the fragment.'),
    scope: z.record(z.string(), z.union([z.string(), z.array(z.string())])).describe('A label selector: the segments this fragment owns. Its segments must match it; its rules may only grant ingress into it.'),
    segments: z.array(segmentSchema).describe('Segments of this team; each must match scope.').optional(),
    externals: z.array(externalSchema).describe('Externals; names are global across the directory.').optional(),
    services: z.record(z.string(), z.array(serviceSpec)).describe('Named services; names are global across the directory.').optional(),
    guardrails: z.array(guardrailSchema).describe('Only when metadata.owner is in the base ownership.security list.').optional(),
    rules: z.array(ruleSchema).describe('Allows whose receiving side is in scope.').optional(),
  })
  .describe('A team fragment of a policy directory.');

const standardBody = z.strictObject({
  from: selector.describe('Sources: segments by labels or name; externals and cidrs name outside hosts at those addresses.'),
  to: selector.describe('Destinations, as `from`.'),
  services: z.array(serviceSpec).describe('Services the standard is about (non-empty).'),
});

export const standardSchema = z
  .strictObject({
    name: name(NAME_MAX, 'Standard name, unique across every standards document in use'),
    description,
    never: standardBody.describe('No flow may be allowed from `from` to `to` on these services.').optional(),
    only: standardBody.describe('Every allowed flow into `to` on these services comes from `from`.').optional(),
    always: standardBody.describe('Every flow from `from` to `to` on these services must stay allowed.').optional(),
  })
  .describe('One named standard: exactly one of never, only, always.');

/** Org-wide standards: checked by lint and verify, never compiled. */
export const standardsDocumentSchema = z
  .strictObject({
    apiVersion: z.literal('microseg/v1').describe('Format version: microseg/v1.'),
    kind: z.literal('SegmentationStandards').describe('Always SegmentationStandards.'),
    metadata: z.strictObject({ name: name(NAME_MAX, 'Standards document name'), owner: z.string().optional(), description }).describe('Name, owner and description.'),
    standards: z.array(standardSchema).describe('The named standards.'),
  })
  .describe('Segmentation standards: what must never, only or always be allowed.');

// ---------------------------------------------------------------------------
// zod issues to findings

type Issue = z.core.$ZodIssue;
/** Findings plus what the typo filter needs. */
type SchemaFinding = Finding & { suggested?: string; missing?: string };

/** Findings for everything the schema rejects, except what validate.ts reports itself. */
export function schemaFindings(value: unknown, schema: z.core.$ZodType = policyDocumentSchema): Finding[] {
  const r = z.safeParse(schema, value);
  if (r.success) return [];
  const out: SchemaFinding[] = [];
  for (const issue of r.error.issues) mapIssue(issue, [], value, out, schema);
  // `segmnets:` yields both "unknown key 'segmnets' (did you mean 'segments'?)" and
  // "missing 'segments'"; the first says it all, so drop the second.
  const typoFor = new Set(out.filter((f) => f.code === 'MS1100' && f.suggested).map((f) => pathKey([...f.path.slice(0, -1), f.suggested!])));
  return out.filter((f) => !(f.code === 'MS1101' && f.missing !== undefined && typoFor.has(pathKey([...f.path, f.missing]))));
}

function mapIssue(issue: Issue, prefix: NodePath, root: unknown, out: SchemaFinding[], schema: z.core.$ZodType): void {
  const path: NodePath = [...prefix, ...(issue.path as (string | number)[])];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(path, schema);
      for (const key of issue.keys) {
        const s = suggest(key, known);
        out.push({ code: 'MS1100', message: `unknown key '${key}'${where(path)}${s ? ` (did you mean '${s}'?)` : ''}`, path: [...path, key], at: 'key', suggested: s });
      }
      return;
    }
    case 'invalid_type': {
      if (reportMissing(path, root, out)) return;
      const got = valueAt(root, path);
      const hint = issue.expected === 'string' && (typeof got === 'number' || typeof got === 'boolean') ? ` (quote it: '${String(got)}')` : '';
      out.push({ code: 'MS1102', message: `${describePath(path)}: expected ${expectedName(issue.expected)}, got ${typeName(got)}${hint}`, path });
      return;
    }
    case 'invalid_value': {
      const got = valueAt(root, path);
      const code = pathIs(path, 'apiVersion') ? 'MS1200' : pathIs(path, 'kind') ? 'MS1201' : 'MS1103';
      const allowed = issue.values.map((v) => `'${String(v)}'`).join(', ');
      const s = typeof got === 'string' ? suggest(got, issue.values.map(String)) : undefined;
      out.push({ code, message: `${describePath(path)} must be ${issue.values.length === 1 ? allowed : `one of ${allowed}`}, got ${typeName(got)}${s ? ` (did you mean '${s}'?)` : ''}`, path });
      return;
    }
    case 'too_big':
    case 'too_small':
    case 'not_multiple_of':
      if ('origin' in issue && issue.origin === 'string') return; // names and reasons: validate.ts
      out.push({ code: 'MS1104', message: `${describePath(path)}: ${rangeMessage(issue)}, got ${typeName(valueAt(root, path))}`, path });
      return;
    case 'invalid_format':
    case 'invalid_key':
      return; // patterns: validate.ts reports them with their own codes
    case 'invalid_union': {
      if (reportMissing(path, root, out)) return;
      // Prefer the branch that got past the top-level type check: its errors are the specific ones.
      const deeper = issue.errors.filter((errs) => errs.some((e) => e.path.length > 0 || e.code !== 'invalid_type'));
      if (deeper.length === 1) {
        for (const e of deeper[0]) mapIssue(e, path, root, out, schema);
        return;
      }
      const got = valueAt(root, path);
      const isSelector = path.some((p) => p === 'from' || p === 'to');
      const expected = isSelector ? 'a selector (a mapping) or a list of selectors' : 'a string or a list of strings';
      out.push({ code: 'MS1102', message: `${describePath(path)}: expected ${expected}, got ${typeName(got)}`, path });
      return;
    }
    default:
      out.push({ code: 'MS1105', message: `${describePath(path)}: ${issue.message}`, path });
  }
}

function rangeMessage(issue: Issue): string {
  if (issue.code === 'too_big') return `must be at most ${String(issue.maximum)}${issue.inclusive === false ? ' (exclusive)' : ''}`;
  if (issue.code === 'too_small') return `must be at least ${String(issue.minimum)}${issue.inclusive === false ? ' (exclusive)' : ''}`;
  return issue.message;
}

/** A required key that is absent: reported at its parent mapping. */
function reportMissing(path: NodePath, root: unknown, out: SchemaFinding[]): boolean {
  const parentPath = path.slice(0, -1);
  const parent = valueAt(root, parentPath);
  const last = path[path.length - 1];
  if (path.length === 0 || !isRecord(parent) || typeof last !== 'string' || Object.prototype.hasOwnProperty.call(parent, last)) return false;
  out.push({ code: 'MS1101', message: `missing required key '${last}'${where(parentPath)}`, path: parentPath, missing: last });
  return true;
}

function pathIs(path: NodePath, key: string): boolean {
  return path.length === 1 && path[0] === key;
}

function where(path: NodePath): string {
  return path.length === 0 ? ' at the top level' : ` in ${describePath(path)}`;
}

function describePath(path: NodePath): string {
  if (path.length === 0) return 'the document';
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s;
}

function expectedName(e: string): string {
  return e === 'array' ? 'a list' : e === 'object' || e === 'record' ? 'a mapping' : `a ${e}`;
}

function typeName(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null (an empty value)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return v instanceof Date ? 'a date object' : 'a mapping';
  if (typeof v === 'string') return `'${v.length > 40 ? v.slice(0, 40) + '…' : v}'`;
  return `${typeof v} ${String(v)}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function valueAt(root: unknown, path: NodePath): unknown {
  let v = root;
  for (const p of path) {
    if (Array.isArray(v) && typeof p === 'number') v = v[p];
    else if (isRecord(v) && Object.prototype.hasOwnProperty.call(v, p)) v = v[p as string];
    else return undefined;
  }
  return v;
}

/** Keys the schema knows at a path, for "did you mean". Walks the zod definition. */
export function knownKeys(path: NodePath, schema: z.core.$ZodType = policyDocumentSchema): string[] {
  let s: z.core.$ZodType | undefined = schema;
  for (const p of path) {
    s = unwrap(s);
    if (!s) return [];
    const def = s._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType; valueType?: z.core.$ZodType };
    if (def.type === 'object' && typeof p === 'string') s = def.shape?.[p];
    else if (def.type === 'array') s = def.element;
    else if (def.type === 'record') s = def.valueType;
    else return [];
  }
  s = unwrap(s);
  const def = s?._zod.def as { type: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function unwrap(s: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  while (s) {
    const def = s._zod.def as { type: string; innerType?: z.core.$ZodType };
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) s = def.innerType;
    else return s;
  }
  return s;
}
