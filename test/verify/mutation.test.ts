/**
 * Mutation tests: the verifier must fail. Compile the spec example (and a
 * variant in which the guardrail is what keeps staging away from the prod
 * database) for every back end that loads, check it verifies, then break
 * the synthesized JSON the way a bug or a hand edit would and check that
 * each break is reported with an example flow.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ipaddr from 'ipaddr.js';
import { parse } from 'yaml';
import { SegmentationPolicy } from '../../lib/model/policy';
import { resolve } from '../../lib/resolve/resolve';
import { ResolvedPolicy } from '../../lib/resolve/ir';
import { loadBackend } from '../../lib/targets/registry';
import { TargetName, TargetOutput } from '../../lib/targets/target';
import { verifyOutput, VerifyReport } from '../../lib/verify';

const file = path.join(__dirname, '../fixtures/good/spec-example.yaml');
const doc = parse(fs.readFileSync(file, 'utf8'));
const spec = resolve(SegmentationPolicy.fromObject(doc, file));
// Without sameLabels on app-to-db, and with app egress open towards 10.0.0.0/8 by address (where
// GCP cannot tell identities apart), only the guardrail keeps shop-app-staging from shop-db-prod.
const guardedDoc = JSON.parse(JSON.stringify(doc));
delete guardedDoc.rules.find((r: any) => r.name === 'app-to-db').sameLabels;
guardedDoc.rules.push({ name: 'app-to-internal-db', from: { tier: 'app' }, to: { cidrs: ['10.0.0.0/8'] }, services: ['postgres'] });
const guarded = resolve(SegmentationPolicy.fromObject(guardedDoc, 'guarded.yaml'));

type Json = Record<string, any>;
type Mutation = [name: string, policy: ResolvedPolicy, mutate: (tf: Json, ids: Json) => void, expectKind?: 'too-open' | 'too-closed'];


const compiled = new Map<string, TargetOutput>();
function compile(t: TargetName, ir: ResolvedPolicy): TargetOutput {
  const k = `${t}|${ir === spec ? 'spec' : 'guarded'}`;
  if (!compiled.has(k)) compiled.set(k, loadBackend(t).compile(ir));
  return compiled.get(k)!;
}

function run(t: TargetName, ir: ResolvedPolicy, mutate: (tf: Json, ids: Json) => void = () => {}): VerifyReport {
  const out = compile(t, ir);
  const tf = JSON.parse(JSON.stringify(out.terraform));
  const ids = JSON.parse(JSON.stringify(out.identities));
  mutate(tf, ids);
  return verifyOutput(ir, t, tf, ids);
}

/** The single resource of a type whose body satisfies a predicate. */
function find(tf: Json, type: string, pred: (b: Json, name: string) => boolean): [string, Json] {
  const hits = Object.entries(tf.resource?.[type] ?? {}).filter(([n, b]) => pred(b as Json, n)) as [string, Json][];
  if (hits.length === 0) throw new Error(`no ${type} matches`);
  return hits[0];
}
const ref = (type: string, name: string, attr = 'id') => `\${${type}.${name}.${attr}}`;
const text = (b: Json) => JSON.stringify(b);

const AWS_IN = 'aws_vpc_security_group_ingress_rule';
const AWS_OUT = 'aws_vpc_security_group_egress_rule';
const group = (tf: Json, segment: string) => find(tf, 'aws_security_group', (_b, n) => n.includes(`_${segment}_sg_`))[0];

