/**
 * Outside ends of a diff are named by the external they are (seen in the
 * families the segment end has), or one external less others, never a
 * fragment list like `0.0.0.0/5, 8.0.0.0/7 and 36 more CIDRs` when a name is exact.
 */
import * as path from 'path';
import { diffPolicies } from '../../lib/analysis/diff';
import { nameOutside } from '../../lib/analysis/outside-name';
import { diffText } from '../../lib/report/text';
import { absentPolicy, SegmentationPolicy } from '../../lib/model/policy';
import { AddressSet } from '../../lib/net/address';
import { resolve } from '../../lib/resolve/resolve';

const set = (...c: string[]) => AddressSet.fromCidrs(c);
const internet = { name: 'internet', addresses: set('0.0.0.0/0', '::/0').subtract(set('10.0.0.0/8', 'fc00::/7')) };
const gateway = { name: 'payment-gateway', addresses: set('198.51.100.0/24') };
const partner = { name: 'partner', addresses: set('203.0.113.0/24') };
const externals = [internet, gateway, partner];

test('an external is named when the set is all of it in the families the segment end has', () => {
  const v4 = set('10.1.0.0/24');
  const dual = set('10.1.0.0/24', 'fd00::/64');
  expect(nameOutside(internet.addresses.family(4), v4, externals)).toBe('internet');
  expect(nameOutside(internet.addresses, dual, externals)).toBe('internet');
  // For a dual-stack segment the IPv4 half alone is not all of the internet.
  expect(nameOutside(internet.addresses.family(4), dual, externals)).toBeUndefined();
  expect(nameOutside(gateway.addresses, v4, externals)).toBe('payment-gateway');
});

test('one external less others when exact, else no name', () => {
  const v4 = set('10.1.0.0/24');
  expect(nameOutside(internet.addresses.family(4).subtract(gateway.addresses), v4, externals)).toBe('internet except payment-gateway');
  expect(nameOutside(internet.addresses.family(4).subtract(gateway.addresses).subtract(partner.addresses), v4, externals)).toBe('internet except partner, payment-gateway');
  expect(nameOutside(internet.addresses.family(4).subtract(set('198.51.100.0/25')), v4, externals)).toBeUndefined();
  expect(nameOutside(set('192.0.2.0/24'), v4, externals)).toBeUndefined();
});

test('the shop added from nothing: app tiers reach "internet", billing "internet except payment-gateway", and the risk summary names them', () => {
  const neu = SegmentationPolicy.fromFile(path.join(__dirname, '../fixtures/diff/shop-new.yaml'));
  const d = diffPolicies(resolve(absentPolicy(neu, 'HEAD:shop.yaml (absent)')), resolve(neu));
  const to = (from: string) => d.changes.filter((c) => c.from.segment === from && !c.to.segment).map((c) => `${c.to.label}: ${c.added.join(' ')}`);
  expect(to('shop-app-prod')).toEqual(['internet: tcp/53 udp/53']);
  expect(to('shop-app-staging')).toEqual(['internet: tcp/53 udp/53']);
  expect(to('billing-app-prod')).toEqual(['internet except payment-gateway: tcp/53 udp/53', 'payment-gateway: tcp/53 tcp/443 udp/53']);
  // The addresses stay exact: the IPv4 internet (the segment has no IPv6) less the gateway.
  const billing = d.changes.find((c) => c.from.segment === 'billing-app-prod' && c.to.label.startsWith('internet'))!;
  expect(AddressSet.fromCidrs(billing.to.addresses).equals(resolve(neu).externals.find((e) => e.name === 'internet')!.addresses.family(4).subtract(set('198.51.100.0/24')))).toBe(true);
  const text = diffText(d, false);
  expect(text).not.toMatch(/more CIDRs/);
  expect(text).toContain('  new internet exposure: internet -> shop-web-prod tcp/80, tcp/443\n');
});
