/**
 * The synthesized Azure output: snapshot of the spec example, the construct
 * API, stability of names and priorities under a one-rule insertion, the
 * deny-alls that neutralise Azure's defaults, subnet associations.
 */
import { reviewable } from '../../support/reviewable';
import * as fs from 'fs';
import * as path from 'path';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { PolicyError } from '../../../lib/model/diagnostics';
import { serialiseTerraform, stubVersions, synthStack } from '../../../lib/constructs/synth';
import { backend } from '../../../lib/targets/azure';
import { AzureSegmentation } from '../../../lib/constructs/azure';
import { compareFlows, irFromYaml, readAzure } from './helpers';

const specFile = path.join(__dirname, '../../fixtures/good/spec-example.yaml');
const specText = fs.readFileSync(specFile, 'utf8');
const spec = irFromYaml(specText, 'spec-example.yaml');

const withRule = (text: string, rule: string) => text.replace(/^rules:.*\n/m, (m) => m + rule);

/** Resources that differ between two synthesized outputs: added, removed, changed. */
function resourceDiff(a: any, b: any) {
  const flat = (tf: any) => {
    const m = new Map<string, string>();
    for (const [type, byName] of Object.entries<any>(tf.resource ?? {})) for (const [name, body] of Object.entries(byName)) m.set(`${type}.${name}`, JSON.stringify(body));
    return m;
  };
  const x = flat(a);
  const y = flat(b);
  const added = [...y.keys()].filter((k) => !x.has(k));
  const removed = [...x.keys()].filter((k) => !y.has(k));
  const changed = [...x.keys()].filter((k) => y.has(k) && x.get(k) !== y.get(k));
  return { added, removed, changed };
}

describe('spec example', () => {
  const out = backend.compile(spec);

  test('synthesized plan (snapshot)', () => {
    expect(reviewable(stubVersions(out.terraform))).toMatchSnapshot();
    expect(out.identities).toMatchSnapshot();
  });

  test('counts: one ASG per segment and per label value the guardrail names, one shared NSG, rules per side and protocol, two deny-alls', () => {
    // shop-web-prod holds no IPv6: internet-to-web has no IPv6-prefix rule.
    expect(out.stats).toEqual({ resources: 26, rules: 19, identities: 6 });
    const tf = out.terraform.resource;
    // 4 segment ASGs, env=prod and env=staging (staging-never-reaches-prod is written as values of one label).
    expect(Object.keys(tf.azurerm_application_security_group)).toHaveLength(6);
    expect(Object.values<any>(tf.azurerm_application_security_group).map((a) => a.name).sort()).toEqual([
      'shop-env.prod-asg',
      'shop-env.staging-asg',
      'shop-shop-app-prod-asg',
      'shop-shop-app-staging-asg',
      'shop-shop-db-prod-asg',
      'shop-shop-web-prod-asg',
    ]);
    expect(Object.keys(tf.azurerm_network_security_group)).toHaveLength(1);
    expect(Object.keys(tf.azurerm_network_security_rule)).toHaveLength(19);
    expect(out.terraform.provider.azurerm).toEqual([{ features: [{}] }]);
    // No location/resourceGroupName in the example: Terraform variables, and a note each.
    expect(Object.keys(out.terraform.variable).sort()).toEqual(['location', 'resource_group_name']);
    expect(out.notes.map((n) => n.code)).toEqual(['MS5101', 'MS5101', 'MS5103']);
  });

  test('segments are referenced by ASG, never by address', () => {
    for (const r of Object.values<any>(out.terraform.resource.azurerm_network_security_rule)) {
      for (const p of [...(r.source_address_prefixes ?? []), ...(r.destination_address_prefixes ?? [])]) {
        expect(p).not.toBe('10.1.0.0/24'); // shop-web-prod's addresses
      }
      if (r.direction === 'Inbound' && r.name !== 'deny-all-inbound') expect(r.destination_application_security_group_ids).toHaveLength(1);
      if (r.direction === 'Outbound' && r.name !== 'deny-all-outbound') expect(r.source_application_security_group_ids).toHaveLength(1);
    }
  });

  test('every rule describes policy and rule; names and descriptions within limits', () => {
    for (const r of Object.values<any>(out.terraform.resource.azurerm_network_security_rule)) {
      expect(r.description).toMatch(/^policy shop[,:] /);
      expect(r.name.length).toBeLessThanOrEqual(80);
      expect(r.description.length).toBeLessThanOrEqual(140);
    }
    const names = Object.values<any>(out.terraform.resource.azurerm_network_security_rule).map((r) => r.name);
    // Named after what the rule is (its identity code), never the rule's name; the description names the rule.
    for (const n of names) if (!n.startsWith('deny-all-')) expect(n).toMatch(/^r[0-9a-f]{8}\.(in|out)\./);
    const rules = Object.values<any>(out.terraform.resource.azurerm_network_security_rule);
    expect(rules.filter((r) => /^r[0-9a-f]{8}\.in\.shop-app-prod\.tcp\.asg$/.test(r.name)).map((r) => r.description)).toContainEqual(expect.stringContaining('rule web-to-app'));
    expect(rules.filter((r) => /^r[0-9a-f]{8}\.out\.shop-app-staging\.any\.asg$/.test(r.name)).map((r) => r.description)).toContainEqual(expect.stringContaining('guardrail staging-never-reaches-prod'));
  });

  test('same policy, same bytes', () => {
    const again = backend.compile(irFromYaml(specText, 'spec-example.yaml'));
    expect(serialiseTerraform(again.terraform)).toBe(serialiseTerraform(out.terraform));
  });
});

