import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { drift, readState } from '../../../lib/analysis/drift';
import { loadBackend } from '../../../lib/targets/registry';
import { TargetName, TargetOutput } from '../../../lib/targets/target';
import { stateFromTerraform } from '../../fixtures/lifecycle/state';
import { fixturePolicy, run } from './helpers';

const ir = fixturePolicy();
const compiled = new Map<TargetName, TargetOutput>();
const compile = (t: TargetName) => {
  if (!compiled.has(t)) compiled.set(t, loadBackend(t).compile(ir));
  return compiled.get(t)!;
};
const ref = (id: string, attr = 'id') => (id.startsWith('${') ? id.replace(/\.[a-z_]+\}$/, `.${attr}}`) : `\${${id}.${attr}}`);
const tfBodies = (out: TargetOutput, type: string) => Object.entries(((out.terraform as any).resource?.[type] ?? {}) as Record<string, any>);

/** One rule added by hand on each cloud: ssh from anywhere to web-prod. */
function handRule(t: TargetName, out: TargetOutput) {
  const ids = out.identities.segments['web-prod'];
  if (t === 'aws') {
    return { type: 'aws_vpc_security_group_ingress_rule', name: 'hand_ssh', values: { security_group_id: ref(ids.securityGroups![0]), cidr_ipv4: '0.0.0.0/0', ip_protocol: 'tcp', from_port: 22, to_port: 22, description: 'temporary ssh' } };
  }
  if (t === 'gcp') {
    const [, fw] = tfBodies(out, 'google_compute_firewall')[0];
    return { type: 'google_compute_firewall', name: 'hand_ssh', values: { name: 'hand-ssh', network: fw.network, direction: 'INGRESS', priority: 100, source_ranges: ['0.0.0.0/0'], target_tags: ids.networkTags, allow: [{ protocol: 'tcp', ports: ['22'] }], deny: [] } };
  }
  const nsg = ids.networkSecurityGroups![0];
  const [, nsgBody] = tfBodies(out, 'azurerm_network_security_group').find(([n]) => nsg.includes(n))!;
  return {
    type: 'azurerm_network_security_rule',
    name: 'hand_ssh',
    values: {
      name: 'hand-ssh',
      priority: 4000,
      direction: 'Inbound',
      access: 'Allow',
      protocol: 'Tcp',
      source_port_range: '*',
      destination_port_range: '22',
      source_address_prefix: '*',
      destination_application_security_group_ids: [ref(ids.applicationSecurityGroups![0])],
      network_security_group_name: nsgBody.name,
      resource_group_name: nsgBody.resource_group_name,
    },
  };
}

