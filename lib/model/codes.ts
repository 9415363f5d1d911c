/**
 * The registry of every diagnostic code. One flat object literal, sorted by
 * code, so that each stage can append its own range without touching the
 * others' lines:
 *
 *   MS0xxx  usage and I/O (the CLI exits 2 on these)
 *   MS1xxx  document loading, schema and validation (lib/model)
 *   MS2xxx–MS8xxx  later stages (resolve, targets, verify, lint, …)
 *
 * `docs/diagnostics.md` is generated from this table (test/model/codes.test.ts
 * checks it; `UPDATE_DOCS=1 npx jest test/model/codes` rewrites it).
 * A code's severity lives here and nowhere else: emitters name the code only.
 */
import type { Severity } from './diagnostics';

export interface CodeInfo {
  readonly severity: Severity;
  /** Short name, shown in docs. */
  readonly title: string;
  /** Why it matters and how to fix it. */
  readonly explanation: string;
}

export const CODES: Record<string, CodeInfo> = {
  MS0001: {
    severity: 'error',
    title: 'cannot read file',
    explanation: 'The policy file does not exist, is a directory or cannot be read. The CLI exits with status 2.',
  },
  MS1001: {
    severity: 'error',
    title: 'unknown label value',
    explanation:
      'A segment or a selector uses a value that its label dimension does not declare in `labels`. A typo here would silently change who may talk to whom, so it is an error; the message suggests the closest declared value.',
  },
  MS1002: {
    severity: 'error',
    title: 'unknown label dimension',
    explanation: 'A segment or a label selector names a dimension that `labels` does not declare.',
  },
  MS1010: {
    severity: 'error',
    title: 'malformed YAML or JSON',
    explanation: 'The file is not well-formed YAML (JSON is read as YAML 1.2, of which it is a subset). Only the first syntax error is reported, with a count of those after it: one slip (usually indentation) makes the parser report every token that follows, and they vanish with it. For an indentation error the location is the first character of the line to fix, and the message gives its column and that of the line above to compare with (for a line indented deeper than the key above it, that line, not the key YAML blames).',
  },
  MS1011: {
    severity: 'error',
    title: 'duplicate key',
    explanation: 'A mapping names the same key twice. Parsers disagree on which one wins, so the policy refuses both readings.',
  },
  MS1012: {
    severity: 'error',
    title: 'YAML anchor or alias',
    explanation:
      'Anchors (`&a`) and aliases (`*a`) are refused: a reviewer must see every rule written out, and expanding aliases is the billion-laughs attack. Write the values out in full.',
  },
  MS1013: {
    severity: 'error',
    title: 'document too large',
    explanation: 'Policies are limited to 10 MiB, checked before parsing.',
  },
  MS1014: {
    severity: 'error',
    title: 'multiple documents',
    explanation: 'A policy file holds exactly one YAML document; a second `---` document would be ignored by some tools and read by others.',
  },
  MS1015: {
    severity: 'error',
    title: 'forbidden key',
    explanation: '`__proto__`, `constructor` and `prototype` are refused anywhere in a policy, so that no input can reach an object prototype.',
  },
  MS1016: {
    severity: 'error',
    title: 'root is not a mapping',
    explanation: 'The document must be a mapping with `apiVersion`, `kind`, `metadata`, … (an empty file is not a policy).',
  },
  MS1017: {
    severity: 'error',
    title: 'key is not a scalar',
    explanation: 'Mapping keys must be plain strings; complex keys (`? [a, b]`) and null keys are refused.',
  },
  MS1018: {
    severity: 'error',
    title: 'nested too deeply',
    explanation: 'No valid policy nests deeper than a few levels; deeper input is refused so it cannot exhaust the stack.',
  },
  MS1019: {
    severity: 'warning',
    title: 'YAML warning',
    explanation: 'The YAML parser reported something suspicious, such as an unknown tag (`!foo`), which is ignored.',
  },
  MS1020: {
    severity: 'error',
    title: 'unsupported value',
    explanation:
      'A value that plain data cannot hold (a function, a class instance, a cyclic reference, a non-finite number) was given to `SegmentationPolicy.fromObject` or `define`.',
  },
  MS1100: {
    severity: 'error',
    title: 'unknown key',
    explanation: 'Unknown keys are errors everywhere, because a typo (`segmnets`, `sameLabel`) must never silently widen or narrow a policy. The message suggests the closest known key. A top-level section (or a target under `targets`) indented one level too deep is reported once, at its key, saying where it belongs, instead of as a missing section plus every key and reference that moved with it.',
  },
  MS1101: {
    severity: 'error',
    title: 'missing required key',
    explanation: 'A required field is absent, e.g. `name`, `from`, `to` or `services` of a rule, or `cidrs` of an external.',
  },
  MS1102: {
    severity: 'error',
    title: 'wrong type',
    explanation: 'A field has the wrong type, e.g. a number where a string is expected (quote ports and dates only where the format asks for strings), or a single value where a list is expected.',
  },
  MS1103: {
    severity: 'error',
    title: 'value not allowed',
    explanation: 'A field only takes some values: guardrail `action` is `allow` or `deny`; `targets.gcp.identity` is `network-tags`, `service-accounts` or `secure-tags` (or `tags`, `serviceAccounts`).',
  },
  MS1104: {
    severity: 'error',
    title: 'number out of range',
    explanation: 'A number is out of its range or not an integer, e.g. `targets.aws.maxGroupsPerInterface` must be an integer from 1 to 16.',
  },
  MS1105: {
    severity: 'error',
    title: 'schema violation',
    explanation: 'The document does not match the schema in a way not covered by a more specific code.',
  },
  MS1200: {
    severity: 'error',
    title: 'unsupported apiVersion',
    explanation: '`apiVersion` must be `microseg/v1`.',
  },
  MS1201: {
    severity: 'error',
    title: 'wrong kind',
    explanation: '`kind` must be `SegmentationPolicy`.',
  },
  MS1202: {
    severity: 'error',
    title: 'invalid name',
    explanation:
      'Names of the policy, segments, externals, services, rules and guardrails match `[a-z]([-a-z0-9]*[a-z0-9])?`: they become parts of cloud resource names. The policy and segment names are at most 40 characters, the others at most 63.',
  },
  MS1203: {
    severity: 'error',
    title: 'invalid label dimension or value',
    explanation: 'Label dimensions and values match `[a-z0-9]([-a-z0-9]*[a-z0-9])?` and are at most 63 characters.',
  },
  MS1204: {
    severity: 'error',
    title: 'reserved label dimension',
    explanation: '`segment`, `segments`, `external`, `externals` and `cidrs` are selector keywords and cannot be label dimensions.',
  },
  MS1205: {
    severity: 'warning',
    title: 'duplicate label value',
    explanation: 'A dimension lists the same value twice; the duplicate has no effect.',
  },
  MS1206: {
    severity: 'error',
    title: 'label dimension without values',
    explanation: 'Every dimension declares at least one value, since every segment must carry one.',
  },
  MS1210: {
    severity: 'error',
    title: 'segment misses a label',
    explanation: 'Every segment gives a value for every declared dimension, so that each segment is one full label assignment.',
  },
  MS1211: {
    severity: 'error',
    title: 'duplicate segment name',
    explanation: 'Segment names are unique.',
  },
  MS1212: {
    severity: 'error',
    title: 'duplicate label assignment',
    explanation: 'Two segments carry the same full label assignment; a workload with those labels would belong to both.',
  },
  MS1213: {
    severity: 'error',
    title: 'duplicate external name',
    explanation: 'External names are unique.',
  },
  MS1214: {
    severity: 'error',
    title: 'external named like a segment',
    explanation: 'An external cannot share its name with a segment: reports and generated names would be ambiguous.',
  },
  MS1215: {
    severity: 'error',
    title: 'duplicate rule or guardrail name',
    explanation: 'Rule and guardrail names are unique across both lists: generated cloud names and reports refer to them.',
  },
  MS1220: {
    severity: 'error',
    title: 'unknown segment',
    explanation: 'A `segment`/`segments` selector names no declared segment.',
  },
  MS1221: {
    severity: 'error',
    title: 'unknown external',
    explanation: 'An `external`/`externals` selector names no declared external.',
  },
  MS1222: {
    severity: 'error',
    title: 'unknown service',
    explanation: 'A service list names neither a literal spec (`tcp/443`, `udp/53`, `tcp/8000-8099`, `tcp`, `udp`, `icmp`, `any`) nor a service declared in `services`.',
  },
  MS1223: {
    severity: 'error',
    title: 'invalid service name',
    explanation: 'Names in the `services` map match `[a-z]([-a-z0-9]*[a-z0-9])?` and cannot be `tcp`, `udp`, `sctp`, `icmp`, `icmpv6`, `esp`, `ah`, `gre`, `ipip` or `any`, which are literal specs.',
  },
  MS1224: {
    severity: 'error',
    title: 'service refers to a service',
    explanation:
      'Entries of the `services` map are literal specs only. Names inside the map are refused rather than expanded, which keeps every named service one level deep and rules out cycles; list both names in the rule instead.',
  },
  MS1230: {
    severity: 'error',
    title: 'invalid CIDR',
    explanation: 'An address is not an IPv4 or IPv6 CIDR (`10.0.0.0/8`, `fc00::/7`), or its prefix is too long (`10.0.0.0/33`). A bare address is read as a /32 or /128.',
  },
  MS1231: {
    severity: 'warning',
    title: 'CIDR has host bits set',
    explanation: 'The address has bits beyond its prefix (`10.0.0.1/8`); it means the block `10.0.0.0/8`. Write the canonical form to make that explicit.',
  },
  MS1232: {
    severity: 'error',
    title: 'empty address list',
    explanation: 'An external\'s `cidrs`, a `cidrs` selector, a segment\'s `addresses` or `network.internalCidrs` is an empty list, which would match nothing.',
  },
  MS1240: {
    severity: 'error',
    title: 'invalid service spec',
    explanation: 'A service spec is malformed, e.g. `tcp/http`, `icmp/echo` or `esp/500` (ESP, AH, GRE and IP-in-IP take no port).',
  },
  MS1241: {
    severity: 'error',
    title: 'unknown protocol',
    explanation: 'The protocol of a service spec is not one of `tcp`, `udp`, `sctp` (with ports), `icmp`, `icmpv6` (with types and codes), `esp`, `ah`, `gre`, `ipip`, `proto/N` or `any`.',
  },
  MS1242: {
    severity: 'error',
    title: 'port out of range',
    explanation: 'Ports are 1–65535, ICMP types and codes 0–255, protocol numbers 0–255.',
  },
  MS1243: {
    severity: 'error',
    title: 'reversed port range',
    explanation: 'A range is written low-high; `tcp/9000-8000` is refused rather than read as empty or swapped.',
  },
  MS1244: {
    severity: 'error',
    title: 'empty service list',
    explanation: 'A rule, guardrail or named service has an empty `services` list, which would allow or deny nothing.',
  },
  MS1250: {
    severity: 'error',
    title: 'selector matches no segment (rule)',
    explanation: 'A label selector of a rule matches no segment, so the rule (or that part of it) does nothing; usually a mistake in the labels.',
  },
  MS1251: {
    severity: 'warning',
    title: 'selector matches no segment (guardrail)',
    explanation: 'A label selector of a guardrail matches no segment yet. Allowed, since a baseline may be written before its segments.',
  },
  MS1252: {
    severity: 'error',
    title: 'no workload on either side',
    explanation: 'Both sides of a rule or guardrail can only be externals or CIDRs: no workload of this policy enforces it.',
  },
  MS1253: {
    severity: 'error',
    title: 'sameLabels names unknown dimension',
    explanation: '`sameLabels` lists only declared label dimensions.',
  },
  MS1254: {
    severity: 'error',
    title: 'sameLabels with an external side',
    explanation: '`sameLabels` compares the labels of two segments; it is an error when either side of the rule can be an external or a CIDR, which carry no labels.',
  },
  MS1255: {
    severity: 'error',
    title: 'selector term mixes keys',
    explanation:
      'A selector term is either a label selector or exactly one of `segment`, `segments`, `external`, `externals`, `cidrs`. `{segment: a, env: prod}` is refused; write a list of terms for a union.',
  },
  MS1256: {
    severity: 'error',
    title: 'malformed selector term',
    explanation: '`segment`/`external` take one name, `segments`/`externals`/`cidrs` a non-empty list, label values a string or a list of strings; a selector list must not be empty.',
  },
  MS1260: {
    severity: 'error',
    title: 'invalid expires date',
    explanation: '`expires` is a calendar date written `YYYY-MM-DD`, e.g. `2027-06-30`.',
  },
  MS1261: {
    severity: 'error',
    title: 'suppression names unknown subject',
    explanation: 'A suppression\'s `rule` names no rule, guardrail, segment, service or external.',
  },
  MS1262: {
    severity: 'error',
    title: 'suppression without reason',
    explanation: 'Every suppression states a non-empty `reason`, so that reviewers see why a finding is accepted.',
  },
  MS1263: {
    severity: 'error',
    title: 'invalid suppression id',
    explanation: 'A suppression `id` is a diagnostic code such as `MS3002`.',
  },
  MS1301: {
    severity: 'error',
    title: 'policy directory without a base',
    explanation: 'A policy directory needs exactly one document of `kind: SegmentationPolicy` (the base: labels, network, shared externals and services, guardrails, `ownership`). Teams add `kind: PolicyFragment` files beside it.',
  },
  MS1302: {
    severity: 'error',
    title: 'second base in a policy directory',
    explanation: 'Only one file of a policy directory may be `kind: SegmentationPolicy`; the message names the base. A team writes `kind: PolicyFragment`.',
  },
  MS1304: {
    severity: 'error',
    title: 'name declared in two files',
    explanation: 'Segment, external, service, rule and guardrail names are global across a policy directory. The error sits at the later file (in sorted path order) and names the earlier one.',
  },
  MS1305: {
    severity: 'error',
    title: 'fragment segment outside its scope',
    explanation: "A fragment declares only segments whose labels match its `scope`, the label selector of the segments its team owns.",
  },
  MS1306: {
    severity: 'error',
    title: 'rule grants ingress outside its scope',
    explanation: "A fragment's rule may only grant ingress into its own scope: every segment on its `to` side must match the fragment's `scope`. A cross-team flow is written by the team that receives it.",
  },
  MS1307: {
    severity: 'error',
    title: 'egress to externals from outside the scope',
    explanation: "A fragment's rule towards externals or CIDRs grants egress of its `from` segments, so every segment on its `from` side must match the fragment's `scope`.",
  },
  MS1308: {
    severity: 'error',
    title: 'guardrail in a fragment not owned by security',
    explanation: "Guardrails are the security baseline: a fragment may hold them only when its `metadata.owner` is listed in the base's `ownership.security`.",
  },
  MS1309: {
    severity: 'error',
    title: 'scope is not a label selector',
    explanation: 'A fragment `scope` is a label selector such as `{app: billing}`; segment, external and CIDR references have no place in it.',
  },
  MS1311: {
    severity: 'error',
    title: 'standard without exactly one kind',
    explanation: 'Each entry of `standards:` has exactly one of `never`, `only` or `always`, each with `from`, `to` and `services`.',
  },
  MS1312: {
    severity: 'error',
    title: 'duplicate standard name',
    explanation: 'Standard names are unique across every standards document in use (the directory and every `--standards` file).',
  },
  MS2001: {
    severity: 'error',
    title: 'policy too large to compile',
    explanation:
      'The rules and guardrails relate more pairs of segments than the compiler holds in memory (20 million in all): each rule named relates every segment its `from` selects with every segment its `to` selects. Narrow the largest rules (a label, `sameLabels`), or split the policy; an allow from `{}` to `{}` between thousands of segments says little a guardrail could not say better.',
  },
  MS2002: {
    severity: 'info',
    title: 'expired allow left out',
    explanation:
      'An allow rule or allow guardrail is past its `expires` date (judged against `--today`, else `MICROSEG_TODAY`, else the clock, in UTC), so it is compiled on no target: temporary access ends on its date. Every command that compiles or judges the policy says which were left out. Delete the rule, or extend it after review.',
  },
  MS3001: {
    severity: 'warning',
    title: 'allow partly removed by a deny guardrail',
    explanation:
      'Part of what a rule allows is denied by a guardrail, so the rule does less than it reads. Narrow the rule to what the guardrail permits, or change the guardrail. See docs/lint.md.',
  },
  MS3002: {
    severity: 'error',
    title: 'allow wholly removed by deny guardrails',
    explanation:
      'Every flow a rule grants is denied by guardrails: the rule has no effect, yet readers believe it is in force. Delete it or change the guardrail. See docs/lint.md.',
  },
  MS3003: {
    severity: 'warning',
    title: 'shadowed or duplicate rule',
    explanation:
      'Every flow the rule grants is granted by other rules too; deleting it changes nothing. Delete or merge it. See docs/lint.md.',
  },
  MS3004: {
    severity: 'error',
    title: 'admin port open to the world',
    explanation:
      'A world-sized address set (at least half of the IPv4 or IPv6 space after `except` and deny guardrails) reaches an administrative or data port (SSH, RDP, databases, caches, …; extend with `lint.adminPorts`). Restrict the source. See docs/lint.md.',
  },
  MS3005: {
    severity: 'warning',
    title: 'broad east-west allow',
    explanation:
      'An allow between every pair of segments, or of a whole protocol (`any`, `tcp`, `udp`) between segments, permits lateral movement. Name segments and ports. See docs/lint.md.',
  },
  MS3006: {
    severity: 'warning',
    title: 'segments reach each other through address-based rules',
    explanation:
      "A flow between two segments exists only because an external or CIDR term covers a segment's addresses. Add `except` for internal ranges or write the identity rule. See docs/lint.md.",
  },
  MS3007: {
    severity: 'warning',
    title: 'allow expired',
    explanation:
      'An allow rule or allow guardrail has an `expires` date in the past, so it is left out of every compiled output (the access has ended), while the policy still reads as if it granted it. Delete it, or extend it after review. See docs/lint.md.',
  },
  MS3008: {
    severity: 'info',
    title: 'rule expires soon',
    explanation:
      '`expires` falls within `lint.expiryWarningDays` (default 30) from today. See docs/lint.md.',
  },
  MS3009: {
    severity: 'warning',
    title: 'unused service',
    explanation:
      'A service declared in `services` is referenced by no rule, guardrail, other service or `lint.adminPorts`. See docs/lint.md.',
  },
  MS3010: {
    severity: 'warning',
    title: 'unused external',
    explanation:
      'An external is named by no rule or guardrail. See docs/lint.md.',
  },
  MS3011: {
    severity: 'warning',
    title: 'segment selected by no allow',
    explanation:
      'No allow selects the segment, so its workloads can neither send nor receive. See docs/lint.md.',
  },
  MS3012: {
    severity: 'warning',
    title: 'suppression matches no finding',
    explanation:
      'A suppression in `suppressions:` acknowledges no finding: it is stale or mistyped. See docs/lint.md.',
  },
  MS3013: {
    severity: 'error',
    title: 'deny guardrail expired',
    explanation:
      'A deny guardrail has an `expires` date in the past. It is still compiled and enforced (a lapsing deny must never widen access on its own), which is not what its writer meant: delete it to open what it denies, or extend or drop `expires` to keep it. See docs/lint.md.',
  },
  MS3101: {
    severity: 'error',
    title: 'standard broken: never',
    explanation: 'A `never` standard says no flow may be allowed from `from` to `to` on its services; a rule or allow guardrail grants one. The finding sits at the rule responsible, with an example flow. Standards are not suppressible from the policy: change the rule, or the standard.',
  },
  MS3102: {
    severity: 'error',
    title: 'standard broken: only',
    explanation: 'An `only` standard says every allowed flow into `to` on its services comes from `from`; a rule or allow guardrail admits one from elsewhere (another segment, or an outside host at an address `from` does not name). The finding sits at the rule responsible, with an example flow.',
  },
  MS3103: {
    severity: 'error',
    title: 'standard broken: always',
    explanation: 'An `always` standard says flows from `from` to `to` on its services must stay allowed; some is not (no rule grants it, or a deny guardrail removes it). The finding sits at the standard, with an example flow and the guardrails that deny it.',
  },
  MS3104: {
    severity: 'warning',
    title: 'standard selects nothing in this policy',
    explanation: 'A selector of a standard names a label, value, segment or external this policy does not have, so that part of the standard judges nothing here. One org-wide standards file serves many repositories, so this is a warning; check the spelling.',
  },
  MS3105: {
    severity: 'error',
    title: 'standard names an unknown service',
    explanation: 'A service in a standard is a literal spec (`tcp/22`), a built-in service name, or a name from the policy\'s `services`. An unknown one would make the standard judge nothing.',
  },
  MS4001: {
    severity: 'error',
    title: 'aws: address deny splits a segment',
    explanation:
      'A deny guardrail names addresses that cover part, but not all, of the addresses a segment may hold, while an allow admits that segment by identity. A security group reference matches every workload of the segment wherever it sits, and AWS has no deny, so "this segment but not at these addresses" cannot be written; the compile fails unless the other side of the flow already blocks it. Declare `addresses` for the segment that the deny covers wholly or not at all.',
  },
  MS4002: {
    severity: 'error',
    title: 'aws: too many rules for the groups of one interface',
    explanation:
      'AWS allows 60 inbound and 60 outbound rules per security group, counted apart for IPv4 and IPv6 (a rule referencing a group counts in both), and 5 groups per network interface by default. A segment\'s rules are spread over up to `targets.aws.maxGroupsPerInterface` groups, less the label groups its workloads attach; a segment short of room first gives up its label groups (and is referenced by its own group instead), and only when even that cannot fit is the policy refused. The message names the rules that contribute most; summarise externals, declare narrower `addresses`, or raise the quota and the setting together.',
  },
  MS4003: {
    severity: 'error',
    title: 'aws: all protocols but some',
    explanation:
      'A security group rule names one IP protocol, or all of them (`-1`). A side that admits every protocol except some (typically `any` minus a deny guardrail\'s tcp/22) would need one rule per remaining protocol number, far beyond the quota, so the compile fails rather than widen it. List the protocols the allow really needs (e.g. `tcp`, `udp`, `icmp`).',
  },
  MS4004: {
    severity: 'error',
    title: 'aws: invalid security group name',
    explanation: 'Security group names are at most 255 characters and must not start with `sg-`, which AWS reserves for group ids. Names are `<prefix><policy>-<segment>`; rename the policy or choose another prefix.',
  },
  MS4005: {
    severity: 'error',
    title: 'aws: flow log settings do not fit together',
    explanation:
      '`targets.aws.flowLogs` to `cloud-watch-logs` needs `iamRoleArn` (the role the flow-log service writes to the log group with) and takes no `perHourPartition`; to `s3` (the default) it takes no `iamRoleArn`, since the bucket policy grants delivery. See docs/lifecycle.md.',
  },
  MS4007: {
    severity: 'error',
    title: 'aws: services not expressible',
    explanation:
      'A security group rule takes ports for tcp and udp only, types and codes for ICMP, and every port for any other protocol number (SCTP is protocol 132). A rule that allows `sctp/PORT` cannot be written exactly on AWS, so the compile fails rather than admit every SCTP port; the message names the rule. Allow `sctp` (every port), or compile that policy for a target that takes SCTP ports (GCP, Kubernetes).',
  },
  MS4101: {
    severity: 'warning',
    title: 'aws: deny enforced by subtracting addresses',
    explanation:
      'AWS has no deny rules. A deny guardrail between two segments must still hold against address-based allows (an external, a CIDR) that reach the denied segment\'s addresses, so the compiler removes those addresses from the CIDRs on whichever side of the flow costs fewer rules. Every other host at those addresses is then blocked on those services too: the one deviation the spec permits for AWS. Declaring disjoint `addresses` per segment keeps such subtractions small or makes them vanish.',
  },
  MS4102: {
    severity: 'info',
    title: 'aws: setting left as a Terraform variable',
    explanation:
      '`targets.aws.region` or `targets.aws.vpcId` is not set, so the output declares a Terraform variable (`aws_region`, `vpc_id`) to be given at plan time rather than guessing a region or falling back to the default VPC.',
  },
  MS4103: {
    severity: 'info',
    title: 'aws: flow logs without a header line',
    explanation:
      'Flow logs delivered to CloudWatch Logs carry no header line naming the fields, so `stale` and `discover` cannot tell the custom format from the records: pass the format string the note prints as `--aws-format`. S3 delivery writes the header and needs no option.',
  },
  MS4104: {
    severity: 'info',
    title: 'aws: group kept from the previous output, holding no rules',
    explanation:
      "Compiled with the previous output (`compile --previous`, the construct's `previous`), a segment keeps every own group that output had, so an apply never destroys a security group that workloads carry (AWS refuses, and the workloads would lose its rules at once). A group its rules no longer need stays, empty, and identities.json lists it under `releasableSecurityGroups` instead of `securityGroups`: detach it from the workloads, then compile once with `--release` (construct: `release: true`) to destroy it. A later edit that needs the group again fills it and lists it under `securityGroups` again.",
  },
  MS5001: {
    severity: 'error',
    title: 'azure: services not expressible',
    explanation:
      'An Azure security rule has one protocol: Tcp, Udp (with ports), Icmp (every type, IPv4 and IPv6), Esp, Ah or `*` (everything). ICMP by type (`icmp/8`), ICMP of one family (`proto/1`, `icmpv6`), SCTP, GRE, IP-in-IP and other protocol numbers, and every protocol but some (`any` minus a deny), cannot be written exactly, so the compile fails, naming the rule, rather than widen it. Use `icmp`, `esp`, `ah`, tcp and udp services or `any`, or compile that rule for a target that expresses it (AWS takes protocol numbers and ICMP types).',
  },
  MS5002: {
    severity: 'error',
    title: 'azure: too many rules for one NSG',
    explanation:
      'Azure allows 1000 security rules per network security group. With the per-segment layout one segment\'s rules (both directions, plus two deny-alls) must fit one NSG. Merge rules, declare fewer address ranges, or split the segment.',
  },
  MS5003: {
    severity: 'error',
    title: 'azure: too many ASGs for one NSG',
    explanation:
      'Azure allows 100 application security groups across all rules of one NSG. With the per-segment layout a segment\'s NSG references the segment and every segment it talks to, except that a side written as values of one label (`{env: prod}`, without sameLabels) references one label ASG per value; more than 99 peer ASGs cannot be compiled exactly. Write broad sides by one label, without sameLabels, where the meaning allows.',
  },
  MS5004: {
    severity: 'error',
    title: 'azure: priority band full',
    explanation:
      'Deny rules take priorities 100–1099 and allows 1100–4095, per NSG and direction; 4096 is the explicit deny-all. A band with more rules than priorities cannot be compiled.',
  },
  MS5005: {
    severity: 'error',
    title: 'azure: invalid name prefix',
    explanation: 'The `namePrefix` starts with a letter or digit, holds only letters, digits, `-`, `_` and `.`, and is at most 30 characters so names stay within Azure\'s 80.',
  },
  MS5006: {
    severity: 'error',
    title: 'azure: subnets need one shared NSG',
    explanation:
      'A subnet takes one NSG, which then applies to every workload in it, so `subnetIds` require the shared layout: one NSG holding every segment\'s rules. Attach per-segment NSGs to NICs instead.',
  },
  MS5007: {
    severity: 'error',
    title: 'azure: too many ASGs per NIC',
    explanation:
      'Azure allows 20 application security groups per NIC IP configuration. A workload carries its segment\'s ASG plus one label ASG per label of its segment that some rule or guardrail side names by value alone (e.g. `{env: prod}`), so more than 19 such labels on one segment cannot be wired. Write some of those sides with more than one label, or as segment lists.',
  },
  MS5008: {
    severity: 'error',
    title: 'azure: guardrail not exact as a security admin rule',
    explanation:
      'With `targets.azure.guardrails: network-manager`, each deny guardrail becomes security admin rules, which match addresses, not application security groups: a denied segment is written as its `addresses`, the segments it protects as theirs. The rule is exact only when nothing else the policy admits lives at those addresses: no other segment whose addresses overlap, no address-based allow (an external, a CIDR) reaching into them. The message names one packet the rule would wrongly deny and what to declare: `addresses` for a segment that has none (it may then be anywhere in internalCidrs), disjoint addresses for two segments, or addresses outside an allow\'s CIDRs (or in its `except`).',
  },
  MS5009: {
    severity: 'error',
    title: 'azure: over Virtual Network Manager\'s admin rule limits',
    explanation:
      'Virtual Network Manager allows 100 security admin rules per level and 1000 IP prefixes in all admin rules combined. Each deny guardrail takes one rule per direction, protocol and address family (more with sameLabels); its prefixes are the CIDRs of the segments\' addresses and externals on both sides. Declare fewer, wider segment addresses or merge guardrails.',
  },
  MS5010: {
    severity: 'error',
    title: 'azure: network manager settings inconsistent',
    explanation:
      '`targets.azure.networkManager` is read only with `guardrails: network-manager` or `both`; `virtualNetworkIds` become static members of the network group the compiler emits, so they cannot go with `networkGroupId` (an existing group, whose members its owner manages).',
  },
  MS5101: {
    severity: 'info',
    title: 'azure: setting left as a Terraform variable',
    explanation:
      '`targets.azure.location` or `resourceGroupName` is not set, so the output declares a Terraform variable (`location`, `resource_group_name`) to be given at plan time.',
  },
  MS5102: {
    severity: 'info',
    title: 'azure: one NSG per segment',
    explanation:
      'The policy does not fit one NSG (1000 rules, 100 ASGs), so each segment gets its own NSG; `identities.json` lists it under `networkSecurityGroups`. Attach it to the NICs of that segment\'s workloads.',
  },
  MS5103: {
    severity: 'info',
    title: 'azure: defaults neutralised',
    explanation:
      'Explicit deny-all rules at priority 4096 override AllowVnetInBound, AllowAzureLoadBalancerInBound, AllowVnetOutBound and AllowInternetOutBound. Load balancer health probes therefore need a rule from an external holding 168.63.129.16/32.',
  },
  MS5104: {
    severity: 'info',
    title: 'azure: deny guardrails as security admin rules',
    explanation:
      'The deny guardrails are security admin rules of Virtual Network Manager, evaluated before every NSG and editable only by whoever may edit the network manager; the NSGs carry the allows and the deny-alls. Every workload\'s virtual network must be a member of the network group that `identities.json` lists under `networkGroups`, and the configuration must be deployed to the workloads\' region (the output\'s azurerm_network_manager_deployment, unless `deploy: false`).',
  },
  MS5105: {
    severity: 'info',
    title: 'azure: ASG kept from the previous output, named by no rule',
    explanation:
      "Compiled with the previous output (`compile --previous`, the construct's `previous`), every label ASG and the all-segments ASG that output listed for a segment stay, so an apply never destroys an ASG a NIC still names (Azure refuses, and the apply would fail half-way). One no rule references any more stays, named by no rule, and identities.json lists it under `releasableApplicationSecurityGroups` instead of `applicationSecurityGroups`: detach it from the NICs, then compile once with `--release` (construct: `release: true`) to destroy it. A later edit whose rule names it again lists it under `applicationSecurityGroups` again.",
  },
  MS6001: {
    severity: 'error',
    title: 'gcp: invalid name prefix',
    explanation: 'The GCP name prefix (default: the policy name) starts every firewall rule name and network tag, so it must match `[a-z]([-a-z0-9]*[a-z0-9])?` and be at most 40 characters.',
  },
  MS6002: {
    severity: 'error',
    title: 'gcp: service account needs a project',
    explanation:
      'With `targets.gcp.identity: serviceAccounts` the service-account emails are derived as `<prefix>-<segment>@<project>.iam.gserviceaccount.com`; set `targets.gcp.project`, or pass `serviceAccounts` per segment to the construct.',
  },
  MS6003: {
    severity: 'error',
    title: 'gcp: egress exception would hide another allow',
    explanation:
      'An egress allow of every protocol minus a deny guardrail\'s services (e.g. `any` minus tcp/22) is written as an allow of `all` plus a higher-priority deny of the rest. When another such allow of the same segment covers overlapping addresses, that deny would also hide services it grants, so the output would be stricter than the policy. Give the segments disjoint `addresses`, or narrow the services.',
  },
  MS6004: {
    severity: 'error',
    title: 'gcp: firewall name collision',
    explanation: 'Two generated firewall rules would get the same name (names are unique per project). Rename the rule or guardrail.',
  },
  MS6005: {
    severity: 'error',
    title: 'gcp: guardrail cannot be matched exactly by the hierarchical firewall policy',
    explanation:
      'With `targets.gcp.guardrails: hierarchical` every deny guardrail goes to a hierarchical firewall policy, whose rules cannot match network tags, match service accounts only as targets, and match secure tags only from an organization tag key (`targets.gcp.tagParent: organizations/…`). A segment on a side the layer cannot match by identity is matched by its addresses, which is exact only when the segment declares `addresses` that no other segment holds and no rule admits outside hosts there on the guardrail\'s services. Declare such addresses, or use `identity: secure-tags` with an organization tag key.',
  },
  MS6008: {
    severity: 'error',
    title: 'gcp: ICMP types not expressible',
    explanation:
      'A GCP firewall rule matches ICMP (`icmp` in IPv4 rules, `58` in IPv6 rules) with every type and code: it takes no ICMP types. A rule or guardrail with `icmp/TYPE[/CODE]` or `icmpv6/TYPE[/CODE]` cannot be written exactly, so the compile fails, naming it, rather than admit (or deny) every ICMP type. Allow `icmp`, or compile that policy for AWS, which takes ICMP types and codes. Protocols by name or number (`esp`, `gre`, `proto/N`) and SCTP ports compile on GCP.',
  },
  MS6100: {
    severity: 'info',
    title: 'gcp: egress towards shared addresses',
    explanation:
      'GCP egress rules cannot name destination tags, so egress towards a segment goes to its addresses. Those are shared with other segments, so that egress also reaches them there; their ingress still decides. This is the deviation the spec permits for GCP. Disjoint `addresses` make it vanish.',
  },
  MS6101: {
    severity: 'info',
    title: 'gcp: egress towards undeclared addresses',
    explanation:
      'The segment declares no `addresses`, so egress towards it is egress to all of `network.internalCidrs`: any host there is reachable on those services, subject to its own ingress. Declare `addresses` to narrow it.',
  },
  MS6102: {
    severity: 'info',
    title: 'gcp: guardrail enforced on ingress',
    explanation:
      'A deny guardrail between segments is enforced on the destination\'s ingress by source identity (tags or service accounts), at a priority above every allow; egress allows towards the destination leave out the denied services.',
  },
  MS6103: {
    severity: 'info',
    title: 'gcp: Terraform variable for a missing setting',
    explanation: '`targets.gcp.project` or `targets.gcp.network` (or, with `guardrails: hierarchical`, `targets.gcp.guardrailParent`) is not set; the output declares the Terraform variable `gcp_project`, `gcp_network` or `gcp_guardrail_parent`, to be given at plan time.',
  },
  MS6104: {
    severity: 'info',
    title: 'gcp: guardrail placed in the hierarchical firewall policy',
    explanation:
      'The deny guardrail is a rule of the hierarchical firewall policy (folder or organization), evaluated before the project\'s firewall rules and editable only by whoever holds compute.orgFirewallPolicyAdmin there; traffic it does not deny is passed on with goto_next. Egress allows towards the denied segments still leave out its services.',
  },
  MS6105: {
    severity: 'info',
    title: 'gcp: rules in a global network firewall policy',
    explanation:
      'With secure tags the rules are a global network firewall policy associated with the network. GCP evaluates the network\'s VPC firewall rules first unless the network\'s `network_firewall_policy_enforcement_order` is BEFORE_CLASSIC_FIREWALL: VPC firewall rules of others that target every instance (a default network\'s allow-internal) decide before ours. Remove them or set the enforcement order.',
  },
  MS7001: {
    severity: 'error',
    title: 'verify: output admits a flow the policy denies',
    explanation:
      'The compiled output, evaluated the way the cloud does (defaults included), allows a flow that the policy\'s meaning denies. The report gives an example flow, the policy rules that decide it and the output resources that let it through. This is a compiler defect or a hand edit of the output: never deploy it.',
  },
  MS7002: {
    severity: 'error',
    title: 'verify: output denies a flow the policy allows',
    explanation:
      'The compiled output blocks a flow that the policy allows, beyond the deviations the spec permits at shared addresses. The report gives an example flow, the rules that allow it and the output resources that decide against it.',
  },
  MS7003: {
    severity: 'info',
    title: 'verify: tolerated deviation at shared addresses',
    explanation:
      'A flow differs from the meaning only in a way the spec permits: AWS stricter where a deny guardrail was enforced by subtracting a segment\'s addresses, or GCP looser on egress towards addresses of a segment that egress admits by identity. Declare disjoint `addresses` per segment to make it vanish.',
  },
  MS7010: {
    severity: 'error',
    title: 'verify: unresolved reference or expression',
    explanation:
      'A value the verifier needs (a group, an NSG, an address, a port) is a Terraform expression it cannot evaluate or a reference to a resource that is not in the output. The verifier never guesses, so the verdict is inconclusive.',
  },
  MS7011: {
    severity: 'error',
    title: 'verify: construct not modelled',
    explanation:
      'The output uses a resource type or field that changes what the cloud admits but that the verifier does not model (network ACLs, firewall policies, service tags other than VirtualNetwork, Internet and AzureLoadBalancer, count/for_each), or a value the cloud would reject. The verdict is inconclusive; see docs/verification.md.',
  },
  MS7012: {
    severity: 'error',
    title: 'verify: identities.json does not match the output',
    explanation:
      'identities.json lists no identities for a segment of the policy, or names a resource that the output does not contain. Without it the verifier cannot tell what a workload carries.',
  },
  MS7013: {
    severity: 'error',
    title: 'verify: cannot read the compiled output',
    explanation: '`DIR/<target>/cdk.tf.json` or `identities.json` is missing or is not JSON. Compile first: `microseg compile POLICY --target T --out DIR`.',
  },
  MS8001: {
    severity: 'error',
    title: 'analysis: unreadable inventory',
    explanation: 'The inventory is not well-formed YAML, JSON or CSV, is not a list of workloads (or a mapping with `workloads:`), or is too large. Nothing is analysed from a half-read inventory.',
  },
  MS8002: {
    severity: 'error',
    title: 'analysis: workload without name or address',
    explanation: 'Every inventory row needs a `name` and one `address`; the row is skipped and the command exits 1.',
  },
  MS8003: {
    severity: 'error',
    title: 'analysis: invalid workload address',
    explanation: 'A workload address must be one IPv4 or IPv6 address (a /32 or /128 host route is accepted). Ranges and names are refused: a flow is mapped to a workload by its exact address.',
  },
  MS8004: {
    severity: 'error',
    title: 'analysis: duplicate workload name',
    explanation: 'Two inventory rows have the same `name`; the later one is skipped. Workload names identify rows in every report, so they must be unique.',
  },
  MS8005: {
    severity: 'error',
    title: 'analysis: invalid workload labels',
    explanation: '`labels` must be a mapping of label to one value (in CSV: a `labels` column of `k=v` pairs separated by `;`, or one `labels.<k>` column per label).',
  },
  MS8006: {
    severity: 'warning',
    title: 'analysis: unknown inventory field',
    explanation: 'Inventory rows know `name`, `address`, `labels`, `cloud` and `account`; other fields are ignored, which is reported in case a label was meant (`labels.env` in CSV).',
  },
  MS8010: {
    severity: 'warning',
    title: 'analysis: malformed flow-log records skipped',
    explanation: 'Lines or flow tuples that do not parse (wrong field count, invalid address, port or protocol, broken JSON, over-long line, damaged gzip) are skipped and counted; the first few are shown. The analysis goes on with the rest, so counts may be slightly low.',
  },
  MS8011: {
    severity: 'error',
    title: 'analysis: flow-log format not recognised',
    explanation: "The format is detected from the content: AWS VPC or Transit Gateway Flow Logs text (a header line or default-format records, optionally with CloudWatch's timestamp prefix), CloudWatch Logs JSON (`aws logs filter-log-events`), Azure NSG or VNet flow-log JSON (`flowTuples`), or GCP VPC Flow Logs / Firewall Rules Logging JSON (`jsonPayload.connection`). Gzip is accepted. A custom AWS format delivered without a header (CloudWatch Logs) is read with `--aws-format '<the format string as configured>'`.",
  },
  MS8012: {
    severity: 'warning',
    title: 'analysis: logs shorter than the window',
    explanation: 'The flow logs cover less time than `--days` asks for, so a rule reported stale may only be unused in the part of the window the logs show. Feed more logs or shorten the window.',
  },
  MS8013: {
    severity: 'warning',
    title: 'analysis: flow-log records without a verdict',
    explanation: "Records that do not say whether the traffic was let through (an AWS custom format without `${action}`, Transit Gateway flow logs, GCP VPC Flow Logs reports from the source VM, which GCP samples before egress firewall rules) are reported as seen, verdict unknown: `stale` never counts them as use (a stale rule they match says so) and `discover` never proposes a rule from them. Add `${action}` to the AWS format, or read the destination's reports.",
  },
  MS8014: {
    severity: 'warning',
    title: 'analysis: every record outside the window',
    explanation: 'The window ends now (or at `--until`) and reaches back `--days`; this log holds records, but none inside it. The warning names the span the log covers: pass `--until` inside it, or read newer logs.',
  },
  MS8020: {
    severity: 'error',
    title: 'analysis: unreadable query result',
    explanation: 'A `--from-query-result` file must be the CSV (with a header row) or JSON (an array of objects, or newline-delimited objects) that the warehouse returned for the query `--emit-sql` printed, with the columns that query selects.',
  },
  MS8030: {
    severity: 'error',
    title: 'analysis: unreadable Terraform state',
    explanation: '`drift --state` reads the JSON of `terraform show -json` (state: `values.root_module`, plan: `planned_values.root_module` and `prior_state`), with `resources[]` and `child_modules[]`.',
  },
  MS9001: {
    severity: 'error',
    title: 'kubernetes: address deny splits a segment',
    explanation:
      'NetworkPolicy has no deny, and a pod selector matches every pod of a segment wherever it sits. A deny guardrail naming addresses that cover part, but not all, of the addresses a segment may hold, while an allow admits that segment by selector, cannot be written exactly, unless the other side of the flow already blocks it. Declare `addresses` for the segment that the deny covers wholly or not at all. See docs/kubernetes.md.',
  },
  MS9002: {
    severity: 'error',
    title: 'kubernetes: services NetworkPolicy cannot name',
    explanation:
      'A NetworkPolicy port names TCP, UDP or SCTP with a port or range in 1–65535, and a rule without ports admits every protocol. ICMP, other IP protocols, or "every port but some" (e.g. `any` or `tcp` minus a deny guardrail) cannot be written, so the compile fails rather than widen or narrow the policy. List tcp or udp services instead. See docs/kubernetes.md.',
  },
  MS9003: {
    severity: 'error',
    title: 'kubernetes: invalid setting or name',
    explanation:
      '`targets.kubernetes` must name namespaces that are DNS labels (at most 63 characters), a `labelPrefix` that is a DNS subdomain followed by `/`, a `namespace.fromLabel` that is a label dimension, and NetworkPolicy names of at most 253 characters.',
  },
  MS9004: {
    severity: 'error',
    title: 'kubernetes: AdminNetworkPolicy over its quota',
    explanation:
      'One AdminNetworkPolicy holds at most 100 ingress and 100 egress rules (policy.networking.k8s.io/v1alpha1). With `guardrails: admin-network-policy` each segment gets one policy with a rule per deny guardrail that reaches it (more when a guardrail names over 100 segments or 2,500 CIDRs). Merge guardrails, or keep them in the NetworkPolicy layer. See docs/kubernetes.md.',
  },
  MS9101: {
    severity: 'warning',
    title: 'kubernetes: deny enforced by excepting addresses',
    explanation:
      'NetworkPolicy has no deny. A deny guardrail between two segments must still hold against ipBlock allows that reach the denied segment\'s addresses, so the compiler excepts those addresses from the ipBlocks on whichever side of the flow costs fewer blocks. Every other host at those addresses is then blocked on those services too, the deviation the spec permits where a target has no deny. Declaring disjoint `addresses` per segment keeps such subtractions small or makes them vanish.',
  },
  MS9102: {
    severity: 'info',
    title: 'kubernetes: guardrail kept in the NetworkPolicy layer',
    explanation:
      'AdminNetworkPolicy ports name numbered TCP, UDP or SCTP ports (1–65535), or every protocol. A deny guardrail on other services (ICMP, other IP protocols, every port but some, or every port of one protocol, which would leave port 0 out) cannot be an AdminNetworkPolicy rule, so it is compiled into the NetworkPolicies as without the option, exactly. Write ports (e.g. tcp/1-65535) or `any` to move it. See docs/kubernetes.md.',
  },
  MS9103: {
    severity: 'info',
    title: 'kubernetes: source-address deny kept in the NetworkPolicy layer',
    explanation:
      'AdminNetworkPolicy ingress rules match pods and namespaces, not addresses. The part of a deny guardrail that names source addresses stays in the NetworkPolicies, where it is written exactly as ipBlock `except` entries; the segment and destination-address parts are AdminNetworkPolicy rules. See docs/kubernetes.md.',
  },
};

/** Severity of a code; unknown codes are errors (fail closed). */
export function severityOf(code: string): Severity {
  return CODES[code]?.severity ?? 'error';
}

/** MS0xxx: bad usage or unreadable input; the CLI exits 2 rather than 1. */
export function isUsageCode(code: string): boolean {
  return /^MS0\d{3}$/.test(code);
}