describe('defaults are neutralised', () => {
  const out = backend.compile(spec);

  test('explicit deny-all at 4096, in and out, matching everything', () => {
    const rules = Object.values<any>(out.terraform.resource.azurerm_network_security_rule).filter((r) => r.priority === 4096);
    expect(rules.map((r) => [r.name, r.direction, r.access, r.protocol, r.source_address_prefix, r.destination_address_prefix, r.destination_port_range]).sort()).toEqual([
      ['deny-all-inbound', 'Inbound', 'Deny', '*', '*', '*', '*'],
      ['deny-all-outbound', 'Outbound', 'Deny', '*', '*', '*', '*'],
    ]);
  });

  test.each([['deny-all-inbound'], ['deny-all-outbound']])('without %s, Azure defaults leak flows the policy denies', (name) => {
    const tf = JSON.parse(JSON.stringify(out.terraform));
    for (const [k, r] of Object.entries<any>(tf.resource.azurerm_network_security_rule)) if (r.name === name) delete tf.resource.azurerm_network_security_rule[k];
    const { mismatches } = compareFlows(spec, { ...out, terraform: tf }, { maxWorkloadAtoms: 3 });
    expect(mismatches.length).toBeGreaterThan(0);
    expect(mismatches.every((m) => !m.meaning && m.azure)).toBe(true);
  });

  test('deny rules in the deny band beat allows; moved into the allow band they would not', () => {
    const model = readAzure(out.terraform);
    const nsg = [...model.values()][0];
    const deny = nsg.Inbound.filter((r) => r.access === 'Deny' && r.priority < 4096);
    expect(deny.length).toBeGreaterThan(0);
    for (const d of [...deny, ...nsg.Outbound.filter((r) => r.access === 'Deny' && r.priority < 4096)]) expect(d.priority).toBeGreaterThanOrEqual(100), expect(d.priority).toBeLessThanOrEqual(1099);
    for (const a of [...nsg.Inbound, ...nsg.Outbound].filter((r) => r.access === 'Allow')) expect(a.priority).toBeGreaterThanOrEqual(1100), expect(a.priority).toBeLessThanOrEqual(4095);
  });
});

