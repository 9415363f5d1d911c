/**
 * Semantic validation: names, labels, references, CIDRs, services,
 * selectors. Works on `unknown` and checks every type it relies on, so it
 * can run next to the schema on a document the schema rejects and report
 * every problem in one run; wrong types themselves are the schema's to report.
 *
 * Decisions where the spec is silent (also in docs/diagnostics.md):
 *  - Entries of the `services` map are literal specs only (MS1224): no
 *    service refers to another, so there are no cycles to detect.
 *  - External, service, rule and guardrail names follow the segment name
 *    pattern (they end up in cloud names), at most 63 characters.
 *  - `except: []` is allowed (it removes nothing); every other empty address
 *    list is an error.
 */
import { ownEntry, SERVICE_CATALOG } from './catalog';
import { Finding } from './locator';
import { CODE_PATTERN, DATE_PATTERN, LABEL_PATTERN, NAME_MAX, NAME_PATTERN, SHORT_NAME_MAX } from './schema';
import { labelsMatch } from './selectors';
import { suggest } from './suggest';
import { NodePath, RESERVED_SELECTOR_KEYS } from './types';
import { parseCidr } from '../net/address';
import { parseServiceSpec } from '../net/service';

/** Names a `services` map may not use: they are literal specs. */
export const RESERVED_SERVICE_NAMES: readonly string[] = ['tcp', 'udp', 'sctp', 'icmp', 'icmpv6', 'esp', 'ah', 'gre', 'ipip', 'any'];

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const entries = (v: unknown): [string, unknown][] => (isRec(v) ? Object.entries(v) : []);
const didYouMean = (input: string, candidates: Iterable<string>): string => {
  const s = suggest(input, candidates);
  return s ? ` (did you mean '${s}'?)` : '';
};

interface Segment {
  readonly name: string;
  readonly labels: Record<string, string>;
}

/** What a selector can select, for the checks that look at both sides of a rule. */
interface SideInfo {
  /** Some term selects externals or CIDRs. */
  canBeExternal: boolean;
  /** Every term selects only externals or CIDRs (and there is at least one). */
  onlyExternal: boolean;
  /** A term was malformed: side-level checks would only add noise. */
  broken: boolean;
}

export function validateDocument(doc: unknown): Finding[] {
  return new Validator(doc).run();
}

class Validator {
  private readonly out: Finding[] = [];
  private readonly root: Rec;
  private readonly dims = new Map<string, Set<string>>();
  private readonly segments: Segment[] = [];
  private readonly segmentNames = new Set<string>();
  private readonly externalNames = new Set<string>();
  private readonly serviceNames = new Set<string>();
  private readonly ruleNames = new Set<string>();
  /** False when segments could not all be read: "matches no segment" would be unreliable. */
  private segmentsComplete = true;

  constructor(doc: unknown) {
    this.root = isRec(doc) ? doc : {};
  }

  private add(code: string, message: string, path: NodePath, at?: 'key' | 'value'): void {
    this.out.push(at ? { code, message, path, at } : { code, message, path });
  }

  run(): Finding[] {
    const meta = this.root.metadata;
    if (isRec(meta)) this.name(meta.name, ['metadata', 'name'], 'policy', SHORT_NAME_MAX);
    this.labels();
    this.segmentList();
    this.externalList();
    const net = this.root.network;
    if (isRec(net) && net.internalCidrs !== undefined) this.cidrList(net.internalCidrs, ['network', 'internalCidrs'], false);
    this.serviceMap();
    this.rules('guardrails');
    this.rules('rules');
    this.suppressions();
    const lint = this.root.lint;
    if (isRec(lint)) list(lint.adminPorts).forEach((s, i) => this.serviceRef(s, ['lint', 'adminPorts', i]));
    return this.out;
  }

  // -- names ---------------------------------------------------------------

  private name(v: unknown, path: NodePath, what: string, max: number): v is string {
    if (typeof v !== 'string') return false;
    if (!NAME_PATTERN.test(v)) {
      this.add('MS1202', `invalid ${what} name '${v}': use lowercase letters, digits and '-', starting with a letter and not ending with '-'`, path);
      return false;
    }
    if (v.length > max) {
      this.add('MS1202', `${what} name '${v}' is ${v.length} characters long; at most ${max} are allowed`, path);
      return false;
    }
    return true;
  }

