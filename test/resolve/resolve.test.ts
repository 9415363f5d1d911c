/**
 * The resolver and the meaning, case by case, in the words of the spec's
 * "Meaning" section.
 */
import { SegmentationPolicy } from '../../lib/model/policy';
import { parseAddress } from '../../lib/net/address';
import { PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP } from '../../lib/net/service';
import { resolve } from '../../lib/resolve/resolve';
import { FlowEndpoint, flowAllowed, sideServices } from '../../lib/resolve/meaning';

const base = {
  labels: { env: ['prod', 'staging'], tier: ['web', 'app', 'db'] },
  segments: [
    { name: 'web-prod', labels: { env: 'prod', tier: 'web' }, addresses: ['10.1.0.0/24', 'fd00:1::/64'] },
    { name: 'app-prod', labels: { env: 'prod', tier: 'app' }, addresses: ['10.2.0.0/24', 'fd00:2::/64'] },
    { name: 'db-prod', labels: { env: 'prod', tier: 'db' }, addresses: ['10.3.0.0/24'] },
    { name: 'app-staging', labels: { env: 'staging', tier: 'app' } },
  ],
  externals: [
    { name: 'internet', cidrs: ['0.0.0.0/0', '::/0'], except: ['10.0.0.0/8', 'fc00::/7'] },
    { name: 'corp', cidrs: ['10.9.0.0/16'] },
  ],
};

function policy(extra: Record<string, unknown>) {
  return resolve(SegmentationPolicy.fromObject({ apiVersion: 'microseg/v1', kind: 'SegmentationPolicy', metadata: { name: 't' }, ...base, ...extra }));
}
const at = (addr: string, segment?: string): FlowEndpoint => {
  const a = parseAddress(addr)!;
  return { segment, family: a.family, address: a.value };
};

test('default deny: no rule, no flow, not even within a segment', () => {
  const ir = policy({});
  expect(flowAllowed(ir, at('10.1.0.1', 'web-prod'), at('10.1.0.2', 'web-prod'), PROTO_TCP, 443)).toBe(false);
  expect(flowAllowed(ir, at('8.8.8.8'), at('10.1.0.2', 'web-prod'), PROTO_TCP, 443)).toBe(false);
});

test('both sides must admit a segment-to-segment flow', () => {
  const ir = policy({ rules: [{ name: 'web-to-app', from: { tier: 'web' }, to: { tier: 'app' }, services: ['tcp/8080'], sameLabels: ['env'] }] });
  expect(flowAllowed(ir, at('10.1.0.1', 'web-prod'), at('10.2.0.1', 'app-prod'), PROTO_TCP, 8080)).toBe(true);
  expect(flowAllowed(ir, at('10.1.0.1', 'web-prod'), at('10.2.0.1', 'app-prod'), PROTO_TCP, 8081)).toBe(false);
  // sameLabels: web-prod never reaches app-staging.
  expect(flowAllowed(ir, at('10.1.0.1', 'web-prod'), at('10.4.0.1', 'app-staging'), PROTO_TCP, 8080)).toBe(false);
  // The reverse direction is a different flow.
  expect(flowAllowed(ir, at('10.2.0.1', 'app-prod'), at('10.1.0.1', 'web-prod'), PROTO_TCP, 8080)).toBe(false);
  // IPv6 works the same way, by identity.
  expect(flowAllowed(ir, at('fd00:1::1', 'web-prod'), at('fd00:2::1', 'app-prod'), PROTO_TCP, 8080)).toBe(true);
});

test('externals are addresses: cidrs minus except, matching workloads by address too', () => {
  const ir = policy({ rules: [{ name: 'internet-to-web', from: { external: 'internet' }, to: { tier: 'web' }, services: ['https'] }] });
  expect(flowAllowed(ir, at('203.0.113.7'), at('10.1.0.9', 'web-prod'), PROTO_TCP, 443)).toBe(true);
  expect(flowAllowed(ir, at('2001:db8::1'), at('fd00:1::9', 'web-prod'), PROTO_TCP, 443)).toBe(true);
  expect(flowAllowed(ir, at('10.9.9.9'), at('10.1.0.9', 'web-prod'), PROTO_TCP, 443)).toBe(false); // excepted
  // A workload of app-staging may sit anywhere in internalCidrs, which internet excludes: no egress rule either.
  expect(flowAllowed(ir, at('10.4.0.1', 'app-staging'), at('10.1.0.9', 'web-prod'), PROTO_TCP, 443)).toBe(false);
});

