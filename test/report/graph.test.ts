/**
 * The segment graph of the shop example: nodes, edges checked against the
 * meaning, exposure, denied edges, diffs, and the pinned Mermaid and DOT text.
 */
import { buildGraph, diffGraphs, graphStats, SegmentGraph } from '../../lib/analysis/graph';
import { parseAddress } from '../../lib/net/address';
import { flowServices } from '../../lib/resolve/meaning';
import { renderDot } from '../../lib/report/dot';
import { renderMermaid } from '../../lib/report/mermaid';
import { exampleDoc, exampleIr, irOf } from './helpers';

const ir = exampleIr();
const g = buildGraph(ir, { groupBy: 'env' });
const edge = (graph: SegmentGraph, from: string, to: string, kind = 'allow') => graph.edges.find((e) => e.key === `${from}->${to}#${kind}`);
const at = (text: string, segment?: string) => {
  const a = parseAddress(text)!;
  return { segment, family: a.family, address: a.value };
};

describe('graph of the shop example', () => {
  test('every segment and external is a node; 34 allowed edges', () => {
    expect(graphStats(g)).toEqual({ segments: 12, outside: 3, allowEdges: 34, denyEdges: 0, exposed: 1 });
    expect(g.groups.map((x) => [x.label, x.nodes.length])).toEqual([
      ['env=prod', 8],
      ['env=staging', 4],
    ]);
  });

  test('edges carry the services by the names the rules used, and the rules that grant them', () => {
    expect(edge(g, 'segment:shop-web-prod', 'segment:shop-app-prod')).toMatchObject({ label: ['app-http'], rules: ['web-to-app'] });
    expect(edge(g, 'segment:monitoring-prod', 'segment:shop-db-prod')).toMatchObject({ label: ['node-exporter', 'icmp'], rules: ['monitoring-may-ping', 'monitoring-scrapes'] });
    // monitoring-scrapes names staging web and app only: staging db gets the ping alone.
    expect(edge(g, 'segment:monitoring-prod', 'segment:shop-db-staging')!.label).toEqual(['icmp']);
    expect(edge(g, 'segment:billing-app-prod', 'external:payment-gateway')!.label).toEqual(['dns', 'https']);
  });

  test('edges agree with the meaning on sample flows', () => {
    const web = at('10.10.1.5', 'shop-web-prod');
    const app = at('10.10.2.5', 'shop-app-prod');
    expect(flowServices(ir, web, app).equals(edge(g, 'segment:shop-web-prod', 'segment:shop-app-prod')!.services)).toBe(true);
    // Staging never reaches prod: no edge, and the meaning agrees.
    expect(edge(g, 'segment:shop-app-staging', 'segment:shop-db-prod')).toBeUndefined();
    expect(flowServices(ir, at('10.20.2.5', 'shop-app-staging'), at('10.10.3.5', 'shop-db-prod')).isEmpty()).toBe(true);
    // No edge between workloads of the data tiers at all.
    for (const e of g.edges) expect(e.from.startsWith('segment:shop-db')).toBe(false);
  });

  test('the internet reaches only the prod storefront, on https; that segment is highlighted', () => {
    const exposed = g.nodes.filter((n) => n.exposed);
    expect(exposed.map((n) => [n.name, n.exposure])).toEqual([['shop-web-prod', ['https']]]);
    expect(g.edges.filter((e) => e.internet).map((e) => e.key)).toEqual([
      'external:internet->segment:shop-web-prod#allow',
      'external:payment-gateway->segment:shop-web-prod#allow',
    ]);
    expect(g.nodes.filter((n) => n.public).map((n) => n.name)).toEqual(['internet', 'payment-gateway']);
    // corp-vpn is private: its edges are not internet exposure.
    expect(edge(g, 'external:corp-vpn', 'segment:shop-web-staging')).toMatchObject({ internet: false, label: ['https'] });
  });

  test('outside addresses belong to the most specific external', () => {
    const doc = exampleDoc();
    doc.rules.push({ name: 'gateway-callback', from: { external: 'payment-gateway' }, to: { segment: 'billing-app-prod' }, services: ['tcp/9443'] });
    const g2 = buildGraph(irOf(doc));
    expect(edge(g2, 'external:payment-gateway', 'segment:billing-app-prod')!.label).toEqual(['tcp/9443']);
    // The rest of the internet may not call back.
    expect(edge(g2, 'external:internet', 'segment:billing-app-prod')).toBeUndefined();
  });

  test('--show-denied draws what a deny guardrail cuts, naming it', () => {
    const doc = exampleDoc();
    doc.rules.push({ name: 'staging-reads-prod-db', from: { segment: 'shop-app-staging' }, to: { segment: 'shop-db-prod' }, services: ['postgres'] });
    const d = buildGraph(irOf(doc), { showDenied: true });
    expect(edge(d, 'segment:shop-app-staging', 'segment:shop-db-prod')).toBeUndefined();
    expect(edge(d, 'segment:shop-app-staging', 'segment:shop-db-prod', 'deny')).toMatchObject({ label: ['postgres'], rules: ['staging-never-reaches-prod'] });
    expect(buildGraph(irOf(doc)).edges.some((e) => e.kind === 'deny')).toBe(false);
    expect(renderMermaid(d)).toContain('seg_shop_app_staging -.->|"✗ postgres"| seg_shop_db_prod');
    expect(renderDot(d)).toMatch(/seg_shop_app_staging -> seg_shop_db_prod \[id="edge\d+", class="deny", label="✗ postgres".*style="dashed", arrowhead="tee"\]/);
  });

  test('an unknown --group-by label is refused', () => {
    expect(() => buildGraph(ir, { groupBy: 'colour' })).toThrow("unknown label 'colour'");
  });
});

