/**
 * The policy report: one self-contained HTML file. Inline CSS and one small
 * inline script, the graph as inline SVG (rendered here, offline), no
 * external scripts, fonts, styles or images, and a Content-Security-Policy
 * that forbids any request, so it works opened from disk and leaks nothing.
 *
 * Sections: summary, the explorer (aggregate by a label, drill down to a
 * group or a segment, search names and addresses: what keeps 1000 segments
 * readable), graph, lint findings, coverage (when given), per-segment
 * ingress/egress tables, and a searchable rule table. The one-picture graph
 * and the static per-segment tables are for policies a page can show whole:
 * the graph is drawn up to FULL_GRAPH_MAX segments (folded above
 * GRAPH_OPEN_MAX), the tables written up to SEGMENT_TABLES_MAX; above, the
 * explorer shows the same per segment on demand.
 */
import { Diagnostic, formatWhere } from '../model/diagnostics';
import { count as plural } from '../model/words';
import { GuardrailDoc, RuleDoc } from '../model/types';
import { buildGraph, graphStats, SegmentGraph } from '../analysis/graph';
import { FlatPeer, FlatSideEntry, ResolvedPolicy } from '../resolve/ir';
import { flatSide } from '../resolve/peers';
import { renderDot } from './dot';
import { EXPLORER_CSS, EXPLORER_SCRIPT, explorerSection } from './explorer';
import { renderSvg } from './svg';

/** Lint findings are diagnostics (lib/analysis/lint); only these fields are shown. */
export type ReportFinding = Pick<Diagnostic, 'code' | 'severity' | 'message' | 'location' | 'path' | 'file'>;

/** Findings, or why there are none to show. */
export type LintSection = { readonly findings: readonly ReportFinding[] } | { readonly unavailable: string };

/**
 * Coverage of a workload inventory: how many workloads carry a segment's
 * labels. Computed by the lifecycle analyses (or `coverageFromInventory`).
 */
export interface CoverageReport {
  readonly total: number;
  readonly managed: number;
  /** Workloads per segment name. */
  readonly segments: readonly { readonly segment: string; readonly workloads: number }[];
  /** Workloads that match no segment (first ones, for the table). */
  readonly unmanaged: readonly { readonly name: string; readonly address?: string; readonly labels?: Readonly<Record<string, string>> }[];
  readonly unmanagedCount?: number;
}

export interface ReportInput {
  readonly ir: ResolvedPolicy;
  readonly graph: SegmentGraph;
  /** Inline SVG of the graph (renderSvg(dot, {inline: true})); absent above FULL_GRAPH_MAX segments. */
  readonly svg?: string;
  readonly lint: LintSection;
  readonly coverage?: CoverageReport;
  /** The label the explorer groups by first (default: see explorerDimension). */
  readonly groupBy?: string;
}

export interface ReportOptions {
  readonly groupBy?: string;
  readonly showDenied?: boolean;
  /** Default: lint loaded lazily (`loadLint`). */
  readonly lint?: LintSection;
  readonly coverage?: CoverageReport;
}

/**
 * Lint is built by a sibling module; load it lazily so the report works (and
 * says "lint not available") where it is absent or fails.
 */
export function loadLint(ir: ResolvedPolicy): LintSection {
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('../analysis/lint');
  } catch {
    return { unavailable: 'lint not available' };
  }
  const fn = ['lint', 'lintPolicy', 'runLint'].map((k) => mod[k]).find((f) => typeof f === 'function') as ((ir: ResolvedPolicy) => unknown) | undefined;
  if (!fn) return { unavailable: 'lint not available' };
  try {
    const r = fn(ir) as unknown;
    const list = Array.isArray(r) ? r : r && Array.isArray((r as { findings?: unknown }).findings) ? (r as { findings: unknown[] }).findings : undefined;
    if (!list) return { unavailable: 'lint not available (unexpected result)' };
    return { findings: list as ReportFinding[] };
  } catch (e) {
    return { unavailable: `lint not available: ${(e as Error).message}` };
  }
}

