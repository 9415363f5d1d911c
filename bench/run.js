'use strict';
/**
 * `npm run bench`: generated policies of 10, 100, 500 and 1000 segments,
 * each compiled end to end (`microseg compile --target all`, a child
 * process) against a plain cdktf program building the same resources
 * (bench/baseline.js), plus the compile phases (bench/phases.js), emitted
 * rules against the lower bound, and cold starts. Prints a table and writes
 * bench/results.json. docs/performance.md explains every figure.
 *
 * Then bench/scale.js at 10,000 segments (--scale-segments N, --no-scale to
 * skip): several policy shapes against the serialisation floor, with peak RSS
 * and the verifier's time per target; and bench/construct-synth.js (the
 * segmentation constructs on cdktf and on cdktn against plain cdktf,
 * --synth-segments N, default 1000; --no-synth to skip).
 *
 *   node bench/run.js [--sizes 10,100] [--repeat N] [--verify-max N] [--no-build] [--no-scale] [--no-synth] [--out FILE]
 *
 * The machine may be shared: every timed command runs --repeat times
 * (default 3), ours and the baseline interleaved so that load hits both
 * alike, and the median is reported with the load average seen.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const YAML = require('yaml');
const { generatePolicy, SIZES } = require('./generate');
const { verdictLines } = require('./scale');

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'microseg.js');
const HAS_GNU_TIME = fs.existsSync('/usr/bin/time');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const sizes = arg('--sizes', SIZES.join(',')).split(',').map(Number);
const repeat = Number(arg('--repeat', '3'));
// The verifier checks every pair of segments (quadratic); timing it at 1000 segments would take most of the budget.
const verifyMax = Number(arg('--verify-max', '1000'));
const outFile = path.resolve(arg('--out', path.join(__dirname, 'results.json')));
const started = Date.now();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
const load = () => round(os.loadavg()[0], 2);

/**
 * Run a node command; wall time, CPU time (user + sys) and peak RSS of the
 * child. CPU time and peak RSS come from GNU time ("Maximum resident set
 * size", the kernel's high-water mark of the child); without /usr/bin/time
 * they are reported as NaN and only wall time is compared.
 */