describe('drift', () => {
  test.each(['aws', 'azure', 'gcp'] as const)('%s: a state that matches the compiled output is in sync', (t) => {
    const out = compile(t);
    const r = drift(ir, out, readState(stateFromTerraform(out.terraform as any)));
    expect({ added: r.added, removed: r.removed, changed: r.changed, missing: r.missingIdentities, flows: r.flows.count }).toEqual({ added: [], removed: [], changed: [], missing: [], flows: 0 });
    expect(r.inSync).toBe(true);
  });

  test.each(['aws', 'azure', 'gcp'] as const)('%s: finds the hand-added rule, by resource and by flow', (t) => {
    const out = compile(t);
    const r = drift(ir, out, readState(stateFromTerraform(out.terraform as any, [handRule(t, out)])));
    expect(r.inSync).toBe(false);
    expect(r.added.map((a) => a.address)).toEqual([`${handRule(t, out).type}.hand_ssh`]);
    expect(r.removed).toEqual([]);
    expect(r.flows.verdict).toBe('not-equivalent');
    expect(r.flows.count).toBeGreaterThan(0);
    // Every flow it opens is tcp/22 into web-prod, and the live resource that decided is named.
    for (const m of r.flows.examples) {
      expect([m.kind, m.to.segment, m.service]).toEqual(['too-open', 'web-prod', 'tcp/22']);
      expect(JSON.stringify(m.output)).toMatch(/hand[-_]ssh/);
    }
  });

  test('a removed rule, a changed port and a missing identity (AWS)', () => {
    const out = compile('aws');
    const ofRule = (rule: string) => tfBodies(out, 'aws_vpc_security_group_ingress_rule').find(([, b]) => b.tags['microseg:origins'] === rule)![0];
    const webToApp = ofRule('web-to-app');
    const appToDb = ofRule('app-to-db');
    const dbGroup = out.identities.segments['db-staging'].securityGroups![0].replace(/^\$\{|\.id\}$/g, '');
    const state = stateFromTerraform(out.terraform as any, [], (type, name, v) => {
      if (name === appToDb) return undefined;
      if (`${type}.${name}` === dbGroup) return undefined;
      if (name === webToApp) return { ...v, from_port: 8081, to_port: 8081 };
      return v;
    });
    const r = drift(ir, out, readState(state));
    expect(r.removed.map((x) => x.address)).toEqual(expect.arrayContaining([`aws_vpc_security_group_ingress_rule.${appToDb}`, dbGroup]));
    expect(r.missingIdentities).toEqual([{ segment: 'db-staging', identity: dbGroup }]);
    expect(r.changed).toEqual([{ address: `aws_vpc_security_group_ingress_rule.${webToApp}`, type: 'aws_vpc_security_group_ingress_rule', fields: [{ field: 'from_port', expected: 8080, actual: 8081 }, { field: 'to_port', expected: 8080, actual: 8081 }] }]);
    expect(r.flows.count).toBeGreaterThan(0);
  });

  test('the command reads state and plan JSON; exit 1 on drift, 0 in sync', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-drift-'));
    try {
      const out = compile('gcp');
      const drifted = stateFromTerraform(out.terraform as any, [handRule('gcp', out)]);
      fs.writeFileSync(path.join(dir, 'state.json'), JSON.stringify(drifted));
      // A plan: the refreshed live state sits under prior_state.
      fs.writeFileSync(path.join(dir, 'plan.json'), JSON.stringify({ format_version: '1.2', planned_values: { root_module: {} }, prior_state: stateFromTerraform(out.terraform as any), resource_changes: [] }));
      fs.copyFileSync(path.join(__dirname, '../../fixtures/lifecycle/policy.yaml'), path.join(dir, 'policy.yaml'));
      const a = await run(['drift', 'policy.yaml', '--state', 'state.json', '--target', 'gcp', '--format', 'json'], dir);
      expect(a.code).toBe(1);
      expect(JSON.parse(a.stdout).added[0].address).toBe('google_compute_firewall.hand_ssh');
      const b = await run(['drift', 'policy.yaml', '--state', 'plan.json', '--target', 'gcp'], dir);
      expect([b.code, b.stdout.trim()]).toEqual([0, "gcp: in sync with policy 'shop'"]);
      fs.writeFileSync(path.join(dir, 'bad.json'), '{"hello": 1}');
      // A wrong --state is bad input (exit 2, naming the file), never "drift" (exit 1).
      const c = await run(['drift', 'policy.yaml', '--state', 'bad.json', '--target', 'gcp'], dir);
      expect(c.code).toBe(2);
      expect(c.stderr).toMatch(/^bad\.json error MS8030 bad\.json: no values\.root_module/);
      fs.writeFileSync(path.join(dir, 'notes.txt'), '# not json\n');
      fs.mkdirSync(path.join(dir, 'states'));
      for (const [state, message] of [
        ['notes.txt', /^notes\.txt error MS8030 notes\.txt is not JSON: /],
        ['missing.json', /^missing\.json error MS8030 cannot read missing\.json: no such file\n$/],
        ['states', /^states error MS8030 states is a directory/],
      ] as const) {
        const x = await run(['drift', 'policy.yaml', '--state', state, '--target', 'gcp'], dir);
        expect([x.code, x.stdout]).toEqual([2, '']);
        expect(x.stderr).toMatch(message);
        expect(x.stderr).not.toMatch(/internal error|\n\s+at /);
      }
      expect((await run(['drift', 'policy.yaml', '--state', 'bad.json'], dir)).code).toBe(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