describe('diff', () => {
  const doc = exampleDoc();
  doc.rules = doc.rules.filter((r: any) => r.name !== 'vpn-ssh-to-app');
  doc.rules.find((r: any) => r.name === 'app-dns').services = ['dns', 'ntp'];
  doc.rules.push({ name: 'web-to-cache', from: { segment: 'shop-web-prod' }, to: { segment: 'shop-cache-prod' }, services: ['redis'] });
  const d = diffGraphs(g, buildGraph(irOf(doc), { groupBy: 'env' }));

  test('added, removed and changed edges are marked', () => {
    const by = (c: string) => d.edges.filter((e) => e.change === c).map((e) => e.key);
    expect(by('added')).toEqual(['segment:shop-web-prod->segment:shop-cache-prod#allow']);
    expect(by('removed')).toEqual([
      'external:corp-vpn->segment:billing-app-prod#allow',
      'external:corp-vpn->segment:shop-app-prod#allow',
      'external:corp-vpn->segment:shop-app-staging#allow',
    ]);
    expect(by('changed')).toHaveLength(6); // three app segments × internet and payment-gateway
    expect(edge(d, 'segment:shop-app-prod', 'external:internet')).toMatchObject({ change: 'changed', addedLabel: ['udp/123'], removedLabel: [] });
    expect(d.edges.length).toBe(g.edges.length + 1);
  });

  test('Mermaid and DOT colour them: added green, removed dashed red, changed amber', () => {
    const m = renderMermaid(d);
    const i = d.edges.findIndex((e) => e.change === 'added');
    expect(m).toContain(`linkStyle ${i} stroke:#1a7f37,stroke-width:3px`);
    const removed = d.edges.flatMap((e, j) => (e.change === 'removed' ? [j] : []));
    expect(m).toContain(`linkStyle ${removed.join(',')} stroke:#cf222e,stroke-width:2px`);
    expect(m).toContain('ext_corp_vpn -.->|"ssh"| seg_shop_app_prod');
    expect(m).toContain('seg_shop_app_prod -->|"dns, ntp (+udp/123)"| ext_internet');
    const dot = renderDot(d);
    expect(dot).toMatch(/seg_shop_web_prod -> seg_shop_cache_prod \[id="edge\d+", class="allow added", label="redis".*color="#1a7f37"/);
    expect(dot).toMatch(/ext_corp_vpn -> seg_shop_app_prod \[[^\]]*class="allow removed"[^\]]*color="#cf222e"[^\]]*style="dashed"/);
    expect(dot).toMatch(/seg_shop_app_prod -> ext_internet \[[^\]]*class="allow changed"[^\]]*color="#bf8700"/);
  });
});

describe('pinned output', () => {
  test('mermaid', () => {
    expect(renderMermaid(g)).toMatchSnapshot();
  });
  test('dot', () => {
    expect(renderDot(g)).toMatchSnapshot();
  });
  test('mermaid fenced, ungrouped', () => {
    const text = renderMermaid(buildGraph(ir), { fence: true });
    expect(text.startsWith('```mermaid\nflowchart LR\n')).toBe(true);
    expect(text.endsWith('```\n')).toBe(true);
    expect(text).not.toContain('subgraph');
  });
  test('deterministic', () => {
    expect(renderDot(buildGraph(exampleIr(), { groupBy: 'env' }))).toBe(renderDot(g));
  });
});
