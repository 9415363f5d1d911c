/**
 * targets.azure.guardrails: network-manager — deny guardrails as security
 * admin rules of Virtual Network Manager: what is emitted, that the verifier
 * (admin rules before NSGs) finds it equivalent, that no deny guardrail is
 * left in an NSG, and the located errors where addresses cannot be exact.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PolicyError } from '../../../lib/model/diagnostics';
import { backend } from '../../../lib/targets/azure';
import { verifyOutput } from '../../../lib/verify';
import { checkTargetApply } from '../../../lib/analysis/apply-check';
import { explain } from '../../../lib/analysis/explain';
import { explainText } from '../../../lib/report/text';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { AzureSegmentation } from '../../../lib/constructs/azure';
import { synthStack } from '../../../lib/constructs/synth';
import { irFromObject, irFromYaml } from './helpers';

const FIXTURE = path.join(__dirname, '../fixtures/azure-network-manager.yaml');
const text = fs.readFileSync(FIXTURE, 'utf8');
const compile = (yaml: string) => backend.compile(irFromYaml(yaml, 'policy.yaml'));
const resources = (tf: any, type: string): [string, any][] => Object.entries(tf.resource?.[type] ?? {});

function refusal(yaml: string): PolicyError {
  try {
    compile(yaml);
  } catch (e) {
    if (e instanceof PolicyError) return e;
    throw e;
  }
  throw new Error('compiled, expected a refusal');
}

describe('deny guardrails as security admin rules', () => {
  const ir = irFromYaml(text, 'policy.yaml');
  const out = backend.compile(ir);
  const tf = out.terraform as any;

  test('the NSG carries allows and the two deny-alls only', () => {
    const rules = resources(tf, 'azurerm_network_security_rule').map(([, r]) => r);
    const denies = rules.filter((r) => r.access === 'Deny');
    expect(denies.map((r) => r.priority).sort()).toEqual([4096, 4096]);
    expect(rules.filter((r) => /staging-never-prod|no-internet-to-db/.test(r.description))).toEqual([]);
  });

  test('one admin rule per guardrail, direction and protocol, in one collection on one network group, deployed', () => {
    const admin = resources(tf, 'azurerm_network_manager_admin_rule').map(([, r]) => r);
    // staging-never-prod: inbound into prod, outbound from staging; no-internet-to-db: inbound into db only.
    expect(admin.map((r) => `${r.name} ${r.direction} ${r.action} ${r.protocol}`).sort()).toEqual([
      'no-internet-to-db.in.any.ip4 Inbound Deny Any',
      'staging-never-prod.in.any.ip4 Inbound Deny Any',
      'staging-never-prod.out.any.ip4 Outbound Deny Any',
    ]);
    const inbound = admin.find((r) => r.name === 'staging-never-prod.in.any.ip4');
    expect(inbound.source.map((s: any) => s.address_prefix)).toEqual(['10.2.0.0/23']);
    expect(inbound.destination.map((s: any) => s.address_prefix)).toEqual(['10.1.0.0/23']);
    expect(new Set(admin.map((r) => r.priority)).size).toBe(3);
    for (const r of admin) expect(r.priority).toBeGreaterThanOrEqual(1);
    expect(resources(tf, 'azurerm_network_manager_admin_rule_collection')).toHaveLength(1);
    expect(resources(tf, 'azurerm_network_manager_static_member')).toHaveLength(1);
    const [[, dep]] = resources(tf, 'azurerm_network_manager_deployment');
    expect(dep.scope_access).toBe('SecurityAdmin');
    expect(dep.depends_on).toHaveLength(3);
    expect(out.identities.segments['web-prod'].networkGroups).toEqual([expect.stringMatching(/^azurerm_network_manager_network_group\./)]);
  });

  test('the verifier evaluates admin rules before the NSG and finds the output equivalent', () => {
    const r = verifyOutput(ir, 'azure', tf, out.identities);
    expect(r.issues).toEqual([]);
    expect(r.verdict).toBe('equivalent');
  });

  test('without the admin rules, or with the network group missing from identities.json, the guardrails are gone', () => {
    const bare = JSON.parse(JSON.stringify(tf));
    delete bare.resource.azurerm_network_manager_admin_rule;
    delete bare.resource.azurerm_network_manager_deployment;
    const r = verifyOutput(ir, 'azure', bare, out.identities);
    expect(r.verdict).toBe('not-equivalent');
    const ids = JSON.parse(JSON.stringify(out.identities));
    for (const s of Object.values<any>(ids.segments)) delete s.networkGroups;
    const r2 = verifyOutput(ir, 'azure', tf, ids);
    expect(r2.verdict).toBe('not-equivalent');
    expect(r2.issues.map((i) => i.code)).toContain('MS7012');
  });

  test('a mismatch names the deciding admin rule; AlwaysAllow overrides the NSG, Allow hands on to it', () => {
    const edited = JSON.parse(JSON.stringify(tf));
    const rules = edited.resource.azurerm_network_manager_admin_rule;
    const key = Object.keys(rules).find((k) => rules[k].name === 'staging-never-prod.in.any.ip4')!;
    // Allow: passes on to the NSG, whose allows then admit staging → prod on tcp/5432 (web-to-db).
    rules[key].action = 'Allow';
    const outKey = Object.keys(rules).find((k) => rules[k].name === 'staging-never-prod.out.any.ip4')!;
    rules[outKey].action = 'Allow';
    const r = verifyOutput(ir, 'azure', edited, out.identities, { maxExamples: 50 });
    expect(r.verdict).toBe('not-equivalent');
    const m = r.mismatches.find((x) => x.from.segment === 'web-staging' && x.to.segment === 'db-prod')!;
    expect(m.service).toMatch(/tcp/);
    // AlwaysAllow: admits even what the NSG's deny-all drops (staging → prod on every port).
    rules[key].action = 'AlwaysAllow';
    rules[outKey].action = 'AlwaysAllow';
    const r2 = verifyOutput(ir, 'azure', edited, out.identities, { maxExamples: 50 });
    expect(r2.mismatchCount).toBeGreaterThan(r.mismatchCount);
    const udp = r2.mismatches.find((x) => x.from.segment === 'web-staging' && x.to.segment === 'web-prod')!;
    expect(JSON.stringify(udp)).toMatch(/security admin rules, then azurerm_network_security_group\.[^:]+: azurerm_network_manager_admin_rule\.[^ ]+ AlwaysAllow any protocol from 10\.2\.0\.0\/23 \(security admin rule, priority \d+\)/);
  });

  test('two collections reaching a segment with one priority and different actions: inconclusive, never equivalent (Azure may try either first)', () => {
    const edited = JSON.parse(JSON.stringify(tf));
    const collections = edited.resource.azurerm_network_manager_admin_rule_collection;
    const [cname] = Object.keys(collections);
    collections[`${cname}_twin`] = { ...collections[cname], name: `${collections[cname].name}-twin` };
    const rules = edited.resource.azurerm_network_manager_admin_rule;
    const key = Object.keys(rules).find((k) => rules[k].name === 'staging-never-prod.in.any.ip4')!;
    rules[`${key}_twin`] = { ...rules[key], name: 'twin', action: 'AlwaysAllow', admin_rule_collection_id: `\${azurerm_network_manager_admin_rule_collection.${cname}_twin.id}` };
    const r = verifyOutput(ir, 'azure', edited, out.identities);
    // The issue is found while the chains are built, during the check: it must still reach the report.
    expect(r.issues.map((i) => i.message)).toContainEqual(expect.stringMatching(/two collections reaching segment '[^']+' use priority \d+ with different actions/));
    expect(r.verdict).not.toBe('equivalent');
  });

  test('guardrails: both keeps the NSG denies beside the admin rules (the safe step between), and verifies equivalent', () => {
    const both = compile(text.replace('guardrails: network-manager', 'guardrails: both'));
    const t = both.terraform as any;
    const nsgDenies = Object.values<any>(t.resource.azurerm_network_security_rule).filter((r) => r.access === 'Deny' && r.priority < 4096);
    expect(nsgDenies.length).toBeGreaterThan(0);
    expect(Object.keys(t.resource.azurerm_network_manager_admin_rule)).toEqual(Object.keys(tf.resource.azurerm_network_manager_admin_rule));
    expect(verifyOutput(ir, 'azure', t, both.identities).verdict).toBe('equivalent');
  });

  test('the same output is deterministic', () => {
    expect(JSON.stringify(compile(text).terraform)).toBe(JSON.stringify(tf));
  });
});

describe('where admin rules cannot be exact, a located error says what to declare', () => {
  test('a denied segment without addresses', () => {
    const yaml = text.replace('    addresses: [10.2.0.0/24]\n', '');
    const e = refusal(yaml);
    // web-staging may be anywhere in internalCidrs: both guardrails' rules would reach it.
    const ds = e.diagnostics.filter((x) => x.code === 'MS5008');
    expect(ds.map((x) => x.message.match(/guardrail '([^']+)'/)![1]).sort()).toEqual(['no-internet-to-db', 'staging-never-prod']);
    for (const x of ds) expect(x.message).toMatch(/declare `addresses` for segment web-staging \(without them a segment may be anywhere in internalCidrs\)$/);
    const d = ds.find((x) => x.message.includes("'staging-never-prod'"))!;
    expect(d.message).toMatch(/cannot be a security admin rule exactly: admin rules match addresses, not application security groups/);
    const line = yaml.split('\n').findIndex((l) => l.includes('name: staging-never-prod')) + 1;
    expect(d.location).toEqual({ file: 'policy.yaml', line, col: expect.any(Number) });
  });

  test('an address-based allow reaching into a denied segment', () => {
    const yaml = text.replace('    except: [10.0.0.0/8]\n', '');
    const d = refusal(yaml).diagnostics.find((x) => x.code === 'MS5008')!;
    expect(d.message).toMatch(/would also deny tcp\/443 from outside hosts at 10\.2\.0\.0\/23 into segment 'web-prod', which rule 'internet-to-web' allows/);
    expect(d.message).toMatch(/declare `addresses` for db-staging, web-staging outside the CIDRs of rule 'internet-to-web' \(or add them to its `except`\)$/);
  });

  test('two segments sharing addresses', () => {
    const yaml = text.replace('addresses: [10.2.0.0/24]', 'addresses: [10.1.0.0/24]');
    const d = refusal(yaml).diagnostics.find((x) => x.code === 'MS5008')!;
    expect(d.message).toMatch(/disjoint/);
  });

  test('networkManager without guardrails: network-manager', () => {
    const yaml = text.replace('    guardrails: network-manager\n', '');
    const d = refusal(yaml).diagnostics.find((x) => x.code === 'MS5010')!;
    // Located at the setting's value (the line after its key).
    expect(d.location).toEqual({ file: 'policy.yaml', line: yaml.split('\n').findIndex((l) => l.includes('networkManager:')) + 2, col: 7 });
  });
});

describe('migrating the deny guardrails from the NSGs to the network manager', () => {
  const step = (mode: string) => {
    const yaml = mode === 'nsg' ? text.replace(/    guardrails: network-manager\n    networkManager:\n(      .*\n)+/, '') : text.replace('guardrails: network-manager', `guardrails: ${mode}`);
    const ir = irFromYaml(yaml, 'policy.yaml');
    return { ir, out: backend.compile(ir) };
  };
  const nsg = step('nsg');
  const both = step('both');
  const nm = step('network-manager');

  test('nsg → both → network-manager: every moment of both applies keeps every flow', () => {
    const a = checkTargetApply(nsg.ir, both.ir, nsg.out, both.out);
    expect(a.counts.destroy).toBe(0);
    expect(a.safe).toBe(true);
    const b = checkTargetApply(both.ir, nm.ir, both.out, nm.out);
    expect(b.counts.create).toBe(0);
    expect(b.counts.destroy).toBeGreaterThan(0);
    expect([b.dropped, b.opened, b.conflicts.length]).toEqual([0, 0, 0]);
    // The label ASGs only the NSG deny rules used go too: workloads must detach them first (docs/azure.md), and the check says so.
    expect(b.identitiesDestroyed.map((a) => a.replace(/_[0-9A-F]{8}$/, ''))).toEqual(['azurerm_application_security_group.azure_env_prod-asg', 'azurerm_application_security_group.azure_env_staging-asg']);
    expect(b.identityChanges.map((c) => [c.segment, c.detach.length])).toEqual([
      ['db-prod', 1],
      ['db-staging', 1],
      ['web-prod', 1],
      ['web-staging', 1],
    ]);
  });

  test('nsg → network-manager in one apply is unsafe: NSG denies may go before the admin rules arrive', () => {
    const r = checkTargetApply(nsg.ir, nm.ir, nsg.out, nm.out);
    expect(r.safe).toBe(false);
    expect(r.opened).toBeGreaterThan(0);
  });
});

describe('explain names the admin rule that denies', () => {
  test('a deny guardrail moved to the network manager says so per side, in JSON and text', () => {
    const ir = irFromYaml(text, 'policy.yaml');
    const e = explain(ir, { from: 'web-staging', to: 'db-prod', service: 'tcp/5432' });
    const sides = e.forward[0].cases[0].sides;
    expect(e.forward[0].cases[0].verdict).toBe('denied');
    const ingress = sides.find((s) => s.direction === 'ingress')!;
    expect(ingress.denies.map((d) => [d.name, d.enforcedBy])).toEqual([
      ['staging-never-prod', ["azure: denied by security admin rule staging-never-prod.in.* of configuration 'shop-guardrails' (Virtual Network Manager, before every NSG)"]],
    ]);
    expect(explainText(e, false)).toMatch(/deny   guardrail staging-never-prod .*\n\s+azure: denied by security admin rule staging-never-prod\.out\.\*/);
    // With the default layout the guardrail is the NSG's, and explain adds nothing.
    const plain = explain(irFromYaml(text.replace('guardrails: network-manager', 'guardrails: nsg').replace(/    networkManager:\n(      .*\n)+/, ''), 'policy.yaml'), { from: 'web-staging', to: 'db-prod', service: 'tcp/5432' });
    expect(plain.forward[0].cases[0].sides.flatMap((s) => s.denies).some((d) => d.enforcedBy)).toBe(false);
  });
});

