import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ChangePublisher, PartitionConsumer, ensureSourceStream } from '@cdc/change-stream';
import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import { startNats, type NatsServer } from '@cdc/testenv';
import { filterAfterCheckpoint } from './checkpoint-filter';
import { Semaphore, runPartitionApplier } from './partition-applier';
import type { ApplyResult, Checkpoint, Sink, SinkBatch } from './sink';

const log = pino({ level: 'silent' });
const table: TableSchema = { schema: 'public', table: 't', hasKey: true, columns: [] };
let nats: NatsServer;
let nc: NatsConnection;

before(async () => {
  nats = await startNats({ name: 'apply-test' });
  nc = await connect({ servers: nats.url });
});

after(async () => {
  await nc?.close();
  await nats?.destroy();
});

/** A destination that records what it applied, with a checkpoint like a real sink. */
class RecordingSink implements Sink {
  applied: number[] = [];
  checkpoint: Checkpoint | undefined;
  async readCheckpoint(): Promise<Checkpoint | undefined> {
    return this.checkpoint;
  }
  async applyBatch(batch: SinkBatch): Promise<ApplyResult> {
    const { pending, lanes } = filterAfterCheckpoint(batch.ops, this.checkpoint);
    for (const op of pending) this.applied.push(Number(op.position.commit));
    if (pending.length > 0) this.checkpoint = { streamSeq: batch.lastStreamSeq, lanes };
    return { applied: pending.length, skipped: batch.ops.length - pending.length, checkpoint: this.checkpoint };
  }
  async close(): Promise<void> {}
}

/** A source of one partition with destination d, and a publisher into it (10 ops per message). */
async function onePartitionSource(source: string): Promise<ChangePublisher> {
  await ensureSourceStream(await jetstreamManager(nc), { source, partitions: 1, destinations: ['d'] });
  return new ChangePublisher({
    js: jetstream(nc),
    source,
    partitions: 1,
    log,
    maxOps: 10,
    maxBytes: 1e6,
    maxDelayMs: 1,
    maxBufferedOps: 1e6,
  });
}

const op = (commit: number): ChangeOp => ({
  kind: 'insert',
  table,
  key: [],
  position: { commit: BigInt(commit), index: 0 },
  commitTimeUs: 0,
});

test("an applier that replaces a dead one applies the dead one's unacked messages first, in order", async () => {
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const publisher = await onePartitionSource('gap');
  for (let i = 1; i <= 200; i += 1) publisher.add(op(i));
  await publisher.flush();

  // Instance A pulls messages into its buffer, applies and acks only its first batch, then dies.
  const sink = new RecordingSink();
  const first = await PartitionConsumer.open(js, jsm, 'gap', 'd', 0);
  const batchA = await first.nextBatch({ maxOps: 30, maxWaitMs: 50 }, new AbortController().signal);
  assert.ok(batchA);
  await sink.applyBatch({ source: 'gap', partition: 0, ops: batchA.ops, lastStreamSeq: batchA.lastStreamSeq });
  await batchA.ack();
  await first.close(); // the rest of A's buffer stays delivered-but-unacked until ack_wait

  for (let i = 201; i <= 260; i += 1) publisher.add(op(i));
  await publisher.flush();
  publisher.close();

  // Instance B: the consumer hands it the NEW messages first.
  const controller = new AbortController();
  const second = await PartitionConsumer.open(js, jsm, 'gap', 'd', 0);
  const running = runPartitionApplier({
    source: 'gap',
    destination: 'd',
    partition: 0,
    batches: second,
    sink,
    recordProgress: async () => undefined,
    limits: { maxOps: 1000, maxWaitMs: 50 },
    slots: new Semaphore(1),
    signal: controller.signal,
    log,
  });
  const deadline = Date.now() + 10_000;
  while (sink.applied.length < 260 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  controller.abort();
  await running;
  await second.close();
  assert.deepEqual(
    sink.applied,
    Array.from({ length: 260 }, (_, i) => i + 1),
    'every op once, in source order',
  );
});

test('a watermark whose progress cannot be recorded at first is recorded once the store answers again', async () => {
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const publisher = await onePartitionSource('quiet');
  for (let i = 1; i <= 5; i += 1) publisher.add(op(i));
  // The last watermark before the source goes quiet: no later one would record progress.
  publisher.addWatermark({ source: 'quiet', seq: 7, position: { commit: 5n, index: 0 }, timeUs: 0 });
  await publisher.flush();
  publisher.close();

  const recorded: number[] = [];
  let failures = 0;
  const controller = new AbortController();
  const consumer = await PartitionConsumer.open(js, jsm, 'quiet', 'd', 0);
  const running = runPartitionApplier({
    source: 'quiet',
    destination: 'd',
    partition: 0,
    batches: consumer,
    sink: new RecordingSink(),
    recordProgress: async (entry) => {
      // What a KV put does while nats-server restarts.
      if (failures < 2) {
        failures += 1;
        throw new Error('TIMEOUT');
      }
      recorded.push(entry.seq);
    },
    limits: { maxOps: 1000, maxWaitMs: 20 },
    slots: new Semaphore(1),
    signal: controller.signal,
    log,
  });
  const deadline = Date.now() + 10_000;
  while (recorded.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  controller.abort();
  await running;
  await consumer.close();
  assert.equal(failures, 2);
  assert.deepEqual(recorded, [7], 'the watermark was recorded after two failed tries');
});
