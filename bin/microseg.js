#!/usr/bin/env node
'use strict';
// Runs the compiled CLI (npm run build, run by `npm ci` through `prepare`).
require('../dist/lib/cli/main').run();
