/**
 * Flow-level exactness: the synthesized Terraform JSON, read back and
 * evaluated the way AWS does, allows exactly the flows the meaning allows,
 * except where the spec permits AWS to be stricter (a deny guardrail's
 * denied segment may hold the address).
 */
import { backend } from '../../../lib/targets/aws';
import { CASES } from './cases';
import { AwsModel, compareFlows, maxGroupLoad } from './evaluate';
import { loadFile, SPEC_EXAMPLE, yamlPolicy } from './helpers';

function check(ir: ReturnType<typeof loadFile>) {
  const out = backend.compile(ir);
  const result = compareFlows(ir, new AwsModel(out.terraform, out.identities));
  expect(result.mismatches).toEqual([]);
  expect(maxGroupLoad(out.terraform)).toBeLessThanOrEqual(60);
  return { ...result, out };
}

test('the spec example is exact, with no deviation at all', () => {
  const r = check(loadFile(SPEC_EXAMPLE));
  expect(r.stricter).toBe(0);
  expect(r.flows).toBeGreaterThan(10000);
});

test.each(Object.keys(CASES))('case %s is exact up to the permitted deviation', (name) => {
  const r = check(yamlPolicy(CASES[name]));
  // Subtractions are the only source of deviations; without a note there must be none.
  if (!r.out.notes.some((n) => n.code === 'MS4101')) expect(r.stricter).toBe(0);
});

// Every good fixture and example that the AWS back end can compile must be exact; one it refuses must say why.
const fs = require('fs') as typeof import('fs');
const path = require('path') as typeof import('path');
const root = path.join(__dirname, '../../..');
const files = [
  ...fs.readdirSync(path.join(root, 'test/fixtures/good')).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(root, 'test/fixtures/good', f)),
  ...(fs.existsSync(path.join(root, 'examples')) ? fs.readdirSync(path.join(root, 'examples')).map((d) => path.join(root, 'examples', d, 'policy.yaml')).filter((f) => fs.existsSync(f)) : []),
];
test.each(files.map((f) => [path.relative(root, f), f]))('%s compiles exactly (or fails with located errors)', (_name, file) => {
  const ir = loadFile(file);
  let out;
  try {
    out = backend.compile(ir);
  } catch (e: any) {
    expect(e.name).toBe('PolicyError');
    expect(e.diagnostics.every((d: any) => d.location || d.file)).toBe(true);
    return;
  }
  expect(compareFlows(ir, new AwsModel(out.terraform, out.identities)).mismatches).toEqual([]);
  expect(maxGroupLoad(out.terraform)).toBeLessThanOrEqual(60);
});