test('a deny guardrail beats any allow, by identity and by address', () => {
  const ir = policy({
    guardrails: [
      { name: 'staging-not-prod', action: 'deny', from: { env: 'staging' }, to: { env: 'prod' }, services: ['any'] },
      { name: 'no-corp-ssh', action: 'deny', from: { external: 'corp' }, to: {}, services: ['ssh'] },
    ],
    rules: [
      { name: 'app-to-db', from: { tier: 'app' }, to: { tier: 'db' }, services: ['postgres'] },
      { name: 'corp-to-db', from: { external: 'corp' }, to: { tier: 'db' }, services: ['postgres', 'ssh'] },
    ],
  });
  expect(flowAllowed(ir, at('10.2.0.1', 'app-prod'), at('10.3.0.1', 'db-prod'), PROTO_TCP, 5432)).toBe(true);
  expect(flowAllowed(ir, at('10.4.0.1', 'app-staging'), at('10.3.0.1', 'db-prod'), PROTO_TCP, 5432)).toBe(false);
  expect(flowAllowed(ir, at('10.9.0.1'), at('10.3.0.1', 'db-prod'), PROTO_TCP, 5432)).toBe(true);
  expect(flowAllowed(ir, at('10.9.0.1'), at('10.3.0.1', 'db-prod'), PROTO_TCP, 22)).toBe(false);
  // A staging workload whose address falls in corp is still blocked: identity deny holds against address allows.
  expect(sideServices(ir, 'db-prod', 'ingress', at('10.9.0.1', 'app-staging')).isEmpty()).toBe(true);
  // An outside host at the same address is not.
  expect(sideServices(ir, 'db-prod', 'ingress', at('10.9.0.1')).toSpecs()).toEqual(['tcp/5432']);
});

test('services: names, catalog, ranges, icmp per family, any', () => {
  const ir = policy({
    services: { web: ['tcp/80', 'tcp/443', 'tcp/8000-8099'] },
    rules: [
      { name: 'a', from: { tier: 'web' }, to: { tier: 'app', env: 'prod' }, services: ['web', 'icmp', 'dns'] },
      { name: 'b', from: { tier: 'app', env: 'prod' }, to: { tier: 'db' }, services: ['any'] },
    ],
  });
  const w = at('10.1.0.1', 'web-prod');
  const a = at('10.2.0.1', 'app-prod');
  expect(flowAllowed(ir, w, a, PROTO_TCP, 8050)).toBe(true);
  expect(flowAllowed(ir, w, a, PROTO_TCP, 8100)).toBe(false);
  expect(flowAllowed(ir, w, a, PROTO_UDP, 53)).toBe(true);
  expect(flowAllowed(ir, w, a, PROTO_ICMP)).toBe(true);
  expect(flowAllowed(ir, at('fd00:1::1', 'web-prod'), at('fd00:2::1', 'app-prod'), PROTO_ICMPV6)).toBe(true);
  expect(flowAllowed(ir, at('fd00:1::1', 'web-prod'), at('fd00:2::1', 'app-prod'), PROTO_ICMP)).toBe(false);
  expect(flowAllowed(ir, a, at('10.3.0.1', 'db-prod'), 47)).toBe(true);
});

test('order of rules and segments never matters', () => {
  const rules = [
    { name: 'r1', from: { tier: 'web' }, to: { tier: 'app' }, services: ['tcp/1-100'] },
    { name: 'r2', from: { tier: 'app' }, to: { external: 'internet' }, services: ['dns'] },
    { name: 'r3', from: { external: 'corp' }, to: {}, services: ['ssh'] },
  ];
  const a = policy({ rules });
  const b = policy({ rules: [...rules].reverse(), segments: [...base.segments].reverse() });
  const dump = (ir: ReturnType<typeof policy>) =>
    JSON.stringify(
      [...ir.sides].map(([k, s]) => [k, ['ingress', 'egress'].map((d) => (s as any)[d].allow.map((e: any) => [e.origin.name, e.peer.kind === 'segment' ? e.peer.segment : e.peer.label, e.services.toString()]))]),
    );
  expect(dump(a)).toEqual(dump(b));
  expect(a.segments.map((s) => s.name)).toEqual(['app-prod', 'app-staging', 'db-prod', 'web-prod']);
});

test('segments without addresses may be anywhere in internalCidrs', () => {
  const ir = policy({});
  const s = ir.segment('app-staging');
  expect(s.declaredAddresses).toBe(false);
  expect(s.addresses.toCidrs()).toEqual(['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']);
});
