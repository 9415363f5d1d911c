'use strict';
/**
 * Child process of determinism.test.ts: compiles the stability policy for
 * every target from the TypeScript sources (transpiled on the fly with swc,
 * as jest does) and prints the SHA-256 of each output. A fresh process has
 * its own hash seeds, module load order and heap, so equal digests show
 * that nothing in the output depends on them.
 */
const fs = require('fs');
const Module = require('module');
const { transformSync } = require('@swc/core');

Module._extensions['.ts'] = (module, filename) => {
  const src = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(src, { filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } });
  module._compile(code, filename);
};

const { createHash } = require('crypto');
const { basePolicy, compileDoc } = require('./helpers.ts');
const sha = (s) => createHash('sha256').update(s).digest('hex');
const out = {};
for (const t of ['aws', 'azure', 'gcp']) {
  const c = compileDoc(t, basePolicy());
  out[t] = { terraform: sha(c.terraform), identities: sha(c.identities) };
}
process.stdout.write(JSON.stringify(out) + '\n');
