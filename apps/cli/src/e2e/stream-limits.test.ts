import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import {
  startPipelineFixture,
  waitFor,
  waitForEqualTables,
  type PipelineFixture,
  type ServiceProcess,
} from './pipeline-fixture';

// nats.max_bytes: a stream full of unapplied changes makes the reader stop reading its source
// (the slot keeps the WAL, status updates go on), and says so in its log and in cdc status;
// nothing is dropped, and once an applier drains the stream the reader goes on by itself.
const BUNDLE = resolve(__dirname, '../../../../dist/cdc.cjs');
const MAX_BYTES = 150_000;
let fixture: PipelineFixture;
let reader: ServiceProcess;

before(async () => {
  fixture = await startPipelineFixture({
    tables: ['public.*'],
    partitions: 2,
    natsExtra: `  max_bytes: ${MAX_BYTES}`,
    sourceExtra: '      max_bytes: 16000',
  });
  await fixture.sourceQuery('CREATE TABLE items (id int PRIMARY KEY, payload text)');
  fixture.start('coordinator');
  reader = fixture.start('reader');
});

after(async () => {
  if (fixture) await fixture.destroy();
});

function status(): {
  readerPaused: { reason: string } | null;
  streamUsage: { bytes: number; maxBytes: number } | null;
} {
  const run = spawnSync(process.execPath, [BUNDLE, 'status', '--config', fixture.configFile, '--json'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout)[0];
}

async function confirmedFlush(): Promise<string> {
  const [slot] = await fixture.sourceQuery(
    `SELECT confirmed_flush_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = 'cdc_shop'`,
  );
  return String(slot?.lsn ?? '');
}

test('a full stream pauses the reader without losing anything; an applier drains it and the reader resumes', async () => {
  await waitFor('the reader to stream', async () => reader.log().includes('streaming changes'), 30_000);
  const flushBefore = await confirmedFlush();
  // ~600 kB of rows into a 150 kB stream with no applier: it fills up.
  await fixture.sourceQuery(`INSERT INTO items SELECT g, repeat(md5(g::text), 16) FROM generate_series(1, 1200) g`);
  await waitFor(
    'the reader to say the stream is full',
    async () => /stream CDC_shop is full \(max_bytes 150000 reached\): reading the source paused/.test(reader.log()),
    30_000,
  );
  const paused = status();
  assert.equal(paused.readerPaused?.reason, 'max_bytes', 'cdc status shows the pause');
  assert.ok(paused.streamUsage && paused.streamUsage.bytes <= MAX_BYTES && paused.streamUsage.maxBytes === MAX_BYTES);
  // Nothing is applied, so the slot confirms nothing new: the source keeps every change.
  assert.equal(await confirmedFlush(), flushBefore);
  const [pending] = await fixture.sourceQuery(
    `SELECT (pg_current_wal_lsn() - confirmed_flush_lsn)::int8 AS lag FROM pg_replication_slots WHERE slot_name = 'cdc_shop'`,
  );
  assert.ok(Number(pending.lag) > MAX_BYTES, `the slot holds ${pending.lag} bytes of WAL`);

  fixture.start('applier');
  await waitForEqualTables(fixture, ['public.items'], 60_000);
  await waitFor(
    'the reader to resume',
    async () => /stream CDC_shop has room again: reading the source resumed/.test(reader.log()),
    30_000,
  );
  assert.equal(status().readerPaused, null, 'cdc status no longer shows a pause');
  const [count] = await fixture.destinationQuery('SELECT count(*)::int AS n FROM items');
  assert.equal(count.n, 1200);
  assert.equal(reader.child.exitCode, null, 'the reader kept running');
});
