/**
 * A test that skips when something is missing hides a failure. No test in
 * test/ may skip, conditionally or not: what a test needs and cannot get
 * fails it, saying why. This reads every test source and fails on a skip.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const self = path.basename(__filename);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '__snapshots__' || e.name === 'fixtures' ? [] : sources(p);
    return /\.(ts|js)$/.test(e.name) && e.name !== self ? [p] : [];
  });
}

// Written in pieces so this file does not match itself.
const SKIPS = [
  new RegExp(['\\b(it|test|describe)', '\\.(skip|todo)\\b'].join('')),
  new RegExp(['\\bx(it|test|describe)', '\\s*\\('].join('')),
  new RegExp(['\\?\\s*(it|test|describe)\\s*:\\s*(it|test|describe)', '\\b'].join('')),
];

test('no test skips', () => {
  const found: string[] = [];
  for (const file of sources(ROOT)) {
    fs.readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (SKIPS.some((re) => re.test(line))) found.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
      });
  }
  expect(found).toEqual([]);
});
