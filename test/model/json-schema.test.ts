import Ajv2020 from 'ajv/dist/2020';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { checkPolicySource } from '../../lib/model/policy';
import { fragmentJsonSchema, POLICY_SCHEMA_ID, policyJsonSchema, policyJsonSchemaText, standardsJsonSchema } from '../../lib/model/json-schema';

const schemaFile = path.join(__dirname, '../../docs/policy.schema.json');
const good = parse(fs.readFileSync(path.join(__dirname, '../fixtures/good/spec-example.yaml'), 'utf8'));

describe('policy JSON Schema', () => {
  it('docs/policy.schema.json is the generated schema (UPDATE_SCHEMA=1 regenerates)', () => {
    const text = policyJsonSchemaText();
    if (process.env.UPDATE_SCHEMA === '1') fs.writeFileSync(schemaFile, text);
    expect(fs.existsSync(schemaFile) ? fs.readFileSync(schemaFile, 'utf8') : '(missing: run UPDATE_SCHEMA=1 npx jest test/model/json-schema)').toBe(text);
  });

  it('has an id, a title and descriptions, and forbids unknown keys', () => {
    const s = policyJsonSchema() as { $id: string; title: string; additionalProperties: boolean; properties: Record<string, { description?: string }> };
    expect(s.$id).toBe(POLICY_SCHEMA_ID);
    expect(s.title).toMatch(/SegmentationPolicy/);
    expect(s.additionalProperties).toBe(false);
    expect(s.properties.segments.description).toBe("One identity per full label assignment. Required in a single file; in a directory's base, optional when fragments declare the segments.");
  });

  it('accepts the spec example and rejects typos, as a JSON Schema validator sees it', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(policyJsonSchema());
    expect(validate(good)).toBe(true);
    expect(validate({ ...good, segmnets: good.segments })).toBe(false);
    expect(validate({ ...good, metadata: { name: 'Shop' } })).toBe(false);
  });

  it.each([
    ['policy-fragment.schema.json', fragmentJsonSchema],
    ['standards.schema.json', standardsJsonSchema],
  ])('docs/%s is the generated schema (UPDATE_SCHEMA=1 regenerates)', (name, gen) => {
    const file = path.join(__dirname, '../../docs', name);
    const text = JSON.stringify(gen(), null, 2) + '\n';
    if (process.env.UPDATE_SCHEMA === '1') fs.writeFileSync(file, text);
    expect(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '(missing: run npm run schema)').toBe(text);
  });

  it('the fragment and standards schemas accept the examples/teams files and refuse typos', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const frag = ajv.compile(fragmentJsonSchema());
    const std = ajv.compile(standardsJsonSchema());
    const dir = path.join(__dirname, '../../examples/teams');
    const billing = parse(fs.readFileSync(path.join(dir, 'policy/billing.yaml'), 'utf8'));
    expect(frag(billing)).toBe(true);
    expect(frag({ ...billing, scop: billing.scope })).toBe(false);
    const org = parse(fs.readFileSync(path.join(dir, 'standards/org-baseline.yaml'), 'utf8'));
    expect(std(org)).toBe(true);
    expect(std({ ...org, standards: [{ name: 'x', nevr: {} }] })).toBe(false);
    const base = parse(fs.readFileSync(path.join(dir, 'policy/base.yaml'), 'utf8'));
    const policy = ajv.compile(policyJsonSchema());
    expect(policy({ ...base, segments: [] })).toBe(true);
    // The base of examples/teams declares no segments (its fragments do): the editor schema accepts it as written.
    expect(base.segments).toBeUndefined();
    expect(policy(base)).toBe(true);
  });

  it('a single file without segments is still refused by the loader, located', () => {
    const text = fs.readFileSync(path.join(__dirname, '../../examples/teams/policy/base.yaml'), 'utf8');
    const r = checkPolicySource(text, 'single.yaml');
    expect(r.policy).toBeUndefined();
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toContain("MS1101 missing required key 'segments' at the top level");
  });
});
