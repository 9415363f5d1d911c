/**
 * docs/diagnostics.md, generated from the CODES registry so the reference
 * cannot fall behind the code (test/model/codes.test.ts compares them;
 * `UPDATE_DOCS=1 npx jest test/model/codes` rewrites the file).
 */
import { CODES } from './codes';

const RANGES: [string, string][] = [
  ['MS0', 'Usage and input/output (the CLI exits with status 2)'],
  ['MS1', 'Policy document: loading, schema and validation'],
  ['MS2', 'Resolution'],
  ['MS3', 'Lint findings'],
  ['MS4', 'AWS target'],
  ['MS5', 'Azure target'],
  ['MS6', 'GCP target'],
  ['MS7', 'Verification'],
  ['MS8', 'Analyses and other commands'],
];

const HEADER = `# Diagnostics

<!-- Generated from lib/model/codes.ts by test/model/codes.test.ts (UPDATE_DOCS=1). Do not edit by hand. -->

Every problem is reported as \`file:line:col severity code message\`, for
example:

\`\`\`
policy.yaml:12:7 error MS1001 unknown label value 'prd' for 'env' (did you mean 'prod'?)
\`\`\`

Policies built in TypeScript (\`SegmentationPolicy.define\`, \`fromObject\`)
have no line numbers; their diagnostics name the path instead:
\`<define>:rules[2].from\`. Diagnostics are sorted by position, and every
problem of a file is reported in one run. A document with any error produces
no output at all. Severities below are the defaults; \`--fail-on\` decides
which of them fail a command.

Where a problem is a mapping entry, unknown and duplicate keys point at the
key, bad values at the value, and a missing key at the mapping that lacks it.

Decisions where the format specification is silent:

- Entries of the \`services\` map are literal specs only; a name there is
  refused (MS1224) rather than expanded, so services cannot form cycles.
  Rules may name services from the map or from the built-in catalogue.
- External, service, rule and guardrail names follow the segment name
  pattern, at most 63 characters; policy and segment names at most 40.
- Ports in a policy are 1–65535; \`except: []\` is allowed, every other empty
  address list is an error.
- Anchors and aliases are refused outright, not only those that expand.
- After a syntax error, several documents, an alias, a prototype key or
  too-deep nesting, the document is not validated further: its contents
  are not reliable. Duplicate keys keep the first occurrence and validation
  goes on.
`;

export function diagnosticsMarkdown(): string {
  const codes = Object.keys(CODES).sort();
  const parts: string[] = [HEADER];
  for (const [prefix, title] of RANGES) {
    const inRange = codes.filter((c) => c.startsWith(prefix));
    if (inRange.length === 0) continue;
    parts.push(`\n## ${prefix}xxx: ${title}\n\n| code | severity | title |\n|---|---|---|\n`);
    parts.push(inRange.map((c) => `| [${c}](#${c.toLowerCase()}) | ${CODES[c].severity} | ${CODES[c].title} |`).join('\n') + '\n');
    for (const c of inRange) parts.push(`\n### ${c}\n\n**${CODES[c].title}** (${CODES[c].severity})\n\n${CODES[c].explanation}\n`);
  }
  const other = codes.filter((c) => !RANGES.some(([p]) => c.startsWith(p)));
  for (const c of other) parts.push(`\n### ${c}\n\n**${CODES[c].title}** (${CODES[c].severity})\n\n${CODES[c].explanation}\n`);
  return parts.join('');
}
