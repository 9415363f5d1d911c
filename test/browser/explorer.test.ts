/**
 * The report's explorer in headless Chromium at 100 and 1000 segments
 * (bench/generate.js): it opens in under 2 s with no request and no console
 * error; the overview aggregates by a label dimension with counts and the
 * flows between groups (every allowed edge counted once); a group and a
 * segment drill down to the neighbours and the rules deciding each edge,
 * exactly as the graph has them; search finds segments, rules and
 * addresses; the internet exposure and guardrail views list what the graph
 * says. Screenshots go to test-artifacts/report-<N>.png.
 */
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Page } from 'playwright-core';
import { generatePolicy } from '../../bench/generate';
import { buildGraph, graphStats, SegmentGraph } from '../../lib/analysis/graph';
import { checkPolicyObject } from '../../lib/model/policy';
import { buildReport } from '../../lib/report/html';
import { ResolvedPolicy } from '../../lib/resolve/ir';
import { resolve } from '../../lib/resolve/resolve';
import { ARTIFACTS, Browser, launch } from './chromium';

/** The page must be usable this soon after navigation starts (load event, explorer rendered). */
const OPEN_MS = 2000;

let browser: Browser;
beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launch();
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

const text = (page: Page, sel: string) => page.locator(sel).allTextContents();

