/**
 * The segment graph as a Mermaid flowchart, for markdown (a pull-request
 * comment renders it). Deterministic: same graph, same text.
 *
 * Segments are boxes (grouped in subgraphs by the --group-by label), outside
 * nodes are stadiums, public ones red; internet-exposed segments get a red
 * border; edges from the internet are thick red; denied edges dotted purple
 * with a ✗; in a diff, added edges green, removed dotted red, changed amber.
 */
import { GraphEdge, GraphNode, SegmentGraph } from '../analysis/graph';

export interface MermaidOptions {
  /** Wrap in a ```mermaid fence, ready to paste into markdown. */
  readonly fence?: boolean;
  /** Cap on services listed per edge label (the rest as "+N"). Default 4. */
  readonly maxServices?: number;
}

const esc = (s: string) => s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');

/** Edge label text shared by the Mermaid and DOT renderers. */
export function edgeLabel(e: GraphEdge, maxServices = 4): string {
  const list = (l: readonly string[]) => (l.length > maxServices ? [...l.slice(0, maxServices), `+${l.length - maxServices}`] : l).join(', ');
  let text = list(e.label);
  if (e.kind === 'deny') text = `✗ ${text}`;
  if (e.change === 'changed') {
    const parts = [];
    if (e.addedLabel?.length) parts.push(`+${list(e.addedLabel)}`);
    if (e.removedLabel?.length) parts.push(`−${list(e.removedLabel)}`);
    if (parts.length) text += ` (${parts.join(' ')})`;
  }
  return text;
}

export const COLOURS = {
  internet: '#d1242f',
  deny: '#8250df',
  added: '#1a7f37',
  removed: '#cf222e',
  changed: '#bf8700',
  edge: '#57606a',
} as const;

function nodeShape(n: GraphNode): string {
  // The owning team under the name (policy directories), so a reviewer sees whose segment an edge reaches.
  const label = esc(n.name) + (n.owner ? `<br/><small>${esc(n.owner)}</small>` : '');
  return n.kind === 'segment' ? `${n.id}["${label}"]` : `${n.id}(["${label}"])`;
}

export function renderMermaid(g: SegmentGraph, opts: MermaidOptions = {}): string {
  const max = opts.maxServices ?? 4;
  const lines: string[] = ['flowchart LR'];
  const byKey = new Map(g.nodes.map((n) => [n.key, n]));
  const grouped = new Set<string>();
  for (const grp of g.groups) {
    lines.push(`  subgraph ${grp.id}["${esc(grp.label)}"]`);
    for (const k of grp.nodes) {
      lines.push(`    ${nodeShape(byKey.get(k)!)}`);
      grouped.add(k);
    }
    lines.push('  end');
  }
  for (const n of g.nodes) if (!grouped.has(n.key)) lines.push(`  ${nodeShape(n)}`);

  const styles: Record<string, number[]> = { internet: [], deny: [], added: [], removed: [], changed: [] };
  g.edges.forEach((e, i) => {
    const from = byKey.get(e.from)!.id;
    const to = byKey.get(e.to)!.id;
    const dotted = e.kind === 'deny' || e.change === 'removed';
    const arrow = dotted ? '-.->' : e.internet && !g.diff ? '==>' : '-->';
    lines.push(`  ${from} ${arrow}|"${esc(edgeLabel(e, max))}"| ${to}`);
    if (e.change) styles[e.change].push(i);
    else if (e.kind === 'deny') styles.deny.push(i);
    else if (e.internet) styles.internet.push(i);
  });

  lines.push('  classDef segment fill:#eef4ff,stroke:#3b6fd4,color:#1b2a4a');
  lines.push('  classDef outside fill:#f6f8fa,stroke:#8c959f,color:#24292f');
  lines.push(`  classDef public fill:#fff1f0,stroke:${COLOURS.internet},color:#82071e`);
  lines.push(`  classDef exposed fill:#fff8f0,stroke:${COLOURS.internet},stroke-width:3px,color:#1b2a4a`);
  lines.push(`  classDef added fill:#dafbe1,stroke:${COLOURS.added},color:#0f3d1e`);
  lines.push(`  classDef removed fill:#ffebe9,stroke:${COLOURS.removed},stroke-dasharray:4 3,color:#82071e`);
  const classes: Record<string, string[]> = { segment: [], outside: [], public: [], exposed: [], added: [], removed: [] };
  for (const n of g.nodes) {
    if (n.change) classes[n.change].push(n.id);
    else if (n.kind !== 'segment') classes[n.public ? 'public' : 'outside'].push(n.id);
    else classes[n.exposed ? 'exposed' : 'segment'].push(n.id);
  }
  for (const [c, ids] of Object.entries(classes)) if (ids.length) lines.push(`  class ${ids.join(',')} ${c}`);
  const linkStyle: Record<string, string> = {
    internet: `stroke:${COLOURS.internet},stroke-width:3px`,
    deny: `stroke:${COLOURS.deny},stroke-width:2px`,
    added: `stroke:${COLOURS.added},stroke-width:3px`,
    removed: `stroke:${COLOURS.removed},stroke-width:2px`,
    changed: `stroke:${COLOURS.changed},stroke-width:3px`,
  };
  for (const [s, idx] of Object.entries(styles)) if (idx.length) lines.push(`  linkStyle ${idx.join(',')} ${linkStyle[s]}`);
  const text = lines.join('\n') + '\n';
  return opts.fence ? '```mermaid\n' + text + '```\n' : text;
}
