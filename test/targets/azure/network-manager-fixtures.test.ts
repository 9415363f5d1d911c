/**
 * Every example and fixture with `targets.azure.guardrails: network-manager`:
 * it compiles, no deny guardrail is left in any NSG (the NSGs deny only with
 * their two deny-alls), every deny guardrail is an admin rule and the output
 * verifies equivalent; or it is refused with MS5008 only, located.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { PolicyError } from '../../../lib/model/diagnostics';
import { backend } from '../../../lib/targets/azure';
import { verifyOutput } from '../../../lib/verify';
import { irFromYaml } from './helpers';

const root = path.join(__dirname, '../../..');
const yamlIn = (dir: string) => (fs.existsSync(path.join(root, dir)) ? fs.readdirSync(path.join(root, dir)).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(dir, f)) : []);
const files = [
  ...fs.readdirSync(path.join(root, 'examples')).map((d) => path.join('examples', d, 'policy.yaml')).filter((f) => fs.existsSync(path.join(root, f))),
  ...yamlIn('test/fixtures/good'),
  ...yamlIn('test/fixtures/gcp'),
  ...yamlIn('test/fixtures/lint'),
  ...yamlIn('test/targets/fixtures'),
];

const outcomes: Record<string, string> = {};
/** Where segments may share addresses with what the policy admits (undeclared, overlapping): refused, by design. */
const REFUSED = new Set(['test/fixtures/good/spec-example.yaml', 'test/fixtures/gcp/mixed.yaml']);

describe.each(files)('%s with guardrails: network-manager', (file) => {
  test('compiles with no deny guardrail in an NSG and verifies equivalent, or is refused with a located MS5008', () => {
    // Edited as YAML, so that every diagnostic keeps a file:line:col.
    const doc = parseDocument(fs.readFileSync(path.join(root, file), 'utf8'));
    doc.setIn(['targets', 'azure', 'guardrails'], 'network-manager');
    doc.setIn(['targets', 'azure', 'networkManager'], doc.createNode({ id: 'nm' }));
    const ir = irFromYaml(doc.toString(), file);
    let out;
    try {
      out = backend.compile(ir);
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      const errors = e.diagnostics.filter((d) => d.severity === 'error');
      expect(errors.map((d) => d.code).filter((c) => c !== 'MS5008')).toEqual([]);
      for (const d of errors) expect(d.location).toEqual({ file, line: expect.any(Number), col: expect.any(Number) });
      outcomes[file] = 'refused (MS5008)';
      expect(REFUSED.has(file)).toBe(true);
      return;
    }
    const tf = out.terraform as any;
    const nsgDenies = Object.values<any>(tf.resource.azurerm_network_security_rule ?? {}).filter((r) => r.access === 'Deny');
    expect(nsgDenies.every((r) => r.priority === 4096 && /^deny-all-/.test(r.name))).toBe(true);
    const denyGuardrails = ir.policy.doc.guardrails?.filter((g) => g.action === 'deny').map((g) => g.name) ?? [];
    const admin = Object.values<any>(tf.resource.azurerm_network_manager_admin_rule ?? {});
    expect([...new Set(admin.map((r) => r.name.split('.')[0]))].sort()).toEqual([...denyGuardrails].filter((g) => ir.sides.size > 0 && [...ir.sides.values()].some((s) => [...s.ingress.deny, ...s.egress.deny].some((e) => e.origin.name === g))).sort());
    const r = verifyOutput(ir, 'azure', tf, out.identities);
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(r.verdict).toBe('equivalent');
    outcomes[file] = `${admin.length} admin rules`;
    expect(REFUSED.has(file)).toBe(false);
  });
});

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(Object.entries(outcomes).map(([f, o]) => `${f}: ${o}`).join('\n'));
});