  private labelToken(v: string, path: NodePath, what: string, at?: 'key', dim?: string): boolean {
    if (LABEL_PATTERN.test(v) && v.length <= NAME_MAX) return true;
    this.add('MS1203', `invalid ${what} '${v}'${dim ? ` for '${dim}'` : ''}: use lowercase letters, digits and '-', not starting or ending with '-', at most ${NAME_MAX} characters`, path, at);
    return false;
  }

  // -- labels and segments -------------------------------------------------

  private labels(): void {
    for (const [dim, values] of entries(this.root.labels)) {
      const path = ['labels', dim];
      this.labelToken(dim, path, 'label dimension', 'key');
      if ((RESERVED_SELECTOR_KEYS as readonly string[]).includes(dim)) {
        this.add('MS1204', `'${dim}' is a selector keyword and cannot be a label dimension`, path, 'key');
      }
      if (!Array.isArray(values)) continue;
      if (values.length === 0) this.add('MS1206', `label dimension '${dim}' declares no values`, path);
      const set = new Set<string>();
      values.forEach((v, i) => {
        if (typeof v !== 'string') return;
        this.labelToken(v, [...path, i], `label value`, undefined, dim);
        if (set.has(v)) this.add('MS1205', `label value '${v}' is listed twice for '${dim}'`, [...path, i]);
        set.add(v);
      });
      this.dims.set(dim, set);
    }
  }

  private segmentList(): void {
    const assignments = new Map<string, string>();
    list(this.root.segments).forEach((seg, i) => {
      const path: NodePath = ['segments', i];
      if (!isRec(seg)) {
        this.segmentsComplete = false;
        return;
      }
      const name = seg.name;
      if (this.name(name, [...path, 'name'], 'segment', SHORT_NAME_MAX)) {
        if (this.segmentNames.has(name)) this.add('MS1211', `duplicate segment name '${name}'`, [...path, 'name']);
      }
      const labels: Record<string, string> = {};
      let complete = isRec(seg.labels);
      for (const [dim, value] of entries(seg.labels)) {
        const lpath = [...path, 'labels', dim];
        const values = this.dims.get(dim);
        if (!values) {
          this.add('MS1002', `unknown label dimension '${dim}'${didYouMean(dim, this.dims.keys())}`, lpath, 'key');
          complete = false;
          continue;
        }
        if (typeof value !== 'string') {
          complete = false;
          continue;
        }
        if (!values.has(value)) {
          this.add('MS1001', `unknown label value '${value}' for '${dim}'${didYouMean(value, values)}`, lpath);
          complete = false;
        }
        labels[dim] = value;
      }
      if (isRec(seg.labels)) {
        const missing = [...this.dims.keys()].filter((d) => !(d in (seg.labels as Rec)));
        if (missing.length > 0) {
          this.add('MS1210', `segment${typeof name === 'string' ? ` '${name}'` : ''} has no value for ${missing.map((d) => `'${d}'`).join(', ')}`, [...path, 'labels']);
          complete = false;
        }
      }
      if (seg.addresses !== undefined) this.cidrList(seg.addresses, [...path, 'addresses'], false);
      if (typeof name === 'string') this.segments.push({ name, labels });
      if (typeof name !== 'string' || !complete) {
        // A segment with broken labels makes "matches no segment" unreliable: skip that check.
        this.segmentsComplete = false;
        if (typeof name === 'string') this.segmentNames.add(name);
        return;
      }
      const key = [...this.dims.keys()].sort().map((d) => `${d}=${labels[d]}`).join(',');
      const other = assignments.get(key);
      if (other !== undefined && other !== name) this.add('MS1212', `segment '${name}' has the same labels as segment '${other}' (${key})`, [...path, 'labels']);
      else assignments.set(key, name);
      this.segmentNames.add(name);
    });
    if (!Array.isArray(this.root.segments)) this.segmentsComplete = false;
  }

  private externalList(): void {
    list(this.root.externals).forEach((ext, i) => {
      if (!isRec(ext)) return;
      const path: NodePath = ['externals', i];
      const name = ext.name;
      if (this.name(name, [...path, 'name'], 'external', NAME_MAX)) {
        if (this.externalNames.has(name)) this.add('MS1213', `duplicate external name '${name}'`, [...path, 'name']);
        if (this.segmentNames.has(name)) this.add('MS1214', `external '${name}' has the same name as a segment`, [...path, 'name']);
      }
      if (typeof name === 'string') this.externalNames.add(name);
      if (ext.cidrs !== undefined) this.cidrList(ext.cidrs, [...path, 'cidrs'], false);
      if (ext.except !== undefined) this.cidrList(ext.except, [...path, 'except'], true);
    });
  }

  // -- addresses -----------------------------------------------------------

