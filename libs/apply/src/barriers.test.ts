import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import type { ReceivedBatch } from '@cdc/change-stream';
import { applyWithBarriers, barrierIndexes, isAtOrPast, justBefore, passBarrier } from './barriers';
import { filterAfterCheckpoint } from './checkpoint-filter';
import type { PartitionApplierOptions } from './partition-contract';
import { Semaphore } from './permits';
import type { ApplyResult, Checkpoint, Sink, SinkBatch } from './sink';

// The barrier rule alone: partitions of a table partitioned by key meet at a barrier op through
// their checkpoints (an in-memory destination here), so the op takes effect once, after every
// listed partition applied what came before it.
const log = pino({ level: 'silent' });
const table: TableSchema = { schema: 'public', table: 't', hasKey: true, columns: [] };

const op = (commit: number, barrier?: number[]): ChangeOp => ({
  kind: barrier ? 'truncate' : 'insert',
  table,
  key: [],
  position: { commit: BigInt(commit), index: 0 },
  commitTimeUs: 0,
  ...(barrier ? { barrier } : {}),
});

const batchOf = (ops: ChangeOp[], firstStreamSeq = 1): ReceivedBatch => ({
  ops,
  opStreamSeqs: ops.map((_, i) => firstStreamSeq + i),
  watermark: undefined,
  messages: ops.length,
  firstStreamSeq,
  lastStreamSeq: firstStreamSeq + ops.length - 1,
  redelivered: false,
  ack: async () => undefined,
});

/** One destination holding every partition's checkpoint; records what each partition applied (ddl placeholders aside). */
class SharedDestination implements Sink {
  readonly checkpoints = new Map<number, Checkpoint>();
  readonly applied: Array<{ partition: number; commit: number; kind: string }> = [];
  async readCheckpoint(_source: string, partition: number): Promise<Checkpoint | undefined> {
    return this.checkpoints.get(partition);
  }
  async applyBatch(batch: SinkBatch): Promise<ApplyResult> {
    const checkpoint = this.checkpoints.get(batch.partition);
    const { pending, lanes } = filterAfterCheckpoint(batch.ops, checkpoint);
    for (const o of pending)
      if (o.kind !== 'ddl')
        this.applied.push({ partition: batch.partition, commit: Number(o.position.commit), kind: o.kind });
    if (pending.length > 0) this.checkpoints.set(batch.partition, { streamSeq: batch.lastStreamSeq, lanes });
    return { applied: pending.length, skipped: batch.ops.length - pending.length, checkpoint };
  }
  async close(): Promise<void> {}
}

const optionsFor = (partition: number, sink: Sink, signal = new AbortController().signal): PartitionApplierOptions => ({
  source: 's',
  destination: 'd',
  partition,
  batches: {
    nextBatch: async () => undefined,
    readStored: async () => ({ ops: [], watermark: undefined, messages: 0 }),
    close: async () => undefined,
  },
  sink,
  recordProgress: async () => undefined,
  limits: { maxOps: 1000, maxWaitMs: 10 },
  slots: new Semaphore(4),
  signal,
  log,
});

test('justBefore is the last position below, in the same lane; isAtOrPast reads the lane of the position', () => {
  assert.deepEqual(justBefore({ commit: 10n, index: 3 }), { commit: 10n, index: 2 });
  assert.deepEqual(justBefore({ commit: 10n, index: 0, lane: 'x' }), { commit: 9n, index: 0xffff_ffff, lane: 'x' });
  const checkpoint: Checkpoint = { streamSeq: 1, lanes: new Map([['', { commit: 10n, index: 0 }]]) };
  assert.equal(isAtOrPast(checkpoint, { commit: 10n, index: 0 }), true);
  assert.equal(isAtOrPast(checkpoint, { commit: 10n, index: 1 }), false);
  assert.equal(isAtOrPast(checkpoint, { commit: 5n, index: 0, lane: 'other' }), false);
  assert.equal(isAtOrPast(undefined, { commit: 0n, index: 0 }), false);
});

test('barrier ops are those listing two partitions or more', () => {
  assert.deepEqual(barrierIndexes(batchOf([op(1), op(2, [0, 1]), op(3, [2]), op(4, [1, 0, 2])])), [1, 3]);
});

test('three partitions meet at a barrier: the first listed applies it once, after the others applied everything before it', async () => {
  const destination = new SharedDestination();
  const barrier = [1, 0, 2];
  // Each partition has its own ops before and after the barrier op (commit 50).
  const batches = [0, 1, 2].map((p) => batchOf([op(10 + p), op(20 + p), op(50, barrier), op(60 + p)]));
  // The executor starts first and must wait; the others arrive late, one after the other.
  const executor = applyWithBarriers(batches[1], optionsFor(1, destination), undefined);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(
    destination.applied.map((a) => a.commit),
    [11, 21],
    'the executor waits at the barrier',
  );
  const others = [0, 2].map((p) => applyWithBarriers(batches[p], optionsFor(p, destination), undefined));
  const results = await Promise.all([executor, ...others]);

  const truncates = destination.applied.filter((a) => a.kind === 'truncate');
  assert.deepEqual(truncates, [{ partition: 1, commit: 50, kind: 'truncate' }], 'applied once, by the first listed');
  const at = destination.applied.findIndex((a) => a.kind === 'truncate');
  const before = destination.applied.slice(0, at).map((a) => a.commit);
  for (const commit of [10, 11, 12, 20, 21, 22])
    assert.ok(before.includes(commit), `${commit} applied before the barrier`);
  for (const commit of [60, 61, 62])
    assert.ok(
      destination.applied.slice(at).some((a) => a.commit === commit),
      `${commit} applied after it`,
    );
  for (const p of [0, 1, 2])
    assert.ok(
      isAtOrPast(destination.checkpoints.get(p), { commit: 60n + BigInt(p), index: 0 }),
      `partition ${p} ends past its ops`,
    );
  assert.deepEqual(results, [
    { applied: 4, skipped: 0 },
    { applied: 3, skipped: 1 },
    { applied: 3, skipped: 1 },
  ]);
});

test('a partition whose checkpoint is already past the barrier op (a redelivery) passes it at once', async () => {
  const destination = new SharedDestination();
  destination.checkpoints.set(0, { streamSeq: 3, lanes: new Map([['', { commit: 50n, index: 0 }]]) });
  const batch = batchOf([op(10), op(50, [1, 0])]);
  // Partition 1 (the executor) never arrives: nothing is waited for.
  assert.deepEqual(await passBarrier(batch, 1, optionsFor(0, destination), undefined), { applied: 0, skipped: 1 });
  assert.deepEqual(destination.applied, []);
});

test('a partition waiting at a barrier stops waiting on shutdown, its checkpoint just before the op', async () => {
  const destination = new SharedDestination();
  const controller = new AbortController();
  const batch = batchOf([op(10), op(50, [1, 0])]);
  const waiting = passBarrier(batch, 1, optionsFor(0, destination, controller.signal), undefined);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(destination.checkpoints.get(0)?.lanes.get(''), justBefore({ commit: 50n, index: 0 }));
  controller.abort();
  assert.equal(await waiting, 'aborted');
});
