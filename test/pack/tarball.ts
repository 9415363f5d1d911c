/**
 * The package as a user gets it: dist/ built when stale, then `npm pack`
 * into a temporary folder. Shared by the tests that install the tarball
 * (pack.test.ts, the literal runs of docs/getting-started.md and the README).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..', '..');
export const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** dist/ is newer than every file under lib/ (as right after `npm ci`, whose `prepare` builds it): no need to build again. */
function distIsFresh(): boolean {
  const built = path.join(ROOT, 'dist', 'lib', 'index.js');
  if (!fs.existsSync(built)) return false;
  const builtAt = fs.statSync(built).mtimeMs;
  const newest = (dir: string): number =>
    Math.max(0, ...fs.readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs)));
  return newest(path.join(ROOT, 'lib')) < builtAt && fs.statSync(path.join(ROOT, 'tsconfig.build.json')).mtimeMs < builtAt;
}

export interface Packed {
  /** Absolute path of the .tgz. */
  readonly tarball: string;
  /** The files it holds, sorted. */
  readonly files: string[];
}

/**
 * Runs `fn` holding a lock on this checkout's dist/: the tests that pack run
 * in parallel workers, and two builds writing dist/ at once could pack a
 * half-written file. A lock older than the longest build is taken over.
 */
function withBuildLock<T>(fn: () => T): T {
  const lock = path.join(ROOT, '.pack-build.lock');
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (const start = Date.now(); ; ) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 180_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() - start > 300_000) throw new Error(`${lock}: held for over 5 minutes`);
      Atomics.wait(sleeper, 0, 0, 200);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** Build dist/ if stale and pack the package into `dir`. */
export function packInto(dir: string): Packed {
  withBuildLock(() => {
    if (distIsFresh()) return;
    try {
      execFileSync(NPM, ['run', 'build'], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      throw new Error(`npm run build failed:\n${(e as { stdout?: string }).stdout ?? e}`);
    }
  });
  const out = JSON.parse(execFileSync(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  return { tarball: path.join(dir, out[0].filename), files: out[0].files.map((f: { path: string }) => f.path).sort() };
}

/** The version of a package installed in this repository (what the consumer projects install too, from the npm cache). */
export function installedVersion(pkg: string): string {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

/** Inside a describe: a temporary folder with the packed tarball in it before the tests, removed after them. */
export function packedForTests(prefix: string): { readonly tmp: string; readonly tarball: string; readonly files: string[] } {
  const state = { tmp: '', tarball: '', files: [] as string[] };
  beforeAll(() => {
    state.tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    Object.assign(state, packInto(state.tmp));
  }, 120_000);
  afterAll(() => {
    if (state.tmp) fs.rmSync(state.tmp, { recursive: true, force: true });
  });
  return state;
}
