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

/**
 * One static CommonJS module `${out}/${name}.js` and its typings from protos, with the options
 * both codecs share: plain encode/decode, 64-bit integers as Long. `options` adds a codec's own.
 */
function generateModule(out, name, options, protos) {
  const js = `${out}/${name}.js`;
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
      ...options,
      '-o',
      js,
      ...protos,
    ],
    { stdio: 'inherit' },
  );
  execFileSync(bin('pbts'), ['-o', `${out}/${name}.d.ts`, js], { stdio: 'inherit' });
}

/** Our subset of Vitess's VStream API (proto/vitess), for the Vitess reader's gRPC client. */
export function generateVitess(out = vitessOutDir) {
  generateModule(
    out,
    'vitess',
    ['--no-service', '-p', resolve(root, 'proto/vitess')],
    VITESS_PROTOS.map((name) => resolve(root, `proto/vitess/${name}.proto`)),
  );
}

export function generate(out = outDir) {
  generateModule(out, 'change', [], [resolve(root, 'proto/cdc/v1/change.proto')]);
}

if (process.argv[1] === import.meta.filename) {
  generate();
  generateVitess();
}
