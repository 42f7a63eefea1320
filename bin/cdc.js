#!/usr/bin/env node
// The `cdc` command: runs the bundle built by `npx nx run cli:build` (npm run build).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'cdc.cjs');
if (!existsSync(bundle)) {
  console.error('error: dist/cdc.cjs is missing: run `npm run build` first');
  process.exit(1);
}
require(bundle);
