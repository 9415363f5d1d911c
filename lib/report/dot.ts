/**
 * The segment graph as Graphviz DOT. Deterministic text; svg.ts renders it
 * offline. Every node and edge carries an `id` and a `class`, which
 * Graphviz copies onto the SVG `<g>` elements: the HTML report and its
 * browser test find them there (`g.node.segment`, `g.edge.allow`, …).
 */
import { GraphEdge, GraphNode, SegmentGraph } from '../analysis/graph';
import { COLOURS, edgeLabel } from './mermaid';

export interface DotOptions {
  /** Cap on services listed per edge label. Default 4. */
  readonly maxServices?: number;
  /** Title above the graph. Default: `policy NAME`. */
  readonly title?: string;
}

const FONT = 'Helvetica,Arial,sans-serif';

/** A DOT double-quoted string. */
export function q(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Text inside an HTML-like label. */
const h = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An HTML-like label, written `<…>` instead of quoted. */
class HtmlLabel {
  constructor(readonly html: string) {}
}
type Attr = string | number | HtmlLabel | undefined;

const attrs = (a: Record<string, Attr>) =>
  '[' +
  Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v instanceof HtmlLabel ? `<${v.html}>` : typeof v === 'number' ? v : q(v as string)}`)
    .join(', ') +
  ']';

function nodeStyle(n: GraphNode): Record<string, Attr> {
  if (n.change === 'added') return { fillcolor: '#dafbe1', color: COLOURS.added, penwidth: 2 };
  if (n.change === 'removed') return { fillcolor: '#ffebe9', color: COLOURS.removed, style: 'rounded,filled,dashed', penwidth: 2 };
  if (n.kind !== 'segment') return n.public ? { fillcolor: '#fff1f0', color: COLOURS.internet, penwidth: 1.5 } : { fillcolor: '#f6f8fa', color: '#8c959f' };
  return n.exposed ? { fillcolor: '#fff8f0', color: COLOURS.internet, penwidth: 2.5 } : {};
}

function nodeLabel(n: GraphNode): HtmlLabel {
  const lines = [`<b>${h(n.name)}</b>`];
  if (n.kind === 'external' && n.cidrs.length) lines.push(`<font point-size="10" color="#57606a">${h(n.cidrs.slice(0, 3).join(' ') + (n.cidrs.length > 3 ? ' …' : ''))}</font>`);
  if (n.owner) lines.push(`<font point-size="10" color="#57606a">owner ${h(n.owner)}</font>`);
  if (n.exposed) lines.push(`<font point-size="10" color="${COLOURS.internet}">internet: ${h(n.exposure.join(', '))}</font>`);
  if (n.change) lines.push(`<font point-size="10" color="${n.change === 'added' ? COLOURS.added : COLOURS.removed}">${n.change}</font>`);
  return new HtmlLabel(lines.join('<br/>'));
}

function nodeTooltip(n: GraphNode): string {
  const parts = [n.kind === 'segment' ? `segment ${n.name}` : n.kind === 'external' ? `external ${n.name}` : `addresses ${n.name}`];
  if (n.labels) parts.push(Object.entries(n.labels).map(([k, v]) => `${k}=${v}`).join(' '));
  if (n.cidrs.length) parts.push(n.cidrs.join(' '));
  if (n.owner) parts.push(`owner ${n.owner}`);
  if (n.description) parts.push(n.description);
  return parts.join('\n');
}

function nodeLine(n: GraphNode): string {
  const cls = [n.kind, n.public ? 'public' : '', n.exposed ? 'exposed' : '', n.change ?? ''].filter(Boolean).join(' ');
  return `${n.id} ${attrs({ id: n.id, class: cls, label: nodeLabel(n), shape: n.kind === 'segment' ? undefined : 'box', style: n.kind === 'segment' ? undefined : 'rounded,filled,bold', tooltip: nodeTooltip(n), ...nodeStyle(n) })}`;
}

function edgeStyle(e: GraphEdge, diff: boolean): Record<string, Attr> {
  if (e.change === 'added') return { color: COLOURS.added, fontcolor: COLOURS.added, penwidth: 2.5 };
  if (e.change === 'removed') return { color: COLOURS.removed, fontcolor: COLOURS.removed, style: 'dashed', penwidth: 2 };
  if (e.change === 'changed') return { color: COLOURS.changed, fontcolor: '#7d4e00', penwidth: 2.5 };
  if (e.kind === 'deny') return { color: COLOURS.deny, fontcolor: COLOURS.deny, style: 'dashed', arrowhead: 'tee' };
  if (e.internet) return { color: COLOURS.internet, fontcolor: COLOURS.internet, penwidth: diff ? 1.2 : 2.5 };
  return {};
}

export function renderDot(g: SegmentGraph, opts: DotOptions = {}): string {
  const max = opts.maxServices ?? 4;
  const byKey = new Map(g.nodes.map((n) => [n.key, n]));
  const out: string[] = [];
  out.push(`digraph ${q(g.policy)} {`);
  out.push(
    `  graph ${attrs({ id: 'segment-graph', rankdir: 'LR', fontname: FONT, fontsize: 13, labelloc: 't', labeljust: 'l', label: opts.title === '' ? undefined : opts.title ?? `policy ${g.policy}${g.diff ? ' (diff)' : ''}`, nodesep: 0.18, ranksep: 0.55, pad: 0.2, bgcolor: 'transparent', newrank: 'true' })};`,
  );
  out.push(`  node ${attrs({ shape: 'box', style: 'rounded,filled', fontname: FONT, fontsize: 13, fillcolor: '#eef4ff', color: '#3b6fd4', fontcolor: '#1b2a4a', margin: '0.2,0.06', height: 0.3 })};`);
  out.push(`  edge ${attrs({ fontname: FONT, fontsize: 10.5, color: COLOURS.edge, fontcolor: '#424a53', arrowsize: 0.7 })};`);
  const grouped = new Set<string>();
  for (const grp of g.groups) {
    out.push(`  subgraph ${q('cluster_' + grp.id)} {`);
    out.push(`    graph ${attrs({ id: grp.id, label: grp.label, style: 'rounded,filled', fillcolor: '#f6f8fa', color: '#d0d7de', fontcolor: '#57606a', fontsize: 12 })};`);
    for (const k of grp.nodes) {
      out.push(`    ${nodeLine(byKey.get(k)!)};`);
      grouped.add(k);
    }
    out.push('  }');
  }
  for (const n of g.nodes) if (!grouped.has(n.key)) out.push(`  ${nodeLine(n)};`);
  g.edges.forEach((e, i) => {
    const from = byKey.get(e.from)!;
    const to = byKey.get(e.to)!;
    const cls = [e.kind, e.internet ? 'internet' : '', e.change ?? ''].filter(Boolean).join(' ');
    const tip = `${from.name} → ${to.name}: ${e.label.join(', ')}\n${e.kind === 'deny' ? 'cut by' : 'granted by'} ${e.rules.join(', ')}`;
    out.push(`  ${from.id} -> ${to.id} ${attrs({ id: `edge${i}`, class: cls, label: edgeLabel(e, max), tooltip: tip, ...edgeStyle(e, g.diff) })};`);
  });
  out.push('}');
  return out.join('\n') + '\n';
}
