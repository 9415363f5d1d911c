/**
 * The HTML report in a real browser: headless Debian Chromium driven by
 * playwright-core (never a downloaded browser). Opens the example's report
 * from a file:// URL, checks the graph rendered (nodes and edges), that the
 * search filters the rule table, that the page made no network request and
 * logged no console error, and saves test-artifacts/report.png. The
 * explorer at 100 and 1000 segments: test/browser/explorer.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Page } from 'playwright-core';
import { buildGraph, graphStats } from '../../lib/analysis/graph';
import { buildReport } from '../../lib/report/html';
import { exampleIr } from '../report/helpers';
import { ARTIFACTS, Browser, launch } from './chromium';

describe('HTML report in headless Chromium', () => {
  const ir = exampleIr();
  const stats = graphStats(buildGraph(ir, { showDenied: true }));
  let browser: Browser;
  let page: Page;
  let url: string;

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, 'report.html');
    fs.writeFileSync(file, await buildReport(ir));
    url = pathToFileURL(file).href;
    browser = await launch();
    page = browser.page;
    await browser.open(url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
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
    expect(browser.requests).toEqual([]);
    expect(browser.consoleErrors).toEqual([]);
  });
});
