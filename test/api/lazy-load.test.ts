/**
 * Importing the public API loads no provider package, and using one cloud's
 * construct loads that provider only (a user who targets AWS need not
 * install azurerm or google). Each case runs in a fresh Node process, so
 * require.cache shows exactly what was loaded. TypeScript is compiled on
 * require with swc there, so the times are upper bounds; test/pack measures
 * the built package.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

const RUN = path.join(__dirname, '..', '..', 'examples', '_support', 'run.js');
const PROBE = path.join(__dirname, 'fixtures', 'probe.ts');

interface Probe {
  importMs: number;
  useMs: number;
  rssMb: number;
  afterImport: Record<'aws' | 'azurerm' | 'google' | 'cdktf', number>;
  afterUse: Record<'aws' | 'azurerm' | 'google', number>;
  exportNames: string[];
}

function probe(mode: string): Probe {
  return JSON.parse(execFileSync(process.execPath, [RUN, PROBE, mode], { encoding: 'utf8', cwd: path.join(__dirname, '..', '..') }));
}

describe('require("cdktf-microseg")', () => {
  it('loads no provider package and not cdktf, yet lists every construct', () => {
    const p = probe('none');
    expect(p.afterImport).toEqual({ aws: 0, azurerm: 0, google: 0, cdktf: 0 });
    expect(p.exportNames).toEqual(expect.arrayContaining(['SegmentationPolicy', 'AwsSegmentation', 'AzureSegmentation', 'GcpSegmentation', 'MultiCloudSegmentation', 'PolicyError', 'verifyOutput', 'resolve']));
    expect(p.importMs).toBeLessThan(3000);
    expect(p.rssMb).toBeLessThan(250);
  });

  it.each([
    ['aws', { aws: true, azurerm: false, google: false }],
    ['azure', { aws: false, azurerm: true, google: false }],
    ['gcp', { aws: false, azurerm: false, google: true }],
    ['multi-aws', { aws: true, azurerm: false, google: false }],
  ])('using %s loads only that provider', (mode, expected) => {
    const p = probe(mode);
    expect({ aws: p.afterUse.aws > 0, azurerm: p.afterUse.azurerm > 0, google: p.afterUse.google > 0 }).toEqual(expected);
    // Deep imports only: a provider's index would load hundreds of modules and over a gigabyte.
    expect(Math.max(p.afterUse.aws, p.afterUse.azurerm, p.afterUse.google)).toBeLessThan(20);
    expect(p.rssMb).toBeLessThan(400);
  });
});
