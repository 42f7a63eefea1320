#!/usr/bin/env node
// Runs a project's *.test.ts files with node's built-in test runner through tsx.
// Node 20 has no glob support in `--test`, so the files are listed here.
// Usage: run-node-tests.mjs <projectRoot> [--unit|--integration]
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = resolve(process.argv[2] ?? '.');
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts')) files.push(path);
  }
})(join(root, 'src'));
if (files.length === 0) {
  console.error(`no test files under ${root}/src`);
  process.exit(1);
}
const concurrency = process.env.CDC_TEST_CONCURRENCY ?? '1';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, TSX_TSCONFIG_PATH: resolve(import.meta.dirname, '../../tsconfig.json') } },
);
process.exit(result.status ?? 1);