const mutations: Record<TargetName, Mutation[]> = {
  kubernetes: [],
  aws: [
    ['delete a rule', spec, (tf) => delete tf.resource[AWS_IN][find(tf, AWS_IN, (b) => b.from_port === 8080)[0]], 'too-closed'],
    ['widen a port', spec, (tf) => {
      // The internet-facing rules (CIDRs or prefix lists, not group references).
      for (const b of Object.values(tf.resource[AWS_IN]) as Json[]) if (b.from_port === 443 && !b.referenced_security_group_id) b.to_port = 444;
    }, 'too-open'],
    ['drop a prefix list entry or a CIDR rule', spec, (tf) => {
      const lists = tf.resource.aws_ec2_managed_prefix_list;
      if (lists) (Object.values(lists)[0] as Json).entry.pop();
      else delete tf.resource[AWS_IN][find(tf, AWS_IN, (b) => b.from_port === 443 && b.cidr_ipv4)[0]];
    }, 'too-closed'],
    ['point a reference at the wrong group', spec, (tf) => (find(tf, AWS_IN, (b) => b.from_port === 8080)[1].referenced_security_group_id = ref('aws_security_group', group(tf, 'shop-app-staging')))],
    ['leave a group with AWS default egress', spec, (tf) => {
      tf.resource[AWS_OUT].default_egress = { security_group_id: ref('aws_security_group', group(tf, 'shop-web-prod')), ip_protocol: '-1', cidr_ipv4: '0.0.0.0/0' };
    }, 'too-open'],
    ['drop a deny (emit the allow the guardrail removed)', guarded, (tf) => {
      tf.resource[AWS_IN].undenied = { security_group_id: ref('aws_security_group', group(tf, 'shop-db-prod')), ip_protocol: 'tcp', from_port: 5432, to_port: 5432, referenced_security_group_id: ref('aws_security_group', group(tf, 'shop-app-staging')) };
      tf.resource[AWS_OUT].undenied = { security_group_id: ref('aws_security_group', group(tf, 'shop-app-staging')), ip_protocol: 'tcp', from_port: 5432, to_port: 5432, referenced_security_group_id: ref('aws_security_group', group(tf, 'shop-db-prod')) };
    }, 'too-open'],
    ['forget a group in identities.json', spec, (_tf, ids) => ids.segments['shop-app-prod'].securityGroups.pop()],
  ],
  azure: [
    ['delete a rule', spec, (tf) => delete tf.resource.azurerm_network_security_rule[find(tf, 'azurerm_network_security_rule', (b) => text(b).includes('8080') && b.direction === 'Inbound')[0]], 'too-closed'],
    ['widen a port', spec, (tf) => {
      const b = find(tf, 'azurerm_network_security_rule', (x) => text(x).includes('"443"') && x.direction === 'Inbound')[1];
      if (b.destination_port_ranges) b.destination_port_ranges = ['443-444'];
      else b.destination_port_range = '443-444';
    }, 'too-open'],
    ['drop the inbound deny-all', spec, (tf) => delete tf.resource.azurerm_network_security_rule[find(tf, 'azurerm_network_security_rule', (b) => b.priority === 4096 && b.direction === 'Inbound')[0]], 'too-open'],
    ['drop the outbound deny-all', spec, (tf) => delete tf.resource.azurerm_network_security_rule[find(tf, 'azurerm_network_security_rule', (b) => b.priority === 4096 && b.direction === 'Outbound')[0]], 'too-open'],
    ['point a reference at the wrong ASG', spec, (tf) => {
      const b = find(tf, 'azurerm_network_security_rule', (x) => text(x).includes('"8080"') && x.direction === 'Inbound')[1];
      const staging = find(tf, 'azurerm_application_security_group', (_x, n) => n.includes('shop-app-staging'))[0];
      b.source_application_security_group_ids = [ref('azurerm_application_security_group', staging)];
    }],
    ['drop a deny', guarded, (tf) => {
      for (const [n, b] of Object.entries(tf.resource.azurerm_network_security_rule) as [string, Json][]) {
        if (b.access === 'Deny' && b.priority !== 4096) delete tf.resource.azurerm_network_security_rule[n];
      }
    }, 'too-open'],
  ],
  gcp: [
    ['delete a rule', spec, (tf) => delete tf.resource.google_compute_firewall[find(tf, 'google_compute_firewall', (b) => text(b).includes('"8080"') && b.direction === 'INGRESS')[0]], 'too-closed'],
    ['widen a port', spec, (tf) => {
      const b = find(tf, 'google_compute_firewall', (x) => text(x).includes('"443"') && x.direction === 'INGRESS')[1];
      b.allow = b.allow.map((a: Json) => (a.ports?.includes('443') ? { ...a, ports: a.ports.map((p: string) => (p === '443' ? '443-444' : p)) } : a));
    }, 'too-open'],
    ['drop the egress deny-all', spec, (tf) => {
      for (const [n, b] of Object.entries(tf.resource.google_compute_firewall) as [string, Json][]) {
        if (b.direction === 'EGRESS' && b.deny && text(b.deny).includes('all') && (b.destination_ranges ?? []).includes('0.0.0.0/0')) delete tf.resource.google_compute_firewall[n];
      }
    }, 'too-open'],
    ['point a tag at the wrong segment', spec, (tf, ids) => {
      const b = find(tf, 'google_compute_firewall', (x) => text(x).includes('"8080"') && x.direction === 'INGRESS')[1];
      const staging = ids.segments['shop-app-staging'].networkTags ?? ids.segments['shop-app-staging'].serviceAccounts;
      if (b.source_tags) b.source_tags = staging;
      else b.source_service_accounts = staging;
    }],
    ['drop a deny', guarded, (tf) => {
      for (const [n, b] of Object.entries(tf.resource.google_compute_firewall) as [string, Json][]) {
        if (b.deny && text(b).includes('staging-never-reaches-prod')) delete tf.resource.google_compute_firewall[n];
      }
    }, 'too-open'],
  ],
};