describe.each([100, 1000])('the explorer at %i segments', (n) => {
  let ir: ResolvedPolicy;
  let g: SegmentGraph;
  let page: Page;
  let url: string;
  let openMs: number;

  beforeAll(async () => {
    ir = resolve(checkPolicyObject(generatePolicy(n), `generated-${n}.yaml`).policy!);
    g = buildGraph(ir, { showDenied: true });
    // Lint is the lint tests' business (and slow at this size): the page is judged here.
    const html = await buildReport(ir, { lint: { findings: [] } });
    const file = path.join(ARTIFACTS, `report-${n}.html`);
    fs.writeFileSync(file, html);
    url = pathToFileURL(file).href;
    page = browser.page;
    openMs = await browser.open(url);
  }, 180_000);

  test(`opens in under ${OPEN_MS} ms, self-contained, without console errors`, async () => {
    expect(openMs).toBeLessThan(OPEN_MS);
    expect(await page.getAttribute('body', 'data-explorer')).toBe('ready');
    expect(browser.requests).toEqual([]);
    expect(browser.consoleErrors).toEqual([]);
    // Past FULL_GRAPH_MAX there is no one-picture graph and no per-segment tables in the page.
    expect(await page.locator('#graph svg').count()).toBe(n <= 150 ? 1 : 0);
    expect(await page.locator('details.segment').count()).toBe(n <= 150 ? n : 0);
  });

  test('the overview aggregates by env, with counts and every allowed edge between groups once', async () => {
    const st = graphStats(g);
    const groups = await text(page, '#explore-view table.x:first-of-type tbody tr td:first-child');
    expect(groups.slice(0, 2)).toEqual(['env=prod', 'env=staging']);
    const counts = await page.locator('#explore-view table.x').first().locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as any).children[1].textContent));
    expect(counts.slice(0, 2)).toEqual([String(n / 2), String(n / 2)]);
    const cells = (await text(page, 'table.matrix td a')).map(Number);
    expect(cells.reduce((a, b) => a + b, 0)).toBe(st.allowEdges);
    // Another dimension: five tiers, the same edges.
    await page.selectOption('#explore-dim', 'tier');
    expect((await text(page, '#explore-view table.x:first-of-type tbody tr td:first-child')).filter((x) => x.startsWith('tier='))).toEqual(['tier=app', 'tier=cache', 'tier=db', 'tier=queue', 'tier=web']);
    expect((await text(page, 'table.matrix td a')).map(Number).reduce((a, b) => a + b, 0)).toBe(st.allowEdges);
    // Two dimensions: env × tier, ten groups of n/10 segments.
    await page.selectOption('#explore-then', 'env');
    const two = (await text(page, '#explore-view table.x:first-of-type tbody tr td:first-child')).filter((x) => x.startsWith('tier='));
    expect(two).toHaveLength(10);
    expect(two[0]).toBe('tier=app · env=prod');
    await page.selectOption('#explore-then', '');
    await page.selectOption('#explore-dim', 'env');
  });

  test('a group drills down to its segments and the flows to other groups; a matrix cell to its segment pairs', async () => {
    await page.click('#explore-view a[href="#g=env%3Dprod"]');
    expect(await page.textContent('#explore-view h3')).toBe(`env=prod ${n / 2} segments`);
    const prodEdgesToDns = g.edges.filter((e) => e.kind === 'allow' && e.to === 'external:dns' && ir.segment(e.from.replace('segment:', '')).labels.env === 'prod').length;
    const row = page.locator('#explore-view tr', { hasText: 'external: dns' });
    expect(await row.locator('td').nth(1).textContent()).toBe(String(prodEdgesToDns));
    await row.locator('td a').nth(1).click();
    expect(await page.textContent('#explore-view h3')).toBe(`env=prod → external: dns ${prodEdgesToDns} allowed edges`);
    await page.goBack();
    expect(await page.getAttribute('#explore-view', 'data-view')).toBe('g');
  });

  test('a segment shows its ingress and egress neighbours with the rules deciding each edge, as the graph has them', async () => {
    const name = 'a001-app-prod';
    await page.evaluate(`location.hash = 's=${name}'`);
    expect(await page.textContent('#explore-node')).toContain(name);
    const key = `segment:${name}`;
    const nameOf = (k: string) => k.replace(/^(segment|external|cidrs):/, '');
    const want = (dir: 'from' | 'to') =>
      g.edges
        .filter((e) => e.kind === 'allow' && (dir === 'from' ? e.to === key : e.from === key))
        .map((e) => `${nameOf(dir === 'from' ? e.from : e.to)} | ${e.label.join(', ')} | ${e.rules.join(', ')}`)
        .sort();
    const got = (col: number) =>
      page
        .locator('#explore-view .cols > div')
        .nth(col)
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((r) => [...(r as any).children].map((c: any) => c.textContent).join(' | ')));
    expect((await got(0)).sort()).toEqual(want('from'));
    expect((await got(1)).sort()).toEqual(want('to'));
    expect(want('from').length).toBeGreaterThan(2);
    // The picture: one line per neighbour.
    expect(await page.locator('svg.hood path').count()).toBe(Math.min(14, want('from').length) + Math.min(14, want('to').length));
    // A neighbour is a link to its own view.
    await page.locator('#explore-view .cols > div').nth(1).locator('tbody tr a.seg').first().click();
    expect(await page.getAttribute('#explore-view', 'data-view')).toBe('s');
  });

  test('search finds segments by name, rules by name and segments by address', async () => {
    await page.fill('#explore-search', 'a001-app');
    expect(await text(page, '#explore-results td a')).toEqual(['a001-app-prod', 'a001-app-staging']);
    await page.fill('#explore-search', 'web-to-app');
    expect(await text(page, '#explore-results td a')).toEqual(['web-to-app']);
    const seg = ir.segment('a002-db-staging');
    const [cidr] = seg.addresses.toCidrs();
    const host = cidr.replace(/0\/24$/, '77');
    await page.fill('#explore-search', host);
    const byAddress = await text(page, '#explore-results td a');
    const holders = ir.segments.filter((s) => s.addresses.containsAddress(host)).map((s) => s.name);
    expect(byAddress.filter((x) => holders.includes(x)).sort()).toEqual([...holders].sort());
    expect(holders).toContain('a002-db-staging');
    await page.fill('#explore-search', '');
    expect(await page.isVisible('#explore-results')).toBe(false);
  });

  test("the page's own anchors scroll without resetting the explorer; a bad hash shows the overview without an error", async () => {
    await page.evaluate("location.hash = 's=a001-app-prod'");
    await page.click('nav a[href="#rules"]');
    expect(await page.getAttribute('#explore-view', 'data-view')).toBe('s');
    const top = Number(await page.evaluate("document.getElementById('rules').getBoundingClientRect().top"));
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(120);
    await page.evaluate("location.hash = 's=%E0%A4%A'");
    expect(await page.getAttribute('#explore-view', 'data-view')).toBe('overview');
    expect(browser.consoleErrors).toEqual([]);
  });

  test('the internet exposure and guardrail views list what the graph says', async () => {
    await page.click('a.btn[href="#exposure"]');
    const exposed = g.nodes.filter((x) => x.exposed).map((x) => x.name);
    expect(exposed.length).toBe(graphStats(g).exposed);
    expect(await page.textContent('#explore-view h3')).toBe(`Internet exposure ${exposed.length} segments reachable from public addresses`);
    expect((await text(page, '#explore-view tbody tr td:first-child a')).sort()).toEqual([...exposed].sort().slice(0, 300));
    await page.click('a.btn[href="#guardrails"]');
    const guardrails = ir.rules.filter((r) => r.origin.kind === 'guardrail').map((r) => r.origin.name);
    expect(await text(page, '#explore-view tbody tr td:first-child a')).toEqual(guardrails);
    await page.click('a.btn[href="#"]');
    expect(await page.getAttribute('#explore-view', 'data-view')).toBe('overview');
    await page.evaluate("document.getElementById('explorer').scrollIntoView()");
    const shot = path.join(ARTIFACTS, `report-${n}.png`);
    await page.screenshot({ path: shot });
    expect(fs.statSync(shot).size).toBeGreaterThan(20_000);
    expect(browser.requests).toEqual([]);
    expect(browser.consoleErrors).toEqual([]);
  });
});
