/**
 * Generates docs/policy-reference.md from docs/policy.schema.json (itself
 * generated from the loader's schema): one table per object, every field
 * with its type, whether it is required, its constraints and its
 * description. The prose around the tables (service specs, selectors, the
 * meaning in short) is fixed text here. `UPDATE_DOCS=1 npx jest test/docs`
 * rewrites the page; the test fails when it is out of step.
 */

type Schema = Record<string, any>;

const HEADER = `# Policy reference

<!-- Generated from docs/policy.schema.json by test/docs/policy-reference.ts.
     Do not edit: run \`UPDATE_DOCS=1 npx jest test/docs\`. -->

Every field of a \`SegmentationPolicy\` document (YAML or JSON), generated
from the JSON Schema that the loader validates against
([\`docs/policy.schema.json\`](policy.schema.json); point your editor's YAML
language server at it for completion:
\`# yaml-language-server: $schema=<path>/policy.schema.json\`). Unknown keys
are errors everywhere: a typo never silently widens or narrows a policy.
The schema checks shape; the loader also checks references (labels,
segments, externals, services), CIDRs, port ranges and uniqueness, each
as a located diagnostic ([docs/diagnostics.md](diagnostics.md)).

In TypeScript the same document is written with
\`SegmentationPolicy.define({ name, labels, segments, ... })\`: \`name\` and
\`description\` replace \`metadata\`, \`apiVersion\` and \`kind\` are implied,
and label values are checked by the compiler.
`;

const FOOTER = `
## Service specs

| spec | meaning |
|---|---|
| \`tcp/443\`, \`udp/53\` | one port |
| \`tcp/8000-8099\` | an inclusive range, low ≤ high, 1–65535 |
| \`tcp\`, \`udp\` | every port of that protocol |
| \`sctp/2905\`, \`sctp/36412-36413\`, \`sctp\` | SCTP (IP protocol 132), like tcp and udp |
| \`icmp\` | all ICMP (ICMPv6 for IPv6 addresses) |
| \`icmp/8\`, \`icmp/3/4\` | ICMP for IPv4 of one type (every code), or one type and code; types and codes 0–255 |
| \`icmpv6\`, \`icmpv6/128\`, \`icmpv6/1/4\` | ICMPv6 for IPv6: all of it, one type, or one type and code |
| \`esp\`, \`ah\`, \`gre\`, \`ipip\` | IPsec ESP (50), AH (51), GRE (47), IP-in-IP (4): every packet of that protocol (they have no ports) |
| \`proto/N\` | every packet of IP protocol N, 0–255; a number with a spec of its own means that spec: \`proto/6\` is \`tcp\`, \`proto/17\` \`udp\`, \`proto/132\` \`sctp\`, \`proto/1\` ICMP for IPv4 and \`proto/58\` \`icmpv6\` |
| \`any\` | every IP protocol, every port |
| a name from \`services\` | its list (see also [services.md](services.md) for the built-in names) |

Which target writes which spec exactly: every target writes tcp and udp ports and \`any\`, the clouds \`icmp\`. AWS writes every protocol number
and ICMP types and codes, but no SCTP ports (MS4007); Azure writes Esp and Ah besides, nothing else (MS5001); GCP writes
protocols by name or number and SCTP ports, but no ICMP types (MS6008); Kubernetes writes TCP, UDP and SCTP ports only
(MS9002). A target that cannot write a rule exactly fails with a located error naming the rule, never a wider rule.

## Selectors (\`from\`, \`to\`)

| form | matches |
|---|---|
| \`{env: prod, tier: [web, app]}\` | every segment whose labels match: values of one label OR-ed, labels AND-ed; a label not named is unconstrained |
| \`{}\` | every segment |
| \`{segment: shop-web-prod}\` or \`{segments: [a, b]}\` | those segments |
| \`{external: internet}\` or \`{externals: [a, b]}\` | those externals (their \`cidrs\` minus \`except\`) |
| \`{cidrs: [203.0.113.0/24]}\` | an anonymous external |
| a list of the above | their union |

A label selector that matches no segment is an error in \`rules\` and a
warning in \`guardrails\`. A rule or guardrail whose both sides can only be
externals is an error (no workload of ours would enforce it).
\`sameLabels: [k…]\` keeps only pairs of segments with equal values for
every listed label, and is an error when either side can be an external.

## What a policy means, in short

- A segment is an identity (an AWS security group, an Azure application
  security group, a GCP network tag); an external is a set of addresses.
- A flow from a workload of S to a workload of D on a service is allowed
  exactly when S's egress admits it and D's ingress admits it; from or to an
  outside host, only our side decides. Everything else is denied, including
  traffic between two workloads of the same segment.
- Guardrails with \`action: deny\` beat every allow; order never matters.
- Cloud defaults (AWS default egress, Azure's AllowVnetInBound and
  AllowInternetOutBound, GCP's implied allow-egress) are neutralised.

Where a cloud can only match by address, two deviations are permitted at
addresses shared by several endpoints (AWS stricter, GCP egress looser);
each is reported when it applies. Per-cloud details: [aws.md](aws.md),
[azure.md](azure.md), [gcp.md](gcp.md).
`;

