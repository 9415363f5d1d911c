/**
 * Broad rule sides as shared segment sets (resolve/ir.ts): the set form is
 * only a way of holding the IR. Resolved with `broadPeers: 1` (every rule side
 * without sameLabels a set), every policy of examples/ and test/fixtures
 * compiles on every target to the very bytes it compiles to per segment, and
 * the sets are what they say: one frozen object per rule side, standing in the
 * place of the per-segment entries it replaces.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PolicyError } from '../../lib/model/diagnostics';
import { loadPolicy, SegmentationPolicy } from '../../lib/model/policy';
import { BROAD_PEERS, resolve } from '../../lib/resolve/resolve';
import { flatSide, hasSegmentSets, namesSegment, peerSegments } from '../../lib/resolve/peers';
import { sideServices } from '../../lib/resolve/meaning';
import { loadBackend } from '../../lib/targets/registry';
import { TargetName } from '../../lib/targets/target';

const ROOT = path.join(__dirname, '..', '..');

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'bad' && e.name !== 'node_modules') out.push(...yamlFiles(p));
    } else if (e.name.endsWith('.yaml')) out.push(p);
  }
  return out.sort();
}

const policies = [...yamlFiles(path.join(ROOT, 'examples')), ...yamlFiles(path.join(ROOT, 'test', 'fixtures'))]
  .map((f) => ({ file: path.relative(ROOT, f), r: loadPolicy(f, path.relative(ROOT, f)) }))
  .filter((x) => x.r.policy !== undefined)
  .map((x) => ({ file: x.file, policy: x.r.policy! }));

function compiled(target: TargetName, policy: SegmentationPolicy, broadPeers?: number): string {
  try {
    const out = loadBackend(target).compile(resolve(policy, { today: '2026-01-15', ...(broadPeers ? { broadPeers } : {}) }));
    return JSON.stringify([out.terraform, out.identities]);
  } catch (e) {
    if (e instanceof PolicyError) return `refused: ${e.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`;
    throw e;
  }
}

describe('segment sets compile to the same bytes', () => {
  it('finds the policies of examples/ and test/fixtures', () => {
    expect(policies.length).toBeGreaterThanOrEqual(25);
    // Most of them have a rule side the set form changes.
    const withSets = policies.filter((p) => hasSegmentSets(resolve(p.policy, { today: '2026-01-15', broadPeers: 1 })));
    expect(withSets.length).toBeGreaterThanOrEqual(policies.length * 0.6);
  });
  for (const target of ['aws', 'azure', 'gcp', 'kubernetes'] as const) {
    it(`${target}: every policy, per segment and as sets, same output`, () => {
      let compiledBoth = 0;
      for (const { file, policy } of policies) {
        const plain = compiled(target, policy);
        expect({ file, out: compiled(target, policy, 1) }).toEqual({ file, out: plain });
        if (!plain.startsWith('refused')) compiledBoth++;
      }
      expect(compiledBoth).toBeGreaterThanOrEqual(policies.length * 0.6);
    });
  }
});

describe('a broad rule side is one shared set', () => {
  const doc = {
    apiVersion: 'microseg/v1',
    kind: 'SegmentationPolicy',
    metadata: { name: 'sets' },
    labels: { env: ['prod', 'staging'], tier: ['web', 'db'] },
    segments: ['prod', 'staging'].flatMap((env, i) =>
      ['web', 'db'].map((tier, j) => ({ name: `${tier}-${env}`, labels: { env, tier }, addresses: [`10.${i}.${j}.0/24`] })),
    ),
    externals: [{ name: 'mon', cidrs: ['192.0.2.0/24'] }],
    guardrails: [{ name: 'no-cross-env', action: 'deny', from: { env: 'staging' }, to: { env: 'prod' }, services: ['any'] }],
    rules: [
      { name: 'everything', from: {}, to: {}, services: ['tcp/443'] },
      { name: 'mon-in', from: { external: 'mon' }, to: {}, services: ['tcp/9100'] },
      { name: 'web-db', from: { tier: 'web' }, to: { tier: 'db' }, services: ['tcp/5432'], sameLabels: ['env'] },
    ],
  };
  const policy = SegmentationPolicy.fromObject(doc, 'sets.yaml');
  const plain = resolve(policy);
  const sets = resolve(policy, { broadPeers: 2 });

  it('holds no set below the threshold, and the default threshold is far above these sizes', () => {
    expect(BROAD_PEERS).toBeGreaterThanOrEqual(100);
    expect(hasSegmentSets(plain)).toBe(false);
    expect(hasSegmentSets(sets)).toBe(true);
  });

  it('gives every destination the same frozen set object, with the side label identity', () => {
    const peers = sets.segments.map((s) => sets.sides.get(s.name)!.ingress.allow.find((e) => e.origin.name === 'everything')!.peer);
    expect(new Set(peers).size).toBe(1);
    const p = peers[0];
    expect(p.kind).toBe('segments');
    if (p.kind !== 'segments') return;
    expect(p.segments).toEqual(['db-prod', 'db-staging', 'web-prod', 'web-staging']);
    expect(Object.isFrozen(p) && Object.isFrozen(p.segments)).toBe(true);
    expect(p.labels).toEqual({ kind: 'all' });
    expect([p.rule, p.end]).toEqual(['everything', 'from']);
    // The deny is a set on both sides; sameLabels keeps one entry per pair.
    const deny = sets.sides.get('web-prod')!.ingress.deny[0].peer;
    expect(deny.kind === 'segments' && deny.labels).toEqual({ kind: 'values', label: 'env', keys: ['env=staging'] });
    expect(sets.sides.get('db-prod')!.ingress.allow.filter((e) => e.origin.name === 'web-db').map((e) => e.peer)).toEqual([{ kind: 'segment', segment: 'web-prod' }]);
  });

  it('expands, in place, to exactly the per-segment sides', () => {
    for (const s of plain.segments) {
      for (const dir of ['ingress', 'egress'] as const) expect(flatSide(sets.sides.get(s.name)![dir])).toEqual(plain.sides.get(s.name)![dir]);
    }
  });

  it('means the same for every peer, and names its members', () => {
    for (const x of plain.segments) {
      for (const y of plain.segments) {
        for (const dir of ['ingress', 'egress'] as const) {
          const probe = { segment: y.name, family: 4 as const, address: y.addresses.ranges[0].lo };
          expect(sideServices(sets, x.name, dir, probe).toString()).toBe(sideServices(plain, x.name, dir, probe).toString());
        }
      }
    }
    const p = sets.sides.get('db-prod')!.ingress.allow[0].peer;
    expect(namesSegment(p, 'web-staging')).toBe(true);
    expect(peerSegments(p)).toHaveLength(4);
  });

  it('counts pairs without listing them, and lists them the same on demand', () => {
    for (const r of plain.rules) {
      const s = sets.rule(r.origin.name);
      expect(s.pairCount).toBe(r.segmentPairs.length);
      expect(s.segmentPairs).toEqual(r.segmentPairs);
    }
    expect(sets.rule('everything').pairCount).toBe(16);
  });
});