/** Minimal coverage from inventory rows `{name, address?, labels}`: a workload belongs to the segment whose labels it carries. */
export function coverageFromInventory(ir: ResolvedPolicy, rows: readonly { name: string; address?: string; labels?: Record<string, string> }[]): CoverageReport {
  const counts = new Map(ir.segments.map((s) => [s.name, 0]));
  const unmanaged: CoverageReport['unmanaged'][number][] = [];
  for (const w of rows) {
    const labels = w.labels ?? {};
    const seg = ir.segments.find((s) => Object.entries(s.labels).every(([k, v]) => labels[k] === v));
    if (seg) counts.set(seg.name, counts.get(seg.name)! + 1);
    else unmanaged.push({ name: w.name, address: w.address, labels });
  }
  return {
    total: rows.length,
    managed: rows.length - unmanaged.length,
    segments: [...counts].map(([segment, workloads]) => ({ segment, workloads })),
    unmanaged: unmanaged.slice(0, 200),
    unmanagedCount: unmanaged.length,
  };
}

/**
 * The report groups by `env` when the policy has that label (environments
 * are what reviewers separate first); `none` turns grouping off.
 */
export function reportGroupBy(ir: ResolvedPolicy, requested: string | undefined): string | undefined {
  if (requested === 'none') return undefined;
  if (requested !== undefined) return requested;
  return 'env' in ir.policy.doc.labels ? 'env' : undefined;
}

/** Up to this many segments the graph is drawn as one picture; past GRAPH_OPEN_MAX it is folded (a hairball at a glance). */
export const FULL_GRAPH_MAX = 150;
export const GRAPH_OPEN_MAX = 40;
/** Up to this many segments every segment's ingress and egress tables are written into the page. */
export const SEGMENT_TABLES_MAX = 150;

/** Graph, SVG (when the policy is small enough to draw whole) and lint, then the page. */
export async function buildReport(ir: ResolvedPolicy, opts: ReportOptions = {}): Promise<string> {
  const groupBy = reportGroupBy(ir, opts.groupBy);
  const graph = buildGraph(ir, { groupBy, showDenied: opts.showDenied ?? true });
  const svg = ir.segments.length <= FULL_GRAPH_MAX ? await renderSvg(renderDot(graph, { title: '' }), { inline: true }) : undefined;
  return renderHtml({ ir, graph, svg, lint: opts.lint ?? loadLint(ir), coverage: opts.coverage, groupBy });
}

const esc = (s: unknown) =>
  String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** A selector as written, compactly: `{tier: web, env: prod}`, `{external: internet}`, lists joined by ` | `. */
export function selectorText(sel: unknown): string {
  if (Array.isArray(sel)) return sel.map(selectorText).join(' | ');
  if (sel && typeof sel === 'object') {
    const parts = Object.entries(sel as Record<string, unknown>).map(([k, v]) => `${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`);
    return `{${parts.join(', ')}}`;
  }
  return String(sel);
}

function peerText(p: FlatPeer): string {
  return p.kind === 'segment' ? p.segment : p.external ?? p.label.replace(/^cidrs:/, '');
}

function sideRows(ir: ResolvedPolicy, entries: readonly FlatSideEntry[], action: 'allow' | 'deny'): string {
  return entries
    .map((e) => {
      const r = ir.rule(e.origin.name);
      const kind = e.origin.kind === 'guardrail' ? `guardrail` : 'rule';
      return `<tr class="${action}"><td><span class="pill ${action}">${action}</span></td><td>${esc(peerText(e.peer))}${e.peer.kind === 'addresses' ? ' <span class="muted">(addresses)</span>' : ''}</td><td>${esc(r.serviceSpecs.join(', '))}</td><td>${esc(e.origin.name)} <span class="muted">${kind}</span></td></tr>`;
    })
    .join('');
}

function sideTable(ir: ResolvedPolicy, title: string, side: { allow: readonly FlatSideEntry[]; deny: readonly FlatSideEntry[] }, peerHead: string): string {
  const rows = sideRows(ir, side.deny, 'deny') + sideRows(ir, side.allow, 'allow');
  return `<div class="side"><h4>${title}</h4>${
    rows ? `<table><thead><tr><th></th><th>${peerHead}</th><th>services</th><th>by</th></tr></thead><tbody>${rows}</tbody></table>` : '<p class="muted">nothing: default deny</p>'
  }</div>`;
}

