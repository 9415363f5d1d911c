/**
 * MS3004 judges exposure as a whole: per segment, port and family, the union
 * of every address any rule lets in, across terms, rules and externals, after
 * denies. Split world-open cases are errors; a union short of world-sized is not.
 */
import { lint } from '../../lib/analysis/lint';
import { SegmentationPolicy } from '../../lib/model/policy';
import { resolve } from '../../lib/resolve/resolve';

const HEAD = `apiVersion: microseg/v1
kind: SegmentationPolicy
metadata: {name: wo}
labels: {tier: [web, db]}
segments:
  - {name: web, labels: {tier: web}, addresses: [10.1.0.0/24]}
  - {name: db, labels: {tier: db}, addresses: [10.2.0.0/24]}
`;
const open = (body: string) =>
  lint(resolve(SegmentationPolicy.fromSource(HEAD + body, 'wo.yaml')), { today: '2026-06-15' })
    .filter((f) => f.code === 'MS3004')
    .map((f) => `${f.location?.line} ${f.severity} ${f.message}`);

const QUARTERS = ['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/2', '192.0.0.0/2'];

test('four rules of a quarter of IPv4 each: one error listing all four', () => {
  const rules = QUARTERS.map((c, i) => `  - {name: q${i}, from: {cidrs: [${c}]}, to: {segment: web}, services: [tcp/22]}`).join('\n');
  expect(open(`rules:\n${rules}\n`)).toEqual([
    "9 error segment 'web' admits admin port tcp/22 from 100 % of the IPv4 space (world-sized) through rules 'q0', 'q1', 'q2', 'q3'",
  ]);
});

test('one rule with four quarter terms', () => {
  const terms = QUARTERS.map((c) => `{cidrs: [${c}]}`).join(', ');
  expect(open(`rules:\n  - {name: ssh, from: [${terms}], to: {segment: web}, services: [tcp/22]}\n`)).toEqual([
    "9 error segment 'web' admits admin port tcp/22 from 100 % of the IPv4 space (world-sized) through rule 'ssh'",
  ]);
});

test('four quarter externals, and a half plus a half of IPv6', () => {
  const ext = QUARTERS.map((c, i) => `  - {name: e${i}, cidrs: [${c}]}`).join('\n');
  const out = open(`externals:\n${ext}\n  - {name: v6a, cidrs: ["::/1"]}\n  - {name: v6b, cidrs: ["8000::/1"]}\nrules:\n  - {name: ssh, from: {externals: [e0, e1, e2, e3]}, to: {segment: db}, services: [ssh]}\n  - {name: v6-a, from: {external: v6a}, to: {segment: db}, services: [tcp/3306]}\n  - {name: v6-b, from: {external: v6b}, to: {segment: db}, services: [tcp/3306]}\n`);
  expect(out).toEqual([
    "16 error segment 'db' admits admin port tcp/22 from 100 % of the IPv4 space (world-sized) through rule 'ssh'",
    "17 error segment 'db' admits admin port tcp/3306 from 100 % of the IPv6 space (world-sized) through rules 'v6-a', 'v6-b'",
  ]);
});

test('a union short of world-sized is not a finding; a deny that cuts it below half removes it', () => {
  const three = QUARTERS.slice(0, 1).map((c, i) => `  - {name: q${i}, from: {cidrs: [${c}]}, to: {segment: web}, services: [tcp/22]}`).join('\n');
  expect(open(`rules:\n${three}\n  - {name: q1, from: {cidrs: [64.0.0.0/3]}, to: {segment: web}, services: [tcp/22]}\n`)).toEqual([]);
  expect(
    open(`guardrails:\n  - {name: no-upper, action: deny, from: {cidrs: [0.0.0.0/2, 128.0.0.0/1]}, to: {segment: web}, services: [any]}\nrules:\n  - {name: all, from: {cidrs: [0.0.0.0/0]}, to: {segment: web}, services: [tcp/22]}\n`),
  ).toEqual([]);
});

test('different ports do not add up: tcp/22 from one half and tcp/3389 from the other', () => {
  expect(
    open(`rules:\n  - {name: a, from: {cidrs: [0.0.0.0/2, 64.0.0.0/3]}, to: {segment: web}, services: [tcp/22]}\n  - {name: b, from: {cidrs: [128.0.0.0/2, 192.0.0.0/3]}, to: {segment: web}, services: [tcp/3389]}\n`),
  ).toEqual([]);
});
