/**
 * Drift recognises our resources by what they are, not by the CLI's
 * addresses: a stack built with the constructs under another construct id
 * (so other Terraform logical ids) applied as is is in sync; a state of
 * another cloud is a usage error; a rule visible only in a group's inline
 * list (added in the console, shown by a refresh) is drift with its flows.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkStateTarget, drift, readState, StateError } from '../../../lib/analysis/drift';
import { loadBackend } from '../../../lib/targets/registry';
import { TargetName } from '../../../lib/targets/target';
import { stateFromTerraform } from '../../fixtures/lifecycle/state';
import { fixturePolicy, run } from './helpers';

const ir = fixturePolicy();
const compile = (t: TargetName) => loadBackend(t).compile(ir);

/** The same Terraform JSON as a stack whose construct is `new …Segmentation(stack, 'network-seg', …)`: every logical id renamed, references too. */
function underAnotherConstructId(tf: Record<string, any>): Record<string, any> {
  const text = JSON.stringify(tf);
  const names = new Set<string>();
  for (const byName of Object.values((tf.resource ?? {}) as Record<string, Record<string, unknown>>)) for (const n of Object.keys(byName)) names.add(n);
  let out = text;
  for (const n of [...names].sort((a, b) => b.length - a.length)) {
    out = out.split(`"${n}":`).join(`"networkseg_${n}_A1B2C3":`).split(`.${n}.`).join(`.networkseg_${n}_A1B2C3.`);
  }
  return JSON.parse(out);
}

describe('drift anywhere', () => {
  test.each(['aws', 'azure', 'gcp'] as const)('%s: a construct stack under another construct id, applied as is, is in sync', (t) => {
    const out = compile(t);
    const renamed = underAnotherConstructId(out.terraform as any);
    expect(Object.keys(Object.values(renamed.resource)[0] as object)[0]).toMatch(/^networkseg_/);
    const r = drift(ir, out, readState(stateFromTerraform(renamed)));
    expect({ added: r.added, removed: r.removed, changed: r.changed, missing: r.missingIdentities, flows: r.flows.count, verdict: r.flows.verdict }).toEqual({
      added: [],
      removed: [],
      changed: [],
      missing: [],
      flows: 0,
      verdict: 'equivalent',
    });
  });

  test('a state of another cloud is a usage error (exit 2) naming the cloud', async () => {
    const gcpState = stateFromTerraform(compile('gcp').terraform as any);
    expect(() => checkStateTarget('aws', readState(gcpState))).toThrow(StateError);
    expect(() => checkStateTarget('aws', readState(gcpState))).toThrow(/this state holds no AWS resources/);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-drift-'));
    const f = path.join(tmp, 'gcp-state.json');
    fs.writeFileSync(f, JSON.stringify(gcpState));
    const r = await run(['drift', 'policy.yaml', '--state', f, '--target', 'aws']);
    fs.rmSync(tmp, { recursive: true, force: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/MS8030 .*this state holds no AWS resources/);
  });

  test('a console-added rule seen only in a group inline ingress list is drift, with the flows it opens', () => {
    const out = compile('aws');
    const state = stateFromTerraform(out.terraform as any);
    // terraform show -json after a refresh: the group's ingress list holds the console's rule (provider docs: aws_security_group `ingress` blocks).
    const webGroup = out.identities.segments['web-prod'].securityGroups![0];
    const groupName = /aws_security_group\.([^.}]+)/.exec(webGroup)![1];
    const walk = (m: any): any[] => [...(m.resources ?? []), ...(m.child_modules ?? []).flatMap(walk)];
    const g = walk(state.values.root_module).find((r: any) => r.type === 'aws_security_group' && r.name === groupName);
    g.values.ingress = [{ cidr_blocks: ['0.0.0.0/0'], ipv6_cidr_blocks: [], prefix_list_ids: [], security_groups: [], self: false, protocol: 'tcp', from_port: 22, to_port: 22, description: 'console ssh' }];
    const r = drift(ir, out, readState(state));
    expect(r.inSync).toBe(false);
    expect(r.added).toHaveLength(1);
    expect(r.added[0].address).toMatch(/\.ingress\[0\]$/);
    expect(r.added[0].summary).toMatch(/inline .*from_port=22/);
    expect(r.flows.count).toBeGreaterThan(0);
    expect(r.flows.examples.some((m) => /tcp\/22/.test(m.service) && m.to.segment === 'web-prod')).toBe(true);
  });
});