function segmentsSection(ir: ResolvedPolicy, g: SegmentGraph): string {
  if (ir.segments.length > SEGMENT_TABLES_MAX)
    return `<section id="segments"><h2>Segments <span class="muted">(${ir.segments.length})</span></h2><p class="muted">Too many to list here: find a segment in <a href="#explorer">Explore</a> (or click one) for its ingress and egress neighbours and the rules that decide each edge.</p></section>`;
  const nodes = new Map(g.nodes.map((n) => [n.key, n]));
  const items = ir.segments.map((s) => {
    const compact = ir.sides.get(s.name)!;
    const sides = { ingress: flatSide(compact.ingress), egress: flatSide(compact.egress) };
    const n = nodes.get(`segment:${s.name}`)!;
    const labels = Object.entries(s.labels)
      .map(([k, v]) => `<span class="tag">${esc(k)}=${esc(v)}</span>`)
      .join(' ');
    const addr = s.declaredAddresses ? s.addresses.toCidrs().join(', ') : 'anywhere in internalCidrs';
    const exposed = n.exposed ? ` <span class="pill internet">internet: ${esc(n.exposure.join(', '))}</span>` : '';
    const owner = n.owner ? ` <span class="muted owner">owner ${esc(n.owner)}</span>` : '';
    return `<details class="segment" id="seg-${esc(s.name)}"><summary><b>${esc(s.name)}</b> ${labels}${owner}${exposed} <span class="muted count">${sides.ingress.allow.length} in · ${sides.egress.allow.length} out</span></summary>
<p class="muted">${esc(s.description ?? '')}${s.description ? ' · ' : ''}addresses: ${esc(addr)}</p>
<div class="sides">${sideTable(ir, 'ingress', sides.ingress, 'from')}${sideTable(ir, 'egress', sides.egress, 'to')}</div></details>`;
  });
  return `<section id="segments"><h2>Segments <span class="muted">(${ir.segments.length})</span></h2><p class="muted">What each segment's ingress and egress side admits; a flow needs the source's egress and the destination's ingress. Deny guardrails always win.</p>${items.join('\n')}</section>`;
}

function ruleDoc(ir: ResolvedPolicy, name: string): RuleDoc | GuardrailDoc | undefined {
  const d = ir.policy.doc;
  return [...(d.guardrails ?? []), ...(d.rules ?? [])].find((r) => r.name === name);
}

function rulesSection(ir: ResolvedPolicy): string {
  const rows = ir.rules.map((r) => {
    const doc = ruleDoc(ir, r.origin.name);
    const kind = r.origin.kind === 'guardrail' ? `guardrail ${r.origin.action}` : 'rule';
    const pill = r.origin.action === 'deny' ? 'deny' : r.origin.kind === 'guardrail' ? 'guard' : 'allow';
    const segs = (list: readonly string[]) => (list.length ? `<div class="muted small">${list.length} segment${list.length === 1 ? '' : 's'}</div>` : '');
    const where = r.origin.location ? `${r.origin.location.line}` : '';
    return `<tr><td><b>${esc(r.origin.name)}</b>${r.origin.description ? `<div class="muted small">${esc(r.origin.description)}</div>` : ''}</td><td><span class="pill ${pill}">${esc(kind)}</span></td><td><code>${esc(selectorText(doc?.from))}</code>${segs(r.fromSegments)}</td><td><code>${esc(selectorText(doc?.to))}</code>${segs(r.toSegments)}</td><td>${esc(r.serviceSpecs.join(', '))}</td><td>${esc(r.sameLabels.join(', '))}</td><td>${esc(r.origin.owner ?? '')}</td><td>${esc(r.origin.expires ?? '')}</td><td class="num">${esc(where)}</td></tr>`;
  });
  return `<section id="rules"><h2>Rules and guardrails <span class="muted">(${ir.rules.length})</span></h2>
<div class="search"><input id="rule-search" type="search" placeholder="Filter rules: name, selector, service, owner…" autocomplete="off" aria-label="filter rules"> <span id="rule-count" class="muted">${ir.rules.length} of ${ir.rules.length}</span></div>
<table id="rule-table"><thead><tr><th>name</th><th>kind</th><th>from</th><th>to</th><th>services</th><th>sameLabels</th><th>owner</th><th>expires</th><th>line</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>
<p id="rule-empty" class="muted" hidden>No rule matches.</p></section>`;
}