describe('stability: a one-rule insertion is an O(1) diff', () => {
  test('spec example plus one rule: only the new rule resources appear, nothing else changes', () => {
    const a = backend.compile(spec);
    const text = withRule(specText, '  - name: aa-web-icmp\n    from: {tier: web}\n    to: {tier: app}\n    services: [icmp]\n');
    const b = backend.compile(irFromYaml(text, 'spec-example.yaml'));
    const d = resourceDiff(a.terraform, b.terraform);
    // Ingress of shop-app-prod and of shop-app-staging (from label ASG tier=web), egress of shop-web-prod (to label ASG tier=app),
    // and those two label ASGs, which the first rule naming them creates.
    expect(d.added.filter((k) => k.startsWith('azurerm_network_security_rule.'))).toHaveLength(3);
    expect(d.added.filter((k) => k.startsWith('azurerm_application_security_group.')).map((k) => k.replace(/_[0-9A-F]{8}$/, ''))).toEqual([
      'azurerm_application_security_group.azure_tier_app-asg',
      'azurerm_application_security_group.azure_tier_web-asg',
    ]);
    expect(d.added).toHaveLength(5);
    expect(d.removed).toEqual([]);
    expect(d.changed).toEqual([]);
  });

  test('spec example plus one rule between label values already in use: only its rules appear', () => {
    const a = backend.compile(spec);
    const text = withRule(specText, '  - name: aa-prod-icmp\n    from: {env: staging}\n    to: {env: prod}\n    services: [icmp]\n');
    const b = backend.compile(irFromYaml(text, 'spec-example.yaml'));
    const d = resourceDiff(a.terraform, b.terraform);
    // Ingress of the three prod segments, egress of shop-app-staging (one rule, label ASG env=prod).
    expect(d.added).toHaveLength(4);
    expect(d.added.every((k) => k.startsWith('azurerm_network_security_rule.'))).toBe(true);
    expect(d.removed).toEqual([]);
    expect(d.changed).toEqual([]);
    expect(b.identities).toEqual(a.identities);
  });

  test('12 single-rule insertions into the shop example: at most 1 existing resource changes per insertion', () => {
    const file = path.join(__dirname, '../../../examples/shop/policy.yaml');
    const base = fs.readFileSync(file, 'utf8');
    const before = backend.compile(irFromYaml(base, 'policy.yaml'));
    const segs = Object.keys(before.identities.segments);
    const moved: number[] = [];
    const services = ['tcp/9000', 'udp/161', 'icmp', 'tcp/22', 'any'];
    for (let i = 0; i < 12; i++) {
      const from = segs[(i * 7) % segs.length];
      const to = segs[(i * 11 + 3) % segs.length];
      const text = withRule(base, `  - name: inserted-${i}\n    from: {segment: ${from}}\n    to: {segment: ${to}}\n    services: [${services[i % services.length]}]\n`);
      const after = backend.compile(irFromYaml(text, 'policy.yaml'));
      const d = resourceDiff(before.terraform, after.terraform);
      expect(d.removed).toEqual([]);
      moved.push(d.changed.length);
    }
    // Probing moves an existing rule only when the new one lands in its slot or chain.
    expect(Math.max(...moved)).toBeLessThanOrEqual(1);
  });
});

