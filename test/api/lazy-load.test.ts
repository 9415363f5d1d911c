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
  afterImport: Record<'aws' | 'azurerm' | 'google' | 'cdktf' | 'cdktn', number>;
  afterUse: Record<'aws' | 'azurerm' | 'google' | 'cdktf' | 'cdktn', number>;
  exportNames: string[];
}

function probe(mode: string, core = 'cdktf'): Probe {
  return JSON.parse(execFileSync(process.execPath, [RUN, PROBE, mode, core], { encoding: 'utf8', cwd: path.join(__dirname, '..', '..') }));
}

describe('require("cdktf-microseg")', () => {
  it('loads no provider package and no core, yet lists every construct', () => {
    const p = probe('none');
    expect(p.afterImport).toEqual({ aws: 0, azurerm: 0, google: 0, cdktf: 0, cdktn: 0 });
    expect(p.exportNames).toEqual(expect.arrayContaining(['SegmentationPolicy', 'AwsSegmentation', 'AzureSegmentation', 'GcpSegmentation', 'MultiCloudSegmentation', 'PolicyError', 'verifyOutput', 'resolve']));
    expect(p.rssMb).toBeLessThan(250);
  });

  it.each([
    ['aws', 'cdktf'],
    ['azure', 'cdktf'],
    ['gcp', 'cdktf'],
    ['multi-aws', 'cdktf'],
    ['aws', 'cdktn'],
    ['azure', 'cdktn'],
    ['gcp', 'cdktn'],
    ['multi-aws', 'cdktn'],
  ])('using %s on %s loads no provider package, and of the cores only that one', (mode, core) => {
    const p = probe(mode, core);
    expect({ aws: p.afterUse.aws, azurerm: p.afterUse.azurerm, google: p.afterUse.google }).toEqual({ aws: 0, azurerm: 0, google: 0 });
    expect(p.afterUse[core as 'cdktf' | 'cdktn']).toBeGreaterThan(0);
    expect(p.afterUse[core === 'cdktf' ? 'cdktn' : 'cdktf']).toBe(0);
    expect(p.rssMb).toBeLessThan(400);
  });
});
