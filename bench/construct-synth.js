#!/usr/bin/env node
'use strict';
/**
 * Construct synth (issue 16, item 6: "construct synth no slower than
 * today"): `AwsSegmentation`, `AzureSegmentation` and `GcpSegmentation` in a
 * cdktf 0.21 stack and in a cdktn 0.24 stack, one App per cloud as
 * bench/baseline.js builds them, `app.synth()` to disk — against plain cdktf
 * building the same resources with the provider classes (bench/baseline.js),
 * measured in the same run, interleaved, each a child process under GNU time
 * (CPU user + sys, peak RSS).
 *
 *   node bench/construct-synth.js [--segments 1000] [--repeat 3]
 *
 * The construct's child loads the policy itself (SegmentationPolicy.fromFile,
 * as a user's app does) and synthesizes with `verify: false`: the verifier's
 * time is reported on its own (bench/phases.js, bench/scale.js), and the
 * baseline verifies nothing. The baseline's reading of our CLI output (to
 * learn what to build) is subtracted from its time, as in bench/run.js.
 * Every synthesized stack must hold the same resources per type as the
 * baseline's, or the run fails.
 *
 * Prints one JSON object; bench/run.js folds it into results.json.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const YAML = require('yaml');

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'microseg.js');
const DIST = path.join(ROOT, 'dist', 'lib');
const CORES = ['cdktf', 'cdktn'];
const CLOUDS = ['aws', 'azure', 'gcp'];
/** Target of issue 16: construct synth no slower than plain cdktf building the same resources. */
const MAX_RATIO = 1;

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

function timed(args) {
  const r = spawnSync('/usr/bin/time', ['-f', 'MICROSEG_TIME %e %U %S %M', process.execPath, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, NODE_OPTIONS: '' } });
  const m = /MICROSEG_TIME (\S+) (\S+) (\S+) (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m) throw new Error(`${args.join(' ')} exited ${r.status}:\n${(r.stderr ?? '').split('\n').slice(-15).join('\n')}`);
  return { wallS: Number(m[1]), cpuS: Number(m[2]) + Number(m[3]), rssMB: Number(m[4]) / 1024, stdout: r.stdout };
}

/** The child: one App per cloud on `core`, each with one stack holding that cloud's segmentation construct, synthesized. */
function child(core, policyFile, outDir) {
  const { App, TerraformStack } = require(core);
  const { SegmentationPolicy } = require(path.join(DIST, 'index'));
  const policy = SegmentationPolicy.fromFile(policyFile);
  const props = {
    aws: { policy, vpcId: 'vpc-0123456789abcdef0', verify: false },
    azure: { policy, resourceGroupName: 'microseg-rg', location: 'westeurope', verify: false },
    gcp: { policy, network: 'microseg-vpc', project: 'microseg-project', verify: false },
  };
  const ctor = { aws: 'AwsSegmentation', azure: 'AzureSegmentation', gcp: 'GcpSegmentation' };
  for (const cloud of CLOUDS) {
    const Construct = require(path.join(DIST, cloud))[ctor[cloud]];
    fs.mkdirSync(path.join(outDir, cloud), { recursive: true });
    const app = new App({ outdir: path.join(outDir, cloud) });
    const stack = new TerraformStack(app, `microseg-${cloud}`);
    const seg = new Construct(stack, 'microseg', props[cloud]);
    if (seg.state !== 'compiled') throw new Error(`${cloud} on ${core}: ${seg.state}: ${JSON.stringify(seg.errors.slice(0, 2))}`);
    app.synth();
  }
}

/** Resources per type in every cdk.tf.json under `dir`. */
function typeCounts(dir) {
  const counts = {};
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'cdk.tf.json') for (const [t, byName] of Object.entries(JSON.parse(fs.readFileSync(p, 'utf8')).resource ?? {})) counts[t] = (counts[t] ?? 0) + Object.keys(byName).length;
    }
  };
  walk(dir);
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function run(n, repeat) {
  const { generatePolicy } = require('./generate');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-synth-'));
  try {
    const file = path.join(tmp, `policy-${n}.yaml`);
    fs.writeFileSync(file, YAML.stringify(generatePolicy(n)));
    // What the baseline builds: our CLI output for the same policy.
    const cli = path.join(tmp, 'cli');
    const c = spawnSync(process.execPath, [BIN, 'compile', file, '--target', 'aws,azure,gcp', '--out', cli], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
    if (c.status !== 0) throw new Error(`compile exited ${c.status}: ${c.stderr.split('\n').slice(-5).join('\n')}`);
    const runs = { baseline: [], cdktf: [], cdktn: [] };
    let counts;
    for (let i = 0; i < repeat; i++) {
      const bout = path.join(tmp, 'baseline');
      fs.rmSync(bout, { recursive: true, force: true });
      const b = timed([path.join(__dirname, 'baseline.js'), cli, bout]);
      const rep = JSON.parse(b.stdout.trim().split('\n').pop());
      runs.baseline.push({ ...b, cpuS: b.cpuS - rep.readMs / 1000 });
      counts ??= typeCounts(bout);
      for (const core of CORES) {
        const out = path.join(tmp, core);
        fs.rmSync(out, { recursive: true, force: true });
        runs[core].push(timed([__filename, '--child', core, file, out]));
        const got = typeCounts(out);
        if (JSON.stringify(got) !== JSON.stringify(counts)) throw new Error(`${core} stacks hold ${JSON.stringify(got)}, the baseline ${JSON.stringify(counts)}`);
      }
    }
    const sum = (xs) => ({ cpuS: round(median(xs.map((x) => x.cpuS))), wallS: round(median(xs.map((x) => x.wallS))), peakRssMB: Math.round(median(xs.map((x) => x.rssMB))), runsCpuS: xs.map((x) => round(x.cpuS)) });
    const baseline = sum(runs.baseline);
    const res = { segments: n, repeat, resources: Object.values(counts).reduce((s, x) => s + x, 0), baseline, cores: {} };
    for (const core of CORES) {
      const s = sum(runs[core]);
      const ratio = round(s.cpuS / baseline.cpuS);
      res.cores[core] = { ...s, ratioToBaseline: ratio, meets: ratio <= MAX_RATIO };
    }
    return res;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  if (process.argv[2] === '--child') child(process.argv[3], process.argv[4], process.argv[5]);
  else {
    const r = run(Number(arg('--segments', '1000')), Number(arg('--repeat', '3')));
    for (const [core, x] of Object.entries(r.cores)) {
      process.stderr.write(`construct synth, ${r.segments} segments, ${r.resources} resources, ${core}: ${x.cpuS} s CPU against plain cdktf ${r.baseline.cpuS} s = ${x.ratioToBaseline} (≤ ${MAX_RATIO}: ${x.meets ? 'met' : 'NOT MET'})\n`);
    }
    process.stdout.write(JSON.stringify(r) + '\n');
  }
}
module.exports = { run, MAX_RATIO };
