/**
 * Loader: policy text (YAML, or JSON read as YAML 1.2) to plain data plus
 * the position of every node. It never throws for bad input and never
 * expands aliases: the plain value is built by walking yaml's AST ourselves
 * instead of calling `toJS`, so anchors, aliases and prototype keys are
 * refused before any object sees them.
 */
import * as fs from 'fs';
import { Alias, Document, isAlias, isMap, isScalar, isSeq, LineCounter, Node, parseAllDocuments, Scalar } from 'yaml';
import { severityOf } from './codes';
import { Diagnostic, SourceLocation } from './diagnostics';
import { Locator, NO_LOCATOR, pathKey } from './locator';
import { firstSyntaxError, SyntaxError } from './syntax-errors';
import { NodePath } from './types';

/** Policies larger than this are refused before parsing. */
export const MAX_POLICY_BYTES = 10 * 1024 * 1024;
/** Deepest nesting accepted; a valid policy needs about six levels. */
export const MAX_DEPTH = 64;
/** Keys that could reach an object prototype, refused anywhere. */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

export interface LoadResult {
  /** The plain data (undefined when nothing usable was parsed). */
  readonly value: unknown;
  readonly locator: Locator;
  readonly diagnostics: Diagnostic[];
  /**
   * True when the value must not be validated further (syntax errors, size,
   * several documents, aliases…): validating a half-read document would only
   * add confusing follow-on errors. Duplicate keys are not fatal: the first
   * occurrence is kept so the rest of the file is still checked.
   */
  readonly fatal: boolean;
}

function diag(code: string, message: string, location: SourceLocation, path?: NodePath): Diagnostic {
  return { code, severity: severityOf(code), message, location, ...(path ? { path: [...path] } : {}) };
}

/** Parse policy text. `file` is only used in locations. */
export function parsePolicySource(text: string, file: string): LoadResult {
  const start: SourceLocation = { file, line: 1, col: 1 };
  // Check the size before the parser sees it: `length` is a lower bound of the UTF-8 size.
  if (text.length > MAX_POLICY_BYTES || Buffer.byteLength(text, 'utf8') > MAX_POLICY_BYTES) {
    return { value: undefined, locator: NO_LOCATOR, fatal: true, diagnostics: [diag('MS1013', `document is larger than 10 MiB (${Buffer.byteLength(text, 'utf8')} bytes)`, start)] };
  }
  try {
    return parseChecked(text, file);
  } catch (e) {
    // The yaml parser reports its own failures as errors; this only guards against
    // the unexpected (e.g. a stack overflow in a path we do not know of).
    return { value: undefined, locator: NO_LOCATOR, fatal: true, diagnostics: [diag('MS1010', `cannot parse: ${(e as Error)?.message ?? String(e)}`, start)] };
  }
}

