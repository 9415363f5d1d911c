/**
 * Atomic output for the whole run: everything is written to a staging
 * directory beside DIR first; only when all of it is written are the
 * top-level entries (target folders) swapped in — every existing one moved
 * aside first, then every new one moved in. If any rename fails, what was
 * moved in is removed and what was moved aside is put back, so DIR is as it
 * was: all targets change, or none. Other entries in DIR are never touched.
 */
// The default import is the fs module itself, so a test can spy on its renameSync to simulate a failing rename.
import fs from 'fs';
import * as path from 'path';
import { UsageError } from './errors';

/** files: relative path (e.g. `aws/cdk.tf.json`) → content. Top-level folders are replaced whole. */
export function writeAtomically(outDir: string, files: Readonly<Record<string, string>>): void {
  // Checked before anything is staged: a file in the way is the user's mistake, not an internal error.
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) throw new UsageError(`--out ${outDir}: exists and is not a directory`);
  const parent = path.dirname(path.resolve(outDir));
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(outDir)}.staging-`));
  // new/ holds what is written, old/ what it replaces: separate, so no name can collide.
  const fresh = path.join(staging, 'new');
  const aside = path.join(staging, 'old');
  let keepStaging = false;
  try {
    for (const [rel, content] of Object.entries(files)) {
      const p = path.join(fresh, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content);
    }
    fs.mkdirSync(aside);
    const created = !fs.existsSync(outDir);
    fs.mkdirSync(outDir, { recursive: true });
    const tops = [...new Set(Object.keys(files).map((r) => r.split(/[\\/]/)[0]))].sort();
    const movedAside: string[] = [];
    const movedIn: string[] = [];
    try {
      for (const top of tops) {
        const dest = path.join(outDir, top);
        if (fs.existsSync(dest)) {
          fs.renameSync(dest, path.join(aside, top));
          movedAside.push(top);
        }
      }
      for (const top of tops) {
        fs.renameSync(path.join(fresh, top), path.join(outDir, top));
        movedIn.push(top);
      }
    } catch (e) {
      try {
        for (const top of movedIn.reverse()) fs.rmSync(path.join(outDir, top), { recursive: true, force: true });
        for (const top of movedAside.reverse()) fs.renameSync(path.join(aside, top), path.join(outDir, top));
        if (created) fs.rmdirSync(outDir);
      } catch (restoreError) {
        // The previous output still lives in the staging directory: keep it and say where.
        keepStaging = true;
        throw new Error(`writing ${outDir} failed (${(e as Error).message}) and restoring its previous content failed too (${(restoreError as Error).message}); the previous content is in ${aside}`);
      }
      throw e;
    }
  } finally {
    if (!keepStaging) fs.rmSync(staging, { recursive: true, force: true });
  }
}
