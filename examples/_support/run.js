#!/usr/bin/env node
'use strict';
/**
 * Runs a TypeScript CDKTF app without a build step and without ts-node:
 * compiles each .ts file on require with @swc/core (a dev dependency
 * already), then runs the file given on the command line. cdktf.json's
 * `app` calls this, e.g. `node examples/_support/run.js examples/multi-cloud/main.ts`.
 * In your own project use ts-node or tsx as `cdktf init` sets up.
 */
const path = require('path');
const fs = require('fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    filename,
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
  });
  module._compile(code, filename);
};

const entry = process.argv[2];
if (!entry) {
  process.stderr.write('usage: node examples/_support/run.js APP.ts\n');
  process.exit(2);
}
require(path.resolve(entry));
