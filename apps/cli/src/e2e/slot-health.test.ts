import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { findFreePort } from '@cdc/testenv';
import {
  startPipelineFixture,
  waitFor,
  waitForEqualTables,
  type PipelineFixture,
  type ServiceProcess,
} from './pipeline-fixture';

// The slot's WAL against max_slot_wal_keep_size: with the applier stopped the slot cannot
// advance, so it holds more and more WAL (moved on 16 MB at a time with pg_switch_wal). Past
// 80% of the limit the reader warns (log line, gauge), and so do cdc status and the console.
// A limit below what it holds and a CHECKPOINT make the server invalidate it: the reader stops
// with one line saying what to do, at once and again at its next start (never a reconnect
// loop), cdc status says INVALIDATED, and cdc resnapshot followed by a reader start brings the
// destination back to equal through a new snapshot.
const BUNDLE = resolve(__dirname, '../../../../dist/cdc.cjs');
const TABLES = ['public.items'];

let fixture: PipelineFixture;
let reader: ServiceProcess;
let applier: ServiceProcess;
let metricsPort: number;

before(async () => {
  fixture = await startPipelineFixture({
    tables: ['public.*'],
    partitions: 2,
    sourceSettings: { max_slot_wal_keep_size: '96MB', max_wal_size: '256MB' },
  });
  await fixture.sourceQuery(
    `CREATE TABLE items (id serial PRIMARY KEY, v text);
     INSERT INTO items (v) SELECT 'before ' || g FROM generate_series(1, 500) g;`,
  );
  metricsPort = await findFreePort();
  fixture.start('coordinator');
  applier = fixture.start('applier');
  reader = fixture.start('reader', { env: { CDC_HTTP_ADDR: `127.0.0.1:${metricsPort}` } });
  await waitForEqualTables(fixture, TABLES);
});

after(async () => {
  if (fixture) await fixture.destroy();
});

function cdc(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BUNDLE, ...args, '--config', fixture.configFile], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function gauge(name: string): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const match = new RegExp(`^${name}\\{source="shop"\\} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

test('a slot nearing max_slot_wal_keep_size is warned about by the reader, its gauges and cdc status', async () => {
  assert.equal(await fixture.stop(applier, 'SIGTERM'), 0);
  for (let i = 0; i < 6; i += 1) {
    await fixture.sourceQuery(`INSERT INTO items (v) VALUES ('while the applier is down ${i}')`);
    await fixture.sourceQuery('SELECT pg_switch_wal()');
  }
  await waitFor('the reader to warn about the slot', async () =>
    /replication slot \\"cdc_shop\\" holds \d+ MiB of WAL, \d+% of max_slot_wal_keep_size \(96 MiB\)/.test(
      reader.log(),
    ),
  );
  assert.ok((await gauge('cdc_slot_retained_wal_ratio'))! >= 0.8);
  assert.ok((await gauge('cdc_slot_retained_wal_bytes'))! > 64 * 1_048_576);
  assert.equal(await gauge('cdc_slot_invalidated'), 0);

  const text = cdc('status');
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /slot cdc_shop: active, .* holds \d+ bytes of WAL \(\d+% of max_slot_wal_keep_size\)/);
  assert.match(text.stdout, /\n {2}WARNING: source shop: replication slot "cdc_shop" holds \d+ MiB of WAL/);
  const [status] = JSON.parse(cdc('status', '--json').stdout);
  assert.equal(status.slot.invalidated, null);
  assert.ok(status.slot.retainedBytes / status.slot.maxRetainedBytes >= 0.8);
});

test('an invalidated slot stops the reader with one line, now and at its next start; cdc resnapshot is the way on', async () => {
  await fixture.sourceQuery(`ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'`);
  await fixture.sourceQuery('SELECT pg_reload_conf()');
  await fixture.sourceQuery(`INSERT INTO items (v) VALUES ('after the limit')`);
  await fixture.sourceQuery('SELECT pg_switch_wal()');
  await fixture.sourceQuery('CHECKPOINT');

  const invalidated =
    /^error: source shop: replication slot "cdc_shop" was invalidated by the server \(wal_removed: it held more WAL than max_slot_wal_keep_size \(1\.0 MiB\)\); .* cdc resnapshot --config <file> --source shop /m;
  assert.equal(await reader.exited, 1, 'the streaming reader stops');
  assert.match(reader.log(), invalidated);
  // Started again it stops at its preflight with the same line, instead of retrying forever.
  const again = fixture.start('reader');
  assert.equal(await again.exited, 1);
  assert.match(again.log(), invalidated);
  assert.equal(again.log().match(/was invalidated/g)?.length, 1, 'one line');

  const text = cdc('status');
  assert.match(text.stdout, /slot cdc_shop: INVALIDATED \(wal_removed\)/);
  assert.match(text.stdout, /\n {2}ERROR: source shop: replication slot "cdc_shop" was invalidated/);

  // Back to a sane limit; the source changes on while nothing replicates.
  await fixture.sourceQuery(`ALTER SYSTEM RESET max_slot_wal_keep_size`);
  await fixture.sourceQuery('SELECT pg_reload_conf()');
  await fixture.sourceQuery(`UPDATE items SET v = 'changed while invalidated' WHERE id % 10 = 0`);
  await fixture.sourceQuery(`INSERT INTO items (v) SELECT 'after ' || g FROM generate_series(1, 100) g`);

  const resnapshot = cdc('resnapshot', '--source', 'shop');
  assert.equal(resnapshot.status, 0, resnapshot.stderr);
  assert.match(
    resnapshot.stdout,
    /^source shop: dropped invalidated \(wal_removed\) slot "cdc_shop"; the reader's next start takes a new initial snapshot/,
  );
  applier = fixture.start('applier');
  reader = fixture.start('reader');
  await waitForEqualTables(fixture, TABLES);

  // The new slot is usable: dropping it takes --force, and never while the reader streams.
  const refused = cdc('resnapshot', '--source', 'shop');
  assert.equal(refused.status, 1);
  assert.match(
    refused.stderr,
    /^error: source shop: slot "cdc_shop" is in use by server process \d+: stop the reader first/,
  );
  assert.equal(await fixture.stop(reader, 'SIGTERM'), 0);
  const usable = cdc('resnapshot', '--source', 'shop');
  assert.equal(usable.status, 1);
  assert.match(usable.stderr, /slot "cdc_shop" is usable .* add --force/);
});
