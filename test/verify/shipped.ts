/** The policy files the repository ships (examples, fixtures, regression counterexamples), for tests that compile every one. */
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.join(__dirname, '../..');

function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(p);
    return /\.(ya?ml|json)$/.test(e.name) && !e.name.endsWith('.tf.json') && !e.name.includes('identities') ? [p] : [];
  });
}

/** Absolute paths; invalid policies among them are the loader's business (callers skip what does not load). */
export function shippedPolicyFiles(): string[] {
  return [
    ...yamlFiles(path.join(ROOT, 'examples')).filter((f) => /policy\.ya?ml$/.test(f)),
    ...['good', 'regress', 'gcp', 'lint', 'diff', 'tf'].flatMap((d) => yamlFiles(path.join(ROOT, 'test/fixtures', d))),
  ];
}
