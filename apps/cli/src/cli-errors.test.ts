import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findFreePort, startNats, startPostgres, type NatsServer, type PostgresServer } from '@cdc/testenv';

// Every bad config and bad server gives ONE clear error line and a non-zero exit, before
// anything is created on the source or in NATS.
const BUNDLE = resolve(__dirname, '../../../dist/cdc.cjs');
const dir = mkdtempSync(join(tmpdir(), 'cdc-cli-errors-'));
let logical: PostgresServer;
let replicaOnly: PostgresServer;
let nats: NatsServer;

before(async () => {
  [logical, replicaOnly, nats] = await Promise.all([
    startPostgres({ name: 'cli-logical' }),
    startPostgres({ name: 'cli-replica', logical: false }),
    startNats({ name: 'cli-nats' }),
  ]);
});

after(async () => {
  await Promise.all([logical?.destroy(), replicaOnly?.destroy(), nats?.destroy()]);
});

function config(name: string, sourceUrl: string, extra = '', natsUrl = nats.url): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `nats:\n  url: ${natsUrl}\nsources:\n  - name: shop\n    type: postgres\n    url: ${sourceUrl}\n    tables: ["public.*"]\n${extra}`,
  );
  return file;
}

function run(...args: string[]): { status: number | null; lastLine: string; stderr: string } {
  const result = spawnSync(process.execPath, [BUNDLE, ...args], { encoding: 'utf8', timeout: 60_000 });
  const lines = result.stderr.trim().split('\n');
  return { status: result.status, lastLine: lines[lines.length - 1], stderr: result.stderr };
}

function assertOneLineError(result: ReturnType<typeof run>, pattern: RegExp): void {
  assert.notEqual(result.status, 0, 'exits non-zero');
  assert.match(result.lastLine, /^error: /);
  assert.match(result.lastLine, pattern);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
}

async function slotsAndPublications(server: PostgresServer, database: string): Promise<number> {
  const { rows } = await server.query(
    'SELECT (SELECT count(*) FROM pg_replication_slots) + (SELECT count(*) FROM pg_publication) AS n',
    [],
    database,
  );
  return Number(rows[0].n);
}

test('a misspelt key names the key and suggests the right one', () => {
  const file = config('typo', logical.url(), '    partitionz: 4\n');
  assertOneLineError(
    run('reader', '--config', file, '--source', 'shop'),
    /sources\[0\]\.partitionz: unknown key.*partitions/,
  );
});

test('an unknown source name lists the known ones', () => {
  const file = config('unknown-source', logical.url());
  assertOneLineError(run('reader', '--config', file, '--source', 'nope'), /unknown source "nope".*shop/);
});

test('a missing required flag and an unknown command are usage errors', () => {
  assertOneLineError(run('reader', '--config', config('flag', logical.url())), /--source <value> is required/);
  assertOneLineError(run('frobnicate'), /unknown command "frobnicate"/);
});

test('an unreachable source server is named, with its password hidden', async () => {
  const port = await findFreePort();
  const file = config('unreachable', `postgres://cdc:s3cret@127.0.0.1:${port}/shop`);
  const result = run('reader', '--config', file, '--source', 'shop');
  assertOneLineError(result, /source shop: cannot connect to postgres:\/\/cdc:\*\*\*@127\.0\.0\.1/);
  assert.doesNotMatch(result.stderr, /s3cret/, 'the password never appears');
});

test('wal_level other than logical is refused before anything is created', async () => {
  const url = await replicaOnly.createDatabase('shop');
  await replicaOnly.query('CREATE TABLE t (id int PRIMARY KEY)', [], 'shop');
  assertOneLineError(
    run('reader', '--config', config('wal', url), '--source', 'shop'),
    /wal_level is "replica" but must be "logical"/,
  );
  assert.equal(await slotsAndPublications(replicaOnly, 'shop'), 0);
});

test('a table without primary key or replica identity full is named, and nothing is created', async () => {
  const url = await logical.createDatabase('nokey');
  await logical.query('CREATE TABLE good (id int PRIMARY KEY); CREATE TABLE "Bad Table" (a int)', [], 'nokey');
  assertOneLineError(
    run('reader', '--config', config('nokey', url), '--source', 'shop'),
    /public\.Bad Table have no primary key and replica identity is not FULL/,
  );
  assert.equal(await slotsAndPublications(logical, 'nokey'), 0);
});

test('no matching table is an error that shows the patterns', async () => {
  const url = await logical.createDatabase('empty');
  assertOneLineError(
    run('reader', '--config', config('empty', url), '--source', 'shop'),
    /no table matches tables \["public\.\*"\]/,
  );
});

test('an unreachable NATS server is named', async () => {
  const url = await logical.createDatabase('nonats');
  await logical.query('CREATE TABLE t (id int PRIMARY KEY)', [], 'nonats');
  const port = await findFreePort();
  const file = config('nonats', url, '', `nats://127.0.0.1:${port}`);
  assertOneLineError(
    run('reader', '--config', file, '--source', 'shop'),
    /cannot connect to NATS at nats:\/\/127\.0\.0\.1/,
  );
});