describe('construct API', () => {
  test('ids for wiring NICs, tokens as props, namePrefix and tags', () => {
    let seg!: AzureSegmentation;
    const tf = synthStack(
      'app',
      (stack: TerraformStack) => {
        new AzurermProvider(stack, 'azurerm', { features: [{}] });
        const rg = new (require('@cdktf/provider-azurerm/lib/resource-group').ResourceGroup)(stack, 'rg', { name: 'rg-shop', location: 'westeurope' });
        seg = new AzureSegmentation(stack, 'seg', { policy: spec.policy, resourceGroupName: rg.name, location: rg.location, namePrefix: 'prod-', tags: { team: 'net' } });
        expect(seg.applicationSecurityGroupId('shop-web-prod')).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
        new TerraformOutput(stack, 'nsg', { value: seg.networkSecurityGroupId() });
        new TerraformOutput(stack, 'nsg-db', { value: seg.networkSecurityGroupId('shop-db-prod') });
        new TerraformOutput(stack, 'asg-web', { value: seg.applicationSecurityGroupId('shop-web-prod') });
        new TerraformOutput(stack, 'asgs-web', { value: seg.applicationSecurityGroupIds('shop-web-prod') });
        new TerraformOutput(stack, 'asgs-db', { value: seg.applicationSecurityGroupIds('shop-db-prod') });
        expect(() => seg.applicationSecurityGroupIds('nope')).toThrow(/unknown segment 'nope'/);
        expect(seg.applicationSecurityGroupsOf('shop-app-staging').map((a) => a.key)).toEqual(['segment', 'env_staging']);
        // The single-ASG accessor warns (once per segment) when the segment's workloads need label ASGs too.
        seg.applicationSecurityGroupId('shop-web-prod');
        const warnings = seg.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
        expect(warnings).toEqual([
          "segment 'shop-web-prod': its workloads must also carry the label ASGs env=prod; wire NICs with applicationSecurityGroupIds('shop-web-prod'), not applicationSecurityGroupId",
        ]);
        expect(() => seg.applicationSecurityGroupId('nope')).toThrow(/unknown segment 'nope'/);
      },
    );
    expect(tf.output.nsg.value).toBe(tf.output['nsg-db'].value);
    expect(tf.output.nsg.value).toMatch(/^\$\{azurerm_network_security_group\.seg_shared-nsg_[0-9A-F]{8}\.id\}$/);
    expect(tf.output['asg-web'].value).toMatch(/^\$\{azurerm_application_security_group\.seg_shop-web-prod-asg_[0-9A-F]{8}\.id\}$/);
    const asg = Object.values<any>(tf.resource.azurerm_application_security_group).find((a) => a.tags['microseg-segment'] === 'shop-web-prod');
    expect(asg).toMatchObject({ name: 'prod-shop-shop-web-prod-asg', resource_group_name: '${azurerm_resource_group.rg.name}', location: '${azurerm_resource_group.rg.location}', tags: { team: 'net', 'microseg-policy': 'shop' } });
    expect(Object.values<any>(tf.resource.azurerm_network_security_group)[0].name).toBe('prod-shop-nsg');
    const asgKey = Object.keys(tf.resource.azurerm_application_security_group).find((k) => k.startsWith('seg_shop-web-prod'))!;
    const prodKey = Object.keys(tf.resource.azurerm_application_security_group).find((k) => k.startsWith('seg_env_prod'))!;
    expect(tf.resource.azurerm_application_security_group[prodKey]).toMatchObject({ name: 'prod-shop-env.prod-asg', tags: { team: 'net', 'microseg-policy': 'shop', 'microseg-label': 'env=prod' } });
    // Own ASG first, then the label ASGs: identities.json and applicationSecurityGroupIds agree.
    expect(seg.identities.segments['shop-web-prod'].applicationSecurityGroups).toEqual([`azurerm_application_security_group.${asgKey}`, `azurerm_application_security_group.${prodKey}`]);
    expect(tf.output['asgs-web'].value).toEqual([`\${azurerm_application_security_group.${asgKey}.id}`, `\${azurerm_application_security_group.${prodKey}.id}`]);
    expect(tf.output['asgs-db'].value).toEqual([expect.stringMatching(/seg_shop-db-prod-asg/), `\${azurerm_application_security_group.${prodKey}.id}`]);
    expect(seg.identities.segments['shop-app-staging'].applicationSecurityGroups).toEqual([expect.stringMatching(/seg_shop-app-staging-asg/), expect.stringMatching(/seg_env_staging-asg/)]);
  });

  test('subnetIds: one association per subnet with the shared NSG', () => {
    const yaml = specText + 'targets:\n  azure:\n    location: westeurope\n    resourceGroupName: rg-shop\n    subnetIds: [/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a, /subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/b]\n';
    const out = backend.compile(irFromYaml(yaml, 'p.yaml'));
    const assoc = Object.values<any>(out.terraform.resource.azurerm_subnet_network_security_group_association);
    expect(assoc).toHaveLength(2);
    for (const a of assoc) expect(a.network_security_group_id).toMatch(/^\$\{azurerm_network_security_group\.azure_shared-nsg_[0-9A-F]+\.id\}$/);
    expect(out.terraform.variable).toBeUndefined();
    expect(Object.values<any>(out.terraform.resource.azurerm_network_security_group)[0].location).toBe('westeurope');
  });

  test('subnetIds with the per-segment layout is a located error', () => {
    expect(() =>
      synthStack('x', (stack) => {
        new AzurermProvider(stack, 'azurerm', { features: [{}] });
        new AzureSegmentation(stack, 'seg', { policy: spec, resourceGroupName: 'rg', location: 'westeurope', subnetIds: ['s1'], layout: 'perSegment' });
      }),
    ).toThrow(/spec-example\.yaml:\d+:\d+ error MS5006 azure: subnetIds associate one NSG/);
  });
});

test('a list token for subnetIds is refused with a clear message', () => {
  expect(() =>
    synthStack('x', (stack) => {
      new AzurermProvider(stack, 'azurerm', { features: [{}] });
      const v = new (require('cdktf').TerraformVariable)(stack, 'subnets', { type: 'list(string)' });
      new AzureSegmentation(stack, 'seg', { policy: spec, resourceGroupName: 'rg', location: 'westeurope', subnetIds: v.listValue });
    }),
  ).toThrow(/subnetIds must be a literal list/);
});