  private cidrList(v: unknown, path: NodePath, emptyOk: boolean): void {
    if (!Array.isArray(v)) return;
    if (v.length === 0 && !emptyOk) this.add('MS1232', `${path[path.length - 1]} is empty: it would match no address`, path);
    v.forEach((c, i) => this.cidr(c, [...path, i]));
  }

  private cidr(v: unknown, path: NodePath): void {
    if (typeof v !== 'string') return;
    const p = parseCidr(v);
    if (!p.ok) this.add('MS1230', `invalid CIDR: ${p.reason}`, path);
    else if (p.cidr.hostBitsSet) this.add('MS1231', `'${v}' has host bits set; it means ${p.cidr.canonical} (write that instead)`, path);
  }

  // -- services ------------------------------------------------------------

  private serviceMap(): void {
    const svc = this.root.services;
    for (const [name] of entries(svc)) this.serviceNames.add(name);
    for (const [name, specs] of entries(svc)) {
      const path: NodePath = ['services', name];
      if (RESERVED_SERVICE_NAMES.includes(name)) this.add('MS1223', `'${name}' is a literal service spec and cannot name a service`, path, 'key');
      else if (!NAME_PATTERN.test(name) || name.length > NAME_MAX) {
        this.add('MS1223', `invalid service name '${name}': use lowercase letters, digits and '-', starting with a letter, at most ${NAME_MAX} characters`, path, 'key');
      }
      if (!Array.isArray(specs)) continue;
      if (specs.length === 0) this.add('MS1244', `service '${name}' has an empty list`, path);
      specs.forEach((s, i) => {
        if (typeof s !== 'string') return;
        const p = this.literal(s);
        if (p.ok) return;
        if (p.reason !== 'not-literal') return this.badSpec(p.reason, [...path, i]);
        if (this.serviceNames.has(s) || ownEntry(SERVICE_CATALOG, s)) {
          this.add('MS1224', `service '${name}' refers to service '${s}': entries of the services map must be literal specs (list both names in the rule instead)`, [...path, i]);
        } else {
          this.add('MS1240', `'${s}' is not a service spec (expected tcp/N, udp/N, sctp/N, tcp/N-M, tcp, udp, sctp, icmp, icmp/TYPE[/CODE], icmpv6[/TYPE[/CODE]], esp, ah, gre, ipip, proto/N or any)`, [...path, i]);
        }
      });
    }
  }

  private badSpec(reason: string, path: NodePath): void {
    const code = /unknown protocol/.test(reason) ? 'MS1241' : /out of range/.test(reason) ? 'MS1242' : /reversed/.test(reason) ? 'MS1243' : 'MS1240';
    // The port algebra accepts port 0 (its own output round-trips); policies use 1–65535, as the spec says.
    this.add(code, `invalid service spec ${code === 'MS1242' ? reason.replace(/0–65535/, '1–65535') : reason}`, path);
  }

  /** parseServiceSpec plus the policy's own rule that ports start at 1. */
  private literal(s: string): { ok: true } | { ok: false; reason: string } {
    const p = parseServiceSpec(s);
    if (!p.ok) return p;
    const m = /^\s*(?:tcp|udp|sctp)\/(\d+)(?:-(\d+))?\s*$/i.exec(s);
    if (m && (Number(m[1]) < 1 || (m[2] !== undefined && Number(m[2]) < 1))) return { ok: false, reason: `'${s}': port out of range 1–65535` };
    return { ok: true };
  }

  /** A spec in a rule's `services` (or lint.adminPorts): literal, a declared name or a catalogued name. */
  private serviceRef(s: unknown, path: NodePath): void {
    if (typeof s !== 'string') return;
    const p = this.literal(s);
    if (p.ok) return;
    if (p.reason !== 'not-literal') return this.badSpec(p.reason, path);
    if (this.serviceNames.has(s) || ownEntry(SERVICE_CATALOG, s)) return;
    const hint = didYouMean(s, [...this.serviceNames, ...Object.keys(SERVICE_CATALOG)]);
    this.add('MS1222', `unknown service '${s}'${hint}: not a literal spec, not in services, not a built-in service`, path);
  }

  // -- rules and guardrails ------------------------------------------------

