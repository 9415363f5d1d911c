#!/usr/bin/env node
/**
 * Completes package-lock.json with the platform-specific optional packages
 * (e.g. @swc/core-darwin-arm64) that `npm install` could not resolve from the
 * registry these machines reach, which serves only the packages for this
 * platform. Without their entries `npm ci` refuses the lockfile ("Missing: …
 * from lock file") everywhere. Each added entry carries the version its parent
 * pins and the os/cpu/libc read from its name, so npm skips it on other
 * platforms and fetches it by name and version where it is needed.
 *
 * Run after any `npm install`: `node scripts/complete-lock.js` (`--check` only reports).
 */
'use strict';
const fs = require('fs');
const path = require('path');

const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const pkgs = lock.packages;

const OS = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'aix', 'openharmony'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'wasm32'];

function platformOf(name) {
  const tail = name.split('/').pop();
  const parts = tail.split(/[-_.]/);
  const out = {};
  const os = OS.find((o) => parts.includes(o) || (o === 'win32' && parts.includes('windows')));
  const cpu = CPU.find((c) => parts.includes(c) || (c === 'arm' && (parts.includes('gnueabihf') || parts.includes('musleabihf'))));
  if (os) out.os = [os];
  if (cpu) out.cpu = [cpu];
  if (parts.includes('musl') || parts.includes('musleabihf')) out.libc = ['musl'];
  else if (os === 'linux' && (parts.includes('gnu') || parts.includes('gnueabihf'))) out.libc = ['glibc'];
  return out;
}

let added = 0;
for (const [key, entry] of Object.entries(pkgs)) {
  const opt = entry.optionalDependencies;
  if (!opt) continue;
  for (const [dep, range] of Object.entries(opt)) {
    // npm places an optional dependency beside its parent's node_modules or at the top level.
    const nested = `${key}/node_modules/${dep}`;
    const top = `node_modules/${dep}`;
    if (pkgs[nested] || pkgs[top]) continue;
    const platform = platformOf(dep);
    if (!platform.os && !platform.cpu) continue; // not a platform package: leave it to npm
    const version = String(range).replace(/^[\^~=v]/, '');
    if (!/^\d+\.\d+\.\d+/.test(version)) continue;
    const e = { version, ...(entry.dev ? { dev: true } : {}), optional: true, ...platform };
    pkgs[top] = e;
    added++;
  }
}
if (process.argv.includes('--check')) {
  if (added > 0) {
    console.error(`complete-lock: package-lock.json lacks ${added} platform package entries; run node scripts/complete-lock.js`);
    process.exit(1);
  }
  process.exit(0);
}
// Keep npm's own ordering: "" first, then keys sorted.
const sorted = {};
for (const k of Object.keys(pkgs).sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0))) sorted[k] = pkgs[k];
lock.packages = sorted;
fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lock: added ${added} platform package entries`);
