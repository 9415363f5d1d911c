import * as path from 'path';
import { explain, ExplainInputError, parseEndpoint } from '../../lib/analysis/explain';
import { SegmentationPolicy } from '../../lib/model/policy';
import { resolve } from '../../lib/resolve/resolve';

const ir = resolve(SegmentationPolicy.fromFile(path.join(__dirname, '../fixtures/diff/shop-old.yaml')));

test('segment to segment on one service: allowed one way, denied the other, with the deciding rules', () => {
  const e = explain(ir, { from: 'shop-web-prod', to: 'shop-app-prod', service: 'tcp/8080' });
  expect(e.forward).toHaveLength(1);
  const [f] = e.forward[0].cases;
  expect(f.verdict).toBe('allowed');
  expect(f.sides.map((s) => `${s.direction} ${s.segment}: ${s.allows.map((a) => a.name).join(',')}`)).toEqual(['egress shop-web-prod: web-to-app', 'ingress shop-app-prod: web-to-app']);
  expect(e.reverse[0].cases[0].verdict).toBe('denied');
  expect(e.reverse[0].cases[0].sides.every((s) => s.allows.length === 0)).toBe(true);
});

test('ends of different address families: no case, and a note that says why (not silence)', () => {
  const e = explain(ir, { from: 'shop-web-prod@10.10.1.7', to: 'fd00:10:1::5' });
  for (const p of [...e.forward, ...e.reverse]) {
    expect(p.cases).toEqual([]);
    expect(p.note).toMatch(/share no address family/);
  }
});

test('a deny guardrail is named when it decides', () => {
  const e = explain(ir, { from: 'env=staging,tier=app', to: 'shop-db-prod', service: 'postgres' });
  const c = e.forward[0].cases[0];
  expect(c.verdict).toBe('denied');
  expect(c.sides.flatMap((s) => s.denies.map((x) => x.name))).toEqual(['staging-never-reaches-prod', 'staging-never-reaches-prod']);
});

test('externals and addresses are outside hosts; selectors may yield several segments', () => {
  const e = explain(ir, { from: 'internet', to: 'tier=web|db' });
  expect(e.forward.map((p) => `${p.from}->${p.to}: ${p.cases.map((c) => c.verdict + ' ' + c.allowed.join(',')).join('; ')}`)).toEqual([
    'internet->billing-db-prod: denied ',
    'internet->shop-db-prod: denied ',
    'internet->shop-db-staging: denied ',
    'internet->shop-web-prod: partly allowed tcp/443',
    'internet->shop-web-staging: denied ',
  ]);
  const vpn = explain(ir, { from: '192.168.100.7', to: 'shop-web-staging', service: 'https' });
  expect(vpn.forward[0].cases[0].verdict).toBe('allowed');
  expect(parseEndpoint(ir, 'shop-web-prod@10.10.1.5')[0].addresses.toCidrs()).toEqual(['10.10.1.5/32']);
  expect(() => parseEndpoint(ir, 'nope')).toThrow(ExplainInputError);
  expect(() => parseEndpoint(ir, 'shop-web-prod@10.99.0.1')).toThrow(/outside the addresses/);
});
