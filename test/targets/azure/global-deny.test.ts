/**
 * A global label guardrail at scale: the benchmark policy at 150 segments
 * with staging-never-reaches-prod made global (`{env: staging}` → `{env: prod}`,
 * no sameLabels), compiled for Azure and verified equivalent by the verifier.
 * The 500-segment run is a benchmark script (bench/azure-global-deny.js), too slow for every run.
 */
import * as path from 'path';
import { SegmentationPolicy } from '../../../lib/model/policy';
import { resolve } from '../../../lib/resolve/resolve';
import { backend } from '../../../lib/targets/azure';
import { planAzure } from '../../../lib/targets/azure/plan';
import { verifyOutput } from '../../../lib/verify';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { generatePolicy } = require(path.join(__dirname, '../../../bench/generate.js'));

function globalDeny(segments: number) {
  const doc = generatePolicy(segments, 1);
  const g = doc.guardrails.find((x: { name: string }) => x.name === 'staging-never-reaches-prod');
  delete g.sameLabels;
  // In the benchmark nothing else connects staging to prod, which would leave the guardrail moot: one global allow it must override,
  // written so that it keeps segment ASGs (a list mixing a label term and a segment; a two-label term).
  doc.rules.push({ name: 'apps-to-dbs', from: [{ tier: 'app' }, { segment: 'a000-web-prod' }], to: { tier: 'db', env: ['prod', 'staging'] }, services: ['postgres'] });
  return resolve(SegmentationPolicy.fromObject(doc, `bench-${segments}-global-deny`));
}

describe('150 segments, global staging-never-reaches-prod', () => {
  const ir = globalDeny(150);
  const out = backend.compile(ir);

  test('compiles: two label ASGs stand for 75 staging and 75 prod segments', () => {
    const res = out.terraform.resource;
    const asgs = Object.values<any>(res.azurerm_application_security_group);
    expect(asgs.filter((a) => a.tags['microseg-label']).map((a) => a.name).sort()).toEqual(['bench-150-env.prod-asg', 'bench-150-env.staging-asg']);
    expect(asgs).toHaveLength(152);
    expect(Object.keys(res.azurerm_network_security_group)).toHaveLength(150); // per-segment layout: 152 ASGs do not fit one NSG
    // Every guardrail rule references exactly one label ASG as its peer.
    const g = Object.values<any>(res.azurerm_network_security_rule).filter((r) => r.description.includes('guardrail staging-never-reaches-prod'));
    expect(g).toHaveLength(150);
    for (const r of g) {
      const peer = r.direction === 'Inbound' ? r.source_application_security_group_ids : r.destination_application_security_group_ids;
      expect(peer).toEqual([expect.stringMatching(r.direction === 'Inbound' ? /env_staging-asg/ : /env_prod-asg/)]);
    }
    for (const [s, e] of Object.entries<any>(out.identities.segments)) {
      expect(e.applicationSecurityGroups).toEqual([expect.stringContaining(`_${s}-asg_`), expect.stringMatching(s.endsWith('-prod') ? /env_prod-asg/ : /env_staging-asg/)]);
    }
  });

  test('ASGs per NSG: the guardrail adds one label ASG per NSG where it would add 75 segment ASGs', () => {
    const plan = planAzure(ir);
    const count = new Map(plan.nsgs.map((n) => [n.key, n.asgCount]));
    // A web NSG: own, its app tier (web-to-app), env=prod. A db NSG: own, 30 apps and a000-web-prod (apps-to-dbs), env=staging.
    // An app NSG: own, 30 dbs (apps-to-dbs), its cache, queue, web and db, the apps it calls or that call it, a label ASG.
    expect(count.get('a001-web-prod')).toBe(3);
    expect(count.get('a001-db-prod')).toBe(33);
    expect(Math.max(...count.values())).toBe(41);
    // With segment ASGs the guardrail alone would reference 75 segments in every NSG: the label form fits a quota of 50.
    expect(() => planAzure(ir, { limits: { asgsPerNsg: 50 } })).not.toThrow();
  });

  test('the verifier finds the output equivalent to the policy', () => {
    const report = verifyOutput(ir, 'azure', out.terraform, out.identities);
    expect({ verdict: report.verdict, mismatches: report.mismatchCount, errors: report.issues.filter((i) => i.severity === 'error') }).toEqual({ verdict: 'equivalent', mismatches: 0, errors: [] });
    expect(report.checked.segments).toBe(150);
  });

  test('the verifier reads several ASGs per workload: without the label ASGs staging reaches prod', () => {
    const segments = Object.fromEntries(Object.entries<any>(out.identities.segments).map(([s, e]) => [s, { ...e, applicationSecurityGroups: e.applicationSecurityGroups.slice(0, 1) }]));
    const report = verifyOutput(ir, 'azure', out.terraform, { ...out.identities, segments }, { maxExamples: 1 });
    expect(report.verdict).not.toBe('equivalent');
    expect(report.mismatches[0]).toMatchObject({ kind: 'too-open', expected: 'deny', actual: 'allow' });
  });
});
