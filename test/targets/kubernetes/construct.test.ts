/**
 * KubernetesSegmentation on both cores: the NetworkPolicies a stack gets
 * equal, body for body, what `microseg compile --target kubernetes` writes
 * (names come from the construct path instead: two segmentations in one
 * stack never share an address); what a pod of a segment carries; ordering
 * after the namespaces; ICMP is a located error that fails the synth; the
 * verifier at synth catches a NetworkPolicy that widens a segment.
 */
import { KubernetesSegmentation, resolve, SegmentationPolicy } from '../../../lib';
import { synthStack, TerraformJson } from '../../../lib/constructs/synth';
import { loadBackend } from '../../../lib/targets/registry';

const CORES = ['cdktf', 'cdktn'] as const;
const KSHOP = require.resolve('../../../examples/kubernetes-shop/policy.yaml');
const SHOP = require.resolve('../../../examples/shop/policy.yaml');
const POLICY = 'kubernetes_network_policy_v1';

const bodies = (json: TerraformJson, drop: readonly string[] = []) =>
  Object.values<Record<string, unknown>>(json.resource[POLICY])
    .map((b) => JSON.stringify(Object.fromEntries(Object.entries(b).filter(([k]) => k !== '//' && !drop.includes(k)))))
    .sort();

describe.each(CORES)('on %s', (core) => {
  const policy = SegmentationPolicy.fromFile(KSHOP);
  const cli = loadBackend('kubernetes').compile(resolve(policy));

  it('writes the NetworkPolicies microseg compile writes, body for body, and the same identities', () => {
    let seg: KubernetesSegmentation | undefined;
    const json = synthStack('k', (stack) => {
      seg = new KubernetesSegmentation(stack, 'seg', { policy });
    }, { core });
    expect(seg!.core).toBe(core);
    expect(bodies(json)).toEqual(bodies(cli.terraform));
    expect(bodies(json)).toHaveLength(10);
    expect(seg!.identities).toEqual(cli.identities);
    // Named from the construct path, the CLI's own names aside.
    expect(Object.keys(json.resource[POLICY]).every((n) => n.startsWith('seg_shop-'))).toBe(true);
    expect(Object.keys(cli.terraform.resource[POLICY])).toContain('shop-web-prod_allow');
  });

  it('says what a pod of each segment carries: every label, in its namespace', () => {
    synthStack('k', (stack) => {
      const seg = new KubernetesSegmentation(stack, 'seg', { policy });
      expect(seg.podLabels('shop-db-prod')).toEqual({ 'microseg.io/app': 'shop', 'microseg.io/env': 'prod', 'microseg.io/tier': 'db' });
      expect(seg.identitiesOf('shop-db-prod')).toEqual(['microseg.io/app=shop', 'microseg.io/env=prod', 'microseg.io/tier=db']);
      expect(seg.namespaceOf('shop-web-staging')).toBe('shop-staging');
      expect(seg.namespaces).toEqual(['shop-prod', 'shop-staging']);
      expect(seg.segments).toHaveLength(5);
      expect(() => seg.podLabels('shop-db-prd' as string)).toThrow(/unknown segment 'shop-db-prd' \(did you mean 'shop-db-prod'\?\)/);
    }, { core });
  });

  it('creates every NetworkPolicy after the resources it depends on (prop and addDependency), and two segmentations never share an address', () => {
    const { TerraformResource } = require(core);
    const json = synthStack('k', (stack) => {
      const ns = new TerraformResource(stack, 'ns', { terraformResourceType: 'kubernetes_namespace_v1' });
      const other = new TerraformResource(stack, 'other', { terraformResourceType: 'kubernetes_namespace_v1' });
      const a = new KubernetesSegmentation(stack, 'a', { policy, dependsOn: [ns] });
      a.addDependency(other, ns);
      new KubernetesSegmentation(stack, 'b', { policy, verify: false });
    }, { core });
    const names = Object.keys(json.resource[POLICY]);
    expect(names).toHaveLength(20);
    // As the core writes its own depends_on: each once, in the order first given.
    for (const n of names.filter((x) => x.startsWith('a_'))) expect(json.resource[POLICY][n].depends_on).toEqual(['${kubernetes_namespace_v1.ns}', '${kubernetes_namespace_v1.other}']);
    for (const n of names.filter((x) => x.startsWith('b_'))) expect(json.resource[POLICY][n].depends_on).toBeUndefined();
    // depends_on aside, both equal the CLI's.
    expect(bodies(json, ['depends_on'])).toEqual([...bodies(cli.terraform), ...bodies(cli.terraform)].sort());
  });

  it("with guardrails as AdminNetworkPolicies: the CLI's manifests, and every allow policy waits for the barrier that waits for them", () => {
    const doc = JSON.parse(JSON.stringify(policy.doc));
    doc.targets.kubernetes.guardrails = 'admin-network-policy';
    const admin = SegmentationPolicy.fromObject(doc);
    const want = loadBackend('kubernetes').compile(resolve(admin)).terraform;
    const json = synthStack('k', (stack) => {
      new KubernetesSegmentation(stack, 'seg', { policy: admin });
    }, { core });
    const manifests = Object.keys(json.resource.kubernetes_manifest ?? {});
    expect(manifests.length).toBeGreaterThan(0);
    expect(manifests.length).toBe(Object.keys(want.resource.kubernetes_manifest).length);
    const strip = (b: Record<string, unknown>) => JSON.stringify({ ...b, '//': undefined, depends_on: undefined });
    expect(Object.values<any>(json.resource.kubernetes_manifest).map(strip).sort()).toEqual(Object.values<any>(want.resource.kubernetes_manifest).map(strip).sort());
    expect(bodies(json, ['depends_on'])).toEqual(bodies(want, ['depends_on']));
    const [barrier, ...more] = Object.keys(json.resource.terraform_data);
    expect(more).toEqual([]);
    expect([...json.resource.terraform_data[barrier].depends_on].sort()).toEqual(manifests.map((m) => `kubernetes_manifest.${m}`).sort());
    for (const [name, p] of Object.entries<any>(json.resource[POLICY])) expect([name, p.depends_on]).toEqual([name, name.includes('_allow_') ? [`terraform_data.${barrier}`] : undefined]);
  });

  it('a policy NetworkPolicy cannot say (ICMP) is the explicit failed state and a located error at synth', () => {
    const shop = SegmentationPolicy.fromFile(SHOP);
    expect(() =>
      synthStack('k', (stack) => {
        const seg = new KubernetesSegmentation(stack, 'seg', { policy: shop });
        expect(seg.failed).toBe(true);
        expect(seg.errors.map((d) => d.code)).toContain('MS9002');
        expect(seg.podLabels('shop-web-prod')).toEqual({ 'microseg.io/failed': 'microseg-policy-did-not-compile' });
        expect(seg.namespaceOf('shop-web-prod')).toBe('microseg-policy-did-not-compile');
        expect(seg.namespaces).toEqual([]);
      }, { core }),
    ).toThrow(/policy\.yaml:\d+:\d+ error MS9002/);
  });

  it('verify at synth fails a stack where another NetworkPolicy opens a segment', () => {
    const { TerraformResource } = require(core);
    class Rogue extends TerraformResource {
      constructor(scope: any, private readonly attrs: Record<string, unknown>) {
        super(scope, 'rogue', { terraformResourceType: POLICY });
      }
      protected synthesizeAttributes() {
        return this.attrs;
      }
    }
    expect(() =>
      synthStack('k', (stack) => {
        const seg = new KubernetesSegmentation(stack, 'seg', { policy });
        // Every source may reach the database pods on 5432.
        new Rogue(stack, {
          metadata: { name: 'rogue', namespace: seg.namespaceOf('shop-db-prod') },
          spec: { pod_selector: { match_labels: seg.podLabels('shop-db-prod') }, policy_types: ['Ingress'], ingress: [{ ports: [{ port: '5432', protocol: 'TCP' }] }] },
        });
      }, { core }),
    ).toThrow(/kubernetes rules of policy 'kshop' are not-equivalent/);
  });
});
