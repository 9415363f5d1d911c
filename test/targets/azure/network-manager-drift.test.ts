/**
 * drift with deny guardrails as security admin rules: a state that matches
 * the compiled output is in sync; a removed admin rule and a hand-made one
 * are drift, and the live flows are judged with the admin layer.
 */
import * as fs from 'fs';
import * as path from 'path';
import { drift, readState } from '../../../lib/analysis/drift';
import { backend } from '../../../lib/targets/azure';
import { stateFromTerraform } from '../../fixtures/lifecycle/state';
import { irFromYaml } from './helpers';

const text = fs.readFileSync(path.join(__dirname, '../fixtures/azure-network-manager.yaml'), 'utf8');
const ir = irFromYaml(text, 'policy.yaml');
const out = backend.compile(ir);
const tf = out.terraform as any;

test('the applied output is in sync, admin rules included', () => {
  const r = drift(ir, out, readState(stateFromTerraform(tf)));
  expect({ added: r.added, removed: r.removed, changed: r.changed, flows: r.flows.count }).toEqual({ added: [], removed: [], changed: [], flows: 0 });
  expect(r.inSync).toBe(true);
});

test('an admin rule deleted in the portal is removed drift, and the flows it denied show', () => {
  const rules = tf.resource.azurerm_network_manager_admin_rule;
  const gone = Object.keys(rules).find((k) => rules[k].name === 'staging-never-prod.in.any.ip4')!;
  const state = stateFromTerraform(tf, [], (type, name, values) => (type === 'azurerm_network_manager_admin_rule' && name === gone ? undefined : values));
  const r = drift(ir, out, readState(state));
  expect(r.inSync).toBe(false);
  expect(r.removed.map((x) => x.address)).toEqual([`azurerm_network_manager_admin_rule.${gone}`]);
});

test('a hand-made AlwaysAllow admin rule is added drift and opens flows', () => {
  const [[collection]] = Object.entries<any>(tf.resource.azurerm_network_manager_admin_rule_collection);
  const hand = {
    type: 'azurerm_network_manager_admin_rule',
    name: 'hand_allow',
    values: {
      name: 'hand-allow',
      admin_rule_collection_id: `\${azurerm_network_manager_admin_rule_collection.${collection}.id}`,
      action: 'AlwaysAllow',
      direction: 'Inbound',
      priority: 1,
      protocol: 'Any',
      source: [{ address_prefix: '10.2.0.0/23', address_prefix_type: 'IPPrefix' }],
      destination: [{ address_prefix: '10.1.0.0/23', address_prefix_type: 'IPPrefix' }],
    },
  };
  const r = drift(ir, out, readState(stateFromTerraform(tf, [hand])));
  expect(r.added.map((x) => x.type)).toEqual(['azurerm_network_manager_admin_rule']);
  expect(r.flows.count).toBeGreaterThan(0);
});
