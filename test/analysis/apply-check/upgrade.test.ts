/**
 * Upgrading the library is itself a safe change: each example's output as
 * 0.1.0 wrote it (test/fixtures/upgrade, taken from the snapshots before
 * AWS rule ids, Azure rule names and GCP firewall names stopped carrying
 * rule names) → today's output is moves (`moved` blocks) and in-place
 * updates only, never a create, destroy or replacement (an upgraded Azure
 * rule or GCP firewall keeps its old cloud name: lifecycle.ignore_changes).
 */
import * as fs from 'fs';
import * as path from 'path';
import { classifyChanges, movesOf } from '../../../lib/analysis/apply-check/replacement';
import { EXAMPLES, synthExample } from '../../examples/helpers';

const dir = path.join(__dirname, '../../fixtures/upgrade');
/** The examples 0.1.0 shipped (kubernetes-shop came later: there is no older output to upgrade from). */
const SHIPPED_IN_0_1_0 = ['aws-shop', 'azure-shop', 'gcp-shop', 'multi-cloud', 'typed-builder'];

it('has the 0.1.0 output of every example 0.1.0 shipped, and each of those examples still exists', () => {
  expect(fs.readdirSync(dir).sort()).toEqual(SHIPPED_IN_0_1_0.map((n) => `${n}-0.1.0.tf.json`));
  expect(EXAMPLES.map((e) => e.name)).toEqual(expect.arrayContaining(SHIPPED_IN_0_1_0));
});

describe.each(EXAMPLES.filter((e) => SHIPPED_IN_0_1_0.includes(e.name)).map((e) => [e.name, e] as const))('upgrading example %s from 0.1.0', (name, def) => {
  it('moves and updates in place only', () => {
    const old = JSON.parse(fs.readFileSync(path.join(dir, `${name}-0.1.0.tf.json`), 'utf8'));
    const now = synthExample(def).json;
    const changes = classifyChanges(old, now);
    const bad = changes.filter((c) => c.action !== 'keep' && c.action !== 'update').map((c) => `${c.action} ${c.address}`);
    expect(bad).toEqual([]);
    // Every move names an address the old output had and one the new output has.
    const oldAddrs = new Set(Object.entries<Record<string, unknown>>(old.resource).flatMap(([t, b]) => Object.keys(b).map((n) => `${t}.${n}`)));
    const newAddrs = new Set(Object.entries<Record<string, unknown>>(now.resource).flatMap(([t, b]) => Object.keys(b).map((n) => `${t}.${n}`)));
    // Every AWS rule and every GCP firewall named after a rule moved (0.1.0 addresses carried rule names); the default denies kept theirs.
    const movedOf = (type: string) => [...movesOf(now).values()].filter((to) => to.startsWith(`${type}.`)).length;
    const countOf = (type: string) => Object.keys(now.resource[type] ?? {}).length;
    expect(movedOf('aws_vpc_security_group_ingress_rule') + movedOf('aws_vpc_security_group_egress_rule')).toBe(countOf('aws_vpc_security_group_ingress_rule') + countOf('aws_vpc_security_group_egress_rule'));
    expect(movedOf('google_compute_firewall')).toBe(Object.keys(now.resource.google_compute_firewall ?? {}).filter((n) => !n.includes('-default-deny-')).length);
    expect(movedOf('azurerm_network_security_rule')).toBe(Object.values<any>(now.resource.azurerm_network_security_rule ?? {}).filter((r) => !r.name.startsWith('deny-all-')).length);
    for (const [from, to] of movesOf(now)) {
      expect(oldAddrs.has(from) || !newAddrs.has(from)).toBe(true);
      expect(newAddrs.has(to)).toBe(true);
    }
  });
});