function parseChecked(text: string, file: string): LoadResult {
  const lc = new LineCounter();
  const at = (offset: number): SourceLocation => {
    const p = lc.linePos(Math.max(0, Math.min(offset, text.length)));
    return { file, line: p.line, col: p.col };
  };
  const docs = parseAllDocuments(text, {
    lineCounter: lc,
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
    version: '1.2',
    schema: 'core',
    merge: false,
  });
  const list: Document.Parsed[] = Array.isArray(docs) ? docs : [];
  const diagnostics: Diagnostic[] = [];
  let fatal = false;

  if (!Array.isArray(docs)) {
    // An empty stream can still carry errors (e.g. stray directives).
    for (const e of (docs as { errors?: { message: string; pos: [number, number] }[] }).errors ?? []) {
      diagnostics.push(diag('MS1010', firstLine(e.message), at(e.pos[0])));
      fatal = true;
    }
  }
  if (list.length === 0) {
    diagnostics.push(diag('MS1016', 'the policy is empty: expected a mapping with apiVersion, kind, metadata, …', { file, line: 1, col: 1 }));
    return { value: undefined, locator: NO_LOCATOR, diagnostics, fatal: true };
  }
  for (const extra of list.slice(1)) {
    diagnostics.push(diag('MS1014', 'a policy file holds exactly one YAML document; found another one here', at(extra.range[0])));
    fatal = true;
  }

  const doc = list[0];
  const syntax: SyntaxError[] = [];
  const duplicates: Diagnostic[] = [];
  let exhausted = false;
  for (const e of doc.errors) {
    if (e.code === 'DUPLICATE_KEY') {
      duplicates.push(diag('MS1011', `duplicate key${dupKeyName(text, e.pos)}`, at(e.pos[0])));
      continue;
    }
    fatal = true;
    if (e.code === 'RESOURCE_EXHAUSTION') {
      if (exhausted) continue;
      exhausted = true;
      diagnostics.push(diag('MS1018', `document is nested too deeply (more than ${MAX_DEPTH} levels)`, at(e.pos[0])));
      continue;
    }
    syntax.push({ code: e.code, message: firstLine(e.message), offset: e.pos[0] });
  }
  const first = firstSyntaxError(text, syntax, (o) => at(o));
  if (first) diagnostics.push(diag('MS1010', first.message, at(first.offset)));
  // Keys a syntax error pushed into the mapping above look duplicated; without one, duplicates are real.
  else diagnostics.push(...duplicates);
  for (const w of doc.warnings) diagnostics.push(diag('MS1019', firstLine(w.message), at(w.pos[0])));

  // Offsets, turned into line and column only when a location is asked for: a 10,000-segment policy has half a
  // million nodes, and almost none of them is ever reported.
  const values = new Map<string, number>();
  const keys = new Map<string, number>();
  const ctx: BuildCtx = { text, aliases: new Map(), at, values, keys, diagnostics, fatal: false, depthReported: false };
  const root = doc.contents;
  let value: unknown;
  if (!root || !isMap(root)) {
    const loc = root?.range ? at(root.range[0]) : { file, line: 1, col: 1 };
    if (!fatal) diagnostics.push(diag('MS1016', `the policy must be a mapping with apiVersion, kind, metadata, …; found ${describeNode(root)}`, loc));
    fatal = true;
  } else {
    const before = diagnostics.length;
    value = build(root, [], '', 0, ctx);
    // After a syntax error the tree is a guess: what the walk finds in it (odd keys, aliases) only adds noise.
    if (first) diagnostics.length = before;
    for (const [name, a] of ctx.aliases) {
      const more = a.count > 1 ? ` (used ${a.count} times)` : '';
      diagnostics.push(diag('MS1012', `YAML alias '*${name}' is not allowed${more}: write the value out`, a.loc, a.path));
    }
  }
  const locator: Locator = (path, which = 'value') => {
    const k = pathKey(path);
    const offset = which === 'key' ? keys.get(k) ?? values.get(k) : values.get(k);
    return offset === undefined ? undefined : at(offset);
  };
  return { value, locator, diagnostics, fatal: fatal || ctx.fatal };
}

interface BuildCtx {
  readonly text: string;
  readonly aliases: Map<string, { loc: SourceLocation; path: NodePath; count: number }>;
  readonly at: (offset: number) => SourceLocation;
  /** pathKey → offset of the node (values) or of its key (keys). */
  readonly values: Map<string, number>;
  readonly keys: Map<string, number>;
  readonly diagnostics: Diagnostic[];
  fatal: boolean;
  depthReported: boolean;
}

/** pathKey of a child, from its parent's (pathKey joins every component; this appends one). */
const childKey = (parentKey: string, depth: number, k: string | number): string => (depth === 0 ? String(k) : `${parentKey}\u0000${k}`);

