/**
 * The HTML report in a real browser: headless Debian Chromium driven by
 * playwright-core (never a downloaded browser). Opens the example's report
 * from a file:// URL, checks the graph rendered (nodes and edges), that the
 * search filters the rule table, that the page made no network request and
 * logged no console error, and saves test-artifacts/report.png.
 *
 * Chromium is installed here when missing (apt, as root); when that cannot
 * be done the suite fails, saying why (a skipped test would hide it).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { BrowserContext, Page } from 'playwright-core';
import { buildGraph, graphStats } from '../../lib/analysis/graph';
import { buildReport } from '../../lib/report/html';
import { exampleIr } from '../report/helpers';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '../../test-artifacts');

/** Synchronous, once per run: the suite's first hook reports why it cannot run. */
function ensureChromium(): { ok: true } | { ok: false; why: string } {
  if (fs.existsSync(CHROMIUM)) return { ok: true };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { ok: false, why: `${CHROMIUM} is missing and we are not root, so cannot apt-get install chromium` };
  const r = spawnSync('sh', ['-c', 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium'], { stdio: 'pipe', timeout: 15 * 60_000 });
  if (r.status === 0 && fs.existsSync(CHROMIUM)) return { ok: true };
  const tail = String(r.stderr ?? r.error ?? '').trim().split('\n').slice(-3).join(' | ');
  return { ok: false, why: `apt-get install chromium failed (exit ${r.status}): ${tail}` };
}

const chromium = ensureChromium();

describe('HTML report in headless Chromium', () => {
  const ir = exampleIr();
  const stats = graphStats(buildGraph(ir, { showDenied: true }));
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  let url: string;
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (!chromium.ok) throw new Error(`the browser test of the HTML report cannot run: ${chromium.why}`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, 'report.html');
    fs.writeFileSync(file, await buildReport(ir));
    url = pathToFileURL(file).href;
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-chromium-'));
    const { chromium: pw } = await import('playwright-core');
    context = await pw.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1440, height: 900 },
      deviceScaleFactor: 1,
    });
    context.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(url, { waitUntil: 'load' });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });

  test('the graph rendered with every node and edge', async () => {
    expect(await page.locator('#graph svg g.node').count()).toBe(stats.segments + stats.outside);
    expect(await page.locator('#graph svg g.node.segment').count()).toBe(12);
    expect(await page.locator('#graph svg g.edge').count()).toBe(stats.allowEdges + stats.denyEdges);
    expect(stats.allowEdges).toBe(34);
    const names = await page.locator('#graph svg g.node text').allTextContents();
    for (const s of ir.segments) expect(names).toContain(s.name);
    // The SVG has a real size on screen.
    const box = await page.locator('#graph svg').boundingBox();
    expect(box!.width).toBeGreaterThan(800);
    expect(box!.height).toBeGreaterThan(200);
    expect(await page.locator('#graph svg g.node.exposed').count()).toBe(1);
  });

  test('search filters the rule table', async () => {
    const visible = () => page.locator('#rule-table tbody tr:visible');
    expect(await visible().count()).toBe(ir.rules.length);
    await page.fill('#rule-search', 'team-billing');
    expect(await visible().count()).toBe(2);
    expect(await page.textContent('#rule-count')).toBe(`2 of ${ir.rules.length}`);
    await page.fill('#rule-search', 'guardrail deny');
    expect((await visible().locator('td:first-child b').allTextContents()).sort()).toEqual(['no-internet-to-data', 'staging-never-reaches-prod']);
    await page.fill('#rule-search', 'no such thing');
    expect(await visible().count()).toBe(0);
    expect(await page.isVisible('#rule-empty')).toBe(true);
    // Clicking a node filters by its name and opens its segment.
    await page.click('#graph svg g.node#seg_shop_web_prod');
    expect(await page.inputValue('#rule-search')).toBe('shop-web-prod');
    expect(await page.getAttribute('#seg-shop-web-prod', 'open')).not.toBeNull();
    await page.fill('#rule-search', '');
    expect(await visible().count()).toBe(ir.rules.length);
  });

  test('no network requests, no console errors; screenshot saved', async () => {
    await page.evaluate('window.scrollTo(0, 0)');
    const shot = path.join(ARTIFACTS, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(fs.statSync(shot).size).toBeGreaterThan(20_000);
    expect(requests).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
