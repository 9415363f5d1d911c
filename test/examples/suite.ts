/**
 * What every example app must do, as one suite each example's own test file
 * runs (so each has a snapshot file of its own): it synthesizes (validations
 * included, so each construct's verify-at-synth runs), carries no error
 * annotation, its segmentation is verified exactly against the policy by the
 * verifier for every target it compiles, and its whole plan matches the
 * snapshot (versions stubbed), one line per resource with a digest of the
 * exact bytes.
 */
import { resolve, verifyOutput } from '../../lib';
import { reviewable } from '../support/reviewable';
import { annotations, CoreName, CORES, EXAMPLES, synthExample } from './helpers';

export function exampleSuite(name: string): void {
  const def = EXAMPLES.find((e) => e.name === name);
  if (!def) throw new Error(`no example '${name}' in test/examples/helpers.ts`);
  // cdktf under the plain name, so the snapshot keeps its name from before the examples ran on both cores.
  for (const core of CORES) describe(core === 'cdktf' ? `example ${name}` : `example ${name} on ${core}`, () => exampleTests(def, core));
  describe(`example ${name} on both cores`, () => {
    it('synthesizes the same Terraform JSON on cdktn as on cdktf, byte for byte', () => {
      const [a, b] = CORES.map((core) => synthExample(def, def.policy(), true, core));
      expect(b.text.length).toBeGreaterThan(1000);
      expect(b.text).toBe(a.text);
    });
  });
}

function exampleTests(def: (typeof EXAMPLES)[number], core: CoreName): void {
  const out = synthExample(def, def.policy(), true, core);

  it(`builds the stack with ${core}`, () => {
    expect(out.stack).toBeInstanceOf(require(core).TerraformStack);
    expect(Object.keys(out.identities).length).toBeGreaterThan(0);
  });

  it('synthesizes with no error annotation', () => {
    expect(annotations(out.stack, 'error')).toEqual([]);
    expect(Object.keys(out.json.resource ?? {}).length).toBeGreaterThan(0);
  });

  it('is verified exactly against the policy for every target it compiles', () => {
    const ir = resolve(out.policy);
    const targets = Object.keys(out.identities) as (keyof typeof out.identities)[];
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) {
      const report = verifyOutput(ir, target, out.json, out.identities[target]!);
      expect({ target, verdict: report.verdict, mismatches: report.mismatchCount, issues: report.issues.filter((i) => i.severity === 'error') }).toEqual({
        target,
        verdict: 'equivalent',
        mismatches: 0,
        issues: [],
      });
      expect(report.checked.segments).toBe(ir.segments.length);
    }
  });

  it('wires every workload to its segment identity', () => {
    const r = out.json.resource;
    for (const i of Object.values<any>(r.aws_instance ?? {})) expect(i.vpc_security_group_ids.length).toBeGreaterThan(0);
    for (const a of Object.values<any>(r.azurerm_network_interface_application_security_group_association ?? {})) expect(a.application_security_group_id).toMatch(/azurerm_application_security_group\./);
    for (const t of Object.values<any>(r.google_compute_instance_template ?? {})) expect(t.tags).toEqual([expect.stringMatching(/^[a-z]([-a-z0-9]*[a-z0-9])?$/)]);
  });

  it('runs every Kubernetes workload with all the labels of its segment, in its namespace, after the namespaces exist', () => {
    const r = out.json.resource;
    const deployments = Object.values<any>(r.kubernetes_deployment_v1 ?? {});
    const k8s = out.identities.kubernetes;
    if (!k8s) return expect(deployments).toEqual([]);
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(Object.keys(k8s.segments).sort());
    const namespaceOf = (ref: string) => {
      const m = /^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(ref);
      return m ? r.kubernetes_namespace_v1[m[1]].metadata.name : ref;
    };
    for (const d of deployments) {
      const seg = k8s.segments[d.metadata.name];
      expect([d.metadata.name, namespaceOf(d.metadata.namespace), d.spec.template.metadata.labels, d.spec.selector.match_labels]).toEqual([d.metadata.name, seg.namespace, seg.labels, seg.labels]);
    }
    const namespaces = Object.keys(r.kubernetes_namespace_v1).map((k) => `\${kubernetes_namespace_v1.${k}}`).sort();
    const policies = Object.values<any>(r.kubernetes_network_policy_v1);
    expect(policies.length).toBe(2 * Object.keys(k8s.segments).length);
    for (const p of policies) expect([...p.depends_on].sort()).toEqual(namespaces);
  });

  it('attaches every Azure ASG that identities.json lists for a segment to its NICs, and no other', () => {
    const assoc = Object.values<any>(out.json.resource.azurerm_network_interface_application_security_group_association ?? {});
    const azure = out.identities.azure;
    if (!azure) return expect(assoc).toEqual([]);
    const byNic = new Map<string, string[]>();
    for (const a of assoc) {
      const nic = /\$\{azurerm_network_interface\.([^.]+)\.id\}/.exec(a.network_interface_id)![1];
      const asg = /\$\{(azurerm_application_security_group\.[^.]+)\.id\}/.exec(a.application_security_group_id)![1];
      byNic.set(nic, [...(byNic.get(nic) ?? []), asg]);
    }
    expect(byNic.size).toBeGreaterThan(0);
    for (const [nic, asgs] of byNic) {
      const segment = nic.replace(/-nic$/, '');
      expect([nic, [...asgs].sort()]).toEqual([nic, [...(azure.segments[segment]?.applicationSecurityGroups ?? [])].sort()]);
    }
  });

  // One snapshot per example: the other core is held to the same bytes above.
  if (core === 'cdktf')
    it('matches the snapshot', () => {
      expect(reviewable(out.json)).toMatchSnapshot();
    });
}
