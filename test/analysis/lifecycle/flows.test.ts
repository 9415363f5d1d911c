import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { detectFormat } from '../../../lib/analysis/flows/detect';
import { readFlowLog } from '../../../lib/analysis/flows/read';
import { FlowRecord } from '../../../lib/analysis/flows/record';
import { orient } from '../../../lib/analysis/replay';
import { CONVERSATIONS, events, fixtureFiles } from '../../fixtures/lifecycle/generate';
import { fix } from './helpers';

async function read(file: string, opts = {}) {
  const recs: FlowRecord[] = [];
  const report = await readFlowLog(file, (r) => recs.push(r), opts);
  return { recs, report };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-flows-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, data: string | Buffer) => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, data);
  return p;
};

const evs = events();
const requests = evs.filter((e) => e.request);

describe('flow-log readers', () => {
  test('fixtures are what the seeded generator writes', () => {
    for (const [name, bytes] of Object.entries(fixtureFiles())) expect(fs.readFileSync(fix(name)).equals(bytes)).toBe(true);
  });

  test('AWS default format: every record, NODATA ignored, malformed lines counted with examples', async () => {
    const { recs, report } = await read(fix('aws-flows.log'));
    expect(report.format).toBe('aws');
    expect(report.records).toBe(evs.length);
    expect(recs).toHaveLength(evs.length);
    expect(report.malformed).toBe(3);
    expect(report.ignored).toBe(2); // header + NODATA
    expect(report.examples.map((e) => e.reason)).toEqual(['expected 14 fields, found 6', "invalid source address '10.1.0.300'", "invalid destination port '99999'"]);
    expect(recs.filter((r) => r.action === 'reject')).toHaveLength(4);
    expect(recs[0]).toMatchObject({ src: evs[0].src, dst: evs[0].dst, proto: evs[0].proto, start: evs[0].time, packets: evs[0].packets });
  });

  test('gzip is detected by content, not by name', async () => {
    const plain = await read(fix('aws-flows.log'));
    const gz = await read(fix('aws-flows.log.gz'));
    expect(gz.recs).toEqual(plain.recs);
    const renamed = write('renamed.txt', fs.readFileSync(fix('aws-flows.log.gz')));
    expect((await read(renamed)).report.records).toBe(plain.report.records);
  });

  test('AWS custom format from the header; tcp-flags tell the initiator', async () => {
    const { recs, report } = await read(fix('aws-custom.log'));
    expect(report.records).toBe(evs.length);
    expect(report.malformed).toBe(1);
    const tcp = recs.filter((r) => r.proto === 6);
    expect(tcp.every((r) => r.initiator !== undefined)).toBe(true);
    // Oriented flows are the conversations' client → server, responses included.
    for (const r of recs) {
      const o = orient(r);
      expect(CONVERSATIONS.some((c) => c.client === o.client && c.server === o.server && c.port === o.port)).toBe(true);
    }
  });

  test('Azure NSG v2 document and VNet flow log tuples', async () => {
    const nsg = await read(fix('azure-nsg.json'));
    expect(nsg.report.format).toBe('azure');
    expect(nsg.report.records).toBe(requests.filter((e) => e.proto !== 1).length);
    expect(nsg.report.malformed).toBe(2);
    const vnet = await read(fix('azure-vnet.json'));
    expect(vnet.report.records).toBe(requests.length);
    expect(vnet.report.malformed).toBe(1);
    expect(vnet.recs.filter((r) => r.action === 'reject')).toHaveLength(4);
    expect(vnet.recs.every((r) => r.initiator === 'src')).toBe(true);
  });

  test('Azure JSON is scanned in bounded pieces: tiny chunks give the same records', async () => {
    const whole = await read(fix('azure-vnet.json'));
    const chunked = await read(fix('azure-vnet.json'), { chunkBytes: 7 });
    expect(chunked.recs).toEqual(whole.recs);
    const nsg = await read(fix('azure-nsg.json'), { chunkBytes: 13 });
    expect(nsg.report.records).toBe(requests.filter((e) => e.proto !== 1).length);
  });

  test('Azure NSG v1 tuples (8 fields) and records as NDJSON', async () => {
    const rec = (t: string[]) => JSON.stringify({ records: [{ properties: { Version: 1, flows: [{ rule: 'r', flows: [{ mac: 'm', flowTuples: t }] }] } }] });
    const p = write('v1.json', rec(['1735700000,10.1.0.10,10.1.1.10,40000,8080,T,O,A', '1735700001,10.1.0.10,10.1.1.10,40001,8080,U,O,D']) + '\n' + rec(['1735700002,10.1.0.11,10.1.1.10,40002,8080,T,O,A']) + '\n');
    const { recs, report } = await read(p);
    expect(report.records).toBe(3);
    expect(recs.map((r) => [r.proto, r.action])).toEqual([
      [6, 'accept'],
      [17, 'reject'],
      [6, 'accept'],
    ]);
  });

  test('GCP NDJSON and JSON arrays', async () => {
    const { report } = await read(fix('gcp-flows.jsonl'));
    expect(report.format).toBe('gcp');
    expect(report.records).toBe(evs.filter((e) => e.action === 'ACCEPT').length);
    expect(report.malformed).toBe(2);
    const entries = fs
      .readFileSync(fix('gcp-flows.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{"insertId":"id'))
      .slice(0, 5)
      .map((l) => JSON.parse(l));
    const arr = write('gcp-array.json', JSON.stringify(entries, null, 2));
    const a = await read(arr);
    expect(a.report.records).toBe(5);
  });

  test('over-long lines, truncated gzip and truncated JSON are counted, not thrown', async () => {
    const long = write('long.log', `version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n${'x'.repeat(5000)}\n2 1 eni-1 10.0.0.1 10.0.0.2 40000 443 6 1 60 1 2 ACCEPT OK\n`);
    const l = await read(long, { maxLineBytes: 1000, chunkBytes: 256 });
    expect(l.report).toMatchObject({ records: 1, malformed: 1 });
    expect(l.report.examples[0].reason).toBe('line too long');
    const gz = gzipSync(fs.readFileSync(fix('aws-flows.log')));
    const cut = write('cut.log.gz', gz.subarray(0, Math.floor(gz.length * 0.6)));
    const c = await read(cut);
    expect(c.report.records).toBeGreaterThan(10);
    expect(c.report.malformed).toBeGreaterThanOrEqual(1);
    const json = fs.readFileSync(fix('azure-vnet.json'), 'utf8');
    const tj = write('cut.json', json.slice(0, json.length - 200));
    const t = await read(tj);
    expect(t.report.examples.some((e) => /truncated/.test(e.reason))).toBe(true);
  });

  test('format detection from content', () => {
    expect(detectFormat('version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n')).toEqual({ format: 'aws', layout: 'lines' });
    expect(detectFormat('2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 1 2 6 1 60 1 2 ACCEPT OK\n')?.format).toBe('aws');
    expect(detectFormat('{"records":[{"properties":{"flows":[{"flows":[{"flowTuples":[')).toEqual({ format: 'azure', layout: 'document' });
    expect(detectFormat('{"jsonPayload":{"connection":{}}}\n{"jsonPayload":{}}\n')).toEqual({ format: 'gcp', layout: 'lines' });
    expect(detectFormat('hello world\n')).toBeUndefined();
  });
});