const K8S = 'kubernetes_network_policy_v1';
const rulesOf = (b: Json, dir: 'ingress' | 'egress'): Json[] => b.spec[dir] ?? [];
const k8sMutations: Mutation[] = [
  ['delete a rule', spec, (tf) => {
    const b = find(tf, K8S, (x) => rulesOf(x, 'ingress').some((r) => text(r.ports).includes('"8080"')))[1];
    b.spec.ingress = rulesOf(b, 'ingress').filter((r) => !text(r.ports).includes('"8080"'));
  }, 'too-closed'],
  ['widen a port', spec, (tf) => {
    const b = find(tf, K8S, (x) => rulesOf(x, 'ingress').some((r) => text(r.ports).includes('"443"')))[1];
    for (const r of rulesOf(b, 'ingress')) for (const p of r.ports ?? []) if (p.port === '443') p.end_port = 444;
  }, 'too-open'],
  ['drop egress isolation', spec, (tf) => {
    for (const b of Object.values(tf.resource[K8S]) as Json[]) if (b.metadata.name.includes('shop-web-prod')) b.spec.policy_types = ['Ingress'];
  }, 'too-open'],
  ['point a selector at the wrong segment', spec, (tf, ids) => {
    const b = find(tf, K8S, (x) => rulesOf(x, 'ingress').some((r) => text(r.ports).includes('"8080"')))[1];
    for (const r of rulesOf(b, 'ingress')) if (text(r.ports).includes('"8080"')) for (const f of r.from) if (f.pod_selector) f.pod_selector.match_labels = ids.segments['shop-app-staging'].labels;
  }],
];
mutations.kubernetes.push(...k8sMutations);

describe.each(['aws', 'azure', 'gcp', 'kubernetes'] as const)('%s', (t) => {

  it('the unmutated outputs verify', () => {
    for (const ir of [spec, guarded]) {
      const r = run(t, ir);
      expect(r.mismatches).toEqual([]);
      expect(r.issues).toEqual([]);
      expect(r.verdict).toBe('equivalent');
    }
  });

  for (const [name, ir, mutate, kind] of mutations[t]) {
    it(`reports a mismatch when we ${name}`, () => {
      const r = run(t, ir, mutate);
      expect(r.verdict).toBe('not-equivalent');
      expect(r.mismatchCount).toBeGreaterThan(0);
      const m = r.mismatches[0];
      if (kind) expect(r.mismatches.map((x) => x.kind)).toContain(kind);
      // Every example names the flow and who decided it on both sides.
      // Both ends are real addresses of one family (parse throws on anything else).
      expect(ipaddr.parse(m.from.address).kind()).toBe(ipaddr.parse(m.to.address).kind());
      expect([...(m.output.egress ?? []), ...(m.output.ingress ?? [])].length).toBeGreaterThan(0);
      expect([...(m.policy.egress ?? []), ...(m.policy.ingress ?? [])].length).toBeGreaterThan(0);
    });
  }
});
