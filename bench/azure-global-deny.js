#!/usr/bin/env node
'use strict';
/**
 * A benchmark script, not a test (verification at 500 segments takes 10-20 s): compiles the
 * benchmark policy with its staging-never-reaches-prod guardrail made global
 * (`{env: staging}` → `{env: prod}`, no sameLabels) for Azure, prints the
 * resource counts, and verifies the output with the verifier.
 *
 *   node bench/azure-global-deny.js [--segments 500] [--lib DIR] [--policy FILE] [--with-allow] [--no-verify]
 *
 * --lib: a compiled `lib` directory (default dist/lib; build a fresh one with
 * `npx tsc -p tsconfig.build.json --outDir /tmp/x`), so that the same script
 * measures an older build too. --policy: a policy file instead of the
 * generated one (e.g. examples/shop/policy.yaml). --with-allow: add a global
 * allow `{tier: app}` → `{tier: db}` (postgres) that the deny must override
 * between staging apps and prod databases; in the benchmark alone nothing
 * connects staging to prod, so the guardrail changes no flow.
 */
const path = require('path');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const root = path.resolve(__dirname, '..');
const lib = path.resolve(opt('--lib', path.join(root, 'dist/lib')));
const segments = Number(opt('--segments', '500'));
const policyFile = opt('--policy', undefined);
const verify = !args.includes('--no-verify');

const { SegmentationPolicy } = require(path.join(lib, 'model/policy'));
const { resolve } = require(path.join(lib, 'resolve/resolve'));
const { backend } = require(path.join(lib, 'targets/azure'));

let policy;
if (policyFile) {
  policy = SegmentationPolicy.fromFile(path.resolve(policyFile));
} else {
  const doc = require(path.join(root, 'bench/generate.js')).generatePolicy(segments, 1);
  const g = doc.guardrails.find((x) => x.name === 'staging-never-reaches-prod');
  delete g.sameLabels; // global: every staging segment against every prod segment
  if (args.includes('--with-allow')) doc.rules.push({ name: 'apps-to-dbs', from: { tier: 'app' }, to: { tier: 'db' }, services: ['postgres'] });
  policy = SegmentationPolicy.fromObject(doc, `bench-${segments}-global-deny`);
}
const ir = resolve(policy);

const t0 = process.hrtime.bigint();
let out;
try {
  out = backend.compile(ir);
} catch (e) {
  const codes = (e.diagnostics ?? []).map((d) => d.code);
  const counts = {};
  for (const c of codes) counts[c] = (counts[c] ?? 0) + 1;
  console.log(JSON.stringify({ policy: ir.name, segments: ir.segments.length, compiled: false, errors: counts, first: e.diagnostics?.[0]?.message }, null, 1));
  process.exit(1);
}
const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
const res = out.terraform.resource;
const count = (t) => Object.keys(res[t] ?? {}).length;
const asgTags = Object.values(res.azurerm_application_security_group ?? {}).map((a) => a.tags ?? {});
// Distinct ASGs each NSG's rules reference.
const nsgRefs = new Map();
for (const r of Object.values(res.azurerm_network_security_rule ?? {})) {
  const n = r.network_security_group_name;
  if (!nsgRefs.has(n)) nsgRefs.set(n, new Set());
  for (const id of [...(r.source_application_security_group_ids ?? []), ...(r.destination_application_security_group_ids ?? [])]) nsgRefs.get(n).add(id);
}
const perNic = Object.values(out.identities.segments).map((s) => s.applicationSecurityGroups.length);
const report = {
  policy: ir.name,
  segments: ir.segments.length,
  compiled: true,
  compileMs: Math.round(compileMs),
  resources: out.stats.resources,
  rules: count('azurerm_network_security_rule'),
  nsgs: count('azurerm_network_security_group'),
  asgs: count('azurerm_application_security_group'),
  segmentAsgs: asgTags.filter((t) => t['microseg-segment']).length,
  labelAsgs: asgTags.filter((t) => t['microseg-label']).length,
  maxAsgsPerNsg: Math.max(0, ...[...nsgRefs.values()].map((s) => s.size)),
  maxAsgsPerNic: Math.max(...perNic),
};
if (verify) {
  const { verifyOutput } = require(path.join(lib, 'verify'));
  const t1 = process.hrtime.bigint();
  const v = verifyOutput(ir, 'azure', out.terraform, out.identities);
  report.verifyMs = Math.round(Number(process.hrtime.bigint() - t1) / 1e6);
  report.verdict = v.verdict;
  report.mismatches = v.mismatchCount;
  report.verifyErrors = v.issues.filter((i) => i.severity === 'error').length;
}
console.log(JSON.stringify(report, null, 1));
process.exit(report.verdict === undefined || report.verdict === 'equivalent' ? 0 : 1);