  private rules(key: 'rules' | 'guardrails'): void {
    const guardrail = key === 'guardrails';
    list(this.root[key]).forEach((rule, i) => {
      if (!isRec(rule)) return;
      const path: NodePath = [key, i];
      const what = guardrail ? 'guardrail' : 'rule';
      if (this.name(rule.name, [...path, 'name'], what, NAME_MAX)) {
        if (this.ruleNames.has(rule.name)) this.add('MS1215', `duplicate ${what} name '${rule.name}' (names are unique across rules and guardrails)`, [...path, 'name']);
        this.ruleNames.add(rule.name);
      }
      const from = rule.from !== undefined ? this.selector(rule.from, [...path, 'from'], guardrail) : undefined;
      const to = rule.to !== undefined ? this.selector(rule.to, [...path, 'to'], guardrail) : undefined;
      if (Array.isArray(rule.services)) {
        if (rule.services.length === 0) this.add('MS1244', `${what} has an empty services list: it would ${guardrail ? 'apply to' : 'allow'} nothing`, [...path, 'services']);
        rule.services.forEach((s, j) => this.serviceRef(s, [...path, 'services', j]));
      }
      if (from && to && !from.broken && !to.broken && from.onlyExternal && to.onlyExternal) {
        this.add('MS1252', `${what}${typeof rule.name === 'string' ? ` '${rule.name}'` : ''} has only externals or CIDRs on both sides: no workload of this policy enforces it`, path);
      }
      if (Array.isArray(rule.sameLabels)) {
        rule.sameLabels.forEach((d, j) => {
          if (typeof d === 'string' && !this.dims.has(d)) this.add('MS1253', `sameLabels names unknown label dimension '${d}'${didYouMean(d, this.dims.keys())}`, [...path, 'sameLabels', j]);
        });
        const ext = [from, to].some((s) => s?.canBeExternal);
        if (rule.sameLabels.length > 0 && ext) {
          this.add('MS1254', `sameLabels compares segment labels, but a side of this ${what} can be an external or CIDR`, [...path, 'sameLabels']);
        }
      }
      if (typeof rule.expires === 'string') this.date(rule.expires, [...path, 'expires']);
    });
  }

  private date(v: string, path: NodePath): void {
    const m = DATE_PATTERN.test(v) ? v.split('-').map(Number) : undefined;
    const valid = m !== undefined && (() => {
      const d = new Date(Date.UTC(m[0], m[1] - 1, m[2]));
      return d.getUTCFullYear() === m[0] && d.getUTCMonth() === m[1] - 1 && d.getUTCDate() === m[2];
    })();
    if (!valid) this.add('MS1260', `expires '${v}' is not a date written YYYY-MM-DD`, path);
  }

  // -- selectors -----------------------------------------------------------

  private selector(sel: unknown, path: NodePath, guardrail: boolean): SideInfo {
    const info: SideInfo = { canBeExternal: false, onlyExternal: true, broken: false };
    let terms: [unknown, NodePath][];
    if (Array.isArray(sel)) {
      if (sel.length === 0) {
        this.add('MS1256', 'an empty selector list selects nothing', path);
        return { canBeExternal: false, onlyExternal: false, broken: true };
      }
      terms = sel.map((t, i) => [t, [...path, i]]);
    } else terms = [[sel, path]];
    for (const [term, tpath] of terms) {
      if (!isRec(term)) {
        info.broken = true;
        continue;
      }
      const kind = this.term(term, tpath, guardrail);
      if (kind === 'broken') info.broken = true;
      else if (kind === 'external') info.canBeExternal = true;
      if (kind !== 'external') info.onlyExternal = false;
    }
    return info;
  }

  /** Check one term; tell whether it selects segments or externals. */
  private term(term: Rec, path: NodePath, guardrail: boolean): 'segment' | 'external' | 'broken' {
    const keys = Object.keys(term);
    const refs = keys.filter((k) => (RESERVED_SELECTOR_KEYS as readonly string[]).includes(k));
    if (refs.length > 0 && keys.length > 1) {
      const others = keys.filter((k) => k !== refs[0]);
      this.add('MS1255', `selector term mixes '${refs[0]}' with ${others.map((k) => `'${k}'`).join(', ')}: a term is a label selector or one reference; use a list of terms for a union`, path);
      return 'broken';
    }
    if (refs.length === 0) return this.labelTerm(term, path, guardrail);
    const key = refs[0];
    const v = term[key];
    const kpath = [...path, key];
    const single = key === 'segment' || key === 'external';
    if (single ? typeof v !== 'string' : !Array.isArray(v)) {
      const msg = single ? `'${key}' takes one name; use '${key}s: [...]' for several` : `'${key}' takes a list`;
      if (single ? Array.isArray(v) : typeof v === 'string') this.add('MS1256', msg, kpath);
      return 'broken';
    }
    const names: [unknown, NodePath][] = single ? [[v, kpath]] : (v as unknown[]).map((n, j) => [n, [...kpath, j]]);
    if (key === 'cidrs') {
      this.cidrList(v, kpath, false);
      return 'external';
    }
    if (names.length === 0) {
      this.add('MS1256', `'${key}' is empty: it selects nothing`, kpath);
      return 'broken';
    }
    const seg = key === 'segment' || key === 'segments';
    for (const [n, npath] of names) {
      if (typeof n !== 'string') continue;
      if (seg && !this.segmentNames.has(n)) this.add('MS1220', `unknown segment '${n}'${didYouMean(n, this.segmentNames)}`, npath);
      if (!seg && !this.externalNames.has(n)) this.add('MS1221', `unknown external '${n}'${didYouMean(n, this.externalNames)}`, npath);
    }
    return seg ? 'segment' : 'external';
  }

