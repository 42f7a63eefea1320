import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { PartitionConsumer, type ChangePublisher } from '@cdc/change-stream';
import { openTestSource } from '@cdc/change-stream/testing';
import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import { startNats, type NatsServer } from '@cdc/testenv';
import { filterAfterCheckpoint } from './checkpoint-filter';
import { runPartitionApplier } from './partition-applier';
import type { BatchSource } from './partition-contract';
import { ReceiveAheadPermits, Semaphore } from './permits';
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
  return openTestSource(nc, { source, partitions: 1, destinations: ['d'], log, maxOps: 10 });
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

test('messages delivered elsewhere while this applier runs are applied before the later messages it receives, and never acked away', async () => {
  // A second owner for a moment (a lease moving while NATS was away), or messages on the way
  // when a server went down: the consumer delivered them, this instance never saw them, and new
  // ones keep coming, so the quiet-time check never runs. Without reading them from the stream
  // first, the next batch would move the checkpoint past them and its ack (AckPolicy.All)
  // would acknowledge them for good.
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const publisher = await onePartitionSource('stolen');
  // The destination holds the batch with op 21 until the other client has taken its messages,
  // so this applier's consumer stops pulling (its prefetch is full) while they are delivered.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const sink = new (class extends RecordingSink {
    override async applyBatch(batch: SinkBatch): Promise<ApplyResult> {
      if (batch.ops.some((o) => o.position.commit === 21n)) await released;
      return super.applyBatch(batch);
    }
  })();
  const controller = new AbortController();
  const consumer = await PartitionConsumer.open(js, jsm, 'stolen', 'd', 0);
  const running = runPartitionApplier({
    source: 'stolen',
    destination: 'd',
    partition: 0,
    batches: consumer,
    sink,
    recordProgress: async () => undefined,
    limits: { maxOps: 10, maxWaitMs: 20 },
    slots: new Semaphore(1),
    signal: controller.signal,
    log,
  });
  try {
    for (let i = 1; i <= 120; i += 1) publisher.add(op(i));
    await publisher.flush();
    const other = await connect({ servers: nats.url });
    const fetched = await (
      await jetstream(other).consumers.get('CDC_stolen', 'd_p0')
    ).fetch({
      max_messages: 3,
      expires: 2_000,
    });
    // Taken, never acked: they stay delivered-but-unacked until ack_wait (120 s).
    let stolen = 0;
    for await (const message of fetched) {
      assert.ok(message.seq > 3, `message ${message.seq} was taken after this applier's`);
      stolen += 1;
    }
    await other.close();
    assert.equal(stolen, 3, 'the other client took three messages');
    release();
    const deadline = Date.now() + 20_000; // well before ack_wait would redeliver them
    while (sink.applied.length < 120 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(
      sink.applied,
      Array.from({ length: 120 }, (_, i) => i + 1),
      'every op once, in source order',
    );
  } finally {
    release();
    controller.abort();
    await running;
    await consumer.close();
    publisher.close();
  }
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

/** The consumer, recording when batches were received and whether a receive is still running. */
function recordingSource(consumer: PartitionConsumer, events: string[]): BatchSource & { receiving: number } {
  const source = {
    receiving: 0,
    nextBatch: async (
      limits: Parameters<BatchSource['nextBatch']>[0],
      signal: AbortSignal,
      holdOpen?: Promise<unknown>,
    ) => {
      source.receiving += 1;
      try {
        const batch = await consumer.nextBatch(limits, signal, holdOpen);
        if (batch) events.push(`received ${Number(batch.ops[0]?.position.commit)}`);
        return batch;
      } finally {
        source.receiving -= 1;
      }
    },
    readStored: consumer.readStored.bind(consumer),
    deliveryState: consumer.deliveryState.bind(consumer),
    close: () => consumer.close(),
  };
  return source;
}

test('with a receive-ahead permit the next batch is received while one applies; order and permits kept', async () => {
  const publisher = await onePartitionSource('ahead');
  for (let i = 1; i <= 300; i += 1) publisher.add(op(i));
  await publisher.flush();
  publisher.close();
  const events: string[] = [];
  const sink = new RecordingSink();
  const slow: Sink = {
    readCheckpoint: () => sink.readCheckpoint(),
    applyBatch: async (batch) => {
      const first = Number(batch.ops[0].position.commit);
      events.push(`apply ${first}`);
      await new Promise((resolve) => setTimeout(resolve, 30));
      events.push(`applied ${first}`);
      return sink.applyBatch(batch);
    },
    close: async () => undefined,
  };
  const permits = new ReceiveAheadPermits(1);
  const controller = new AbortController();
  const source = recordingSource(
    await PartitionConsumer.open(jetstream(nc), await jetstreamManager(nc), 'ahead', 'd', 0),
    events,
  );
  const running = runPartitionApplier({
    source: 'ahead',
    destination: 'd',
    partition: 0,
    batches: source,
    sink: slow,
    recordProgress: async () => undefined,
    limits: { maxOps: 50, maxWaitMs: 20 },
    slots: new Semaphore(1),
    receiveAhead: permits,
    signal: controller.signal,
    log,
  });
  const deadline = Date.now() + 10_000;
  while (sink.applied.length < 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  controller.abort();
  await running;
  await source.close();
  assert.deepEqual(
    sink.applied,
    Array.from({ length: 300 }, (_, i) => i + 1),
    'every op once, in order',
  );
  const overlapped = events.some(
    (event, i) => event.startsWith('received') && events[i - 1]?.startsWith('apply ') && i + 1 < events.length,
  );
  assert.ok(overlapped, `a batch was received while one was applied: ${events.join(', ')}`);
  assert.equal(source.receiving, 0, 'no receive outlives the run');
  assert.ok(permits.tryTake(), 'the permit was given back');
});

test('a partition that stops does not apply the batch it received ahead, and leaves no receive running', async () => {
  const publisher = await onePartitionSource('ahead-stop');
  for (let i = 1; i <= 100; i += 1) publisher.add(op(i));
  await publisher.flush();
  publisher.close();
  const sink = new RecordingSink();
  let calls = 0;
  let firstBatch: readonly unknown[] = [];
  const failing: Sink = {
    readCheckpoint: () => sink.readCheckpoint(),
    applyBatch: async (batch) => {
      calls += 1;
      if (calls === 1) firstBatch = batch.ops;
      await new Promise((resolve) => setTimeout(resolve, 30));
      if (calls === 2) throw Object.assign(new Error('rejected'), { code: '22P02' });
      return sink.applyBatch(batch);
    },
    close: async () => undefined,
  };
  const permits = new ReceiveAheadPermits(1);
  const source = recordingSource(
    await PartitionConsumer.open(jetstream(nc), await jetstreamManager(nc), 'ahead-stop', 'd', 0),
    [],
  );
  await assert.rejects(
    runPartitionApplier({
      source: 'ahead-stop',
      destination: 'd',
      partition: 0,
      batches: source,
      sink: failing,
      recordProgress: async () => undefined,
      limits: { maxOps: 20, maxWaitMs: 20 },
      slots: new Semaphore(1),
      receiveAhead: permits,
      signal: new AbortController().signal,
      log,
    }),
    /stopped/,
  );
  await source.close();
  assert.equal(calls, 2, 'nothing applied after the failure');
  // The publisher packs ops into messages as its publishes are acked, so a batch's last op
  // varies with timing (20 or 21 ops, whole messages): the first batch is what the sink got first.
  assert.ok(firstBatch.length >= 20 && firstBatch.length < 100, `first batch of ${firstBatch.length} ops`);
  assert.deepEqual(
    sink.applied,
    Array.from({ length: firstBatch.length }, (_, i) => i + 1),
    'only the first batch',
  );
  assert.equal(source.receiving, 0, 'no receive outlives the run');
  assert.ok(permits.tryTake(), 'the permit was given back');
});