/** Plain value of a node; records locations and refuses what the format does not allow. `key` is pathKey(path). */
function build(node: Node | Alias | null | undefined, path: NodePath, key: string, depth: number, ctx: BuildCtx): unknown {
  if (node == null) return null;
  const offset = node.range?.[0] ?? 0;
  ctx.values.set(key, offset);
  if (isAlias(node)) {
    const loc = ctx.at(offset);
    // One diagnostic per alias name (at its first use): a billion-laughs file has thousands.
    const seen = ctx.aliases.get(node.source);
    if (seen) seen.count++;
    else ctx.aliases.set(node.source, { loc, path, count: 1 });
    ctx.fatal = true;
    return undefined;
  }
  const anchor = (node as Node & { anchor?: string }).anchor;
  if (anchor) anchorFound(anchor, node.range?.[0] ?? 0, path, ctx);
  if (depth > MAX_DEPTH) {
    if (!ctx.depthReported) ctx.diagnostics.push(diag('MS1018', `document is nested too deeply (more than ${MAX_DEPTH} levels)`, ctx.at(offset), path));
    ctx.depthReported = true;
    ctx.fatal = true;
    return undefined;
  }
  if (isScalar(node)) return scalarValue(node);
  if (isSeq(node)) return node.items.map((item, i) => build(item as Node, [...path, i], childKey(key, path.length, i), depth + 1, ctx));
  if (isMap(node)) {
    // Prototype keys are refused below, so a plain object is safe here and
    // keeps the data ordinary for zod and for users.
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const keyOffset = keyNode?.range?.[0] ?? node.range?.[0] ?? 0;
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        ctx.diagnostics.push(diag('MS1017', `mapping keys must be plain strings; found ${describeNode(keyNode)}`, ctx.at(keyOffset), path));
        ctx.fatal = true;
        continue;
      }
      if (keyNode.anchor) anchorFound(keyNode.anchor, keyNode.range?.[0] ?? 0, path, ctx);
      const name = String(keyNode.value);
      const childPath = [...path, name];
      if (FORBIDDEN_KEYS.includes(name)) {
        ctx.diagnostics.push(diag('MS1015', `key '${name}' is not allowed anywhere in a policy`, ctx.at(keyOffset), childPath));
        ctx.fatal = true;
        continue;
      }
      if (seen.has(name)) continue; // reported by yaml as DUPLICATE_KEY; keep the first
      seen.add(name);
      const k = childKey(key, path.length, name);
      ctx.keys.set(k, keyOffset);
      const valueNode = pair.value as Node | null;
      if (valueNode == null) {
        ctx.values.set(k, keyOffset);
        out[name] = null;
      } else {
        out[name] = build(valueNode, childPath, k, depth + 1, ctx);
      }
    }
    return out;
  }
  return undefined;
}

/** Anchors are refused; point at the `&name` itself, which precedes the node it names. */
function anchorFound(anchor: string, nodeStart: number, path: NodePath, ctx: BuildCtx): void {
  const at = ctx.text.lastIndexOf(`&${anchor}`, nodeStart);
  ctx.diagnostics.push(diag('MS1012', `YAML anchor '&${anchor}' is not allowed: write values out in full`, ctx.at(at >= 0 ? at : nodeStart), path));
  ctx.fatal = true;
}

function scalarValue(s: Scalar): unknown {
  const v = s.value;
  // Only a `%YAML 1.1` document can produce timestamps; keep them as the date they name.
  if (v instanceof Date) return isNaN(v.getTime()) ? String(s.source) : v.toISOString().replace(/T00:00:00\.000Z$/, '');
  if (typeof v === 'bigint') return Number(v);
  if (v !== null && typeof v === 'object') return String(s.source ?? '');
  return v;
}

function describeNode(n: unknown): string {
  if (n == null) return 'nothing';
  if (isAlias(n)) return 'an alias';
  if (isSeq(n)) return 'a list';
  if (isMap(n)) return 'a mapping';
  if (isScalar(n)) {
    if (n.value === null) return 'null';
    // Quote at most a few dozen characters: a binary or huge file must not flood the terminal.
    const shown = JSON.stringify(n.value);
    return `${typeof n.value} ${shown.length > 48 ? `${shown.slice(0, 45)}…" (${String(n.value).length} characters)` : shown}`;
  }
  return 'an unsupported node';
}

function firstLine(msg: string): string {
  return msg.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/** The duplicated key as written, for the message. */
function dupKeyName(text: string, pos: [number, number]): string {
  const m = /^("[^"\n]*"|'[^'\n]*'|[^:,{}[\]\n]+)/.exec(text.slice(pos[0], pos[0] + 200));
  const raw = m ? m[1].trim().replace(/^["']|["']$/g, '') : '';
  return raw ? ` '${raw}'` : '';
}

/**
 * Read and parse a policy file. An unreadable file gives MS0001 (the CLI
 * exits 2 on MS0xxx codes, see `isUsageCode`). `displayName` is the file
 * name used in locations (the CLI shows paths relative to the working directory).
 */
export function loadPolicyFile(path: string, displayName: string = path): LoadResult {
  const start: SourceLocation = { file: displayName, line: 1, col: 1 };
  let text: string;
  try {
    const st = fs.statSync(path);
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > MAX_POLICY_BYTES) {
      return { value: undefined, locator: NO_LOCATOR, fatal: true, diagnostics: [diag('MS1013', `document is larger than 10 MiB (${st.size} bytes)`, start)] };
    }
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.code === 'EISDIR' ? 'is a directory' : err.message;
    return { value: undefined, locator: NO_LOCATOR, fatal: true, diagnostics: [{ code: 'MS0001', severity: severityOf('MS0001'), message: `cannot read policy file: ${why}`, file: displayName }] };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a BOM is not content
  return parsePolicySource(text, displayName);
}