const DIRECTORIES = `
## Policy directories

Every command that takes POLICY (and \`--base-ref\`) also takes a
directory: every \`*.yaml\`, \`*.yml\` and \`*.json\` under it, in sorted path
order (names starting with \`.\` are skipped, so \`.github/\` may live
inside). Each file holds one document:

- exactly one \`kind: SegmentationPolicy\`, the **base**: labels, network,
  shared externals and services, guardrails, targets, suppressions, and
  optionally segments and rules, as in a single file. It declares who the
  security team is: \`ownership: {security: [team-security]}\`.
- any number of \`kind: PolicyFragment\` documents, one per team (below);
- any number of \`kind: SegmentationStandards\` documents (see Standards).

The directory means the base with every fragment's segments, externals,
services, guardrails and rules added, in file order: one policy, compiled
exactly as the equivalent single file (order never matters to the meaning).
A directory holding only a base means that base; a single file works as
before. Every diagnostic names the file it is about, e.g.
\`policy/billing.yaml:27:9 error MS1306 rule 'x' grants ingress into
'shop-db-prod', outside scope {app: billing}\`.

What a fragment may do:

- **Names are global.** A segment, external, service, rule or guardrail
  declared in two files is an error at the later one naming the earlier
  (MS1304).
- **Segments** must match the fragment's \`scope\` (a label selector with
  declared labels and values; MS1305, MS1309).
- **Rules** may only grant ingress into the scope: every segment their
  \`to\` side selects matches \`scope\` (MS1306). A rule towards externals or
  CIDRs grants egress of its \`from\` segments, so those must match \`scope\`
  too (MS1307). A cross-team flow is written by the team that receives it;
  its source's egress comes with it, as in a single file.
- **Guardrails** only when \`metadata.owner\` is in the base's
  \`ownership.security\` (MS1308).
- A rule without \`owner\` answers to the fragment's \`metadata.owner\`
  (reports, \`stale\`, the HTML report show it).

Pair it with a CODEOWNERS file mapping each file to its owner, so review
follows ownership: [examples/teams](../examples/teams) shows a base, three
team fragments, org standards, CODEOWNERS and the CI workflow.
`;

const STANDARDS = `
## Standards

A \`kind: SegmentationStandards\` document (in the policy directory, or given
with \`--standards FILE\` or \`--standards DIR\` (every document under it), repeatable, so one org-wide file serves many
repositories) lists named standards, each exactly one of:

| kind | holds when |
|---|---|
| \`never: {from, to, services}\` | no flow from \`from\` to \`to\` on these services is allowed |
| \`only: {to, services, from}\` | every allowed flow into \`to\` on these services comes from \`from\` |
| \`always: {from, to, services}\` | every flow from \`from\` to \`to\` on these services is allowed (availability) |

\`\`\`yaml
apiVersion: microseg/v1
kind: SegmentationStandards
metadata: {name: org-baseline, owner: team-security}
standards:
  - {name: prod-db-only-from-app, only: {to: {env: prod, tier: db}, from: {tier: app}, services: [any]}}
  - {name: no-world-admin, never: {from: {cidrs: [0.0.0.0/0, "::/0"]}, to: {}, services: [tcp/22, tcp/3389]}}
  - {name: monitoring-scrapes, always: {from: {segment: monitoring}, to: {}, services: [tcp/9100]}}
\`\`\`

Selectors are written as in rules. Label selectors, \`{}\` and segment names
select **workloads of segments**, anywhere in their addresses; externals
and \`cidrs\` select **outside hosts** at those addresses (hosts that are no
workload of ours). A workload is always judged as its segment: "only from
the app tier" is broken by a web workload that reaches the database through
an address rule its address falls in, and \`never from {cidrs: [0.0.0.0/0]}\`
is about hosts outside our segments, not about east-west ssh between them.
Flows between two outside hosts are never judged. Names the policy lacks
select nothing and are a warning (MS3104); an unknown service is an error
(MS3105).

Standards never change what is compiled. \`microseg lint\` judges the
policy's meaning, exactly (every address atom, every service): a broken
\`never\` or \`only\` is an error at each rule or allow guardrail that grants a
forbidden flow (MS3101, MS3102), a broken \`always\` an error at the standard
naming the guardrails that deny it (MS3103), each with an example flow, in
every report format; policy suppressions do not apply. \`microseg verify
--standards FILE\` judges the compiled output the same way, through the
same evaluator with the cloud's own evaluation of the Terraform JSON, so a
hand-edited plan that opens a forbidden flow or closes a required one is
caught. See [ci.md](ci.md).
`;

