#!/usr/bin/env node
// Regenerates the protobuf codecs from proto/ (run `npm run proto` after editing a .proto).
// The output is committed so builds need no code generation step; a test checks it is current.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const bin = (name) => resolve(root, 'node_modules/.bin', name);
const outDir = resolve(root, 'libs/change-envelope/src/generated');
const vitessOutDir = resolve(root, 'libs/vitess-source/src/generated');
const VITESS_PROTOS = ['vtrpc', 'topodata', 'query', 'binlogdata', 'vtgate'];

/** Our subset of Vitess's VStream API (proto/vitess), for the Vitess reader's gRPC client. */
export function generateVitess(out = vitessOutDir) {
  const js = `${out}/vitess.js`;
  execFileSync(
    bin('pbjs'),
    [
      '-t',
      'static-module',
      '-w',
      'commonjs',
      '--no-create',
      '--no-verify',
      '--no-delimited',
      '--no-convert',
      '--no-typeurl',
      '--no-service',
      '--force-long',
      '-p',
      resolve(root, 'proto/vitess'),
      '-o',
      js,
      ...VITESS_PROTOS.map((name) => resolve(root, `proto/vitess/${name}.proto`)),
    ],
    { stdio: 'inherit' },
  );
  execFileSync(bin('pbts'), ['-o', `${out}/vitess.d.ts`, js], { stdio: 'inherit' });
}

export function generate(out = outDir) {
  const js = `${out}/change.js`;
  execFileSync(
    bin('pbjs'),
    [
      '-t',
      'static-module',
      '-w',
      'commonjs',
      '--no-create',
      '--no-verify',
      '--no-delimited',
      '--no-convert',
      '--no-typeurl',
      '--force-long',
      '-o',
      js,
      resolve(root, 'proto/cdc/v1/change.proto'),
    ],
    { stdio: 'inherit' },
  );
  execFileSync(bin('pbts'), ['-o', `${out}/change.d.ts`, js], { stdio: 'inherit' });
}

if (process.argv[1] === import.meta.filename) {
  generate();
  generateVitess();
}