describe('the construct takes the same settings', () => {
  const ir = irFromYaml(text, 'policy.yaml');
  test('guardrails: network-manager as props: admin rules beside the stack, networkGroupId, the NSG without guardrail denies', () => {
    let group = '';
    const tf = synthStack('app', (stack) => {
      new AzurermProvider(stack, 'azurerm', { features: [{}] });
      const seg = new AzureSegmentation(stack, 'seg', {
        policy: ir.policy,
        resourceGroupName: 'rg-shop',
        location: 'westeurope',
        guardrails: 'network-manager',
        networkManager: { id: '/subscriptions/0/resourceGroups/net/providers/Microsoft.Network/networkManagers/corp', virtualNetworkIds: ['vnet-a'] },
      });
      group = seg.networkGroupId();
    }) as any;
    expect(group).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
    expect(Object.keys(tf.resource.azurerm_network_manager_admin_rule)).toHaveLength(3);
    expect(Object.keys(tf.resource.azurerm_network_manager_deployment)).toHaveLength(1);
    const denies = Object.values<any>(tf.resource.azurerm_network_security_rule).filter((r) => r.access === 'Deny');
    expect(denies.map((r) => r.priority)).toEqual([4096, 4096]);
  });

  test('without networkManager.id the construct refuses, naming the prop', () => {
    expect(() =>
      synthStack('app', (stack) => {
        new AzurermProvider(stack, 'azurerm', { features: [{}] });
        new AzureSegmentation(stack, 'seg', { policy: ir.policy, resourceGroupName: 'rg', location: 'westeurope', guardrails: 'network-manager' });
      }),
    ).toThrow(/networkManager\.id is required with guardrails: network-manager/);
  });
});

