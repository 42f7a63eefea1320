import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager, RetentionPolicy, type JetStreamManager } from '@nats-io/jetstream';
import {
  HEADER_KIND,
  decodeBatch,
  decodeWatermark,
  partitionOf,
  streamName,
  type ChangeOp,
  type TableSchema,
} from '@cdc/change-envelope';
import { startNats, type NatsServer } from '@cdc/testenv';
import { ChangePublisher } from './publisher';
import { ensureSourceStream, PartitionCountMismatchError } from './stream-setup';

const log = pino({ level: 'silent' });
let nats: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;

before(async () => {
  nats = await startNats({ name: 'publisher-test' });
  nc = await connect({ servers: nats.url });
  jsm = await jetstreamManager(nc);
});

after(async () => {
  await nc?.close();
  await nats?.destroy();
});

const tables: TableSchema[] = Array.from({ length: 6 }, (_, i) => ({
  schema: 'public',
  table: `t${i}`,
  hasKey: true,
  columns: [],
}));
const op = (table: TableSchema, commit: number, text = ''): ChangeOp => ({
  kind: 'insert',
  table,
  key: [],
  after: text ? [{ kind: 'text', value: text }] : [],
  position: { commit: BigInt(commit), index: 0 },
  commitTimeUs: 0,
});

interface Stored {
  kind: string;
  ops: ChangeOp[];
  watermarkSeq?: number;
}

/** Every message of one partition, in stream order. */
async function readPartition(source: string, partition: number): Promise<Stored[]> {
  const stored: Stored[] = [];
  let seq = 1;
  for (;;) {
    const message = await jsm.direct.getMessage(streamName(source), {
      seq,
      next_by_subj: `cdc.${source}.${partition}`,
    });
    if (!message) return stored;
    const kind = message.header?.get(HEADER_KIND) ?? '';
    if (kind === 'watermark') stored.push({ kind, ops: [], watermarkSeq: decodeWatermark(message.data).seq });
    else stored.push({ kind, ops: [...decodeBatch(message.data).ops] });
    seq = message.seq + 1;
  }
}

test('the stream is created with interest retention, direct get, the partition count and every consumer', async () => {
  await ensureSourceStream(jsm, { source: 'setup', partitions: 3, destinations: ['x', 'y'] });
  const info = await jsm.streams.info('CDC_setup');
  assert.equal(info.config.retention, RetentionPolicy.Interest);
  assert.equal(info.config.allow_direct, true);
  assert.equal(info.config.metadata?.cdc_partitions, '3');
  const consumers: string[] = [];
  for await (const consumer of jsm.consumers.list('CDC_setup')) consumers.push(consumer.name);
  assert.deepEqual(consumers.sort(), ['x_p0', 'x_p1', 'x_p2', 'y_p0', 'y_p1', 'y_p2']);
  await assert.rejects(
    ensureSourceStream(jsm, { source: 'setup', partitions: 4, destinations: ['x'] }),
    (error: Error) =>
      error instanceof PartitionCountMismatchError && /3 partitions but the config says 4/.test(error.message),
  );
});

test("ops land on their table's partition in order, bounded by maxOps, with watermarks behind them", async () => {
  const partitions = 4;
  await ensureSourceStream(jsm, { source: 'order', partitions, destinations: ['d'] });
  const publisher = new ChangePublisher({
    js: jetstream(nc),
    source: 'order',
    partitions,
    log,
    maxOps: 7,
    maxBytes: 1e6,
    maxDelayMs: 5,
    maxBufferedOps: 1e6,
  });
  for (let i = 1; i <= 300; i += 1) publisher.add(op(tables[i % tables.length], i));
  publisher.addWatermark({ source: 'order', seq: 1, position: { commit: 300n, index: 0 }, timeUs: 0 });
  for (let i = 301; i <= 320; i += 1) publisher.add(op(tables[i % tables.length], i));
  await publisher.flush();
  publisher.close();

  for (let partition = 0; partition < partitions; partition += 1) {
    const messages = await readPartition('order', partition);
    const ops = messages.flatMap((m) => m.ops);
    for (const o of ops) assert.equal(partitionOf(o.table.schema, o.table.table, partitions), partition);
    const commits = ops.map((o) => Number(o.position.commit));
    assert.deepEqual(
      commits,
      [...commits].sort((a, b) => a - b),
      `partition ${partition} in order`,
    );
    for (const message of messages) assert.ok(message.ops.length <= 7, 'maxOps respected');
    const watermarkAt = messages.findIndex((m) => m.kind === 'watermark');
    assert.ok(watermarkAt >= 0, `partition ${partition} got the watermark`);
    const before = messages.slice(0, watermarkAt).flatMap((m) => m.ops);
    const expected = Array.from({ length: 300 }, (_, i) => i + 1).filter(
      (i) => partitionOf('public', `t${i % tables.length}`, partitions) === partition,
    );
    assert.deepEqual(
      before.map((o) => Number(o.position.commit)),
      expected,
      'every op up to the watermark position is stored before the watermark',
    );
  }
});

test('an op larger than maxBytes goes out alone; re-publishing the same ops stores nothing new', async () => {
  await ensureSourceStream(jsm, { source: 'dedupe', partitions: 1, destinations: ['d'] });
  const publish = async () => {
    const publisher = new ChangePublisher({
      js: jetstream(nc),
      source: 'dedupe',
      partitions: 1,
      log,
      maxOps: 100,
      maxBytes: 2_000,
      maxDelayMs: 1_000,
      maxBufferedOps: 1e6,
    });
    publisher.add(op(tables[0], 1, 'small'));
    publisher.add(op(tables[0], 2, 'x'.repeat(5_000)));
    publisher.add(op(tables[0], 3, 'small'));
    await publisher.flush();
    publisher.close();
    return publisher.stats;
  };
  const first = await publish();
  const messages = await readPartition('dedupe', 0);
  assert.deepEqual(
    messages.map((m) => m.ops.map((o) => Number(o.position.commit))),
    [[1], [2], [3]],
  );
  const second = await publish();
  assert.equal(first.duplicates, 0);
  assert.equal(second.duplicates, 3, 'same chunks, same ids: JetStream drops them');
  assert.equal((await readPartition('dedupe', 0)).length, 3);
});

test('waitForCapacity holds the reader back until the buffer drains', async () => {
  await ensureSourceStream(jsm, { source: 'capacity', partitions: 1, destinations: ['d'] });
  const publisher = new ChangePublisher({
    js: jetstream(nc),
    source: 'capacity',
    partitions: 1,
    log,
    maxOps: 10,
    maxBytes: 1e6,
    maxDelayMs: 10_000,
    maxBufferedOps: 50,
  });
  for (let i = 1; i <= 60; i += 1) publisher.add(op(tables[0], i));
  assert.ok(publisher.bufferedOps >= 50);
  let resolved = false;
  const waiting = publisher.waitForCapacity().then(() => (resolved = true));
  await publisher.flush();
  await waiting;
  assert.equal(resolved, true);
  assert.equal(publisher.bufferedOps, 0);
  publisher.close();
});
