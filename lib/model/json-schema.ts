/**
 * JSON Schema of the policy format, generated from the zod schema so the two
 * cannot drift. Committed as docs/policy.schema.json for editors (YAML
 * language servers read `# yaml-language-server: $schema=…`);
 * test/model/json-schema.test.ts keeps the file in step
 * (`UPDATE_SCHEMA=1 npx jest test/model/json-schema` rewrites it).
 *
 * The JSON Schema checks shape, types, patterns and lengths; references,
 * label values and CIDRs need `microseg validate`.
 */
import { z } from 'zod';
import { fragmentDocumentSchema, policyDocumentSchema, standardsDocumentSchema } from './schema';

export const POLICY_SCHEMA_ID = 'urn:cdktf-microseg:policy:v1';

export function policyJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(policyDocumentSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema: $schema ?? 'https://json-schema.org/draft/2020-12/schema',
    $id: POLICY_SCHEMA_ID,
    title: 'cdktf-microseg SegmentationPolicy v1',
    ...baseMaySkipSegments(rest),
  };
}

/**
 * One schema serves a single-file policy and the base of a directory, whose
 * segments the team fragments may declare: the editor cannot tell the two
 * apart, so `segments` is optional here, and `microseg validate` requires
 * it of a single file (MS1101) and of a directory only when no fragment
 * has any.
 */
function baseMaySkipSegments(schema: Record<string, unknown>): Record<string, unknown> {
  const props = schema.properties as Record<string, { description?: string }>;
  return {
    ...schema,
    properties: { ...props, segments: { ...props.segments, description: `${props.segments.description} Required in a single file; in a directory's base, optional when fragments declare the segments.` } },
    required: (schema.required as string[]).filter((k) => k !== 'segments'),
  };
}

/** The committed file's text: two-space JSON with a final newline. */
export function policyJsonSchemaText(): string {
  return JSON.stringify(policyJsonSchema(), null, 2) + '\n';
}

export const FRAGMENT_SCHEMA_ID = 'urn:cdktf-microseg:policy-fragment:v1';
export const STANDARDS_SCHEMA_ID = 'urn:cdktf-microseg:standards:v1';

function generated(schema: z.core.$ZodType, id: string, title: string): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  return { $schema: $schema ?? 'https://json-schema.org/draft/2020-12/schema', $id: id, title, ...rest };
}

/** docs/policy-fragment.schema.json: a team fragment of a policy directory. */
export function fragmentJsonSchema(): Record<string, unknown> {
  return generated(fragmentDocumentSchema, FRAGMENT_SCHEMA_ID, 'cdktf-microseg PolicyFragment v1');
}

/** docs/standards.schema.json: org-wide segmentation standards. */
export function standardsJsonSchema(): Record<string, unknown> {
  return generated(standardsDocumentSchema, STANDARDS_SCHEMA_ID, 'cdktf-microseg SegmentationStandards v1');
}
