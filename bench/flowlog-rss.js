#!/usr/bin/env node
/**
 * Flow-log reader memory benchmark: writes a ~1 GB AWS VPC Flow Log
 * (default format, seeded, with a few malformed lines) to a temp dir,
 * streams it through lib/analysis/flows (reader + the aggregation stale
 * and discover use), and prints records, time and peak RSS. Target: peak
 * RSS under 300 MB. Not part of `npm test`.
 *
 *   node bench/flowlog-rss.js [sizeMB=1024] [--gzip] [--keep]
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (m, file) => {
  const { code } = transformSync(fs.readFileSync(file, 'utf8'), { filename: file, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } });
  m._compile(code, file);
};

const args = process.argv.slice(2);
const sizeMB = Number(args.find((a) => /^\d+$/.test(a)) ?? 1024);
const gzip = args.includes('--gzip');
const keep = args.includes('--keep');

// One seeded PRNG for every generator: bench/generate.js's mulberry32.
const rng = require('./generate').prng;

async function generate(file) {
  const r = rng(42);
  const out = fs.createWriteStream(file);
  const sink = gzip ? zlib.createGzip({ level: 1 }) : null;
  if (sink) sink.pipe(out);
  const w = sink ?? out;
  const target = sizeMB * 1024 * 1024;
  let written = 0;
  let lines = 0;
  const header = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n';
  w.write(header);
  written += header.length;
  const ports = [443, 8080, 5432, 53, 22, 9100];
  // An estate of 2000 workloads holding 20000 conversations (client, server, port): a
  // distinct-flow count like a real VPC's, while every line has its own ephemeral port and time.
  const addr = () => `10.${1 + Math.floor(r() * 4)}.${Math.floor(r() * 8)}.${Math.floor(r() * 63)}`;
  const convs = Array.from({ length: 20000 }, () => [addr(), addr(), ports[Math.floor(r() * ports.length)]]);
  while (written < target) {
    let chunk = '';
    for (let i = 0; i < 20000; i++) {
      const [src, dst, port] = convs[Math.floor(r() * convs.length)];
      const t = 1735689600 + Math.floor(r() * 30 * 86400);
      chunk += lines % 100000 === 99999 ? 'garbage line\n' : `2 111122223333 eni-0a1b2c3d4e5f6${i % 10} ${src} ${dst} ${32768 + Math.floor(r() * 28000)} ${port} 6 ${1 + Math.floor(r() * 50)} ${Math.floor(r() * 100000)} ${t} ${t + 60} ${r() < 0.95 ? 'ACCEPT' : 'REJECT'} OK\n`;
      lines++;
    }
    written += chunk.length;
    if (!w.write(chunk)) await new Promise((res) => w.once('drain', res));
  }
  w.end();
  await new Promise((res) => out.on('finish', res));
  return lines;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-bench-'));
  const file = path.join(dir, gzip ? 'flows.log.gz' : 'flows.log');
  const t0 = Date.now();
  const lines = await generate(file);
  const size = fs.statSync(file).size;
  console.log(`generated ${lines} lines, ${(size / 1048576).toFixed(0)} MB${gzip ? ' (gzip)' : ''} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (global.gc) global.gc();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => {
    const rss = process.memoryUsage().rss;
    if (rss > peak) peak = rss;
  }, 50);
  const { readFlowLog } = require('../lib/analysis/flows/read.ts');
  const { FlowAggregator } = require('../lib/analysis/replay.ts');
  const agg = new FlowAggregator();
  const t1 = Date.now();
  const report = await readFlowLog(file, (rec) => agg.add(rec), {
    progress: process.stderr.isTTY ? (d, t) => process.stderr.write(`\r${((100 * d) / t).toFixed(0)}%`) : undefined,
  });
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  const secs = (Date.now() - t1) / 1000;
  console.log(`read ${report.records} records (${report.malformed} malformed skipped), ${agg.flows.size} distinct flows, in ${secs.toFixed(1)} s (${(size / 1048576 / secs).toFixed(0)} MB/s)`);
  console.log(`peak RSS ${(peak / 1048576).toFixed(0)} MB (baseline before reading ${(base / 1048576).toFixed(0)} MB); target < 300 MB: ${peak < 300 * 1048576 ? 'PASS' : 'FAIL'}`);
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${file}`);
  process.exitCode = peak < 300 * 1048576 ? 0 : 1;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
