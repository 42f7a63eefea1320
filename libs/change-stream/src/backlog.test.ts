import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import { startNats, type NatsServer } from '@cdc/testenv';
import { readPartitionBacklog } from './backlog';
import { PartitionConsumer } from './partition-consumer';
import { ChangePublisher } from './publisher';
import { ensureSourceStream } from './stream-setup';

const log = pino({ level: 'silent' });
let nats: NatsServer;
let nc: NatsConnection;

before(async () => {
  nats = await startNats({ name: 'backlog-test' });
  nc = await connect({ servers: nats.url });
});

after(async () => {
  await nc?.close();
  await nats?.destroy();
});

const table: TableSchema = { schema: 'public', table: 'orders', hasKey: true, columns: [] };
const T0_MS = Date.UTC(2026, 0, 1, 12, 0, 0);

function op(i: number): ChangeOp {
  return {
    kind: 'insert',
    table,
    key: [{ kind: 'integer', value: String(i) }],
    after: [{ kind: 'integer', value: String(i) }],
    position: { commit: BigInt(i), index: 0 },
    // one second apart, so which message is "oldest unapplied" shows in the time
    commitTimeUs: (T0_MS + i * 1000) * 1000,
  };
}

test('backlog: pending, unacked and the commit time of the oldest unapplied op follow the acks', async () => {
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await ensureSourceStream(jsm, { source: 'lagging', partitions: 1, destinations: ['d'] });
  assert.equal(await readPartitionBacklog(jsm, 'lagging', 'other', 0), null, 'no consumer: unknown, not zero');

  const consumer = await PartitionConsumer.open(js, jsm, 'lagging', 'd', 0);
  const empty = await readPartitionBacklog(jsm, 'lagging', 'd', 0);
  assert.deepEqual(empty, { pendingMessages: 0, unackedMessages: 0, oldestUnappliedCommitMs: null });

  // A watermark first: it carries no commit time, the data message behind it does.
  const publisher = new ChangePublisher({
    js,
    source: 'lagging',
    partitions: 1,
    log,
    maxOps: 1, // one op per message
    maxBytes: 1e6,
    maxDelayMs: 1,
    maxBufferedOps: 1e6,
  });
  publisher.addWatermark({ source: 'lagging', seq: 1, position: { commit: 0n, index: 0 }, timeUs: T0_MS * 1000 });
  for (let i = 1; i <= 5; i += 1) publisher.add(op(i));
  await publisher.flush();
  publisher.close();

  const backlog = await readPartitionBacklog(jsm, 'lagging', 'd', 0);
  assert.ok(backlog);
  assert.equal(backlog.pendingMessages + backlog.unackedMessages, 6);
  assert.equal(backlog.oldestUnappliedCommitMs, T0_MS + 1000, 'first data message behind the watermark');

  // Apply (ack) the watermark and the first two data messages.
  const signal = new AbortController().signal;
  let acked = 0;
  while (acked < 2) {
    const batch = await consumer.nextBatch({ maxOps: 2 - acked, maxWaitMs: 50 }, signal);
    if (!batch) continue;
    acked += batch.ops.length;
    await batch.ack();
  }
  // The consumer prefetches: the rest may be delivered (unacked) or pending, but not applied.
  const later = await readPartitionBacklog(jsm, 'lagging', 'd', 0);
  assert.ok(later);
  assert.equal(later.pendingMessages + later.unackedMessages, 3);
  assert.equal(later.oldestUnappliedCommitMs, T0_MS + 3000);

  while (acked < 5) {
    const batch = await consumer.nextBatch({ maxOps: 10, maxWaitMs: 50 }, signal);
    if (!batch) continue;
    acked += batch.ops.length;
    await batch.ack();
  }
  await consumer.close();
  const drained = await readPartitionBacklog(jsm, 'lagging', 'd', 0);
  assert.deepEqual(drained, { pendingMessages: 0, unackedMessages: 0, oldestUnappliedCommitMs: null });
});
