#!/usr/bin/env node
'use strict';
// Runs the compiled CLI (npm run build, run by `npm ci` through `prepare`).
const fs = require('fs');

/**
 * A large compile keeps hundreds of MB of plans, resources and documents alive until each target is written; with
 * V8's default young generation (16 MB semi-spaces) every one of those objects is copied survivor by survivor, and
 * scavenges were a third of a 10,000-segment compile (docs/performance.md, "Third pass"). Node takes the young
 * generation's size only at start, so for `compile` of a policy file of at least RESPAWN_BYTES (about 2,500 segments)
 * the CLI runs itself once more with larger semi-spaces: about 40 ms for the second start against seconds saved.
 * Never when the user set the size (NODE_OPTIONS or node flags), nor inside the re-run, nor for small policies.
 */
const RESPAWN_BYTES = 512 * 1024;
const SEMI_SPACE_MB = 64;
/** Options of `compile` that take a value (the policy is the first argument that is none of these nor their value). */
const VALUED = new Set(['--target', '--out', '--previous', '--today']);

function compilePolicyArg(args) {
  if (args[0] !== 'compile') return undefined;
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    if (a === '--') return args[i + 1];
    if (VALUED.has(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

function wantsRespawn(args) {
  if (process.env.MICROSEG_RESPAWNED === '1') return false;
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (flags.some((f) => /^--(max-)?semi-space-size|^--max-young-generation-size/.test(f))) return false;
  const policy = compilePolicyArg(args);
  if (policy === undefined) return false;
  try {
    const st = fs.statSync(policy);
    return st.isFile() && st.size >= RESPAWN_BYTES;
  } catch {
    return false; // the CLI reports an unreadable policy itself
  }
}

const args = process.argv.slice(2);
if (wantsRespawn(args)) {
  const { spawnSync } = require('child_process');
  const r = spawnSync(process.execPath, [...process.execArgv, `--max-semi-space-size=${SEMI_SPACE_MB}`, __filename, ...args], {
    stdio: 'inherit',
    env: { ...process.env, MICROSEG_RESPAWNED: '1' },
  });
  if (r.error) require('../dist/lib/cli/main').run();
  else if (r.signal) process.kill(process.pid, r.signal);
  else process.exitCode = r.status ?? 1;
} else {
  require('../dist/lib/cli/main').run();
}
