/**
 * The report's explorer section: a policy of hundreds or thousands of
 * segments read by aggregation and drill-down instead of one picture. The
 * page carries the graph as JSON (explorer-data.ts) and a small script
 * (explorer-script.ts) renders the overview by a label dimension, a group,
 * a segment with its neighbours and deciding rules, a rule, the internet
 * exposure and the guardrails, and searches names and addresses.
 */
import { SegmentGraph } from '../analysis/graph';
import { ResolvedPolicy } from '../resolve/ir';
import { explorerData, explorerJson } from './explorer-data';

export { EXPLORER_SCRIPT } from './explorer-script';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function explorerSection(ir: ResolvedPolicy, g: SegmentGraph, groupBy?: string): string {
  const data = explorerData(ir, g, groupBy);
  const options = (selected: string, none: boolean) =>
    (none ? '<option value="">(none)</option>' : '') + data.dims.map((d) => `<option value="${esc(d)}"${d === selected ? ' selected' : ''}>${esc(d)} (${ir.policy.doc.labels[d].length})</option>`).join('');
  return `<section id="explorer"><h2>Explore</h2>
<div class="toolbar explore-bar"><label>group by <select id="explore-dim">${options(data.dim, false)}</select></label><label>then by <select id="explore-then">${options('', true)}</select></label>
<a href="#" class="btn">overview</a><a href="#exposure" class="btn">internet exposure</a><a href="#guardrails" class="btn">guardrails</a>
<input id="explore-search" type="search" placeholder="Find a segment, rule or address (10.1.2.3, 10.0.0.0/16)…" autocomplete="off" aria-label="find a segment, rule or address"></div>
<div id="explore-results" hidden></div>
<div id="explore-view" aria-live="polite"></div>
<script type="application/json" id="explorer-data">${explorerJson(data)}</script></section>`;
}

export const EXPLORER_CSS = `
.explore-bar label{font-size:13px;color:var(--muted)}
.explore-bar select{font:inherit;padding:2px 6px;border:1px solid var(--line);border-radius:6px;background:#fff}
.explore-bar input{font:inherit;flex:1;min-width:260px;padding:5px 10px;border:1px solid var(--line);border-radius:6px}
a.btn{border:1px solid var(--line);background:var(--soft);border-radius:6px;padding:3px 10px;color:var(--fg);text-decoration:none;font-size:13px}
#explore-results{border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin:0 0 12px;background:#fcfdfe;max-height:320px;overflow:auto}
#explore-view h3{font-size:15px;margin:14px 0 8px}
#explore-view a{color:var(--blue);text-decoration:none}
#explore-view td a{white-space:nowrap}
#explore-view a.seg.exposed{color:var(--red)}
#explore-view a.ext{color:#57606a;font-style:italic}
#explore-view a.guard{color:var(--purple)}
.crumbs{margin:0 0 6px;font-size:13px}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:18px}
@media (max-width:900px){.cols{grid-template-columns:1fr}}
table.x td{padding:4px 8px}
.matrix-wrap{overflow:auto;max-height:70vh;border:1px solid var(--line);border-radius:6px}
table.matrix{width:auto;border-collapse:collapse;font-size:12px}
table.matrix th{position:sticky;top:0;background:#fff;font-weight:600;color:var(--fg)}
table.matrix tbody th{position:sticky;left:0;text-align:right;border-right:2px solid var(--line)}
table.matrix th.col{height:140px;vertical-align:bottom;padding:4px 2px}
table.matrix th.col span{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap}
table.matrix td{width:34px;min-width:34px;text-align:center;border:1px solid #eaeef2;padding:3px}
table.matrix td a{display:block;color:var(--fg)}
td.heat.h1{background:#ddf4ff}td.heat.h2{background:#b6e3ff}td.heat.h3{background:#80ccff}td.heat.h4{background:#54aeff}
td.heat.inet{box-shadow:inset 0 0 0 2px var(--red)}
h4 .name{text-transform:none}
section{scroll-margin-top:48px}
svg.hood{display:block;margin:4px 0 10px;font-size:12px}
svg.hood path{fill:none;stroke:#8c959f;stroke-width:1.3}
svg.hood path.inet{stroke:var(--red);stroke-width:2.2}
svg.hood text.seg{fill:var(--blue)}svg.hood text.seg.exposed{fill:var(--red)}svg.hood text.ext{fill:#57606a;font-style:italic}
svg.hood text.svc{fill:var(--muted);font-size:11px}svg.hood text.more{fill:var(--muted)}
svg.hood rect.me{fill:#eef4ff;stroke:#3b6fd4;stroke-width:2}svg.hood rect.me.exposed{stroke:var(--red);fill:#fff8f0}
svg.hood text.me{font-weight:600}
`;
