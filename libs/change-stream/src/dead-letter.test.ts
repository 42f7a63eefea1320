import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { DiscardPolicy, RetentionPolicy, StorageType, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import { startNats, type NatsServer } from '@cdc/testenv';
import { DEAD_LETTER_STREAM, ensureDeadLetterStream, listDeadLetters, publishDeadLetter } from './dead-letter';

let nats: NatsServer;
let nc: NatsConnection;

before(async () => {
  nats = await startNats({ name: 'dead-letter-test' });
  nc = await connect({ servers: nats.url });
});

after(async () => {
  await nc?.close();
  await nats?.destroy();
});

const table: TableSchema = { schema: 'public', table: 'orders', hasKey: true, columns: [] };
const op = (index: number): ChangeOp => ({
  kind: 'insert',
  table,
  key: [{ kind: 'integer', value: String(index) }],
  after: [{ kind: 'integer', value: String(index) }],
  position: { commit: 77n, index },
  commitTimeUs: 0,
});
const record = { destination: 'replica', source: 'shop', partition: 3, streamSeq: 12, error: 'bad', code: '23502' };

test('an op dead-lettered again after the duplicate window is stored once (a replay would apply two copies)', async () => {
  const jsm = await jetstreamManager(nc);
  // The stream as ensureDeadLetterStream makes it, but with a 1 s duplicate window, so the
  // second store comes after the window as it does for an applier restarted minutes later.
  await jsm.streams.add({
    name: DEAD_LETTER_STREAM,
    subjects: ['cdc.dlq.*.*'],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.New,
    duplicate_window: 1_000_000_000,
    allow_direct: true,
  });
  await ensureDeadLetterStream(jsm); // keeps the stream, widening its subjects to the per-op form
  assert.deepEqual((await jsm.streams.info(DEAD_LETTER_STREAM)).config.subjects, ['cdc.dlq.>']);
  const js = jetstream(nc);
  const first = await publishDeadLetter(js, record, op(1));
  await new Promise((r) => setTimeout(r, 1_500));
  const again = await publishDeadLetter(js, record, op(1));
  assert.equal(again, first, 'the stored entry is reused');
  const other = await publishDeadLetter(js, record, op(2));
  assert.notEqual(other, first, 'another op of the partition is its own entry');
  const entries = await listDeadLetters(jsm, 'replica');
  assert.deepEqual(
    entries.map((entry) => entry.position),
    ['77:1', '77:2'],
  );
});
