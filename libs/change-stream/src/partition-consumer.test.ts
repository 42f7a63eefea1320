import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { encodeBatch, partitionSubject, type ChangeOp, type TableSchema } from '@cdc/change-envelope';
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

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

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

const narrow: TableSchema = {
  schema: 'public',
  table: 'narrow',
  hasKey: true,
  columns: [
    { name: 'id', type: 'int8', key: true, nullable: false, typeOid: 20, elementTypeOid: 0 },
    { name: 'v', type: 'text', key: false, nullable: true, typeOid: 25, elementTypeOid: 0 },
  ],
};

function row(i: number, value = `v${i}`): ChangeOp {
  return {
    kind: i % 3 === 0 ? 'update' : 'insert',
    table: narrow,
    key: [{ kind: 'integer', value: String(i) }],
    after: [
      { kind: 'integer', value: String(i) },
      { kind: 'text', value },
    ],
    position: { commit: BigInt(1000 + i), index: 0 },
    commitTimeUs: 1_700_000_000_000_000 + i,
  };
}

/** Publishes each partition's ops as messages of 10 ops straight to its subject. */
async function publishTo(source: string, partitions: number, ops: (partition: number) => ChangeOp[]): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await ensureSourceStream(jsm, { source, partitions, destinations: ['d'] });
  const js = jetstream(nc);
  for (let partition = 0; partition < partitions; partition += 1) {
    const all = ops(partition);
    for (let at = 0; at < all.length; at += 10) {
      await js.publish(
        partitionSubject(source, partition),
        encodeBatch({ source, partition, ops: all.slice(at, at + 10) }),
      );
    }
  }
}

test('a message far larger than a batch flows whole, in one batch', async () => {
  const payload = 'p'.repeat(200_000); // one message of ~600 kB: far more than one small batch
  await publishTo('large', 1, () => [row(1, payload), row(2, payload), row(3, payload)]);
  const consumer = await PartitionConsumer.open(jetstream(nc), await jetstreamManager(nc), 'large', 'd', 0);
  const big = await consumer.nextBatch({ maxOps: 2, maxWaitMs: 50 }, new AbortController().signal);
  assert.ok(big);
  assert.equal(big.ops.length, 3, 'a message is never split, whatever the batch bound');
  assert.equal(big.backlog, true, 'ended at max_ops: a backlog');
  assert.equal(big.ops[0].after?.[1].kind === 'text' && big.ops[0].after[1].value.length, 200_000);
  await big.ack();
  await consumer.close();
});

test('ops are decoded when first read and again after release once collected, equal each time; the counts come from the arrival check', async () => {
  const ops = Array.from({ length: 40 }, (_, i) => row(i + 1));
  await publishTo('release', 1, () => ops);
  const consumer = await PartitionConsumer.open(jetstream(nc), await jetstreamManager(nc), 'release', 'd', 0);
  const batch = await consumer.nextBatch({ maxOps: 1000, maxWaitMs: 200 }, new AbortController().signal);
  assert.ok(batch);
  // In a function of its own, so that no variable of the test keeps the first decoding alive.
  const first = ((): WeakRef<ChangeOp[]> => {
    const decoded = batch.ops;
    assert.equal(decoded.length, 40);
    assert.equal(batch.messages, 4);
    assert.deepEqual(batch.opStats, {
      count: 40,
      lastCommitTimeUs: ops[39].commitTimeUs,
      byTable: [
        { table: 'public.narrow', kind: 'insert', count: 27 },
        { table: 'public.narrow', kind: 'update', count: 13 },
      ],
      barriers: [],
    });
    assert.deepEqual(decoded, ops);
    assert.equal(batch.ops, decoded, 'decoded once, held until released');
    batch.releaseOps?.();
    assert.equal(batch.ops, decoded, 'still referenced: the same array');
    return new WeakRef(decoded);
  })();
  // Nothing holds the first decoding any more: once collected, reading ops decodes again.
  await new Promise((resolve) => setTimeout(resolve, 10));
  collectGarbage();
  assert.equal(first.deref(), undefined, 'released ops must be collectable');
  assert.deepEqual(batch.ops, ops);
  await batch.ack();
  await consumer.close();
});

test('a batch held open grows past max_wait_ms until released; one not held ends at max_wait_ms', async () => {
  await publishTo('held', 1, () => []);
  const js = jetstream(nc);
  const consumer = await PartitionConsumer.open(js, await jetstreamManager(nc), 'held', 'd', 0);
  const trickle = async (from: number) => {
    // A message every 40 ms: more than max_wait_ms (20) apart.
    for (let i = from; i < from + 5; i += 1) {
      await js.publish(partitionSubject('held', 0), encodeBatch({ source: 'held', partition: 0, ops: [row(i)] }));
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  };
  const limits = { maxOps: 1000, maxWaitMs: 20, maxIdleMs: 10 };
  let release!: () => void;
  const holdOpen = new Promise<void>((resolve) => (release = resolve));
  const writing = trickle(1);
  const batch = consumer.nextBatch(limits, new AbortController().signal, holdOpen);
  await writing;
  release();
  const held = await batch;
  assert.ok(held);
  assert.equal(held.ops.length, 5, 'every message that came while held');
  await held.ack();

  const writingMore = trickle(6);
  const plain = await consumer.nextBatch(limits, new AbortController().signal);
  assert.ok(plain);
  assert.equal(plain.ops.length, 1, 'not held: it ends before the next message');
  assert.equal(plain.backlog, false, 'ended after max_idle_ms without a message: no backlog');
  await plain.ack();
  await writingMore;
  await consumer.close();
});

test('messages delivered to a connection that went away are read from the stream after a quiet while, not after ack_wait', async () => {
  const jsm = await jetstreamManager(nc);
  await ensureSourceStream(jsm, { source: 'lost', partitions: 1, destinations: ['d'] });
  // Another connection's pull waits first, so the server delivers the messages to it; it goes
  // away without acking them, like a client whose NATS server was killed with them on the way.
  const other = await connect({ servers: nats.url });
  const otherConsumer = await jetstream(other).consumers.get('CDC_lost', 'd_p0');
  const fetched = await otherConsumer.fetch({ max_messages: 3, expires: 10_000 });
  const consumer = await PartitionConsumer.open(jetstream(nc), jsm, 'lost', 'd', 0);
  await publishTo('lost', 1, () => Array.from({ length: 30 }, (_, i) => row(i + 1)));
  let taken = 0;
  for await (const message of fetched) {
    assert.equal(message.redelivered, false);
    taken += 1;
    if (taken === 3) break;
  }
  await other.close();
  assert.equal((await jsm.consumers.info('CDC_lost', 'd_p0')).num_ack_pending, 3, 'delivered, never acked');

  const started = Date.now();
  const batch = await consumer.nextBatch({ maxOps: 1000, maxWaitMs: 50 }, AbortSignal.timeout(60_000));
  assert.ok(batch, 'a batch came before the 60 s limit (ack_wait is 120 s)');
  assert.deepEqual(
    batch.ops.map((op) => Number(op.position.commit) - 1000),
    Array.from({ length: 30 }, (_, i) => i + 1),
    'every op of the three lost messages, in order',
  );
  assert.equal(batch.messages, 3);
  assert.equal(batch.redelivered, false);
  assert.ok(Date.now() - started < 60_000);
  await consumer.close();
});
