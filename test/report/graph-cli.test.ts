/** `microseg graph` and `microseg report`, in-process. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { main } from '../../lib/cli/main';
import { memoryIO } from '../../lib/cli/io';
import { buildGraph } from '../../lib/analysis/graph';
import { renderDot } from '../../lib/report/dot';
import { renderMermaid } from '../../lib/report/mermaid';
import { EXAMPLE, exampleDoc, exampleIr } from './helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-graph-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const io = memoryIO(tmp);
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

test('mermaid (default) and dot to stdout, same text as the library', async () => {
  const ir = exampleIr();
  const m = await run('graph', EXAMPLE, '--group-by', 'env');
  expect(m.code).toBe(0);
  expect(m.out).toBe(renderMermaid(buildGraph(ir, { groupBy: 'env' })));
  const d = await run('graph', EXAMPLE, '--format', 'dot', '--show-denied');
  expect(d.code).toBe(0);
  expect(d.out).toBe(renderDot(buildGraph(ir, { showDenied: true })));
  expect((await run('graph', EXAMPLE, '--fence')).out.startsWith('```mermaid\n')).toBe(true);
});

test('svg to a file; html is a self-contained page', async () => {
  const s = await run('graph', EXAMPLE, '--format', 'svg', '--group-by', 'tier', '--out', 'g.svg');
  expect(s.code).toBe(0);
  expect(s.out).toBe('');
  const svg = fs.readFileSync(path.join(tmp, 'g.svg'), 'utf8');
  expect(svg).toContain('<svg');
  expect(svg.match(/class="node/g)).toHaveLength(15);
  const h = await run('graph', EXAMPLE, '--format', 'html');
  expect(h.code).toBe(0);
  expect(h.out).toMatch(/^<!DOCTYPE html>/);
  expect(h.out).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|url\(http/);
}, 20_000);

test('--diff against an older policy colours the changes', async () => {
  const doc = exampleDoc();
  doc.rules = doc.rules.filter((r: any) => r.name !== 'vpn-ssh-to-app');
  const newer = path.join(tmp, 'newer.yaml');
  fs.writeFileSync(newer, stringify(doc));
  const r = await run('graph', newer, '--diff', EXAMPLE, '--format', 'dot');
  expect(r.code).toBe(0);
  expect(r.out.match(/class="allow removed"/g)).toHaveLength(3);
  expect(r.out).toContain('label="policy shop (diff)"');
});

test('--diff --format html with a segment removed: the explorer holds the policy as it is', async () => {
  const doc = exampleDoc();
  doc.segments = doc.segments.filter((x: any) => x.name !== 'shop-cache-staging');
  doc.rules = doc.rules.filter((r: any) => r.name !== 'vpn-ssh-to-app');
  const newer = path.join(tmp, 'fewer.yaml');
  fs.writeFileSync(newer, stringify(doc));
  const r = await run('graph', newer, '--diff', EXAMPLE, '--format', 'html');
  expect(r.code).toBe(0);
  const data = JSON.parse(/<script type="application\/json" id="explorer-data">([^<]*)<\/script>/.exec(r.out)![1]);
  const names = data.nodes.map((n: unknown[]) => n[0]);
  expect(names).not.toContain('shop-cache-staging');
  expect(names).toContain('shop-cache-prod');
  const now = buildGraph(exampleIr(), {});
  expect(data.edges.length).toBeLessThan(now.edges.length);
  for (const e of data.edges) expect(e[0] < names.length && e[1] < names.length).toBe(true);
  // ssh from the VPN is gone from the explorer's edges (it is drawn removed in the picture).
  const vpn = names.indexOf('corp-vpn');
  expect(data.edges.filter((e: any[]) => e[0] === vpn && /ssh/.test(e[3]))).toEqual([]);
}, 20_000);

test('bad usage exits 2; an invalid policy exits 1', async () => {
  expect((await run('graph', EXAMPLE, '--format', 'png')).code).toBe(2);
  const g = await run('graph', EXAMPLE, '--group-by', 'colour');
  expect(g.code).toBe(2);
  expect(g.err).toContain("has no label 'colour' (labels: env, tier, app)");
  expect((await run('graph', path.join(tmp, 'missing.yaml'))).code).toBe(2);
  const bad = path.join(tmp, 'bad.yaml');
  fs.writeFileSync(bad, stringify({ ...exampleDoc(), rules: [{ name: 'x', from: { tier: 'wbe' }, to: { tier: 'app' }, services: ['https'] }] }));
  const b = await run('graph', bad);
  expect(b.code).toBe(1);
  expect(b.out).toBe('');
});

test('report writes one HTML file, with coverage from an inventory', async () => {
  const inv = path.join(tmp, 'inventory.json');
  fs.writeFileSync(
    inv,
    JSON.stringify([
      { name: 'web-1', address: '10.10.1.10', labels: { env: 'prod', tier: 'web', app: 'shop' } },
      { name: 'web-2', address: '10.10.1.11', labels: { env: 'prod', tier: 'web', app: 'shop' } },
      { name: 'db-1', address: '10.10.3.10', labels: { env: 'prod', tier: 'db', app: 'shop' } },
      { name: 'legacy-ftp', address: '10.99.0.5', labels: { env: 'prod', tier: 'ftp' } },
    ]),
  );
  const r = await run('report', EXAMPLE, '--out', 'out/report.html', '--inventory', 'inventory.json');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^report of 'shop' written to out\/report.html \(\d+ KiB\)\n$/);
  const html = fs.readFileSync(path.join(tmp, 'out/report.html'), 'utf8');
  expect(html).toContain('<b>3</b> of <b>4</b> workloads (75%)');
  expect(html).toContain('legacy-ftp');
  expect(html.match(/<details class="segment"/g)).toHaveLength(12);
  expect(fs.readdirSync(path.join(tmp, 'out'))).toEqual(['report.html']);
  // A precomputed coverage object (from the lifecycle analyses) is shown as given.
  fs.writeFileSync(path.join(tmp, 'coverage.json'), JSON.stringify({ total: 10, managed: 9, segments: [{ segment: 'shop-web-prod', workloads: 9 }], unmanaged: [{ name: 'stray' }] }));
  expect((await run('report', EXAMPLE, '--out', 'c.html', '--inventory', 'coverage.json')).code).toBe(0);
  expect(fs.readFileSync(path.join(tmp, 'c.html'), 'utf8')).toContain('<b>9</b> of <b>10</b> workloads (90%)');
  expect((await run('report', EXAMPLE, '--out', 'x.html', '--inventory', 'missing.json')).code).toBe(2);
  expect(fs.existsSync(path.join(tmp, 'x.html'))).toBe(false);
}, 20_000);
