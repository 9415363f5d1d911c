/**
 * A 200-segment policy (10 apps × 4 tiers × 5 envs) renders to SVG in under
 * 10 s, grouped by env. Times are printed so regressions show in the log.
 */
import { buildGraph, graphStats } from '../../lib/analysis/graph';
import { renderDot } from '../../lib/report/dot';
import { renderMermaid } from '../../lib/report/mermaid';
import { renderSvg } from '../../lib/report/svg';
import { irOf, largeDoc } from './helpers';

test('200 segments: graph, DOT and SVG in under 10 s', async () => {
  const t0 = performance.now();
  const ir = irOf(largeDoc(10, 5), 'large.yaml');
  const t1 = performance.now();
  const g = buildGraph(ir, { groupBy: 'env' });
  const t2 = performance.now();
  const dot = renderDot(g);
  const svg = await renderSvg(dot);
  const t3 = performance.now();
  const stats = graphStats(g);
  // 50 app chains × 3 edges + 50 web tiers from the internet + 50 app tiers from the VPN (4 envs are not prod: still allowed)
  expect(stats).toEqual({ segments: 200, outside: 2, allowEdges: 250, denyEdges: 0, exposed: 50 });
  expect(g.groups.map((x) => x.nodes.length)).toEqual([40, 40, 40, 40, 40]);
  expect(svg.match(/<g id="[^"]*" class="node/g)).toHaveLength(202);
  expect(svg.match(/<g id="edge\d+" class="edge/g)).toHaveLength(250);
  expect(renderMermaid(g).split('\n').filter((l) => l.includes('-->') || l.includes('==>'))).toHaveLength(250);
  // eslint-disable-next-line no-console
  console.log(`200 segments: resolve ${(t1 - t0).toFixed(0)} ms, graph ${(t2 - t1).toFixed(0)} ms, dot+svg ${(t3 - t2).toFixed(0)} ms (${Math.round(svg.length / 1024)} KiB)`);
  expect(t3 - t1).toBeLessThan(10_000);
}, 30_000);
