/**
 * The policy as TypeScript instead of YAML. `define` captures the declared
 * labels as literal types: a segment with `env: 'prd'`, a selector
 * `{ tier: 'wbe' }` or `sameLabels: ['envv']` does not compile
 * ("Type '"prd"' is not assignable to type '"prod" | "staging"'").
 */
// In your own project: from 'cdktf-microseg'.
import { SegmentationPolicy } from '../../lib';

export const INTERNAL = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];

export function paymentsPolicy(): SegmentationPolicy {
  return SegmentationPolicy.define({
    name: 'payments',
    description: 'payments API, its workers and database',
    labels: { env: ['prod', 'staging'], tier: ['api', 'worker', 'db'] },
    segments: [
      { name: 'api-prod', labels: { env: 'prod', tier: 'api' }, addresses: ['10.30.1.0/24'] },
      { name: 'worker-prod', labels: { env: 'prod', tier: 'worker' }, addresses: ['10.30.2.0/24'] },
      { name: 'db-prod', labels: { env: 'prod', tier: 'db' }, addresses: ['10.30.3.0/24'] },
      { name: 'api-staging', labels: { env: 'staging', tier: 'api' }, addresses: ['10.40.1.0/24'] },
      { name: 'db-staging', labels: { env: 'staging', tier: 'db' }, addresses: ['10.40.3.0/24'] },
    ],
    externals: [{ name: 'internet', cidrs: ['0.0.0.0/0', '::/0'], except: INTERNAL }],
    services: { postgres: ['tcp/5432'], 'api-port': ['tcp/8443'] },
    guardrails: [
      { name: 'staging-never-reaches-prod', action: 'deny', from: { env: 'staging' }, to: { env: 'prod' }, services: ['any'], owner: 'security' },
    ],
    rules: [
      { name: 'internet-to-api', from: { external: 'internet' }, to: { tier: 'api' }, services: ['tcp/443'] },
      { name: 'api-to-worker', from: { tier: 'api' }, to: { tier: 'worker' }, services: ['api-port'], sameLabels: ['env'] },
      { name: 'to-db', from: { tier: ['api', 'worker'] }, to: { tier: 'db' }, services: ['postgres'], sameLabels: ['env'] },
    ],
  });
}