  private labelTerm(term: Rec, path: NodePath, guardrail: boolean): 'segment' | 'broken' {
    let ok = true;
    const sel: Record<string, string | string[]> = {};
    for (const [dim, want] of Object.entries(term)) {
      const dpath = [...path, dim];
      const values = this.dims.get(dim);
      if (!values) {
        this.add('MS1002', `unknown label dimension '${dim}'${didYouMean(dim, this.dims.keys())}`, dpath, 'key');
        ok = false;
        continue;
      }
      const items: [unknown, NodePath][] = Array.isArray(want) ? want.map((w, j) => [w, [...dpath, j]]) : [[want, dpath]];
      for (const [w, wpath] of items) {
        if (typeof w !== 'string') {
          ok = false;
          continue;
        }
        if (!values.has(w)) {
          this.add('MS1001', `unknown label value '${w}' for '${dim}'${didYouMean(w, values)}`, wpath);
          ok = false;
        }
      }
      sel[dim] = want as string | string[];
    }
    if (!ok) return 'broken';
    if (this.segmentsComplete && !this.matchesAny(sel)) {
      const shown = Object.entries(sel).map(([k, v]) => `${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : v}`).join(', ');
      this.add(guardrail ? 'MS1251' : 'MS1250', `label selector {${shown}} matches no segment`, path);
    }
    return 'segment';
  }

  /** Segment indices per `dim=value`, built on first use: large policies have thousands of selectors. */
  private index?: Map<string, number[]>;

  /** Does a (valid) label selector match any segment? Same meaning as `labelsMatch`, via the index. */
  private matchesAny(sel: Record<string, string | string[]>): boolean {
    if (!this.index) {
      this.index = new Map();
      this.segments.forEach((seg, i) => {
        for (const [d, v] of Object.entries(seg.labels)) {
          const k = `${d}=${v}`;
          const l = this.index!.get(k);
          if (l) l.push(i);
          else this.index!.set(k, [i]);
        }
      });
    }
    // Scan the smallest posting list and test its segments directly: cost is bounded by the
    // rarest value named, not by the number of segments.
    let best: number[][] | undefined;
    let bestSize = Infinity;
    for (const [dim, want] of Object.entries(sel)) {
      const lists = (Array.isArray(want) ? want : [want]).map((v) => this.index!.get(`${dim}=${v}`) ?? []);
      const size = lists.reduce((n, l) => n + l.length, 0);
      if (size < bestSize) {
        best = lists;
        bestSize = size;
      }
    }
    if (!best) return this.segments.length > 0; // {} matches every segment
    return best.some((l) => l.some((i) => labelsMatch(sel, this.segments[i].labels)));
  }

  // -- suppressions --------------------------------------------------------

  private suppressions(): void {
    list(this.root.suppressions).forEach((s, i) => {
      if (!isRec(s)) return;
      const path: NodePath = ['suppressions', i];
      if (typeof s.id === 'string' && !CODE_PATTERN.test(s.id)) this.add('MS1263', `suppression id '${s.id}' is not a diagnostic code such as MS3002`, [...path, 'id']);
      if (typeof s.rule === 'string') {
        const subjects = new Set([...this.ruleNames, ...this.segmentNames, ...this.externalNames, ...this.serviceNames]);
        if (!subjects.has(s.rule)) this.add('MS1261', `suppression names unknown rule or object '${s.rule}'${didYouMean(s.rule, subjects)}`, [...path, 'rule']);
      }
      if (typeof s.reason === 'string' && s.reason.trim() === '') this.add('MS1262', 'suppression needs a non-empty reason', [...path, 'reason']);
    });
  }
}
