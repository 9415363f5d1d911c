/**
 * Rooms talk downhill (docs/architecture in /work/shared/design.md): every
 * relative import in lib/ — `import`, `export … from`, `require(…)` and
 * `import(…)` types alike, since a lazy `require` is still a dependency —
 * goes from a room to one ranked below it, or stays in its room. Inside
 * lib/targets/, the kit and the contract files never reach a cloud, and no
 * cloud reaches another. Ranks make a cycle between rooms impossible; the
 * test also looks for one directly, so the failure names it.
 */
import * as fs from 'fs';
import * as path from 'path';

const LIB = path.join(__dirname, '../../lib');

/** Lowest first: a room may import its own and lower rooms only. */
const RANK: Readonly<Record<string, number>> = {
  net: 0,
  model: 1,
  resolve: 2,
  verify: 3,
  targets: 4,
  constructs: 5,
  analysis: 6,
  report: 7,
  cli: 8,
  '(root)': 9,
};

/** Inside lib/targets/: the contract (files directly in it) < the kit < each cloud < the registry that loads them. */
function targetsRank(rel: string): number {
  const parts = rel.split('/');
  if (parts.length === 2) return parts[1] === 'registry.ts' ? 3 : 0;
  return parts[1] === 'kit' ? 1 : 2;
}

interface Edge {
  readonly from: string;
  readonly to: string;
}

function filesOf(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesOf(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The file a relative specifier names: `x.ts`, `x/index.ts`, or `x.json` and the like as written. */
function resolveSpecifier(fromFile: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), spec);
  for (const c of [`${base}.ts`, path.join(base, 'index.ts'), base]) if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  return undefined;
}

const SPECIFIER = /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]*|\.{1,2})['"]/gm;

function edges(): { edges: Edge[]; unresolved: string[] } {
  const out: Edge[] = [];
  const unresolved: string[] = [];
  for (const file of filesOf(LIB)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(SPECIFIER)) {
      const target = resolveSpecifier(file, m[1]);
      const from = path.relative(LIB, file).split(path.sep).join('/');
      if (!target) {
        unresolved.push(`${from}: '${m[1]}'`);
        continue;
      }
      const to = path.relative(LIB, target).split(path.sep).join('/');
      if (!to.startsWith('..')) out.push({ from, to });
    }
  }
  return { edges: out, unresolved };
}

const roomOf = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : '(root)');
const cloudOf = (rel: string) => (rel.startsWith('targets/') && rel.split('/').length > 2 && rel.split('/')[1] !== 'kit' ? rel.split('/')[1] : undefined);

const all = edges();

test('every relative import in lib/ names a file that exists', () => {
  expect(all.unresolved).toEqual([]);
});

test('every room of lib/ has a rank', () => {
  const rooms = new Set(filesOf(LIB).map((f) => roomOf(path.relative(LIB, f).split(path.sep).join('/'))));
  expect([...rooms].filter((r) => RANK[r] === undefined)).toEqual([]);
});

test('no import runs uphill between rooms', () => {
  const uphill = all.edges.filter((e) => RANK[roomOf(e.to)] > RANK[roomOf(e.from)]).map((e) => `${e.from} -> ${e.to}`);
  expect(uphill).toEqual([]);
});

test('inside lib/targets/: contract < kit < clouds < registry, and no cloud imports another', () => {
  const inside = all.edges.filter((e) => roomOf(e.from) === 'targets' && roomOf(e.to) === 'targets');
  const bad = inside.filter((e) => {
    const [a, b] = [cloudOf(e.from), cloudOf(e.to)];
    if (a && b) return a !== b;
    return targetsRank(e.to) > targetsRank(e.from);
  });
  expect(bad.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
});

test('no cycle between rooms (a lazy require counts)', () => {
  const next = new Map<string, Set<string>>();
  for (const e of all.edges) {
    const [a, b] = [roomOf(e.from), roomOf(e.to)];
    if (a !== b) (next.get(a) ?? next.set(a, new Set()).get(a)!).add(b);
  }
  // Depth-first search for a back edge; report the cycle it closes.
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (r: string, trail: string[]) => {
    state.set(r, 'open');
    for (const n of [...(next.get(r) ?? [])].sort()) {
      if (state.get(n) === 'open') cycles.push([...trail.slice(trail.indexOf(n)), r, n].join(' -> '));
      else if (!state.has(n)) visit(n, [...trail, r]);
    }
    state.set(r, 'done');
  };
  for (const r of [...next.keys()].sort()) if (!state.has(r)) visit(r, []);
  expect(cycles).toEqual([]);
});

test('the test sees the imports it is about (a regression in its own parsing fails here)', () => {
  const has = (from: string, to: string) => all.edges.some((e) => e.from === from && e.to === to);
  expect(has('targets/registry.ts', 'targets/aws/index.ts')).toBe(true); // require('./aws')
  expect(has('verify/index.ts', 'verify/equivalence.ts')).toBe(true);
  expect(all.edges.length).toBeGreaterThan(300);
});
