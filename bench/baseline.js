'use strict';
/**
 * The baseline: a plain cdktf program that constructs and synthesizes the
 * same resources we emit, directly, with nothing of ours in between. It is
 * the cost of cdktf itself, which no compiler on top of it can beat.
 *
 *   node bench/baseline.js OURS_DIR OUT_DIR
 *
 * For every target directory under OURS_DIR it reads cdk.tf.json, and builds
 * one App + TerraformStack with the same provider and, for every resource,
 * the provider class (deep import, as a careful user would) with the same
 * configuration; references `${type.name.attr}` become the referenced
 * construct's token, as hand-written code would pass `sg.id`. Then
 * `app.synth()` writes cdk.tf.json under OUT_DIR, as `cdktf synth` does.
 *
 * It prints one JSON line: {readMs, synthMs, resources, typeCounts}; readMs (parsing our
 * output to learn what to build) is not the baseline's cost and the runner
 * subtracts it.
 */
const fs = require('fs');
const path = require('path');

const PROVIDERS = {
  aws: { pkg: '@cdktf/provider-aws', prefix: 'aws_', cls: 'AwsProvider' },
  azurerm: { pkg: '@cdktf/provider-azurerm', prefix: 'azurerm_', cls: 'AzurermProvider' },
  google: { pkg: '@cdktf/provider-google', prefix: 'google_', cls: 'GoogleProvider' },
};
// Maps whose keys are data, not attribute names.
const VERBATIM = new Set(['tags', 'labels']);

const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const pascal = (s) => camel(s).replace(/^[a-z]/, (c) => c.toUpperCase());

function providerOf(type) {
  for (const [name, p] of Object.entries(PROVIDERS)) if (type.startsWith(p.prefix)) return { name, ...p };
  throw new Error(`no provider for ${type}`);
}

/** The provider class for a resource type, by deep import: aws_security_group -> @cdktf/provider-aws/lib/security-group. */
function resourceClass(type) {
  const p = providerOf(type);
  const base = type.slice(p.prefix.length);
  return require(`${p.pkg}/lib/${base.replace(/_/g, '-')}`)[pascal(base)];
}

/** Terraform JSON attributes back to the construct config a user writes. */
function toConfig(v, refs, verbatim = false) {
  if (typeof v === 'string') {
    const m = /^\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}$/.exec(v);
    const target = m && refs.get(`${m[1]}.${m[2]}`);
    return target ? target.getStringAttribute(m[3]) : v;
  }
  if (Array.isArray(v)) return v.map((x) => toConfig(x, refs));
  if (v && typeof v === 'object') {
    const out = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === '//') continue;
      out[verbatim ? k : camel(k)] = toConfig(x, refs, VERBATIM.has(k));
    }
    return out;
  }
  return v;
}

function main() {
  const [oursDir, outDir] = process.argv.slice(2);
  const t0 = performance.now();
  const inputs = fs
    .readdirSync(oursDir)
    .sort()
    .filter((t) => fs.existsSync(path.join(oursDir, t, 'cdk.tf.json')))
    .map((t) => ({ target: t, json: JSON.parse(fs.readFileSync(path.join(oursDir, t, 'cdk.tf.json'), 'utf8')) }));
  const t1 = performance.now();

  const { App, TerraformStack } = require('cdktf');
  let resources = 0;
  const typeCounts = {};
  for (const { target, json } of inputs.splice(0)) {
    fs.mkdirSync(path.join(outDir, target), { recursive: true });
    const app = new App({ outdir: path.join(outDir, target), skipValidation: false });
    const stack = new TerraformStack(app, json['//']?.metadata?.stackName ?? target);
    for (const [name, configs] of Object.entries(json.provider ?? {})) {
      const p = PROVIDERS[name];
      const Provider = require(`${p.pkg}/lib/provider`)[p.cls];
      new Provider(stack, name, toConfig(configs[0], new Map()));
    }
    const refs = new Map();
    for (const [type, byName] of Object.entries(json.resource ?? {})) {
      const Cls = resourceClass(type);
      for (const [name, cfg] of Object.entries(byName)) {
        refs.set(`${type}.${name}`, new Cls(stack, name, toConfig(cfg, refs)));
        resources++;
        typeCounts[type] = (typeCounts[type] ?? 0) + 1;
      }
    }
    app.synth();
  }
  const t2 = performance.now();
  process.stdout.write(JSON.stringify({ readMs: t1 - t0, synthMs: t2 - t1, resources, typeCounts }) + '\n');
}

main();