function measure(args, opts = {}) {
  const cmd = HAS_GNU_TIME ? '/usr/bin/time' : process.execPath;
  const full = HAS_GNU_TIME ? ['-f', 'MICROSEG_TIME %e %U %S %M', process.execPath, ...args] : args;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, full, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, NODE_OPTIONS: '' }, ...opts });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const m = /MICROSEG_TIME (\S+) (\S+) (\S+) (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}:\n${(r.stderr ?? '').split('\n').filter((l) => !/ info /.test(l)).slice(-20).join('\n')}`);
  return {
    wallMs: m ? Number(m[1]) * 1000 : wallMs,
    cpuMs: m ? (Number(m[2]) + Number(m[3])) * 1000 : NaN,
    rssMB: m ? Number(m[4]) / 1024 : NaN,
    stdout: r.stdout,
  };
}

function build() {
  if (process.argv.includes('--no-build') && fs.existsSync(path.join(ROOT, 'dist', 'lib', 'cli', 'main.js'))) return;
  // tsc emits even when someone else's file has a type error; the run below proves the build works.
  spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
  if (!fs.existsSync(path.join(ROOT, 'dist', 'lib', 'cli', 'main.js'))) throw new Error('npm run build did not produce dist/lib/cli/main.js');
}

function coldStart(tmp) {
  const runs = { version: [], require: [] };
  const entry = fs.existsSync(path.join(ROOT, 'dist', 'lib', 'index.js')) && fs.existsSync(path.join(ROOT, 'dist', 'lib', 'aws.js'));
  // `require('cdktf-microseg')` plus the one provider a single-cloud user touches.
  const script = path.join(tmp, 'cold-require.js');
  fs.writeFileSync(
    script,
    `const t=performance.now();const m=require(${JSON.stringify(path.join(ROOT, 'dist', 'lib', 'index.js'))});` +
      `const aws=require(${JSON.stringify(path.join(ROOT, 'dist', 'lib', 'aws.js'))});void aws.AwsSegmentation;` +
      `process.stdout.write(String(performance.now()-t));`,
  );
  for (let i = 0; i < repeat + 2; i++) {
    runs.version.push(measure([BIN, '--version']));
    if (entry) runs.require.push(measure([script]));
  }
  const sum = (xs) => (xs.length ? { ms: round(median(xs.map((x) => x.wallMs))), mb: round(median(xs.map((x) => x.rssMB)), 1) } : null);
  return {
    version: sum(runs.version),
    requireWithAws: sum(runs.require),
    requireInProcessMs: runs.require.length ? round(median(runs.require.map((x) => Number(x.stdout)))) : null,
  };
}

function benchSize(n, tmp) {
  const policyFile = path.join(tmp, `policy-${n}.yaml`);
  fs.writeFileSync(policyFile, YAML.stringify(generatePolicy(n)));
  const ours = [];
  const base = [];
  const loads = [];
  for (let i = 0; i < repeat; i++) {
    const out = path.join(tmp, `out-${n}`);
    fs.rmSync(out, { recursive: true, force: true });
    loads.push(load());
    ours.push(measure([BIN, 'compile', policyFile, '--target', 'all', '--out', out]));
    const bout = path.join(tmp, `base-${n}`);
    fs.rmSync(bout, { recursive: true, force: true });
    const b = measure([path.join(__dirname, 'baseline.js'), out, bout]);
    const rep = JSON.parse(b.stdout.trim().split('\n').pop());
    // Reading our output to learn what to build is not cdktf's cost.
    base.push({ ...b, wallMs: b.wallMs - rep.readMs, cpuMs: b.cpuMs - rep.readMs, resources: rep.resources, typeCounts: rep.typeCounts });
  }
  const phaseRuns = [];
  // Phases are in-process and steadier than end-to-end runs; large sizes get one run to stay within budget.
  for (let i = 0; i < (n >= 500 ? 1 : Math.max(1, repeat - 1)); i++) phaseRuns.push(JSON.parse(measure([path.join(__dirname, 'phases.js'), policyFile, String(verifyMax)]).stdout.trim().split('\n').pop()));
  const med = (runs, f) => round(median(runs.map(f)));
  const p0 = phaseRuns[0];
  const phases = { load: med(phaseRuns, (r) => r.phases.load), resolve: med(phaseRuns, (r) => r.phases.resolve) };
  const targets = {};
  for (const t of Object.keys(p0.targets)) {
    const x = p0.targets[t];
    targets[t] = {
      planMs: med(phaseRuns, (r) => r.targets[t].planMs),
      synthMs: med(phaseRuns, (r) => r.targets[t].synthMs),
      verifyMs: p0.targets[t].verifyMs === null ? null : med(phaseRuns, (r) => r.targets[t].verifyMs),
      requireMs: med(phaseRuns, (r) => r.targets[t].requireMs),
      resources: x.resources,
      identities: x.identities,
      rules: x.rules,
      allowRules: x.allow,
      denyRules: x.deny,
      bytes: x.bytes,
      typeCounts: x.typeCounts,
      lowerBound:
        t === 'aws'
          ? { groups: p0.lowerBound.groups, awsAtoms: p0.lowerBound.awsAtoms }
          : t === 'azure'
            ? { groups: p0.lowerBound.groups, azureAtoms: p0.lowerBound.azureAtoms }
            : { groups: p0.lowerBound.groups },
      allowPerGroup: round(x.allow / p0.lowerBound.groups, 2),
      ...(t === 'aws' ? { allowPerAwsAtom: round(x.allow / p0.lowerBound.awsAtoms, 2) } : {}),
      ...(t === 'azure' ? { allowPerAzureAtom: round(x.allow / p0.lowerBound.azureAtoms, 2) } : {}),
    };
  }
  // The baseline must build exactly what we emit: the same number of resources of every type.
  const oursTypes = {};
  for (const t of Object.values(targets)) for (const [k, v] of Object.entries(t.typeCounts)) oursTypes[k] = (oursTypes[k] ?? 0) + v;
  const sortedJson = (o) => JSON.stringify(Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1))));
  if (sortedJson(oursTypes) !== sortedJson(base[0].typeCounts)) throw new Error(`baseline built ${sortedJson(base[0].typeCounts)}, ours emitted ${sortedJson(oursTypes)}`);
  const oursWall = median(ours.map((x) => x.wallMs));
  const baseWall = median(base.map((x) => x.wallMs));
  return {
    segments: n,
    rulesAndGuardrails: p0.rulesAndGuardrails,
    resources: Object.values(targets).reduce((s, t) => s + t.resources, 0),
    emittedRules: Object.values(targets).reduce((s, t) => s + t.rules, 0),
    endToEnd: {
      ours: { wallMs: round(oursWall), cpuMs: round(median(ours.map((x) => x.cpuMs))), peakRssMB: round(median(ours.map((x) => x.rssMB)), 1) },
      baseline: { wallMs: round(baseWall), cpuMs: round(median(base.map((x) => x.cpuMs))), peakRssMB: round(median(base.map((x) => x.rssMB)), 1), resources: base[0].resources },
      ratioWall: round(oursWall / baseWall, 2),
      ratioCpu: round(median(ours.map((x) => x.cpuMs)) / median(base.map((x) => x.cpuMs)), 2),
      runs: repeat,
      loadAvg1: loads,
    },
    phasesMs: { ...phases, targets },
  };
}

function growth(results) {
  const a = results.find((r) => r.segments === 100);
  const b = results.find((r) => r.segments === 1000);
  if (!a || !b) return null;
  return {
    from: 100,
    to: 1000,
    segments: round(b.segments / a.segments, 2),
    emittedRules: round(b.emittedRules / a.emittedRules, 2),
    resources: round(b.resources / a.resources, 2),
    wall: round(b.endToEnd.ours.wallMs / a.endToEnd.ours.wallMs, 2),
    cpu: round(b.endToEnd.ours.cpuMs / a.endToEnd.ours.cpuMs, 2),
    baselineCpu: round(b.endToEnd.baseline.cpuMs / a.endToEnd.baseline.cpuMs, 2),
    // 1.0 = time grows exactly like emitted rules (linear).
    cpuPerRule: round(b.endToEnd.ours.cpuMs / b.emittedRules / (a.endToEnd.ours.cpuMs / a.emittedRules), 2),
  };
}

function pad(s, n) {
  s = String(s);
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

function printTable(res) {
  const lines = [];
  lines.push(`microseg benchmark: node ${process.version}, ${os.cpus().length} cores, median of ${repeat} runs, load average ${res.loadAvg.start} at start, ${res.loadAvg.end} at end`);
  lines.push('');
  lines.push('end to end (compile --target all, child process) against plain cdktf building the same resources');
  lines.push(['segments', 'rules', 'resources', 'ours s', 'base s', 'ratio', 'ours cpu s', 'base cpu s', 'cpu ratio', 'ours MB', 'base MB'].map((h, i) => pad(h, i ? 10 : 8)).join(' '));
  for (const r of res.sizes) {
    const e = r.endToEnd;
    lines.push(
      [r.segments, r.emittedRules, r.resources, round(e.ours.wallMs / 1000, 2), round(e.baseline.wallMs / 1000, 2), e.ratioWall, round(e.ours.cpuMs / 1000, 2), round(e.baseline.cpuMs / 1000, 2), e.ratioCpu, e.ours.peakRssMB, e.baseline.peakRssMB]
        .map((h, i) => pad(h, i ? 10 : 8))
        .join(' '),
    );
  }
  const at1000 = res.sizes.find((r) => r.segments === 1000);
  if (at1000) lines.push(`at 1000 segments our CPU is ${at1000.endToEnd.ratioCpu}x plain cdktf's (target ≤ 0.3: ${at1000.endToEnd.ratioCpu <= 0.3 ? 'met' : 'NOT MET'})`);
  lines.push('');
  lines.push(`phases in ms (in process): load, resolve, then per target plan / synth (construct + synth + serialise) / verify (up to ${verifyMax} segments)`);
  lines.push(['segments', 'load', 'resolve', 'aws', 'azure', 'gcp'].map((h, i) => pad(h, i < 3 ? 8 : 20)).join(' '));
  for (const r of res.sizes) {
    const p = r.phasesMs;
    const t = (x) => `${x.planMs}/${x.synthMs}/${x.verifyMs ?? '-'}`;
    lines.push([r.segments, p.load, p.resolve, t(p.targets.aws), t(p.targets.azure), t(p.targets.gcp)].map((h, i) => pad(h, i < 3 ? 8 : 20)).join(' '));
  }
  lines.push('');
  lines.push('emitted allow rules against the lower bound: groups (all clouds) and per-cloud bounds (AWS: one peer, one port range; Azure: one protocol, one family)');
  lines.push(['segments', 'groups', 'aws allow', '/groups', 'aws bound', '/bound', 'azure allow', '/groups', 'azure bound', '/bound', 'gcp allow', '/groups', 'deny az/gcp'].map((h, i) => pad(h, i ? 11 : 8)).join(' '));
  for (const r of res.sizes) {
    const t = r.phasesMs.targets;
    lines.push(
      [r.segments, t.aws.lowerBound.groups, t.aws.allowRules, t.aws.allowPerGroup, t.aws.lowerBound.awsAtoms, t.aws.allowPerAwsAtom, t.azure.allowRules, t.azure.allowPerGroup, t.azure.lowerBound.azureAtoms, t.azure.allowPerAzureAtom, t.gcp.allowRules, t.gcp.allowPerGroup, `${t.azure.denyRules}/${t.gcp.denyRules}`]
        .map((h, i) => pad(h, i ? 11 : 8))
        .join(' '),
    );
  }
  if (res.growth) {
    const g = res.growth;
    lines.push('');
    lines.push(`growth 100 -> 1000 segments: emitted rules x${g.emittedRules}, resources x${g.resources}, our CPU x${g.cpu} (baseline x${g.baselineCpu}), wall x${g.wall}; CPU per emitted rule x${g.cpuPerRule} (1.0 = linear)`);
  }
  const c = res.coldStart;
  lines.push('');
  lines.push(`cold start: microseg --version ${c.version.ms} ms, ${c.version.mb} MB; require('cdktf-microseg') + AWS construct ${c.requireWithAws ? `${c.requireWithAws.ms} ms, ${c.requireWithAws.mb} MB (process); ${c.requireInProcessMs} ms in process` : 'n/a (no dist/lib/index.js)'}`);
  if (res.scale) {
    lines.push('');
    lines.push('10,000 segments: compile --target all against the serialisation floor (JSON.stringify + write of the same output); verify CPU per target');
    for (const r of res.scale) {
      const c = r.compile;
      lines.push(`  ${r.shape}: ${c.exit === 0 ? `${r.resources} resources, floor ${r.floor.cpuS} s (${Math.round(r.floor.bytes / 1e6)} MB, median of ${r.floor.runsCpuS.join(', ')})` : `exit ${c.exit}${c.heapCrash ? ' HEAP CRASH' : ''}`}`);
      for (const l of verdictLines(r)) lines.push(`    ${l}`);
    }
  }
  if (res.constructSynth) {
    const s = res.constructSynth;
    lines.push('');
    lines.push(`construct synth (Aws/Azure/GcpSegmentation, one App per cloud, app.synth(), verify off) at ${s.segments} segments, ${s.resources} resources, against plain cdktf building the same resources, median of ${s.repeat}:`);
    for (const [core, x] of Object.entries(s.cores)) lines.push(`  ${core}: ${x.cpuS} s CPU, ${x.peakRssMB} MB; plain cdktf ${s.baseline.cpuS} s, ${s.baseline.peakRssMB} MB; ratio ${x.ratioToBaseline} (≤ 1, no slower: ${x.meets ? 'met' : 'NOT MET'})`);
  }
  lines.push(`total benchmark time ${round((Date.now() - started) / 1000)} s`);
  console.log(lines.join('\n'));
}

