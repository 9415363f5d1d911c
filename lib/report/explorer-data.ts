/**
 * What the report's explorer reads: the segment graph as compact JSON
 * embedded in the page (no request), nodes and edges by index so that 1000
 * segments and their edges stay a few hundred KiB. The explorer
 * (explorer-script.ts) aggregates, drills down and searches over it in the
 * browser. Same policy, same bytes: every list is in graph order.
 */
import { SegmentGraph } from '../analysis/graph';
import { ResolvedPolicy } from '../resolve/ir';

/** A node: name, kind (s segment, e external, c anonymous CIDRs), labels, every address as CIDRs, internet exposure (services) or null, public. */
export type ExplorerNode = [string, 's' | 'e' | 'c', Record<string, string>, string[], string[] | null, 0 | 1];
/** An edge: from, to (node indexes), 0 allow / 1 cut by guardrails, services as named, deciding rules (indexes), 1 when from the internet. */
export type ExplorerEdge = [number, number, 0 | 1, string, number[], 0 | 1];
/** A rule or guardrail: name, kind (`rule`, `guardrail allow`, `guardrail deny`), owner, services as written. */
export type ExplorerRule = [string, string, string, string];

export interface ExplorerData {
  readonly policy: string;
  /** Label dimensions in policy order, and the one the overview groups by first. */
  readonly dims: readonly string[];
  readonly dim: string;
  readonly nodes: readonly ExplorerNode[];
  readonly edges: readonly ExplorerEdge[];
  readonly rules: readonly ExplorerRule[];
}

/**
 * The dimension to aggregate by first: `groupBy` when given, else `env` when
 * the policy has it, else the dimension whose value count is closest to 8
 * (a handful of groups reads best).
 */
export function explorerDimension(ir: ResolvedPolicy, groupBy?: string): string {
  const labels = ir.policy.doc.labels;
  const dims = Object.keys(labels);
  if (groupBy && dims.includes(groupBy)) return groupBy;
  if (dims.includes('env')) return 'env';
  return [...dims].sort((a, b) => Math.abs(labels[a].length - 8) - Math.abs(labels[b].length - 8) || dims.indexOf(a) - dims.indexOf(b))[0] ?? '';
}

/** The policy as it is: on a diff graph (`graph --diff`), what was removed is the picture's business, not the explorer's. */
export function explorerData(ir: ResolvedPolicy, graph: SegmentGraph, groupBy?: string): ExplorerData {
  const present = graph.nodes.filter((n) => n.change !== 'removed');
  const index = new Map(present.map((n, i) => [n.key, i]));
  const g = { nodes: present, edges: graph.edges.filter((e) => e.change !== 'removed' && index.has(e.from) && index.has(e.to)) };
  const ruleIndex = new Map(ir.rules.map((r, i) => [r.origin.name, i]));
  const addressesOf = (key: string, declared: readonly string[]): string[] => {
    const [kind, ...rest] = key.split(':');
    const name = rest.join(':');
    if (kind === 'segment') return ir.segments.find((x) => x.name === name)?.addresses.toCidrs() ?? [...declared];
    if (kind === 'external') return ir.externals.find((e) => e.name === name)?.addresses.toCidrs() ?? [...declared];
    return [...declared];
  };
  const nodes: ExplorerNode[] = g.nodes.map((n) => [
    n.name,
    n.kind === 'segment' ? 's' : n.kind === 'external' ? 'e' : 'c',
    { ...(n.labels ?? {}) },
    addressesOf(n.key, n.cidrs),
    n.exposed ? [...n.exposure] : null,
    n.public ? 1 : 0,
  ]);
  const edges: ExplorerEdge[] = g.edges.map((e) => [
    index.get(e.from)!,
    index.get(e.to)!,
    e.kind === 'deny' ? 1 : 0,
    e.label.join(', '),
    e.rules.map((r) => ruleIndex.get(r)).filter((i): i is number => i !== undefined),
    e.internet ? 1 : 0,
  ]);
  const rules: ExplorerRule[] = ir.rules.map((r) => [r.origin.name, r.origin.kind === 'guardrail' ? `guardrail ${r.origin.action}` : 'rule', r.origin.owner ?? '', r.serviceSpecs.join(', ')]);
  return { policy: ir.name, dims: Object.keys(ir.policy.doc.labels), dim: explorerDimension(ir, groupBy), nodes, edges, rules };
}

/** The data as a `<script type="application/json">` body: `<` escaped so no text can close the element. */
export function explorerJson(d: ExplorerData): string {
  return JSON.stringify(d).replace(/</g, '\\u003c');
}
