/**
 * The policy turns the logs on (issue 18 item 4), and what it turns on is
 * what `stale` reads: a record written in exactly the configured format —
 * with the header S3 writes, or headerless from CloudWatch Logs with the
 * format string the compile prints — is credited to the rule that allows it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkPolicySource } from '../../../lib/model/policy';
import { PolicyError } from '../../../lib/model/diagnostics';
import { resolve } from '../../../lib/resolve/resolve';
import { loadBackend } from '../../../lib/targets/registry';
import { AWS_FLOW_LOG_FIELDS, AWS_FLOW_LOG_FORMAT } from '../../../lib/targets/aws';
import { verifyOutput } from '../../../lib/verify';
import { drift, readState } from '../../../lib/analysis/drift';
import { stateFromTerraform } from '../../fixtures/lifecycle/state';
import { BASE_TIME, DAYS } from '../../fixtures/lifecycle/generate';
import { capture as cli, fix } from './helpers';

const UNTIL = BASE_TIME + DAYS * 86400;
const T = UNTIL - 3600;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-logs-on-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const BASE = fs.readFileSync(fix('policy.yaml'), 'utf8');

/** The lifecycle fixture policy with a `targets:` block appended, written next to the inventory. */
function policyWith(targets: string, name = 'logs-policy.yaml', edit: (text: string) => string = (t) => t): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, `${edit(BASE).trimEnd()}\ntargets:\n${targets}`);
  return file;
}

