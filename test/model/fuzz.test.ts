/**
 * Property tests: whatever the input, the front doors return diagnostics
 * (never throw, never hang) and a policy only when no diagnostic is an error.
 */
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { hasErrors } from '../../lib/model/diagnostics';
import { parsePolicySource } from '../../lib/model/loader';
import { checkPolicyObject, checkPolicySource } from '../../lib/model/policy';

// A hang detector, not a benchmark: generous so a busy CI machine does not flake.
const TIME_LIMIT_MS = 2000;
const specExample = parse(fs.readFileSync(path.join(__dirname, '../fixtures/good/spec-example.yaml'), 'utf8'));

function timed<T>(f: () => T): T {
  const t = performance.now();
  const r = f();
  const ms = performance.now() - t;
  if (ms > TIME_LIMIT_MS) throw new Error(`took ${ms.toFixed(0)} ms`);
  return r;
}

function consistent(r: ReturnType<typeof checkPolicySource>): void {
  expect(r.policy === undefined).toBe(hasErrors(r.diagnostics));
  for (const d of r.diagnostics) expect(d.code).toMatch(/^MS\d{4}$/);
}

// Strings made of YAML/JSON punctuation and policy words find parser corners fast.
const token = fc.constantFrom('{', '}', '[', ']', ':', ': ', ',', '-', '- ', '\n', '  ', '\t', '"', "'", '&a ', '*a', '!', '!!str ', '? ', '#', '---\n', '...\n', '|', '>', '%YAML 1.1\n', '<<: ', '__proto__', 'apiVersion', 'segments', 'rules', 'env', 'prod', 'tcp/443', '10.0.0.0/8', '\\', '\u0000', '\ufeff', 'é');
const yamlish = fc.array(fc.oneof(token, fc.string({ maxLength: 5 })), { maxLength: 80 }).map((a) => a.join(''));

// Mutations of a valid policy reach validation rather than stopping at the schema.
const leaf = fc.oneof(fc.constantFrom('prod', 'web', 'tcp/443', 'tcp/0', '10.0.0.1/8', '::/0', 'internet', 'shop-web-prod', '', 'constructor'), fc.integer(), fc.boolean(), fc.constant(null));
const mutation = fc.tuple(fc.array(fc.oneof(fc.constantFrom('segments', 'rules', 'labels', 'from', 'to', 'services', 'env', 'cidrs', 'name', 'guardrails'), fc.nat(4)), { minLength: 1, maxLength: 5 }), fc.oneof(leaf, fc.array(leaf, { maxLength: 3 }), fc.dictionary(fc.constantFrom('env', 'tier', 'segment', 'cidrs', 'x'), leaf)));

function mutate(doc: any, [p, v]: [(string | number)[], unknown]): any {
  let o = doc;
  for (const k of p.slice(0, -1)) {
    if (o === null || typeof o !== 'object') return doc;
    o = o[k as never];
  }
  if (o !== null && typeof o === 'object') o[p[p.length - 1] as never] = v as never;
  return doc;
}

describe('fuzz', () => {
  it('the loader never throws on YAML/JSON-ish text', () => {
    fc.assert(
      fc.property(yamlish, (text) => {
        const r = timed(() => parsePolicySource(text, 'f.yaml'));
        expect(Array.isArray(r.diagnostics)).toBe(true);
        consistent(timed(() => checkPolicySource(text, 'f.yaml')));
      }),
      { numRuns: 1000 },
    );
  });

  it('structured documents dumped to YAML load back consistently', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        consistent(timed(() => checkPolicySource(stringify(v), 'f.yaml')));
        consistent(timed(() => checkPolicySource(JSON.stringify(v), 'f.json')));
        consistent(timed(() => checkPolicyObject(v)));
      }),
      { numRuns: 300 },
    );
  });

  it('mutations of the spec example are validated without throwing', () => {
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 4 }), (ms) => {
        const doc = ms.reduce(mutate, structuredClone(specExample));
        const a = timed(() => checkPolicyObject(doc));
        consistent(a);
        const b = timed(() => checkPolicySource(stringify(doc), 'm.yaml'));
        consistent(b);
        // The same document gives the same codes through text and object.
        expect(b.diagnostics.map((d) => d.code).sort()).toEqual(a.diagnostics.map((d) => d.code).sort());
      }),
      { numRuns: 300 },
    );
  });
});
