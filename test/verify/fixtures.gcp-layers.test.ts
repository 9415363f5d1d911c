/**
 * Issue 21 over every policy the repository ships: compiled with each GCP
 * layered option (secure tags; deny guardrails in a hierarchical firewall
 * policy, with each identity), every output the verifier finds equivalent,
 * or the compile refused with a located MS6005 where the hierarchical layer
 * cannot match a guardrail's side exactly. With the guardrail option on, no
 * deny guardrail is left in the application layer.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { PolicyError } from '../../lib/model/diagnostics';
import { SegmentationPolicy } from '../../lib/model/policy';
import { resolve } from '../../lib/resolve/resolve';
import { ResolvedPolicy } from '../../lib/resolve/ir';
import { loadBackend } from '../../lib/targets/registry';
import { verifyOutput } from '../../lib/verify';
import { formatVerifyText } from '../../lib/verify/report';
import { ROOT, shippedPolicyFiles } from './shipped';

const root = ROOT;
const files = shippedPolicyFiles();
/** Each shipped policy, loadable, with its document (to merge the option into `targets.gcp`). */
const policies = files.flatMap((f) => {
  try {
    const p = SegmentationPolicy.fromFile(f);
    resolve(p);
    return [{ name: path.relative(root, f), doc: p.doc as unknown as Record<string, any>, file: f }];
  } catch {
    return [];
  }
});

const OPTIONS: Record<string, Record<string, string>> = {
  'secure tags': { identity: 'secure-tags' },
  'hierarchical, network tags': { guardrails: 'hierarchical' },
  'hierarchical, service accounts': { identity: 'service-accounts', guardrails: 'hierarchical', project: 'shop-prod' },
  'hierarchical, organization secure tags': { identity: 'secure-tags', guardrails: 'hierarchical', tagParent: 'organizations/123456789', guardrailParent: 'folders/42' },
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-gcp-layers-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let written = 0;

/** The policy with the option merged into `targets.gcp`, written as YAML and loaded from the file, so errors carry file:line:col. */
function withOption(doc: Record<string, any>, gcp: Record<string, string>): ResolvedPolicy {
  const d = { ...doc, targets: { ...(doc.targets ?? {}), gcp: { ...(doc.targets?.gcp ?? {}), ...gcp } } };
  const f = path.join(tmp, `p${written++}.yaml`);
  fs.writeFileSync(f, stringify(d));
  return resolve(SegmentationPolicy.fromFile(f));
}

/** Names of the deny guardrails of a policy. */
const denyGuardrails = (ir: ResolvedPolicy) => new Set(ir.rules.filter((r) => r.origin.kind === 'guardrail' && r.origin.action === 'deny').map((r) => r.origin.name));

describe.each(Object.entries(OPTIONS))('gcp, %s', (label, gcp) => {
  it(`every shipped policy (${policies.length}) compiles equivalent, or is refused with a located MS6005`, () => {
    expect(policies.length).toBeGreaterThan(10);
    const backend = loadBackend('gcp');
    const failures: string[] = [];
    let compiled = 0;
    let refused = 0;
    let lifted = 0;
    for (const p of policies) {
      const ir = withOption(p.doc, gcp);
      let out;
      try {
        out = backend.compile(ir);
      } catch (e) {
        const errs = e instanceof PolicyError ? e.diagnostics.filter((d) => d.severity === 'error') : [];
        // Only the hierarchical layer may refuse, and only with a located MS6005 (file:line:col of the guardrail).
        if (gcp.guardrails === 'hierarchical' && errs.length && errs.every((d) => d.code === 'MS6005' && d.location?.file && d.location.line > 0)) {
          refused++;
          continue;
        }
        // Refusals the flat layout makes too are not this option's.
        const flat = (() => {
          try {
            backend.compile(resolve(SegmentationPolicy.fromFile(p.file)));
            return false;
          } catch {
            return true;
          }
        })();
        if (!flat) failures.push(`${p.name}: ${(e as Error).message}`);
        continue;
      }
      compiled++;
      const r = verifyOutput(ir, 'gcp', out.terraform, out.identities, { maxExamples: 2 });
      if (r.verdict !== 'equivalent') failures.push(`${p.name}:\n${formatVerifyText([r])}`);
      const res = out.terraform.resource as Record<string, Record<string, any>>;
      if (gcp.guardrails === 'hierarchical') {
        // No deny guardrail among the application layer's rules: their descriptions name what they realise.
        const denies = denyGuardrails(ir);
        const app = [...Object.values(res.google_compute_firewall ?? {}), ...Object.values(res.google_compute_network_firewall_policy_rule ?? {})];
        for (const body of app) {
          const isDeny = body.deny !== undefined || body.action === 'deny';
          const named = [...denies].filter((g) => new RegExp(`(^|[ ,])${g}([ ,:]|$)`).test(String(body.description).split(': ')[0].replace(/^microseg policy [^,]*, (rules )?/, ' ')));
          if (isDeny && named.length) failures.push(`${p.name}: deny guardrail ${named.join(', ')} left in the application layer (${body.name ?? body.rule_name})`);
        }
        const hier = Object.values(res.google_compute_firewall_policy_rule ?? {});
        lifted += hier.filter((b) => b.action === 'deny').length;
        if (denies.size > 0 && hier.filter((b) => b.action === 'deny').length === 0 && ir.rules.some((r) => denies.has(r.origin.name) && !r.services.isEmpty())) {
          failures.push(`${p.name}: deny guardrails but no hierarchical deny rule`);
        }
      } else {
        // Secure tags: nothing of the flat layout is left.
        if (res.google_compute_firewall) failures.push(`${p.name}: VPC firewall rules with identity secure-tags`);
        if (Object.keys(res.google_tags_tag_value ?? {}).length !== ir.segments.length) failures.push(`${p.name}: not one tag value per segment`);
      }
    }
    // eslint-disable-next-line no-console
    console.log(`gcp ${label}: ${compiled} compiled equivalent, ${refused} refused (MS6005), ${lifted} hierarchical deny rules`);
    expect(failures).toEqual([]);
    expect(compiled).toBeGreaterThan(policies.length / 2);
  }, 120_000);
});
