/** The constructs turn the logs on exactly as `compile` does: the policy's settings by default, props to override. */
import * as fs from 'fs';
import { SegmentationPolicy } from '../../lib/model/policy';
import { resolve } from '../../lib/resolve/resolve';
import { loadBackend } from '../../lib/targets/registry';
import { AzureSegmentation } from '../../lib/constructs/azure';
import { GcpSegmentation } from '../../lib/constructs/gcp';
import { synthStack } from '../../lib/constructs/synth';
import { SPEC_EXAMPLE } from './aws/helpers';

const withTargets = (targets: string, edit: (t: string) => string = (t) => t) =>
  SegmentationPolicy.fromSource(`${edit(fs.readFileSync(SPEC_EXAMPLE, 'utf8')).trimEnd()}\ntargets:\n${targets}`, SPEC_EXAMPLE);
const bodies = (tf: Record<string, any>, type: string) => Object.values((tf.resource?.[type] ?? {}) as Record<string, any>).map(({ ['//']: _m, ...b }) => b);

describe('AzureSegmentation flowLogs', () => {
  const policy = () => withTargets('  azure:\n    location: westeurope\n    resourceGroupName: rg\n    flowLogs: {virtualNetworkId: vnet-id, storageAccountId: sa-id, retentionDays: 30}\n');
  const synth = (props: { flowLogs?: false | { virtualNetworkId: string; storageAccountId: string } }) =>
    synthStack('app', (stack) => void new AzureSegmentation(stack, 'seg', { policy: policy(), resourceGroupName: 'rg', location: 'westeurope', ...props }));

  test("defaults to the policy's, the same body as compile; props override; false turns it off", () => {
    const cli = bodies(loadBackend('azure').compile(resolve(policy())).terraform, 'azurerm_network_watcher_flow_log');
    expect(cli).toHaveLength(1);
    expect(bodies(synth({}), 'azurerm_network_watcher_flow_log')).toEqual(cli);
    expect(bodies(synth({ flowLogs: { virtualNetworkId: 'other', storageAccountId: 'sa2' } }), 'azurerm_network_watcher_flow_log')[0]).toMatchObject({ target_resource_id: 'other', storage_account_id: 'sa2', retention_policy: { days: 90, enabled: true } });
    expect(synth({ flowLogs: false }).resource.azurerm_network_watcher_flow_log).toBeUndefined();
  });
});

describe('GcpSegmentation logging', () => {
  const firstRule = /^rules:[^\n]*\n  - name: ([a-z0-9-]+)\n/m;
  const policy = () => withTargets('  gcp: {project: p, network: n}\n', (t) => t.replace(firstRule, (m) => `${m}    log: true\n`));
  const synth = (props: { logDenies?: boolean }) => synthStack('app', (stack) => void new GcpSegmentation(stack, 'seg', { policy: policy(), network: 'n', project: 'p', ...props }));
  const loggedBodies = (tf: Record<string, any>) => bodies(tf, 'google_compute_firewall').filter((f) => f.log_config);
  const logged = (tf: Record<string, any>) => loggedBodies(tf).map((f) => f.name).sort();

  test('log: true rules are logged as by compile; logDenies adds every deny', () => {
    const rule = firstRule.exec(fs.readFileSync(SPEC_EXAMPLE, 'utf8'))![1];
    const cli = logged(loadBackend('gcp').compile(resolve(policy())).terraform);
    expect(cli.length).toBeGreaterThan(0);
    // Names derive from what a rule is; its descriptions name the rules it realises.
    expect(loggedBodies(loadBackend('gcp').compile(resolve(policy())).terraform).every((f) => String(f.description).includes(rule))).toBe(true);
    expect(logged(synth({}))).toEqual(cli);
    const all = synth({ logDenies: true });
    const denies = bodies(all, 'google_compute_firewall').filter((f) => f.deny).map((f) => f.name);
    expect(logged(all)).toEqual([...new Set([...cli, ...denies])].sort());
  });
});
