/**
 * Runs a markdown page literally: its fenced code blocks, in page order, in
 * one folder. The info string says what a block is:
 *
 *   ```sh                 commands, run by bash -e in the folder (each must exit 0)
 *   ```ts file=main.ts    a file, written to the folder as shown
 *   ```sh core=cdktn      only in the run for that core (cdktf or cdktn)
 *   ```text               output shown to the reader, not run
 *   ```text output        what the commands just before print: each line must occur in their output
 *
 * Any other block fails the run: a page holds no code the test does not run.
 * The one substitution: in `npm install` lines the package's own name means
 * the packed tarball (the page cannot name a file that `npm pack` writes).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export type CoreName = 'cdktf' | 'cdktn';

export interface Block {
  readonly lang: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly body: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
}

/** The blocks of one `## ` section of a page (from its heading to the next). */
export function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const at = lines.findIndex((l) => l === `## ${heading}`);
  if (at < 0) throw new Error(`no section '## ${heading}'`);
  const end = lines.findIndex((l, i) => i > at && /^## /.test(l));
  // Blank lines keep the page's line numbers in the blocks' locations.
  return lines.map((l, i) => (i >= at && (end < 0 || i < end) ? l : '')).join('\n');
}

/** Every fenced block of a markdown text (``` fences, as GitHub renders them). */
export function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)(.*)$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    if (i === lines.length) throw new Error(`line ${start + 1}: code block never closed`);
    const attrs: Record<string, string> = {};
    for (const a of open[2].trim().split(/\s+/).filter(Boolean)) {
      const [k, v] = a.split('=');
      attrs[k] = v ?? 'true';
    }
    blocks.push({ lang: open[1], attrs, body: body.join('\n') + '\n', line: start + 1 });
  }
  return blocks;
}

export interface RunOptions {
  /** Where the page is (for located errors). */
  readonly page: string;
  readonly dir: string;
  readonly core?: CoreName;
  readonly tarball: string;
  /** The package's name on the page. */
  readonly packageName: string;
}

export interface Step {
  readonly line: number;
  readonly kind: 'file' | 'sh';
  readonly what: string;
  readonly ms: number;
  /** What the commands printed (stdout, then stderr). */
  readonly output: string;
}

/** The environment of a user's shell: npm reads its packages from the cache when it has them; nothing of this repository's npm run leaks in. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_|^INIT_CWD$|^NODE_ENV$|^JEST_/i.test(k)) env[k] = v;
  return { ...env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

/** The blocks a run for `core` uses, classified; throws (located) on a block it cannot run. */
export function steps(blocks: readonly Block[], page: string, core?: CoreName): Block[] {
  return blocks.filter((b) => {
    const where = `${page}:${b.line}`;
    if (b.attrs.core && b.attrs.core !== 'cdktf' && b.attrs.core !== 'cdktn') throw new Error(`${where}: core=${b.attrs.core} is neither cdktf nor cdktn`);
    if (b.attrs.file) return !b.attrs.core || b.attrs.core === core;
    if (b.lang === 'sh') return !b.attrs.core || b.attrs.core === core;
    if (b.lang === 'text') return b.attrs.output === 'true' && (!b.attrs.core || b.attrs.core === core);
    throw new Error(`${where}: a \`\`\`${b.lang} block that is neither a file (file=NAME), nor commands (sh), nor output (text): the test cannot run it`);
  });
}

/** Run the page's blocks for one core in `dir`; throws with the page's line on the first failure. */
export function runPage(blocks: readonly Block[], o: RunOptions): Step[] {
  const done: Step[] = [];
  const own = new RegExp(`(?<=^|\\s)${o.packageName.replace(/[-/]/g, '\\$&')}(?=\\s|$)`, 'g');
  for (const b of steps(blocks, o.page, o.core)) {
    const t0 = Date.now();
    if (b.lang === 'text') {
      const last = [...done].reverse().find((d) => d.kind === 'sh');
      const missing = b.body.split('\n').filter((l) => l.trim() && !last?.output.includes(l.trim()));
      if (!last || missing.length) throw new Error(`${o.page}:${b.line}: the output shown is not what the commands print${o.core ? ` (core ${o.core})` : ''}; missing:\n${missing.join('\n')}\n--- printed\n${last?.output ?? '(no commands ran)'}`);
      continue;
    }
    if (b.attrs.file) {
      const target = path.join(o.dir, b.attrs.file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, b.body);
      done.push({ line: b.line, kind: 'file', what: b.attrs.file, ms: Date.now() - t0, output: '' });
      continue;
    }
    const script = b.body
      .split('\n')
      .map((l) => (/^\s*npm (install|i)\b/.test(l) ? l.replace(own, o.tarball) : l))
      .join('\n');
    let output: string;
    try {
      // stderr into stdout, in order: diagnostics are printed on stderr.
      output = execFileSync('bash', ['-e', '-o', 'pipefail', '-c', `exec 2>&1\n${script}`], { cwd: o.dir, env: userEnv(), encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      const x = e as { status?: number; stdout?: string; stderr?: string };
      throw new Error(`${o.page}:${b.line}: the block failed (exit ${x.status}) in ${o.dir}${o.core ? ` (core ${o.core})` : ''}:\n${b.body}\n--- stdout\n${x.stdout ?? ''}\n--- stderr\n${x.stderr ?? e}`);
    }
    done.push({ line: b.line, kind: 'sh', what: b.body.trim().split('\n')[0], ms: Date.now() - t0, output });
  }
  return done;
}
