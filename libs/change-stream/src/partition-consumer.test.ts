import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import { startNats, type NatsServer } from '@cdc/testenv';
import { PartitionConsumer } from './partition-consumer';
import { ChangePublisher } from './publisher';
import { ensureSourceStream } from './stream-setup';

const log = pino({ level: 'silent' });
let nats: NatsServer;
let nc: NatsConnection;

before(async () => {
  nats = await startNats({ name: 'consumer-test' });
  nc = await connect({ servers: nats.url });
});

after(async () => {
  await nc?.close();
  await nats?.destroy();
});

const table: TableSchema = { schema: 'public', table: 'big', hasKey: true, columns: [] };

test('messages close to the payload limit flow through a partition consumer', async () => {
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await ensureSourceStream(jsm, { source: 'large', partitions: 1, destinations: ['d'] });
  const publisher = new ChangePublisher({
    js,
    source: 'large',
    partitions: 1,
    log,
    maxOps: 1000,
    maxBytes: 786_000,
    maxDelayMs: 1,
    maxBufferedOps: 1e6,
  });
  const payload = 'x'.repeat(19_500);
  const total = 400; // ~8 MB in messages of ~10 ops (~600 kB) each
  for (let i = 1; i <= total; i += 1) {
    const op: ChangeOp = {
      kind: 'insert',
      table,
      key: [],
      after: [{ kind: 'text', value: payload }],
      position: { commit: BigInt(i), index: 0 },
      commitTimeUs: 0,
    };
    publisher.add(op);
  }
  await publisher.flush();
  publisher.close();

  const consumer = await PartitionConsumer.open(js, jsm, 'large', 'd', 0);
  const signal = new AbortController().signal;
  let received = 0;
  const deadline = Date.now() + 20_000;
  while (received < total && Date.now() < deadline) {
    const batch = await consumer.nextBatch({ maxOps: 25, maxWaitMs: 20 }, signal);
    if (!batch) continue;
    received += batch.ops.length;
    await batch.ack();
  }
  await consumer.close();
  assert.equal(received, total);
});