function main() {
  build();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-bench-'));
  const loadStart = os.loadavg().map((x) => round(x, 2));
  try {
    const coldStartRes = coldStart(tmp);
    const sizesRes = [];
    for (const n of sizes) {
      process.stderr.write(`bench: ${n} segments…\n`);
      sizesRes.push(benchSize(n, tmp));
    }
    let scale = null;
    if (!process.argv.includes('--no-scale')) {
      const r = spawnSync(process.execPath, [path.join(__dirname, 'scale.js'), '--segments', arg('--scale-segments', '10000'), '--repeat', String(repeat)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
      scale = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    }
    let constructSynth = null;
    if (!process.argv.includes('--no-synth')) {
      process.stderr.write('bench: construct synth…\n');
      const r = spawnSync(process.execPath, [path.join(__dirname, 'construct-synth.js'), '--segments', arg('--synth-segments', '1000'), '--repeat', String(repeat)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
      if (r.status !== 0) throw new Error(`bench/construct-synth.js exited ${r.status}`);
      constructSynth = JSON.parse(r.stdout.trim().split('\n').pop());
    }
    const res = {
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      repeat,
      loadAvg: { start: loadStart, end: os.loadavg().map((x) => round(x, 2)) },
      coldStart: coldStartRes,
      sizes: sizesRes,
      growth: growth(sizesRes),
      scale,
      constructSynth,
      totalSeconds: 0,
    };
    res.totalSeconds = round((Date.now() - started) / 1000);
    printTable(res);
    fs.writeFileSync(outFile, JSON.stringify(res, null, 2) + '\n');
    console.log(`wrote ${path.relative(process.cwd(), outFile)}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
