/**
 * Reading back what a warehouse returned for our query: CSV with a header
 * row (Athena's download, `bq query --format=csv`), a JSON array of
 * objects (`bq query --format=json`), or newline-delimited JSON objects.
 * Column names are matched case-insensitively.
 */
import * as fs from 'fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { RuleHit } from '../stale';

export class QueryResultError extends Error {}

export type Row = Record<string, string>;

export function readQueryRows(file: string): Row[] {
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const t = text.trimStart();
  let rows: Record<string, unknown>[];
  if (t.startsWith('[')) {
    try {
      rows = JSON.parse(text);
    } catch (e) {
      throw new QueryResultError(`${file}: invalid JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(rows)) throw new QueryResultError(`${file}: expected an array of rows`);
  } else if (t.startsWith('{')) {
    rows = t
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l, i) => {
        try {
          return JSON.parse(l);
        } catch (e) {
          throw new QueryResultError(`${file}:${i + 1}: invalid JSON: ${(e as Error).message}`);
        }
      });
  } else {
    try {
      rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true });
    } catch (e) {
      throw new QueryResultError(`${file}: invalid CSV: ${(e as Error).message}`);
    }
  }
  return rows.map((r, i) => {
    if (!r || typeof r !== 'object') throw new QueryResultError(`${file}: row ${i + 1} is not an object`);
    const out: Row = {};
    for (const [k, v] of Object.entries(r)) out[k.toLowerCase()] = v === null || v === undefined ? '' : String(v);
    return out;
  });
}

function need(file: string, rows: Row[], cols: readonly string[]): void {
  if (rows.length === 0) return;
  for (const c of cols) if (!(c in rows[0])) throw new QueryResultError(`${file}: no column '${c}' (expected ${cols.join(', ')})`);
}

function int(file: string, i: number, col: string, v: string): number {
  if (!/^-?\d+$/.test(v.trim())) throw new QueryResultError(`${file}: row ${i + 1}: ${col} '${v}' is not an integer`);
  return Number(v);
}

/** Rows of the stale query → rule hits. */
export function staleHitsFromRows(file: string, rows: Row[]): RuleHit[] {
  need(file, rows, ['rule', 'hits']);
  return rows.map((r, i) => ({
    rule: r.rule,
    proto: r.proto !== undefined && r.proto !== '' ? int(file, i, 'proto', r.proto) : -1,
    port: r.port !== undefined && r.port !== '' ? int(file, i, 'port', r.port) : 0,
    hits: int(file, i, 'hits', r.hits),
    flows: r.flows !== undefined && r.flows !== '' ? int(file, i, 'flows', r.flows) : 1,
    ...(r.last_seen ? { last: int(file, i, 'last_seen', r.last_seen) } : {}),
  }));
}

export interface PairRow {
  readonly client: string;
  readonly server: string;
  readonly proto: number;
  readonly port: number;
  readonly hits: number;
}

/** Rows of the discover query → observed pairs. */
export function pairsFromRows(file: string, rows: Row[]): PairRow[] {
  need(file, rows, ['client_key', 'server_key', 'proto', 'port', 'hits']);
  return rows.map((r, i) => ({ client: r.client_key, server: r.server_key, proto: int(file, i, 'proto', r.proto), port: int(file, i, 'port', r.port), hits: int(file, i, 'hits', r.hits) }));
}
