/**
 * Flow logs as the clouds document them, each fixture built from the
 * record format the cloud's documentation gives (cited per case), read
 * through the CLI as a user would: verdicts, ends, headerless and
 * CloudWatch shapes, canonical addresses, the window, one connection one
 * hit, Firewall Rules Logging.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BASE_TIME, DAYS } from '../../fixtures/lifecycle/generate';
import { capture as cli } from './helpers';

const UNTIL = BASE_TIME + DAYS * 86400;
const T = UNTIL - 3600; // inside any window ending at UNTIL
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-docfmt-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, text);
  return p;
};

type Report = {
  stale: { rule: string; seenVerdictUnknown?: number }[];
  used: { rule: string; hits: number }[];
  inputs: { records: number; unknownVerdict: number; outsideWindow?: number }[];
  unattributed: Record<string, number>;
};

async function stale(file: string, extra: string[] = []): Promise<{ report: Report; stderr: string }> {
  const r = await cli(['stale', 'policy.yaml', '--flows', file, '--inventory', 'inventory.yaml', '--format', 'json', ...(extra.includes('--until') ? [] : ['--until', String(UNTIL)]), ...extra]);
  expect(r.code).toBe(0);
  return { report: JSON.parse(r.stdout), stderr: r.stderr };
}
const hits = (r: Report) => Object.fromEntries(r.used.map((u) => [u.rule, u.hits]));

// docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html: the default format's fields, in order.
const DEFAULT = (src: string, dst: string, sp: number, dp: number, proto: number, t: number, action: string) =>
  `2 123456789010 eni-1235b8ca123456789 ${src} ${dst} ${sp} ${dp} ${proto} 20 4249 ${t} ${t + 60} ${action} OK`;

describe('AWS: a record without a verdict is seen, verdict unknown', () => {
  // A custom format without ${action}, as in the S3 delivery example of
  // docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html (custom format fields only).
  const header = 'version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end tcp-flags log-status';
  const line = (src: string, dst: string, sp: number, dp: number, t: number) =>
    `5 vpc-0123 subnet-0456 i-0789 eni-0abc 123456789010 IPv4 ${src} ${dst} ${sp} ${dp} ${src} ${dst} 6 4249 20 ${t} ${t + 60} 2 OK`;

  test('stale never counts it as use, names the rule it would have used, and says so once per file', async () => {
    const f = write('no-action.log', [header, line('192.168.100.9', '10.1.0.10', 50000, 22, T), line('192.168.100.9', '10.1.0.10', 50001, 22, T + 5)].join('\n') + '\n');
    const { report, stderr } = await stale(f);
    expect(report.used).toEqual([]);
    expect(report.stale.find((s) => s.rule === 'admin-ssh')).toMatchObject({ seenVerdictUnknown: 2 });
    expect(report.unattributed.verdictUnknown).toBe(2);
    expect(report.inputs[0]).toMatchObject({ records: 2, unknownVerdict: 2 });
    expect(stderr.match(/MS8013/g)).toHaveLength(1);
    expect(stderr).toMatch(/2 records without a verdict .* seen, verdict unknown/);
  });

  test('discover proposes no rule from it', async () => {
    const f = write('no-action-discover.log', [header, line('10.1.0.10', '10.1.1.10', 50000, 8080, T)].join('\n') + '\n');
    const r = await cli(['discover', '--flows', f, '--inventory', 'inventory.yaml', '--labels', 'env,tier']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/tcp\/8080/);
    expect(r.stderr).toMatch(/MS8013/);
  });
});

describe('AWS: pkt-srcaddr / pkt-dstaddr decide the ends', () => {
  // docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html, "Traffic through a transit gateway":
  // on the gateway's interface srcaddr/dstaddr are the gateway's; pkt-srcaddr/pkt-dstaddr are the packet's.
  const header = 'version interface-id account-id vpc-id subnet-id instance-id srcaddr dstaddr srcport dstport protocol tcp-flags type pkt-srcaddr pkt-dstaddr action log-status';
  test('a transit-gateway record is credited between the real ends, not the gateway addresses', async () => {
    const f = write('tgw-eni.log', [header, `3 eni-0tgw 123456789010 vpc-0a subnet-0a - 10.40.1.175 10.40.2.236 39812 80 6 3 IPv4 10.1.0.10 10.1.1.10 ACCEPT OK`.replace(' 80 ', ' 8080 ')].join('\n') + '\n');
    const { report } = await stale(f);
    expect(hits(report)).toEqual({ 'web-to-app': 1 });
    const d = await cli(['discover', '--flows', f, '--inventory', 'inventory.yaml', '--labels', 'env,tier']);
    expect(d.stdout).not.toMatch(/10\.40\./);
  });

  // docs.aws.amazon.com/vpc/latest/tgw/tgw-flow-logs.html, "Transit Gateway Flow Log records": no action field at all.
  test('Transit Gateway Flow Logs (default fields, no action) are verdict unknown', async () => {
    const fields =
      'version resource-type account-id tgw-id tgw-attachment-id tgw-src-vpc-account-id tgw-dst-vpc-account-id tgw-src-vpc-id tgw-dst-vpc-id tgw-src-subnet-id tgw-dst-subnet-id tgw-src-eni tgw-dst-eni tgw-src-az-id tgw-dst-az-id tgw-pair-attachment-id srcaddr dstaddr srcport dstport protocol packets bytes start end log-status type packets-lost-no-route packets-lost-blackhole packets-lost-mtu-exceeded packets-lost-ttl-expired tcp-flags region flow-direction pkt-src-aws-service pkt-dst-aws-service';
    const rec = `6 TransitGateway 123456789010 tgw-0a tgw-attach-0b 123456789010 123456789010 vpc-0a vpc-0b subnet-0a subnet-0b eni-0a eni-0b use1-az1 use1-az2 tgw-attach-0c 192.168.100.9 10.1.0.10 50000 22 6 10 840 ${T} ${T + 60} OK IPv4 0 0 0 0 2 us-east-1 ingress - -`;
    const f = write('tgw.log', [fields, rec].join('\n') + '\n');
    const { report } = await stale(f);
    expect(report.used).toEqual([]);
    expect(report.stale.find((s) => s.rule === 'admin-ssh')).toMatchObject({ seenVerdictUnknown: 1 });
  });
});

describe('AWS: headerless and CloudWatch shapes', () => {
  const format = '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${tcp-flags} ${flow-direction}';
  const custom = (t: number) => `2 123456789010 eni-0abc 10.1.0.10 10.1.1.10 50000 8080 6 20 4249 ${t} ${t + 60} ACCEPT OK 2 ingress`;

  test('a headerless custom format is MS8011 without --aws-format and reads with it', async () => {
    const f = write('headerless.log', custom(T) + '\n' + custom(T + 1).replace('50000', '50001') + '\n');
    const bad = await cli(['stale', 'policy.yaml', '--flows', f, '--inventory', 'inventory.yaml', '--until', String(UNTIL)]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/MS8011 .*--aws-format/);
    const { report } = await stale(f, ['--aws-format', format]);
    expect(hits(report)).toEqual({ 'web-to-app': 2 });
    const typo = await cli(['stale', 'policy.yaml', '--flows', f, '--inventory', 'inventory.yaml', '--aws-format', '${version} ${src addr}']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/--aws-format/);
  });

  // `aws logs filter-log-events` output: docs.aws.amazon.com/cli/latest/reference/logs/filter-log-events.html
  // (events[] of logStreamName, timestamp, message, ingestionTime, eventId); the message is a default-format record.
  test('`aws logs filter-log-events` JSON reads', async () => {
    const doc = {
      events: [
        { logStreamName: 'eni-1235b8ca123456789-all', timestamp: T * 1000, message: DEFAULT('10.1.0.10', '10.1.1.10', 50000, 8080, 6, T, 'ACCEPT'), ingestionTime: T * 1000 + 900, eventId: '1' },
        { logStreamName: 'eni-1235b8ca123456789-all', timestamp: T * 1000, message: DEFAULT('10.1.1.10', '10.1.0.10', 8080, 50000, 6, T, 'ACCEPT'), ingestionTime: T * 1000 + 900, eventId: '2' },
      ],
      searchedLogStreams: [{ logStreamName: 'eni-1235b8ca123456789-all', searchedCompletely: true }],
    };
    const f = write('filter-log-events.json', JSON.stringify(doc, null, 2));
    const { report } = await stale(f);
    // Request and response: one connection.
    expect(hits(report)).toEqual({ 'web-to-app': 1 });
  });

  test('timestamp-prefixed lines (console export, `aws logs tail` with the stream name) read', async () => {
    const iso = new Date(T * 1000).toISOString();
    const lines = [
      `${iso} ${DEFAULT('10.1.0.10', '10.1.1.10', 50000, 8080, 6, T, 'ACCEPT')}`,
      `${iso.replace('Z', '+00:00')} eni-1235b8ca123456789-all ${DEFAULT('10.1.0.11', '10.1.1.10', 50002, 8080, 6, T, 'ACCEPT')}`,
    ];
    const { report } = await stale(write('tail.log', lines.join('\n') + '\n'));
    expect(hits(report)).toEqual({ 'web-to-app': 2 });
    expect(report.inputs[0]).toMatchObject({ records: 2 });
  });
});

describe('addresses in canonical form everywhere', () => {
  test('an IPv6 address spelled with capitals and leading zeros matches the inventory in stale and discover', async () => {
    const v6 = '2001:0DB8:0000:0000:0000:0000:0000:0005'; // 2001:db8::5, an internet client
    const server = 'FD00:0001:0000:0000:0000:0000:0000:0010'; // web-prod-v6 (fd00:1::10)
    const f = write('v6.log', DEFAULT(v6, server, 50000, 443, 6, T, 'ACCEPT') + '\n');
    const { report } = await stale(f);
    expect(hits(report)).toEqual({ 'internet-to-web': 1 });
    const d = await cli(['discover', '--flows', f, '--inventory', 'inventory.yaml', '--labels', 'env,tier']);
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/tcp\/443/);
  });
});

describe('the window ends now (or at --until)', () => {
  test('a far-future REJECT does not move the window; records outside it are counted and reported', async () => {
    const lines = [DEFAULT('10.1.0.10', '10.1.1.10', 50000, 8080, 6, T, 'ACCEPT'), DEFAULT('10.2.0.10', '10.1.1.10', 50001, 8080, 6, UNTIL + 400 * 86400, 'REJECT')];
    const { report, stderr } = await stale(write('future.log', lines.join('\n') + '\n'), ['--days', '90']);
    expect(hits(report)).toEqual({ 'web-to-app': 1 });
    expect(report.unattributed.outsideWindow).toBe(1);
    expect(report.inputs[0].outsideWindow).toBe(1);
    expect(stderr).toMatch(/1 record outside the window/);
  });

  test('a log wholly outside the window gets MS8014 naming its span', async () => {
    const old = 1420070400; // 2015-01-01
    const f = write('old.log', [DEFAULT('10.1.0.10', '10.1.1.10', 50000, 8080, 6, old, 'ACCEPT'), DEFAULT('10.1.0.10', '10.1.1.10', 50001, 8080, 6, old + 86400, 'ACCEPT')].join('\n') + '\n');
    // No --until: the window ends now.
    const r = await cli(['stale', 'policy.yaml', '--flows', f, '--inventory', 'inventory.yaml', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/MS8014 all 2 records lie outside the window .*: the log spans 2015-01-01T00:00:00Z – 2015-01-02T00:00:00Z/);
    expect(JSON.parse(r.stdout).used).toEqual([]);
  });
});

describe('one connection is one hit', () => {
  // cloud.google.com/vpc/docs/flow-logs "Record format": jsonPayload.connection, reporter SRC|DEST, start_time.
  const gcp = (reporter: string, srcPort: number, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      jsonPayload: { connection: { src_ip: '10.1.1.10', src_port: srcPort, dest_ip: '10.1.2.10', dest_port: 5432, protocol: 6 }, reporter, start_time: new Date(T * 1000).toISOString(), bytes_sent: '4249', packets_sent: '20', ...extra },
      logName: 'projects/p/logs/compute.googleapis.com%2Fvpc_flows',
      timestamp: new Date(T * 1000).toISOString(),
    });

  test('GCP: the SRC and DEST reports of one connection are one hit; a SRC report alone is verdict unknown', async () => {
    // cloud.google.com/vpc/docs/flow-logs, "Key properties": egress packets are sampled before egress firewall rules.
    const f = write('gcp-src-dest.jsonl', [gcp('SRC', 50000), gcp('DEST', 50000), gcp('SRC', 50001)].join('\n') + '\n');
    const { report, stderr } = await stale(f);
    expect(hits(report)).toEqual({ 'app-to-db': 1 });
    expect(report.unattributed.verdictUnknown).toBe(1);
    // Two source-side records (one of them confirmed by its DEST report): the note counts records, the report connections.
    expect(stderr).toMatch(/MS8013 2 records without a verdict/);
  });

  test('Azure VNet flow logs: the B, C and E states of one flow are one hit', async () => {
    // learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview, "Log format": flowRecords.flows[].flowGroups[].flowTuples,
    // `time,src,dst,srcPort,dstPort,protocol,direction,state(B|C|E|D),encryption,packetsS2D,bytesS2D,packetsD2S,bytesD2S`.
    const tuple = (state: string, ms: number) => `${ms},10.1.1.10,10.1.2.10,50000,5432,6,O,${state},NX,${state === 'B' ? '' : 10},${state === 'B' ? '' : 800},${state === 'B' ? '' : 9},${state === 'B' ? '' : 700}`;
    const doc = {
      records: [
        {
          time: new Date(T * 1000).toISOString(),
          flowLogVersion: 4,
          flowLogGUID: '00000000-0000-0000-0000-000000000000',
          macAddress: '00224871C205',
          category: 'FlowLogFlowEvent',
          flowLogResourceID: '/SUBSCRIPTIONS/0/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NW/FLOWLOGS/FL',
          targetResourceID: '/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet',
          operationName: 'FlowLogFlowEvent',
          flowRecords: { flows: [{ aclID: '00000000-1111-2222-3333-444444444444', flowGroups: [{ rule: 'DefaultRule_AllowInternetOutBound', flowTuples: [tuple('B', T * 1000), tuple('C', T * 1000 + 60000), tuple('E', T * 1000 + 120000)] }] }] },
        },
      ],
    };
    const { report } = await stale(write('azure-bce.json', JSON.stringify(doc)));
    expect(hits(report)).toEqual({ 'app-to-db': 1 });
  });
});

describe('GCP Firewall Rules Logging', () => {
  // cloud.google.com/firewall/docs/firewall-rules-logging, "Log format": jsonPayload.connection, disposition,
  // rule_details.reference `network:NET/firewall:NAME`, instance, vpc.
  const entry = (name: string, disposition: string, srcPort: number) =>
    JSON.stringify({
      jsonPayload: {
        connection: { src_ip: '10.1.1.10', src_port: srcPort, dest_ip: '10.1.2.10', dest_port: 5432, protocol: 6 },
        disposition,
        rule_details: { reference: `network:default/firewall:${name}`, priority: 1000, action: disposition === 'ALLOWED' ? 'ALLOW' : 'DENY', direction: 'INGRESS' },
        instance: { project_id: 'p', vm_name: 'db-prod-1', region: 'us-central1', zone: 'us-central1-a' },
      },
      logName: 'projects/p/logs/compute.googleapis.com%2Ffirewall',
      timestamp: new Date(T * 1000).toISOString(),
    });

  test('entries are credited to the rule behind the firewall they name, not by replay', async () => {
    // What the policy compiles to on GCP: find the firewall that app-to-db's ingress became.
    const c = await cli(['compile', 'policy.yaml', '--target', 'gcp', '--out', path.join(tmp, 'gcp-out')]);
    expect(c.code).toBe(0);
    const tf = JSON.parse(fs.readFileSync(path.join(tmp, 'gcp-out', 'gcp', 'cdk.tf.json'), 'utf8'));
    const fws = Object.values(tf.resource.google_compute_firewall) as { name: string; direction: string; description?: string }[];
    const ingress = fws.find((f) => f.direction === 'INGRESS' && /app-to-db/.test(f.description ?? ''))!;
    expect(ingress).toBeDefined();
    const f = write('fw.jsonl', [entry(ingress.name, 'ALLOWED', 50000), entry(ingress.name, 'ALLOWED', 50001), entry('someone-elses-rule', 'DENIED', 50002)].join('\n') + '\n');
    const { report } = await stale(f);
    expect(hits(report)).toEqual({ 'app-to-db': 2 });
    expect(report.unattributed.rejected).toBe(1);
  });
});

describe('progress', () => {
  test('the bar is drawn on stderr whenever stderr is a terminal, in one pass', async () => {
    const f = write('progress.log', DEFAULT('10.1.0.10', '10.1.1.10', 50000, 8080, 6, T, 'ACCEPT') + '\n');
    const r = await cli(['stale', 'policy.yaml', '--flows', f, '--inventory', 'inventory.yaml', '--until', String(UNTIL), '--days', '90'], { errIsTTY: true });
    expect(r.code).toBe(0);
    expect(r.stderr.match(/100% /g)).toHaveLength(1);
    expect(r.stdout).not.toMatch(/%/);
  });
});
