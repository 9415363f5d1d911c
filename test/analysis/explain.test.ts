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

test('typos get a usage error with "did you mean": endpoint names, segment@address, selector labels and values', () => {
  const msg = (from: string) => {
    try {
      explain(ir, { from, to: 'shop-app-prod' });
    } catch (e) {
      expect(e).toBeInstanceOf(ExplainInputError);
      return (e as Error).message;
    }
    throw new Error(`${from} was accepted`);
  };
  expect(msg('shop-web-prd')).toMatch(/^'shop-web-prd' is not a segment, .* \(did you mean 'shop-web-prod'\?\)$/);
  expect(msg('shop-web-prd@10.10.1.5')).toBe(`'shop-web-prd' is not a segment (did you mean 'shop-web-prod'?)`);
  expect(msg('env=prd')).toBe(`unknown value 'prd' for env (did you mean 'prod'?) (declared: prod, staging)`);
  expect(msg('env=prod,teir=web')).toMatch(/^unknown label 'teir' \(did you mean 'tier'\?\)/);
  expect(msg('env=prod|stagin')).toMatch(/^unknown value 'stagin' for env \(did you mean 'staging'\?\)/);
  expect(msg('zzzzzzzz')).not.toContain('did you mean');
  // Declared values that match no segment are still answered as such, not as a typo.
  expect(msg('env=staging,tier=ops')).toBe(`label selector 'env=staging,tier=ops' matches no segment`);
});

test('a misspelt --service gets "did you mean" among declared and catalogued service names', () => {
  const msg = (service: string) => {
    try {
      explain(ir, { from: 'shop-web-prod', to: 'shop-app-prod', service });
    } catch (e) {
      expect(e).toBeInstanceOf(ExplainInputError);
      return (e as Error).message;
    }
    throw new Error(`${service} was accepted`);
  };
  expect(msg('htps')).toBe(`'htps' is not a service (tcp/443, udp/53, sctp/2905, icmp, icmp/8, icmpv6/128, esp, gre, proto/N, any, or a service name) (did you mean 'https'?)`);
  expect(msg('postgress')).toMatch(/\(did you mean 'postgres'\?\)$/);
  expect(msg('zzzzzzzzzz')).not.toContain('did you mean');
});

test('a bare address inside a segment\'s declared addresses stays an outside host, with a segment@address hint', () => {
  const e = explain(ir, { from: 'internet', to: '10.10.1.5' });
  expect(e.forward[0].note).toMatch(/neither end is a workload/);
  expect(e.forward[0].hint).toBe('10.10.1.5 lies in the declared addresses of segment shop-web-prod but is taken as an outside host; for a workload there, use shop-web-prod@10.10.1.5');
  expect(e.reverse[0].hint).toBe(e.forward[0].hint);
  expect(explain(ir, { from: 'internet', to: '192.0.2.7' }).forward[0].hint).toBeUndefined();
  expect(explain(ir, { from: 'internet', to: 'shop-web-prod@10.10.1.5' }).forward[0].hint).toBeUndefined();
});
