/**
 * Headless Debian Chromium for the browser tests, driven by playwright-core
 * (never a downloaded browser). Installed with apt when missing and we are
 * root; otherwise the suite fails saying why (a skipped test would hide it).
 * Every page is watched: requests other than the page itself, console
 * errors and page errors are collected for the tests to assert empty.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.join(__dirname, '../../test-artifacts');

/** Synchronous, once per run: the suite's first hook reports why it cannot run. */
export function ensureChromium(): { ok: true } | { ok: false; why: string } {
  if (fs.existsSync(CHROMIUM)) return { ok: true };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { ok: false, why: `${CHROMIUM} is missing and we are not root, so cannot apt-get install chromium` };
  const r = spawnSync('sh', ['-c', 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium'], { stdio: 'pipe', timeout: 15 * 60_000 });
  if (r.status === 0 && fs.existsSync(CHROMIUM)) return { ok: true };
  const tail = String(r.stderr ?? r.error ?? '').trim().split('\n').slice(-3).join(' | ');
  return { ok: false, why: `apt-get install chromium failed (exit ${r.status}): ${tail}` };
}

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** URLs requested other than the pages opened with `open`. */
  readonly requests: string[];
  readonly consoleErrors: string[];
  /** Navigate to a page of ours (its own load is not counted as a request); milliseconds from navigation start to the load event. */
  open(url: string): Promise<number>;
  close(): Promise<void>;
}

/** A fresh profile, the launch flags of docs (no network features), a 1440×900 viewport. */
export async function launch(): Promise<Browser> {
  const chromium = ensureChromium();
  if (!chromium.ok) throw new Error(`the browser test of the HTML report cannot run: ${chromium.why}`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-chromium-'));
  const { chromium: pw } = await import('playwright-core');
  const context = await pw.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
  });
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  const ours = new Set<string>();
  context.on('request', (r) => {
    if (!ours.has(r.url().split('#')[0])) requests.push(r.url());
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  return {
    context,
    page,
    requests,
    consoleErrors,
    async open(url: string) {
      ours.add(url.split('#')[0]);
      await page.goto(url, { waitUntil: 'load' });
      // A string: the page's DOM types are not in this project's lib.
      return Number(await page.evaluate("(() => { const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime; })()"));
    },
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
