/**
 * What every SARIF log we write shares, so code scanning maps each result to
 * a file of the repository: artifact URIs relative to `%SRCROOT%` (the git
 * work tree the command runs in, else its working directory), the base
 * declared in `originalUriBaseIds` (without an absolute `uri`: the same
 * inputs give the same bytes on every checkout), and absolute
 * `informationUri`/`helpUri`s into the project's documentation.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The project's home (package.json `homepage`; test/report/sarif-schema.test.ts keeps them equal). */
export const HOMEPAGE = 'https://github.com/cdktf-microseg/cdktf-microseg';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** An absolute link to a page of docs/ (and an anchor in it), as SARIF wants `informationUri` and `helpUri`. */
export function docsUri(page: string, anchor?: string): string {
  return `${HOMEPAGE}/blob/main/docs/${page}${anchor ? `#${anchor.toLowerCase()}` : ''}`;
}

/** Where the files a log names are: `cwd` resolves relative paths, `root` is `%SRCROOT%`. */
export interface SarifPlace {
  readonly cwd: string;
  readonly root: string;
}

/** The top of the git work tree holding `cwd` (a `.git` directory or file), else `cwd` itself. */
export function sourceRoot(cwd: string): string {
  let dir = path.resolve(cwd);
  for (;;) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return path.resolve(cwd);
    dir = up;
  }
}

/** The place of a command run in `cwd`. */
export function placeOf(cwd: string): SarifPlace {
  return { cwd: path.resolve(cwd), root: sourceRoot(cwd) };
}

export interface ArtifactLocation {
  readonly uri: string;
  readonly uriBaseId?: '%SRCROOT%';
}

/**
 * A file as SARIF names it: relative to `%SRCROOT%` with forward slashes and
 * percent-encoding; a file outside the root gets an absolute `file:` URI
 * (and no base). Without a place, `file` is taken as relative to the root already.
 */
export function artifactLocation(file: string, place?: SarifPlace): ArtifactLocation {
  const segments = (p: string) => p.split(/[\\/]+/).filter((s) => s !== '' && s !== '.').map((s) => encodeURIComponent(s));
  if (!place) return { uri: segments(file).join('/'), uriBaseId: '%SRCROOT%' };
  const abs = path.resolve(place.cwd, file);
  const rel = path.relative(place.root, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return { uri: `file://${abs.split(path.sep).map((s) => encodeURIComponent(s)).join('/')}` };
  return { uri: segments(rel).join('/'), uriBaseId: '%SRCROOT%' };
}

/** `run.originalUriBaseIds`: the one base our URIs use, described rather than pinned to this machine's path. */
export const ORIGINAL_URI_BASE_IDS = {
  '%SRCROOT%': { description: { text: 'The root of the repository (the git work tree microseg ran in, else its working directory).' } },
} as const;

/** The log around runs: schema, version, the runs. */
export function sarifLog(runs: readonly unknown[]): string {
  return JSON.stringify({ $schema: SARIF_SCHEMA, version: '2.1.0', runs }, null, 2) + '\n';
}
