/**
 * Inventories: the workloads an estate really runs, with their addresses
 * and labels, read from YAML, JSON or CSV. A workload belongs to the
 * segment whose labels its own labels agree with; one that agrees with no
 * segment, or with several (its labels leave the choice open), is
 * unmanaged. Every bad row is a located diagnostic, never a crash.
 *
 * YAML/JSON: a list of workloads, or `{workloads: [...]}`; each
 *   `{name, address, labels: {k: v}, cloud?, account?}`.
 * CSV: a header row with `name`, `address`, and labels either as one
 *   `labels` column (`env=prod;tier=web`) or one column per label
 *   (`labels.env`, `label.tier` or `label:app`), plus optional `cloud`,
 *   `account`.
 */
import * as fs from 'fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { LineCounter, parseDocument, isMap, isSeq, Node as YamlNode } from 'yaml';
import { severityOf } from '../model/codes';
import { Diagnostic, SourceLocation } from '../model/diagnostics';
import { AddressSet, Family, formatAddress, parseAddress, parseCidr } from '../net/address';
import { ResolvedPolicy, ResolvedSegment } from '../resolve/ir';

export interface Workload {
  readonly name: string;
  /** The address as written (normalised text of the parsed address). */
  readonly address: string;
  readonly family: Family;
  readonly value: bigint;
  readonly labels: Readonly<Record<string, string>>;
  readonly cloud?: string;
  readonly account?: string;
  readonly location?: SourceLocation;
}

export interface Inventory {
  readonly file: string;
  /** Sorted by name. */
  readonly workloads: readonly Workload[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Largest inventory read into memory (inventories are per workload, not per flow). */
export const MAX_INVENTORY_BYTES = 256 * 1024 * 1024;

function diag(code: string, message: string, location: SourceLocation): Diagnostic {
  return { code, severity: severityOf(code), message, location };
}

/** Read an inventory file; the format is decided by content (`{`/`[` JSON, a YAML list or mapping, else CSV). */
export function readInventory(file: string, shown: string = file): Inventory {
  const size = fs.statSync(file).size;
  if (size > MAX_INVENTORY_BYTES) {
    return { file: shown, workloads: [], diagnostics: [diag('MS8001', `inventory is larger than ${MAX_INVENTORY_BYTES} bytes`, { file: shown, line: 1, col: 1 })] };
  }
  return parseInventory(fs.readFileSync(file, 'utf8'), shown);
}

export function parseInventory(text: string, file: string): Inventory {
  const body = text.replace(/^\uFEFF/, '');
  const first = body.trimStart();
  const looksCsv = !first.startsWith('{') && !first.startsWith('[') && !first.startsWith('-') && !/^workloads\s*:/m.test(first.split('\n')[0]) && first.split('\n')[0].includes(',');
  const rows = looksCsv ? csvRows(body, file) : yamlRows(body, file);
  const diagnostics = [...rows.diagnostics];
  const workloads: Workload[] = [];
  const seen = new Map<string, SourceLocation>();
  for (const row of rows.rows) {
    const w = toWorkload(row, diagnostics);
    if (!w) continue;
    const prev = seen.get(w.name);
    if (prev) {
      diagnostics.push(diag('MS8004', `duplicate workload name '${w.name}' (first at line ${prev.line})`, row.location));
      continue;
    }
    seen.set(w.name, row.location);
    workloads.push(w);
  }
  workloads.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { file, workloads, diagnostics };
}

interface RawRow {
  readonly fields: Record<string, unknown>;
  readonly location: SourceLocation;
}

function yamlRows(text: string, file: string): { rows: RawRow[]; diagnostics: Diagnostic[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number): SourceLocation => {
    const p = lc.linePos(offset);
    return { file, line: p.line, col: p.col };
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    return { rows: [], diagnostics: [diag('MS8001', `cannot parse inventory: ${e.message.split('\n')[0]}`, at(e.pos[0]))] };
  }
  let seq: YamlNode | null | undefined = doc.contents as YamlNode | null;
  if (isMap(seq)) seq = seq.get('workloads', true) as YamlNode | undefined;
  if (!isSeq(seq)) return { rows: [], diagnostics: [diag('MS8001', 'inventory must be a list of workloads or a mapping with `workloads:`', at(0))] };
  const rows: RawRow[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const item of seq.items as YamlNode[]) {
    const loc = at(item?.range?.[0] ?? 0);
    if (!isMap(item)) {
      diagnostics.push(diag('MS8002', 'workload must be a mapping with name, address and labels', loc));
      continue;
    }
    rows.push({ fields: item.toJSON() as Record<string, unknown>, location: loc });
  }
  return { rows, diagnostics };
}

function csvRows(text: string, file: string): { rows: RawRow[]; diagnostics: Diagnostic[] } {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parseCsv(text, { columns: (h: string[]) => h.map((c) => c.trim()), info: true, skip_empty_lines: true, trim: true, relax_column_count: false });
  } catch (e) {
    const err = e as Error & { lines?: number };
    return { rows: [], diagnostics: [diag('MS8001', `cannot parse inventory CSV: ${err.message}`, { file, line: err.lines ?? 1, col: 1 })] };
  }
  const rows: RawRow[] = [];
  for (const { record, info } of records) {
    const fields: Record<string, unknown> = {};
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(record)) {
      const m = /^labels?[.:](.+)$/.exec(k);
      if (m) {
        if (v !== '') labels[m[1]] = v;
      } else if (k === 'labels') {
        for (const pair of v.split(/[;,\s]+/).filter(Boolean)) {
          const eq = pair.indexOf('=');
          labels[eq < 0 ? pair : pair.slice(0, eq)] = eq < 0 ? '' : pair.slice(eq + 1);
        }
      } else fields[k] = v === '' ? undefined : v;
    }
    fields.labels = labels;
    rows.push({ fields, location: { file, line: info.lines, col: 1 } });
  }
  return { rows, diagnostics: [] };
}