function code(s: string): string {
  return '`' + s.replace(/\|/g, '\\|') + '`';
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A short type name: `string`, `list of string`, `map of string to list of string`, `a | b`. */
export function typeOf(s: Schema): string {
  if (s.const !== undefined) return code(JSON.stringify(s.const));
  if (s.enum) return s.enum.map((v: unknown) => code(JSON.stringify(v))).join(' or ');
  if (s.anyOf) return [...new Set(s.anyOf.map(typeOf))].join(' or ');
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'anything'}`;
  if (s.type === 'object') {
    if (s.properties) return 'object';
    if (s.additionalProperties && typeof s.additionalProperties === 'object') return `map of ${s.propertyNames?.type ?? 'string'} to ${typeOf(s.additionalProperties)}`;
    return 'object';
  }
  return s.type ?? 'any';
}

/** Constraints worth a reader's attention: pattern, lengths, ranges. */
export function constraintsOf(s: Schema): string {
  const target = s.type === 'array' && s.items ? s.items : s;
  const out: string[] = [];
  if (target.pattern) out.push(`pattern ${code(target.pattern)}`);
  if (target.minLength !== undefined) out.push(`≥ ${target.minLength} chars`);
  if (target.maxLength !== undefined) out.push(`≤ ${target.maxLength} chars`);
  if (target.minimum !== undefined) out.push(`≥ ${target.minimum}`);
  if (target.maximum !== undefined) out.push(`≤ ${target.maximum}`);
  if (s.type === 'array' && s.minItems !== undefined) out.push(`at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`);
  if (s.type === 'object' && s.propertyNames?.pattern) out.push(`keys ${code(s.propertyNames.pattern)}`);
  return out.join(', ');
}

/** The object schema a field holds, if any (directly or as list items / map values). */
function objectOf(s: Schema): Schema | undefined {
  if (s.type === 'object' && s.properties) return s;
  if (s.type === 'array' && s.items?.type === 'object' && s.items.properties) return s.items;
  if (s.type === 'object' && s.additionalProperties?.type === 'object' && s.additionalProperties.properties) return s.additionalProperties;
  return undefined;
}

function table(path: string, obj: Schema, out: string[]): void {
  const required = new Set<string>(obj.required ?? []);
  out.push('', path === '(top level)' ? '## Top level' : `## ${code(path)}`, '');
  if (obj.description) out.push(cell(obj.description), '');
  out.push('| field | type | required | constraints | description |', '|---|---|---|---|---|');
  const nested: [string, Schema][] = [];
  for (const [name, field] of Object.entries<Schema>(obj.properties)) {
    out.push(`| ${code(name)} | ${cell(typeOf(field))} | ${required.has(name) ? 'yes' : 'no'} | ${cell(constraintsOf(field))} | ${cell(field.description ?? '')} |`);
    const inner = objectOf(field);
    if (inner) nested.push([`${path === '(top level)' ? '' : path + (objectOf(obj) === obj && obj !== inner ? '.' : '')}${name}${field.type === 'array' ? '[]' : ''}`, inner]);
  }
  for (const [p, inner] of nested) table(p, inner, out);
}

export function policyReference(schema: Schema, more: { fragment?: Schema; standards?: Schema } = {}): string {
  const out: string[] = [HEADER.trimEnd()];
  out.push('', `Schema: ${code(schema.$id ?? '')}, ${cell(schema.title ?? '')}.`);
  table('(top level)', schema, out);
  let text = out.join('\n') + '\n' + FOOTER;
  if (more.fragment) {
    const f: string[] = [DIRECTORIES.trimEnd(), '', `Schema: ${code(more.fragment.$id ?? '')} ([\`docs/policy-fragment.schema.json\`](policy-fragment.schema.json)).`];
    table('PolicyFragment', more.fragment, f);
    text += '\n' + f.join('\n') + '\n';
  }
  if (more.standards) {
    const st: string[] = [STANDARDS.trimEnd(), '', `Schema: ${code(more.standards.$id ?? '')} ([\`docs/standards.schema.json\`](standards.schema.json)).`];
    table('SegmentationStandards', more.standards, st);
    text += '\n' + st.join('\n') + '\n';
  }
  return text;
}
