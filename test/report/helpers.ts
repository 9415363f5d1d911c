/** Shared by the graph/report tests: load policies, tweak the example. */
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { SegmentationPolicy } from '../../lib/model/policy';
import { ResolvedPolicy } from '../../lib/resolve/ir';
import { resolve } from '../../lib/resolve/resolve';

export const EXAMPLE = path.join(__dirname, '../../examples/shop/policy.yaml');

export function exampleDoc(): Record<string, any> {
  return parse(fs.readFileSync(EXAMPLE, 'utf8'));
}

export function irOf(doc: unknown, file = 'policy.yaml'): ResolvedPolicy {
  return resolve(SegmentationPolicy.fromSource(stringify(doc), file));
}

export function exampleIr(): ResolvedPolicy {
  return resolve(SegmentationPolicy.fromSource(fs.readFileSync(EXAMPLE, 'utf8'), 'examples/shop/policy.yaml'));
}

/**
 * A large generated policy: `apps` apps × 4 tiers × `envs` envs segments
 * (disjoint /24s), the usual tier chain per app and env, a monitoring app,
 * the internet to every web tier, and the staging-never-reaches-prod guardrail.
 */
export function largeDoc(apps: number, envs: number): Record<string, any> {
  const envNames = Array.from({ length: envs }, (_, i) => (i === 0 ? 'prod' : `env${i}`));
  const appNames = Array.from({ length: apps }, (_, i) => `app${String(i).padStart(2, '0')}`);
  const tiers = ['web', 'app', 'db', 'cache'];
  const segments: any[] = [];
  let n = 0;
  for (const env of envNames)
    for (const app of appNames)
      for (const tier of tiers) {
        segments.push({ name: `${app}-${tier}-${env}`, labels: { env, tier, app }, addresses: [`10.${Math.floor(n / 256)}.${n % 256}.0/24`] });
        n++;
      }
  return {
    apiVersion: 'microseg/v1',
    kind: 'SegmentationPolicy',
    metadata: { name: 'large' },
    labels: { env: envNames, tier: tiers, app: appNames },
    segments,
    externals: [
      { name: 'internet', cidrs: ['0.0.0.0/0'], except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'] },
      { name: 'corp-vpn', cidrs: ['192.168.100.0/22'] },
    ],
    guardrails: [{ name: 'env-isolation', action: 'deny', from: { env: envNames.slice(1) }, to: { env: 'prod' }, services: ['any'] }],
    rules: [
      { name: 'internet-to-web', from: { external: 'internet' }, to: { tier: 'web' }, services: ['https'] },
      { name: 'web-to-app', from: { tier: 'web' }, to: { tier: 'app' }, services: ['tcp/8080'], sameLabels: ['env', 'app'] },
      { name: 'app-to-db', from: { tier: 'app' }, to: { tier: 'db' }, services: ['postgres'], sameLabels: ['env', 'app'] },
      { name: 'app-to-cache', from: { tier: 'app' }, to: { tier: 'cache' }, services: ['redis'], sameLabels: ['env', 'app'] },
      { name: 'vpn-ssh', from: { external: 'corp-vpn' }, to: { tier: 'app' }, services: ['ssh'] },
    ],
  };
}