test('an over-denial at one end of a flow the other end denies anyway is exact (found by the refusal property)', () => {
  // a-p shares c-p's addresses; the outbound rule of g1 also matches a-p's egress to c-p on tcp/22, but c-p's ingress denies a-p there (g1's CIDR side).
  const doc = {
    apiVersion: 'microseg/v1',
    kind: 'SegmentationPolicy',
    metadata: { name: 'prop' },
    labels: { tier: ['a', 'c'], env: ['p'] },
    segments: [
      { name: 'c-p', labels: { tier: 'c', env: 'p' }, addresses: ['10.1.0.0/24'] },
      { name: 'a-p', labels: { tier: 'a', env: 'p' }, addresses: ['10.1.0.0/24'] },
    ],
    rules: [{ name: 'r0', from: { tier: 'c' }, to: { tier: 'c' }, services: ['icmp'] }],
    guardrails: [
      { name: 'g0', action: 'allow', from: { tier: 'a' }, to: { tier: 'c' }, services: ['tcp', 'icmp'] },
      { name: 'g1', action: 'deny', from: [{ segment: 'c-p' }, { cidrs: ['10.1.0.0/24'] }], to: { tier: 'c' }, services: ['tcp/22'] },
    ],
    targets: { azure: { location: 'westeurope', resourceGroupName: 'rg', guardrails: 'network-manager', networkManager: { id: 'nm' } } },
  };
  const ir = irFromObject(doc);
  const out = backend.compile(ir);
  expect(Object.keys((out.terraform as any).resource.azurerm_network_manager_admin_rule)).toHaveLength(2);
  expect(verifyOutput(ir, 'azure', out.terraform, out.identities).verdict).toBe('equivalent');
});