function compile(file: string, target: 'aws' | 'azure' | 'gcp') {
  const { policy, diagnostics } = checkPolicySource(fs.readFileSync(file, 'utf8'), file);
  if (!policy) throw new Error(diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  const ir = resolve(policy);
  return { ir, out: loadBackend(target).compile(ir) };
}

async function staleHits(logFile: string, extra: string[] = [], policy = 'policy.yaml'): Promise<Record<string, number>> {
  const r = await cli(['stale', policy, '--flows', logFile, '--inventory', 'inventory.yaml', '--format', 'json', '--until', String(UNTIL), ...extra]);
  expect(r.stderr).not.toMatch(/MS8010|MS8011|MS8013/);
  expect(r.code).toBe(0);
  return Object.fromEntries((JSON.parse(r.stdout).used as { rule: string; hits: number }[]).map((u) => [u.rule, u.hits]));
}

/** The value of each field of one record: web-prod-1 → app-prod-1 on tcp/8080, accepted, the SYN from the client. */
function recordValues(srcPort: number): Record<string, string> {
  return {
    version: '5', 'account-id': '123456789010', 'interface-id': 'eni-0abc', srcaddr: '10.1.0.10', dstaddr: '10.1.1.10',
    srcport: String(srcPort), dstport: '8080', protocol: '6', packets: '20', bytes: '4249', start: String(T), end: String(T + 60),
    action: 'ACCEPT', 'log-status': 'OK', 'tcp-flags': '2', 'pkt-srcaddr': '10.1.0.10', 'pkt-dstaddr': '10.1.1.10', 'flow-direction': 'egress',
  };
}
/** A record laid out by a format string as AWS writes it: the fields in the format's order. */
const recordIn = (format: string, srcPort: number) => {
  const v = recordValues(srcPort);
  return format.split(' ').map((f) => v[f.replace(/^\$\{(.*)\}$/, '$1')] ?? '-').join(' ');
};

const flowLogOf = (out: { terraform: Record<string, any> }) => {
  const logs = Object.values((out.terraform.resource?.aws_flow_log ?? {}) as Record<string, any>);
  expect(logs).toHaveLength(1);
  return logs[0];
};
/** Terraform JSON writes a literal `${` as `$${`: the format as the provider receives it. */
const unescape = (s: string) => s.replace(/\$\$\{/g, '${');

describe('targets.aws.flowLogs', () => {
  test('S3: an aws_flow_log on the VPC, all traffic, plain text with every field the reader uses', () => {
    const file = policyWith('  aws:\n    vpcId: vpc-0abc\n    flowLogs:\n      destination: arn:aws:s3:::shop-flow-logs/vpc\n');
    const { ir, out } = compile(file, 'aws');
    const log = flowLogOf(out);
    const { ['//']: _meta, ...body } = log;
    expect(body).toEqual({
      destination_options: { file_format: 'plain-text', hive_compatible_partitions: false, per_hour_partition: false },
      log_destination: 'arn:aws:s3:::shop-flow-logs/vpc',
      log_destination_type: 's3',
      log_format: AWS_FLOW_LOG_FIELDS.map((f) => '$$' + `{${f}}`).join(' '),
      max_aggregation_interval: 600,
      tags: { Name: 'shop-flow-log', 'microseg:policy': 'shop' },
      traffic_type: 'ALL',
      vpc_id: 'vpc-0abc',
    });
    expect(log.log_format.startsWith('$${version} $${account-id} $${interface-id} $${srcaddr}')).toBe(true);
    // Every field the reader decides with is in the format.
    for (const f of ['srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'action', 'log-status', 'start', 'packets', 'bytes', 'tcp-flags', 'pkt-srcaddr', 'pkt-dstaddr']) {
      expect(unescape(log.log_format).split(' ')).toContain(`\${${f}}`);
    }
    expect(AWS_FLOW_LOG_FIELDS).toHaveLength(18);
    // A flow log decides nothing: the output is still exactly the policy.
    expect(verifyOutput(ir, 'aws', out.terraform, out.identities).verdict).toBe('equivalent');
    expect(out.notes.map((n) => n.code)).not.toContain('MS4103');
  });

  test('S3: a file as S3 writes it (header line, then records in the configured order) reads, one connection one hit', async () => {
    const { out } = compile(policyWith('  aws:\n    flowLogs:\n      destination: arn:aws:s3:::b\n      perHourPartition: true\n', 'hourly.yaml'), 'aws');
    const log = flowLogOf(out);
    expect(log.destination_options.per_hour_partition).toBe(true);
    const format = unescape(log.log_format);
    const header = format.split(' ').map((f) => f.slice(2, -1)).join(' ');
    const f = path.join(tmp, 's3.log');
    // Two connections (client ports 50000, 50001); the first reported on both interfaces.
    fs.writeFileSync(f, [header, recordIn(format, 50000), recordIn(format, 50000).replace('eni-0abc', 'eni-0def').replace(' egress', ' ingress'), recordIn(format, 50001)].join('\n') + '\n');
    expect(await staleHits(f)).toEqual({ 'web-to-app': 2 });
  });

  test('CloudWatch Logs: no header; the compile note gives the --aws-format that reads it', async () => {
    const file = policyWith('  aws:\n    flowLogs:\n      destinationType: cloud-watch-logs\n      destination: arn:aws:logs:eu-west-1:123456789010:log-group:vpc-flows\n      iamRoleArn: arn:aws:iam::123456789010:role/flow-logs\n      maxAggregationInterval: 60\n', 'cw.yaml');
    const { out } = compile(file, 'aws');
    const log = flowLogOf(out);
    expect(log).toMatchObject({ log_destination_type: 'cloud-watch-logs', iam_role_arn: 'arn:aws:iam::123456789010:role/flow-logs', max_aggregation_interval: 60 });
    expect(log.destination_options).toBeUndefined();
    const note = out.notes.find((n) => n.code === 'MS4103')!;
    const given = /--aws-format '([^']+)'/.exec(note.message)![1];
    expect(given).toBe(unescape(log.log_format));
    const f = path.join(tmp, 'cw.log');
    // As `aws logs tail` prints it: timestamp, log stream name, message.
    fs.writeFileSync(f, `2025-01-01T00:00:00.000000+00:00 eni-0abc-all ${recordIn(given, 50000)}\n${recordIn(given, 50001)}\n`);
    expect(await staleHits(f, ['--aws-format', given])).toEqual({ 'web-to-app': 2 });
    expect((await cli(['stale', 'policy.yaml', '--flows', f, '--inventory', 'inventory.yaml', '--until', String(UNTIL)])).code).toBe(2);
  });

  test('settings that do not fit together are a located error, and compile exits 1 writing nothing', async () => {
    const file = policyWith('  aws:\n    flowLogs:\n      destinationType: cloud-watch-logs\n      destination: arn:aws:logs:eu-west-1:1:log-group:x\n      perHourPartition: true\n', 'bad-cw.yaml');
    expect(() => compile(file, 'aws')).toThrow(PolicyError);
    const r = await cli(['compile', file, '--target', 'aws', '--out', path.join(tmp, 'bad-out')]);
    expect(r.code).toBe(1);
    const lines = BASE.trimEnd().split('\n').length; // then targets:, aws:, flowLogs: and its keys
    expect(r.stderr).toContain(`bad-cw.yaml:${lines + 4}:7 error MS4005 aws: flowLogs to cloud-watch-logs need iamRoleArn`);
    expect(r.stderr).toContain(`bad-cw.yaml:${lines + 6}:25 error MS4005 aws: perHourPartition is an S3 setting`);
    expect(fs.existsSync(path.join(tmp, 'bad-out'))).toBe(false);
    const s3Role = policyWith('  aws:\n    flowLogs:\n      destination: arn:aws:s3:::b\n      iamRoleArn: arn:aws:iam::1:role/x\n', 'bad-s3.yaml');
    expect(() => compile(s3Role, 'aws')).toThrow(/flowLogs to s3 take no iamRoleArn/);
    const missing = await cli(['validate', policyWith('  aws:\n    flowLogs:\n      maxAggregationInterval: 300\n', 'bad-shape.yaml')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/bad-shape\.yaml:\d+:\d+ error MS1101 missing required key 'destination'/);
    expect(missing.stderr).toMatch(/MS110\d .*maxAggregationInterval/);
  });

  test('drift: the flow log as applied is in sync; a format edited in the console is a changed field', () => {
    const { ir, out } = compile(policyWith('  aws:\n    vpcId: vpc-0abc\n    flowLogs:\n      destination: arn:aws:s3:::b\n', 'drift.yaml'), 'aws');
    const applied = stateFromTerraform(out.terraform as any);
    const live = JSON.stringify(applied);
    expect(live).toContain('"log_format":"${version} ${account-id}');
    expect(drift(ir, out, readState(applied)).inSync).toBe(true);
    const edited = stateFromTerraform(out.terraform as any, [], (type, _n, v) => (type === 'aws_flow_log' ? { ...v, log_format: '${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol}' } : v));
    const r = drift(ir, out, readState(edited));
    expect(r.inSync).toBe(false);
    expect(r.changed.map((c) => [c.type, c.fields.map((f) => f.field)])).toEqual([['aws_flow_log', ['log_format']]]);
    expect(r.flows.verdict).toBe('equivalent');
  });

  test('without flowLogs nothing is logged', () => {
    const { out } = compile(fix('policy.yaml'), 'aws');
    expect(out.terraform.resource?.aws_flow_log).toBeUndefined();
  });
});

describe('log: true and targets.gcp.logDenies', () => {
  const logRule = (name: string) => (text: string) => text.replace(`  - name: ${name}\n`, `  - name: ${name}\n    log: true\n`);
  const firewalls = (out: { terraform: Record<string, any> }) => Object.values(out.terraform.resource.google_compute_firewall) as any[];
  const origins = (f: any) => String(f.description ?? '');

  test('log: true logs exactly the firewall rules compiled from that rule', () => {
    const { ir, out } = compile(policyWith('  gcp: {project: p, network: default}\n', 'gcp-log.yaml', logRule('app-to-db')), 'gcp');
    const fws = firewalls(out);
    const logged = fws.filter((f) => f.log_config);
    // app-to-db is an ingress rule on each db segment and an egress rule on each app segment.
    // Names derive from what the rule is (apply safety), not from its name: one rule identity, four firewalls; the
    // group holding the rule's first (source, destination) pair goes without a group part in each direction.
    expect(logged.map((f) => f.name.replace(/^shop-r[0-9a-f]{8}-/, 'shop-R-')).sort()).toEqual(['shop-R-eg-seg-to-db-staging-v4', 'shop-R-eg-seg-v4', 'shop-R-in-from-app-staging-id', 'shop-R-in-id']);
    expect(new Set(logged.map((f) => f.name.split('-')[1])).size).toBe(1);
    for (const f of logged) expect(f.log_config).toEqual({ metadata: 'INCLUDE_ALL_METADATA' });
    expect(logged.every((f) => /app-to-db/.test(origins(f)))).toBe(true);
    expect(fws.filter((f) => !f.log_config).some((f) => /app-to-db/.test(origins(f)))).toBe(false);
    // Logging decides nothing: the same flows as without it.
    expect(verifyOutput(ir, 'gcp', out.terraform, out.identities).verdict).toBe('equivalent');
    const plain = compile(fix('policy.yaml'), 'gcp').out;
    expect(firewalls(plain).filter((f) => f.log_config)).toEqual([]);
    expect(fws.map(({ log_config: _l, ['//']: _m, ...rest }) => rest)).toEqual(firewalls(plain).map(({ ['//']: _m, network: _n, project: _p, ...rest }) => ({ ...rest, network: 'default', project: 'p' })));
  });

  test('logDenies logs every deny firewall rule (guardrails, exceptions, the default deny) and no allow', () => {
    const { out } = compile(policyWith('  gcp: {project: p, network: default, logDenies: true}\n', 'gcp-denies.yaml'), 'gcp');
    const fws = firewalls(out);
    const denies = fws.filter((f) => f.deny);
    expect(denies.map((f) => f.name.replace(/^shop-r[0-9a-f]{8}-/, 'shop-R-')).sort()).toEqual(['shop-R-in-id', 'shop-default-deny-eg-v4', 'shop-default-deny-eg-v6', 'shop-default-deny-in-v4', 'shop-default-deny-in-v6']);
    // Logging adds no firewall: as many as without it (21: rules of one identity share one, e.g. admin-ssh and vpn-ping).
    expect(fws).toHaveLength(firewalls(compile(fix('policy.yaml'), 'gcp').out).length);
    expect(fws).toHaveLength(21);
    expect(denies.every((f) => f.log_config)).toBe(true);
    expect(fws.filter((f) => f.allow).every((f) => !f.log_config)).toBe(true);
    expect(denies.some((f) => /staging-never-reaches-prod/.test(origins(f)))).toBe(true);
  });

  test('firewall policy rules (secure tags, hierarchical guardrails) log by enable_logging', () => {
    const { ir, out } = compile(policyWith('  gcp: {project: shop-prod-123, network: default, identity: secure-tags, guardrails: hierarchical, guardrailParent: organizations/123, tagParent: organizations/123, logDenies: true}\n', 'gcp-policy-log.yaml', logRule('app-to-db')), 'gcp');
    const rules = (type: string) => Object.values((out.terraform.resource[type] ?? {}) as Record<string, any>);
    const network = rules('google_compute_network_firewall_policy_rule');
    const hierarchical = rules('google_compute_firewall_policy_rule');
    expect(network.length).toBeGreaterThan(0);
    expect(hierarchical.length).toBeGreaterThan(0);
    for (const r of [...network, ...hierarchical]) {
      const want = r.action === 'deny' || /app-to-db/.test(String(r.description));
      expect([r.rule_name ?? r.description, r.enable_logging === true]).toEqual([r.rule_name ?? r.description, want]);
      expect(r.log_config).toBeUndefined();
    }
    const denies = hierarchical.filter((r) => r.action === 'deny');
    expect(denies.length).toBeGreaterThan(0);
    expect(denies.every((r) => r.enable_logging === true)).toBe(true);
    expect(network.filter((r) => r.enable_logging).length).toBeLessThan(network.length);
    expect(verifyOutput(ir, 'gcp', out.terraform, out.identities).verdict).toBe('equivalent');
  });

  test('an entry of a logged firewall, as Firewall Rules Logging writes it, is credited to the rule exactly', async () => {
    const file = policyWith('  gcp: {project: p, network: default}\n', 'gcp-log-read.yaml', logRule('app-to-db'));
    const { out } = compile(file, 'gcp');
    const fw = firewalls(out).find((f) => f.log_config && f.direction === 'INGRESS')!;
    // cloud.google.com/firewall/docs/firewall-rules-logging, "Log format".
    const entry = (srcPort: number) =>
      JSON.stringify({
        insertId: `x${srcPort}`,
        jsonPayload: {
          connection: { src_ip: '10.1.1.10', src_port: srcPort, dest_ip: '10.1.2.10', dest_port: 5432, protocol: 6 },
          disposition: 'ALLOWED',
          rule_details: { reference: `network:default/firewall:${fw.name}`, priority: fw.priority, action: 'ALLOW', direction: 'INGRESS', ip_port_info: [{ ip_protocol: 'TCP', port_range: ['5432'] }] },
          instance: { project_id: 'p', vm_name: 'db-prod-1', region: 'europe-west1', zone: 'europe-west1-b' },
          vpc: { project_id: 'p', vpc_name: 'default', subnetwork_name: 'default' },
        },
        logName: 'projects/p/logs/compute.googleapis.com%2Ffirewall',
        resource: { type: 'gce_subnetwork', labels: { project_id: 'p', subnetwork_name: 'default', location: 'europe-west1-b' } },
        timestamp: new Date(T * 1000).toISOString(),
      });
    const f = path.join(tmp, 'fw.jsonl');
    fs.writeFileSync(f, [entry(50000), entry(50001)].join('\n') + '\n');
    expect(await staleHits(f, [], file)).toEqual({ 'app-to-db': 2 });
  });

  test('a log or logDenies that is not a boolean is a located schema error', async () => {
    const r = await cli(['validate', policyWith('  gcp: {logDenies: "yes"}\n', 'gcp-bad.yaml', (t) => t.replace('  - name: metrics\n', '  - name: metrics\n    log: 1\n'))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/gcp-bad\.yaml:\d+:\d+ error MS1102 rules\[\d\]\.log: expected a boolean/);
    expect(r.stderr).toMatch(/gcp-bad\.yaml:\d+:\d+ error MS1102 targets\.gcp\.logDenies: expected a boolean/);
  });
});

describe('targets.azure.flowLogs', () => {
  const VNET = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shop/providers/Microsoft.Network/virtualNetworks/shop';
  const STORAGE = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-logs/providers/Microsoft.Storage/storageAccounts/shopflows';
  const flowLogOf = (out: { terraform: Record<string, any> }) => {
    const logs = Object.values((out.terraform.resource?.azurerm_network_watcher_flow_log ?? {}) as Record<string, any>);
    expect(logs).toHaveLength(1);
    const { ['//']: _m, ...body } = logs[0];
    return body;
  };

  test('a VNet flow log (version 2) on the VNet, to the storage account, kept 90 days by default', () => {
    const { ir, out } = compile(policyWith(`  azure:\n    location: westeurope\n    resourceGroupName: rg-shop\n    flowLogs: {virtualNetworkId: ${VNET}, storageAccountId: ${STORAGE}}\n`, 'azure.yaml'), 'azure');
    expect(flowLogOf(out)).toEqual({
      enabled: true,
      location: 'westeurope',
      name: 'shop-vnet-flow-log',
      network_watcher_name: 'NetworkWatcher_westeurope',
      resource_group_name: 'NetworkWatcherRG',
      retention_policy: { days: 90, enabled: true },
      storage_account_id: STORAGE,
      tags: { 'microseg-policy': 'shop' },
      target_resource_id: VNET,
      version: 2,
    });
    expect(verifyOutput(ir, 'azure', out.terraform, out.identities).verdict).toBe('equivalent');
    expect(out.terraform.resource.azurerm_network_watcher_flow_log).toBeDefined();
    expect(compile(fix('policy.yaml'), 'azure').out.terraform.resource.azurerm_network_watcher_flow_log).toBeUndefined();
  });

  test('watcher, its group and retention can be named; 0 turns retention off; a location left to a variable names the watcher by it', () => {
    const { out } = compile(policyWith(`  azure:\n    flowLogs: {virtualNetworkId: "\${azurerm_virtual_network.main.id}", storageAccountId: s, networkWatcherName: nw-eu, networkWatcherResourceGroupName: rg-nw, retentionDays: 0}\n`, 'azure-named.yaml'), 'azure');
    expect(flowLogOf(out)).toMatchObject({ network_watcher_name: 'nw-eu', resource_group_name: 'rg-nw', retention_policy: { days: 0, enabled: false }, target_resource_id: '${azurerm_virtual_network.main.id}', location: '${var.location}' });
    const v = compile(policyWith('  azure:\n    flowLogs: {virtualNetworkId: v, storageAccountId: s}\n', 'azure-var.yaml'), 'azure').out;
    expect(flowLogOf(v).network_watcher_name).toBe('NetworkWatcher_${var.location}');
  });

  test('a VNet flow log record as Azure writes it reads: the flow states of one connection are one hit', async () => {
    // learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview, "Log format": records[].flowRecords.flows[].flowGroups[].flowTuples,
    // each "time,src,dst,srcport,dstport,protocol,direction,state,encryption,packets out,bytes out,packets in,bytes in".
    const ms = T * 1000;
    const doc = {
      records: [
        {
          time: new Date(ms).toISOString(), flowLogVersion: 4, flowLogGUID: '00000000-0000-0000-0000-000000000001', macAddress: '000D3AF87856', category: 'FlowLogFlowEvent',
          flowLogResourceID: '/SUBSCRIPTIONS/00000000/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_WESTEUROPE/FLOWLOGS/SHOP-VNET-FLOW-LOG',
          targetResourceID: VNET.toUpperCase(), operationName: 'FlowLogFlowEvent',
          flowRecords: { flows: [{ aclID: '00000000-0000-0000-0000-000000000002', flowGroups: [{ rule: 'shop-app-prod-in-100', flowTuples: [
            `${ms},10.1.0.10,10.1.1.10,50000,8080,6,O,B,NX,0,0,0,0`,
            `${ms + 1000},10.1.0.10,10.1.1.10,50000,8080,6,O,C,NX,10,2000,9,5000`,
            `${ms + 2000},10.1.0.10,10.1.1.10,50000,8080,6,O,E,NX,2,120,1,60`,
            `${ms},10.1.0.11,10.1.1.10,50001,8080,6,O,B,NX,0,0,0,0`,
          ] }] }] },
        },
      ],
    };
    const f = path.join(tmp, 'vnet.json');
    fs.writeFileSync(f, JSON.stringify(doc));
    expect(await staleHits(f)).toEqual({ 'web-to-app': 2 });
  });

  test('a flowLogs block missing the VNet is a located schema error', async () => {
    const r = await cli(['validate', policyWith('  azure:\n    flowLogs: {storageAccountId: s, retentionDays: 400}\n', 'azure-bad.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/azure-bad\.yaml:\d+:\d+ error MS1101 missing required key 'virtualNetworkId'/);
    expect(r.stderr).toMatch(/azure-bad\.yaml:\d+:\d+ error MS1104 targets\.azure\.flowLogs\.retentionDays: must be at most 365/);
  });
});