function toWorkload(row: RawRow, out: Diagnostic[]): Workload | undefined {
  const f = row.fields;
  const loc = row.location;
  if (typeof f.name !== 'string' || f.name.trim() === '') {
    out.push(diag('MS8002', 'workload has no name', loc));
    return undefined;
  }
  const name = f.name.trim();
  if (typeof f.address !== 'string' || f.address.trim() === '') {
    out.push(diag('MS8002', `workload '${name}' has no address`, loc));
    return undefined;
  }
  const text = f.address.trim();
  let parsed = parseAddress(text);
  if (!parsed && text.includes('/')) {
    // A host route (10.0.0.5/32) is an address; a wider prefix is not one workload.
    const c = parseCidr(text);
    if (c.ok && c.cidr.lo === c.cidr.hi) parsed = { family: c.cidr.family, value: c.cidr.lo };
  }
  if (!parsed) {
    out.push(diag('MS8003', `workload '${name}': invalid address '${text}' (expected one IPv4 or IPv6 address)`, loc));
    return undefined;
  }
  const labels: Record<string, string> = {};
  if (f.labels !== undefined && f.labels !== null) {
    if (typeof f.labels !== 'object' || Array.isArray(f.labels)) {
      out.push(diag('MS8005', `workload '${name}': labels must be a mapping of label to value`, loc));
      return undefined;
    }
    for (const [k, v] of Object.entries(f.labels as Record<string, unknown>)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        out.push(diag('MS8005', `workload '${name}': label '${k}' must have a single value`, loc));
        return undefined;
      }
      labels[k] = String(v);
    }
  }
  for (const k of Object.keys(f)) {
    if (!['name', 'address', 'labels', 'cloud', 'account'].includes(k) && f[k] !== undefined) {
      out.push(diag('MS8006', `workload '${name}': unknown field '${k}' ignored`, loc));
    }
  }
  return {
    name,
    // Canonical text (RFC 5952 for IPv6), as the flow readers' addresses are: one spelling per host.
    address: formatAddress(parsed.family, parsed.value),
    family: parsed.family,
    value: parsed.value,
    labels,
    ...(typeof f.cloud === 'string' ? { cloud: f.cloud } : {}),
    ...(f.account !== undefined && f.account !== null ? { account: String(f.account) } : {}),
    location: loc,
  };
}

/** How a workload relates to a policy's segments. */
export interface Membership {
  readonly workload: Workload;
  /** The one segment whose labels the workload's agree with, when there is exactly one. */
  readonly segment?: string;
  /** Every segment the workload's labels agree with (0: unmatched, ≥2: ambiguous). */
  readonly candidates: readonly string[];
  /** True when the workload has a segment but its address lies outside that segment's `addresses`. */
  readonly outsideAddresses: boolean;
}

/**
 * A workload agrees with a segment when, for every label the policy
 * declares, the workload carries no value or the segment's value. Labels
 * the policy does not declare (owner, cost-centre, …) are ignored; a
 * workload that carries no declared label at all agrees with nothing.
 */
export function segmentsOf(ir: ResolvedPolicy, labels: Readonly<Record<string, string>>): string[] {
  const dims = Object.keys(ir.policy.doc.labels ?? {});
  const own = dims.filter((d) => labels[d] !== undefined);
  if (own.length === 0) return [];
  return ir.segments.filter((s: ResolvedSegment) => own.every((d) => s.labels[d] === labels[d])).map((s) => s.name);
}

export function memberships(ir: ResolvedPolicy, inv: Inventory): Membership[] {
  return inv.workloads.map((w) => {
    const candidates = segmentsOf(ir, w.labels);
    const segment = candidates.length === 1 ? candidates[0] : undefined;
    const outsideAddresses = segment !== undefined && !ir.segment(segment).addresses.contains(w.family, w.value);
    return { workload: w, segment, candidates, outsideAddresses };
  });
}

/** Address → workload, for mapping flows; a shared address maps to every workload holding it. */
export class AddressBook {
  private readonly byAddress = new Map<string, Membership[]>();

  constructor(readonly members: readonly Membership[]) {
    for (const m of members) {
      const k = key(m.workload.family, m.workload.value);
      const l = this.byAddress.get(k);
      if (l) l.push(m);
      else this.byAddress.set(k, [m]);
    }
  }

  lookup(family: Family, value: bigint): readonly Membership[] {
    return this.byAddress.get(key(family, value)) ?? [];
  }

  /** Every address of the inventory, as a set. */
  addresses(): AddressSet {
    return AddressSet.fromRanges(this.members.map((m) => ({ family: m.workload.family, lo: m.workload.value, hi: m.workload.value })));
  }
}

function key(f: Family, v: bigint): string {
  return `${f}:${v.toString(16)}`;
}
