/**
 * docs/policy-reference.md is generated from docs/policy.schema.json and must
 * stay in step with it (UPDATE_DOCS=1 regenerates), and every field of the
 * schema appears in it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { policyReference } from './policy-reference';

const DOCS = path.join(__dirname, '..', '..', 'docs');
const schema = JSON.parse(fs.readFileSync(path.join(DOCS, 'policy.schema.json'), 'utf8'));
const docFile = path.join(DOCS, 'policy-reference.md');

function fields(s: any, out = new Set<string>()): Set<string> {
  if (Array.isArray(s)) s.forEach((x) => fields(x, out));
  else if (s && typeof s === 'object') {
    if (s.properties && typeof s.properties === 'object') for (const k of Object.keys(s.properties)) out.add(k);
    for (const v of Object.values(s)) fields(v, out);
  }
  return out;
}

describe('docs/policy-reference.md', () => {
  const more = {
    fragment: JSON.parse(fs.readFileSync(path.join(DOCS, 'policy-fragment.schema.json'), 'utf8')),
    standards: JSON.parse(fs.readFileSync(path.join(DOCS, 'standards.schema.json'), 'utf8')),
  };
  const text = policyReference(schema, more);

  it('is generated from the schema (UPDATE_DOCS=1 regenerates)', () => {
    if (process.env.UPDATE_DOCS === '1') fs.writeFileSync(docFile, text);
    expect(fs.existsSync(docFile) ? fs.readFileSync(docFile, 'utf8') : '(missing: run UPDATE_DOCS=1 npx jest test/docs)').toBe(text);
  });

  it('documents every field of the schema', () => {
    const missing = [...fields(schema)].filter((f) => !text.includes('`' + f + '`'));
    expect(missing).toEqual([]);
  });
});
