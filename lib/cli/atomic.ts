/**
 * Atomic output: everything is written to a staging directory beside DIR
 * first; only when all of it is written are the target folders swapped in.
 * On any error before the swap, nothing under DIR changes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from './errors';

/** files: relative path (e.g. `aws/cdk.tf.json`) → content. Top-level folders are replaced whole. */
export function writeAtomically(outDir: string, files: Readonly<Record<string, string>>): void {
  // Checked before anything is staged: a file in the way is the user's mistake, not an internal error.
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) throw new UsageError(`--out ${outDir}: exists and is not a directory`);
  const parent = path.dirname(path.resolve(outDir));
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(outDir)}.staging-`));
  try {
    for (const [rel, content] of Object.entries(files)) {
      const p = path.join(staging, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content);
    }
    fs.mkdirSync(outDir, { recursive: true });
    const tops = [...new Set(Object.keys(files).map((r) => r.split(/[\\/]/)[0]))].sort();
    for (const top of tops) {
      const dest = path.join(outDir, top);
      const old = path.join(staging, `.old-${top}`);
      if (fs.existsSync(dest)) fs.renameSync(dest, old);
      fs.renameSync(path.join(staging, top), dest);
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
