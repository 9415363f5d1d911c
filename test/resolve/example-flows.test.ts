/**
 * Pins the spec's golden table (shared/spec/example-flows.md): every allowed
 * flow of the spec's example, probed with one workload per segment and the
 * listed outside hosts, on the listed services. Everything else is denied.
 */
import * as path from 'path';
import { SegmentationPolicy } from '../../lib/model/policy';
import { parseAddress } from '../../lib/net/address';
import { resolve } from '../../lib/resolve/resolve';
import { flowAllowed, FlowEndpoint } from '../../lib/resolve/meaning';

const file = path.join(__dirname, '../fixtures/good/spec-example.yaml');
const ir = resolve(SegmentationPolicy.fromFile(file));

const at = (text: string, segment?: string): FlowEndpoint => {
  const a = parseAddress(text)!;
  return { segment, family: a.family, address: a.value };
};
// One workload per segment, inside its addresses (or internalCidrs).
const workloads: Record<string, FlowEndpoint> = {
  'shop-web-prod': at('10.1.0.10', 'shop-web-prod'),
  'shop-app-prod': at('10.2.0.10', 'shop-app-prod'),
  'shop-db-prod': at('10.3.0.10', 'shop-db-prod'),
  'shop-app-staging': at('10.4.0.10', 'shop-app-staging'),
};
const outside = ['203.0.113.7', '8.8.8.8', '192.168.100.9', '10.9.9.9'];
const services: [string, number, number][] = [
  ['tcp/443', 6, 443],
  ['tcp/8080', 6, 8080],
  ['tcp/5432', 6, 5432],
  ['udp/53', 17, 53],
  ['tcp/53', 6, 53],
  ['icmp', 1, 0],
  ['tcp/22', 6, 22],
  ['proto/47', 47, 0],
];

function table(): string[] {
  const ends: [string, FlowEndpoint][] = [...Object.entries(workloads), ...outside.map((o) => [o, at(o)] as [string, FlowEndpoint])];
  const out: string[] = [];
  for (const [fn, f] of ends) {
    for (const [tn, t] of ends) {
      const allowed = services.filter(([, p, port]) => flowAllowed(ir, f, t, p, port)).map(([n]) => n);
      if (allowed.length) out.push(`${fn} -> ${tn}: ${allowed.join(', ')}`);
    }
  }
  return out;
}

test('the spec example allows exactly the golden flows', () => {
  expect(table().sort()).toEqual([
    'shop-app-prod -> shop-db-prod: tcp/5432',
    'shop-app-prod -> 203.0.113.7: udp/53, tcp/53',
    'shop-app-prod -> 8.8.8.8: udp/53, tcp/53',
    'shop-web-prod -> shop-app-prod: tcp/8080',
    'shop-app-staging -> 203.0.113.7: udp/53, tcp/53',
    'shop-app-staging -> 8.8.8.8: udp/53, tcp/53',
    '203.0.113.7 -> shop-web-prod: tcp/443',
    '8.8.8.8 -> shop-web-prod: tcp/443',
  ].sort());
});