function lintSection(lint: LintSection): string {
  if ('unavailable' in lint) return `<section id="lint"><h2>Lint findings</h2><p class="muted">${esc(lint.unavailable)}</p></section>`;
  if (lint.findings.length === 0) return `<section id="lint"><h2>Lint findings</h2><p class="ok">No findings.</p></section>`;
  const order = { error: 0, warning: 1, info: 2 } as const;
  const sorted = [...lint.findings].sort((a, b) => order[a.severity] - order[b.severity] || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const rows = sorted.map((f) => `<tr class="${esc(f.severity)}"><td><span class="pill sev-${esc(f.severity)}">${esc(f.severity)}</span></td><td><code>${esc(f.code)}</code></td><td>${esc(f.message)}</td><td class="muted">${esc(formatWhere(f as Diagnostic))}</td></tr>`);
  const count = (s: string) => lint.findings.filter((f) => f.severity === s).length;
  return `<section id="lint"><h2>Lint findings <span class="muted">(${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('info')} info)</span></h2><table><thead><tr><th>severity</th><th>code</th><th>finding</th><th>where</th></tr></thead><tbody>${rows.join('\n')}</tbody></table></section>`;
}

function coverageSection(c: CoverageReport | undefined): string {
  if (!c) return '';
  const pct = c.total === 0 ? 100 : Math.round((1000 * c.managed) / c.total) / 10;
  const rows = c.segments.map((s) => `<tr${s.workloads === 0 ? ' class="empty"' : ''}><td>${esc(s.segment)}</td><td class="num">${s.workloads}</td></tr>`).join('');
  const unmanaged = c.unmanaged.map((w) => `<tr><td>${esc(w.name)}</td><td>${esc(w.address ?? '')}</td><td>${esc(Object.entries(w.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(' '))}</td></tr>`).join('');
  return `<section id="coverage"><h2>Coverage</h2><p><b>${c.managed}</b> of <b>${c.total}</b> workloads (${pct}%) carry a segment's labels; <b>${c.unmanagedCount ?? c.total - c.managed}</b> are unmanaged.</p><div class="meter"><span style="width:${pct}%"></span></div>
<div class="sides"><div class="side"><h4>workloads per segment</h4><table><thead><tr><th>segment</th><th>workloads</th></tr></thead><tbody>${rows}</tbody></table></div>${
    unmanaged ? `<div class="side"><h4>unmanaged workloads</h4><table><thead><tr><th>name</th><th>address</th><th>labels</th></tr></thead><tbody>${unmanaged}</tbody></table></div>` : ''
  }</div></section>`;
}

const CSS = `
:root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa;--blue:#0969da;--red:#d1242f;--green:#1a7f37;--purple:#8250df;--amber:#9a6700}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans","DejaVu Sans",Helvetica,Arial,sans-serif;color:var(--fg);background:var(--soft)}
header{background:#24292f;color:#fff;padding:18px 32px}
header h1{margin:0;font-size:22px;font-weight:600}
header p{margin:4px 0 0;color:#d0d7de}
nav{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid var(--line);padding:8px 32px;display:flex;gap:18px}
nav a{color:var(--blue);text-decoration:none;font-weight:500}
main{max-width:1500px;margin:0 auto;padding:20px 32px 48px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:0 0 20px}
h2{font-size:18px;margin:0 0 10px}
h4{margin:6px 0;font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.muted{color:var(--muted);font-weight:normal}
.small{font-size:12px}
.ok{color:var(--green)}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:0}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:130px;background:var(--soft)}
.card b{display:block;font-size:24px;line-height:1.2}
.card.alert{border-color:var(--red);background:#fff1f0}.card.alert b{color:var(--red)}
.graph{overflow:auto;border:1px solid var(--line);border-radius:6px;background:#fff;max-height:80vh}
.graph svg{display:block;margin:0 auto;max-width:100%;height:auto}
.graph.actual svg{max-width:none}
.graph g.node{cursor:pointer}
.graph g.node.selected path,.graph g.node.selected polygon{stroke-width:3px;stroke:var(--blue)}
.toolbar{display:flex;gap:10px;align-items:center;margin:0 0 8px;flex-wrap:wrap}
button{font:inherit;border:1px solid var(--line);background:var(--soft);border-radius:6px;padding:3px 10px;cursor:pointer}
.legend{display:flex;gap:16px;flex-wrap:wrap;font-size:12px;color:var(--muted)}
.legend i{display:inline-block;width:22px;height:0;border-top:2px solid #57606a;vertical-align:middle;margin-right:5px}
.legend i.internet{border-top:3px solid var(--red)}.legend i.deny{border-top:2px dashed var(--purple)}
.legend i.box{width:14px;height:12px;border:2px solid #3b6fd4;background:#eef4ff;border-radius:3px}
.legend i.box.exposed{border-color:var(--red);background:#fff8f0}.legend i.box.ext{border-color:#8c959f;background:var(--soft);border-radius:7px}
table{border-collapse:collapse;width:100%;font-size:13px}
th{text-align:left;font-weight:600;color:var(--muted);border-bottom:2px solid var(--line);padding:6px 8px;white-space:nowrap}
td{border-bottom:1px solid #eaeef2;padding:6px 8px;vertical-align:top}
tbody tr:hover{background:#f6f8fa}
td.num{text-align:right;font-variant-numeric:tabular-nums}
code{font:12px ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,monospace;background:var(--soft);padding:1px 4px;border-radius:4px}
.pill{display:inline-block;font-size:11px;font-weight:600;padding:1px 8px;border-radius:10px;white-space:nowrap;border:1px solid}
.pill.allow{color:var(--green);border-color:#aceebb;background:#dafbe1}
.pill.deny{color:var(--purple);border-color:#d8b9ff;background:#fbefff}
.pill.guard{color:var(--blue);border-color:#b6e3ff;background:#ddf4ff}
.pill.internet{color:var(--red);border-color:#ffcecb;background:#fff1f0}
.pill.sev-error{color:var(--red);border-color:#ffcecb;background:#fff1f0}
.pill.sev-warning{color:var(--amber);border-color:#f5e0a0;background:#fff8c5}
.pill.sev-info{color:var(--blue);border-color:#b6e3ff;background:#ddf4ff}
.tag{font-size:11px;color:var(--muted);background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:0 5px}
details.segment{border:1px solid var(--line);border-radius:6px;margin:6px 0;padding:6px 12px}
details.segment[open]{background:#fcfdfe}
details.segment summary{cursor:pointer}
.count{float:right}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:16px}
@media (max-width:900px){.sides{grid-template-columns:1fr}}
.search{margin:0 0 10px;display:flex;gap:12px;align-items:center}
.search input{font:inherit;width:min(520px,100%);padding:6px 10px;border:1px solid var(--line);border-radius:6px}
.meter{height:10px;background:#ffebe9;border-radius:5px;overflow:hidden;margin:6px 0 14px;max-width:520px}
.meter span{display:block;height:100%;background:var(--green)}
tr.empty td{color:var(--muted)}
footer{color:var(--muted);font-size:12px;text-align:center;padding:12px}
`;

// Plain ES5-ish so it runs anywhere; no external access, no eval.
const SCRIPT = `
(function(){
  var input=document.getElementById('rule-search');
  var rows=[].slice.call(document.querySelectorAll('#rule-table tbody tr'));
  var count=document.getElementById('rule-count');
  var empty=document.getElementById('rule-empty');
  function filter(){
    var terms=input.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown=0;
    rows.forEach(function(r){
      var t=r.textContent.toLowerCase();
      var ok=terms.every(function(w){return t.indexOf(w)>=0;});
      r.hidden=!ok; if(ok)shown++;
    });
    count.textContent=shown+' of '+rows.length;
    empty.hidden=shown>0;
  }
  input.addEventListener('input',filter);
  var graph=document.getElementById('graph');
  if(!graph)return;
  document.getElementById('zoom').addEventListener('click',function(){
    graph.classList.toggle('actual');
    this.textContent=graph.classList.contains('actual')?'fit to width':'actual size';
  });
  [].slice.call(graph.querySelectorAll('g.node')).forEach(function(n){
    n.addEventListener('click',function(){
      var t=n.querySelector('text');
      var name=t?t.textContent:'';
      [].slice.call(graph.querySelectorAll('g.node.selected')).forEach(function(s){s.classList.remove('selected');});
      n.classList.add('selected');
      input.value=name; filter();
      var d=document.getElementById('seg-'+name); if(d)d.open=true;
    });
  });
})();
`;

/** The one-picture graph: open for a few dozen segments, folded up to FULL_GRAPH_MAX, else a pointer to the explorer. */
function graphSection(input: ReportInput): string {
  const { ir, graph: g } = input;
  if (input.svg === undefined)
    return `<section id="graph-section"><h2>Who can talk to whom</h2><p class="muted">${ir.segments.length} segments and ${graphStats(g).allowEdges} allowed edges are too many for one readable picture: <a href="#explorer">Explore</a> aggregates them by a label and shows each group and segment with its neighbours. <code>microseg graph --group-by LABEL</code> still draws it whole.</p></section>`;
  const picture = `<div class="toolbar"><button id="zoom" type="button">actual size</button><div class="legend"><span><i class="box"></i>segment</span><span><i class="box exposed"></i>internet-exposed segment</span><span><i class="box ext"></i>external</span><span><i></i>allowed (services)</span><span><i class="internet"></i>from the internet</span><span><i class="deny"></i>cut by a guardrail</span></div><span class="muted small">${g.groupBy ? `Grouped by ${esc(g.groupBy)}. ` : ''}Click a node to filter the rules.</span></div>
<div class="graph" id="graph">${input.svg}</div>`;
  if (ir.segments.length <= GRAPH_OPEN_MAX) return `<section id="graph-section"><h2>Who can talk to whom</h2>\n${picture}</section>`;
  return `<section id="graph-section"><h2>Who can talk to whom</h2><details><summary>The whole graph in one picture (${ir.segments.length} segments, ${graphStats(g).allowEdges} allowed edges): dense at this size; <a href="#explorer">Explore</a> reads better</summary>\n${picture}</details></section>`;
}

export function renderHtml(input: ReportInput): string {
  const { ir, graph: g } = input;
  const st = graphStats(g);
  const guardrails = ir.rules.filter((r) => r.origin.kind === 'guardrail').length;
  const doc = ir.policy.doc as { metadata: { name: string; description?: string } };
  const title = `microseg report: ${ir.name}`;
  // A few dozen segments read best as one picture; past that the explorer comes first.
  const pictureFirst = input.svg !== undefined && ir.segments.length <= GRAPH_OPEN_MAX;
  const cards = [
    [ir.segments.length, 'segments'],
    [ir.externals.length, 'externals'],
    [ir.rules.length - guardrails, 'rules'],
    [guardrails, 'guardrails'],
    [st.allowEdges, 'allowed edges'],
    [st.denyEdges, 'edges cut by guardrails'],
  ]
    .map(([n, l]) => `<div class="card"><b>${n}</b>${l}</div>`)
    .join('');
  const exposedCard = `<div class="card${st.exposed ? ' alert' : ''}"><b>${st.exposed}</b>internet-exposed segment${st.exposed === 1 ? '' : 's'}</div>`;
  const lintSummary =
    'findings' in input.lint
      ? `<div class="card${input.lint.findings.some((f) => f.severity === 'error') ? ' alert' : ''}"><b>${input.lint.findings.length}</b>lint findings</div>`
      : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="microseg report">
<title>${esc(title)}</title>
<style>${CSS}${EXPLORER_CSS}</style>
</head>
<body>
<header><h1>Policy <code style="background:transparent;color:#fff;font-size:20px">${esc(ir.name)}</code></h1><p>${esc(doc.metadata.description ?? 'segmentation policy report')} · ${esc(ir.policy.file)}</p></header>
<nav><a href="#summary">Summary</a>${pictureFirst ? '<a href="#graph-section">Graph</a><a href="#explorer">Explore</a>' : '<a href="#explorer">Explore</a><a href="#graph-section">Graph</a>'}<a href="#lint">Lint</a>${input.coverage ? '<a href="#coverage">Coverage</a>' : ''}<a href="#segments">Segments</a><a href="#rules">Rules</a></nav>
<main>
<section id="summary"><div class="cards">${cards}${exposedCard}${lintSummary}</div></section>
${pictureFirst ? `${graphSection(input)}\n${explorerSection(ir, g, input.groupBy)}` : `${explorerSection(ir, g, input.groupBy)}\n${graphSection(input)}`}
${lintSection(input.lint)}
${coverageSection(input.coverage)}
${segmentsSection(ir, g)}
${rulesSection(ir)}
</main>
<footer>Generated by microseg from ${esc(ir.policy.file)}. Edges show what the policy allows for some addresses of each endpoint.</footer>
<script>${SCRIPT}</script>
<script>${EXPLORER_SCRIPT}</script>
</body>
</html>
`;
}
