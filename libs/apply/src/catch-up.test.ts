import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import type { ChangeOp, TableSchema, Watermark } from '@cdc/change-envelope';
import type { ReceivedBatch } from '@cdc/change-stream';
import { catchUpDelivered, withEarlierStored } from './catch-up';
import type { BatchSource } from './partition-contract';
import type { Checkpoint, Sink } from './sink';

// The catch-up rules alone, over a stream of one op per message (stream sequence = op commit).
const log = pino({ level: 'silent' });
const table: TableSchema = { schema: 'public', table: 't', hasKey: true, columns: [] };
const op = (seq: number): ChangeOp => ({
  kind: 'insert',
  table,
  key: [],
  position: { commit: BigInt(seq), index: 0 },
  commitTimeUs: 0,
});
const watermark = (seq: number): Watermark => ({
  source: 's',
  seq,
  position: { commit: BigInt(seq), index: 0 },
  timeUs: 0,
});

/** Messages 1..last of a partition, each one op; every 5th carries a watermark. */
function storedStream(last: number): BatchSource & { reads: Array<[number, number, number | undefined]> } {
  const reads: Array<[number, number, number | undefined]> = [];
  return {
    reads,
    nextBatch: async () => undefined,
    async readStored(fromSeq, beforeSeq, maxMessages) {
      reads.push([fromSeq, beforeSeq, maxMessages]);
      const end = Math.min(beforeSeq, last + 1, maxMessages === undefined ? Infinity : fromSeq + maxMessages);
      const seqs = Array.from({ length: Math.max(0, end - fromSeq) }, (_, i) => fromSeq + i);
      const marked = seqs.filter((s) => s % 5 === 0);
      return {
        ops: seqs.map(op),
        opStreamSeqs: seqs,
        watermark: marked.length > 0 ? watermark(marked[marked.length - 1]) : undefined,
        messages: seqs.length,
        ...(end < beforeSeq && end <= last ? { nextSeq: end } : {}),
      };
    },
    close: async () => undefined,
  };
}

const sinkAt = (streamSeq: number | undefined): Sink => ({
  readCheckpoint: async (): Promise<Checkpoint | undefined> =>
    streamSeq === undefined
      ? undefined
      : { streamSeq, lanes: new Map([['', { commit: BigInt(streamSeq), index: 0 }]]) },
  applyBatch: async () => assert.fail('catch-up hands batches over; it applies nothing itself'),
  close: async () => undefined,
});

const delivered = (seq: number, count: number, mark?: number): ReceivedBatch => {
  const seqs = Array.from({ length: count }, (_, i) => seq + i);
  return {
    ops: seqs.map(op),
    opStreamSeqs: seqs,
    watermark: mark === undefined ? undefined : watermark(mark),
    messages: count,
    firstStreamSeq: seq,
    lastStreamSeq: seq + count - 1,
    redelivered: true,
    ack: async () => undefined,
  };
};

const base = { source: 's', partition: 0, log };

test('a first delivery after a gap gets the stored messages between the checkpoint and it put in front', async () => {
  const batches = storedStream(20);
  const merged = await withEarlierStored(delivered(16, 3, 17), { ...base, batches, sink: sinkAt(9) });
  assert.deepEqual(batches.reads, [[10, 16, undefined]]);
  assert.deepEqual(
    merged.ops.map((o) => Number(o.position.commit)),
    [10, 11, 12, 13, 14, 15, 16, 17, 18],
  );
  assert.deepEqual(merged.opStreamSeqs, [10, 11, 12, 13, 14, 15, 16, 17, 18]);
  assert.equal(merged.firstStreamSeq, 10);
  assert.equal(merged.lastStreamSeq, 18);
  assert.equal(merged.messages, 9);
  assert.equal(merged.watermark?.seq, 17, 'the newer watermark of the two');
  // The stored messages 10..15 carry watermarks 10 and 15.
  for (const mark of [undefined, 12]) {
    const older = await withEarlierStored(delivered(16, 3, mark), { ...base, batches, sink: sinkAt(9) });
    assert.equal(older.watermark?.seq, 15);
  }
  assert.equal(merged.opStats, undefined);
});

test('a delivery that follows the checkpoint, or a stream with nothing stored in between, is left as it is', async () => {
  const next = delivered(10, 2);
  assert.equal(await withEarlierStored(next, { ...base, batches: storedStream(20), sink: sinkAt(9) }), next);
  const gap = delivered(16, 1);
  assert.equal(await withEarlierStored(gap, { ...base, batches: storedStream(0), sink: sinkAt(9) }), gap);
});

test('a takeover applies what was delivered and not acked, from past the checkpoint or ack floor, in bounded reads', async () => {
  for (const [checkpoint, ackFloor, first] of [
    [3, 7, 8],
    [7, 3, 8],
  ]) {
    const batches = storedStream(30);
    batches.deliveryState = async () => ({ delivered: 27, ackFloor });
    const handed: ReceivedBatch[] = [];
    const result = await catchUpDelivered(
      { ...base, batches, sink: sinkAt(checkpoint), signal: new AbortController().signal },
      async (batch) => {
        handed.push(batch);
        return undefined;
      },
    );
    assert.equal(result, undefined);
    assert.deepEqual(
      handed.flatMap((b) => b.ops.map((o) => Number(o.position.commit))),
      Array.from({ length: 27 - first + 1 }, (_, i) => first + i),
      'each message once, in order, through the highest delivered',
    );
    for (const batch of handed) {
      assert.ok(batch.messages <= 8);
      assert.equal(batch.lastStreamSeq - batch.firstStreamSeq + 1, batch.messages);
      assert.equal(batch.redelivered, false);
    }
    assert.equal(handed[0].firstStreamSeq, first);
    assert.equal(handed[handed.length - 1].lastStreamSeq, 27);
  }
});

test('nothing to catch up: nothing delivered past the checkpoint, or no delivery state', async () => {
  const handle = async () => assert.fail('nothing to hand over');
  const signal = new AbortController().signal;
  const batches = storedStream(30);
  batches.deliveryState = async () => ({ delivered: 12, ackFloor: 10 });
  assert.equal(await catchUpDelivered({ ...base, batches, sink: sinkAt(12), signal }, handle), undefined);
  assert.deepEqual(batches.reads, []);
  assert.equal(
    await catchUpDelivered({ ...base, batches: storedStream(30), sink: sinkAt(0), signal }, handle),
    undefined,
  );
});

test('a shutdown during the catch-up ends it as aborted', async () => {
  const controller = new AbortController();
  const batches = storedStream(30);
  batches.deliveryState = async () => ({ delivered: 30, ackFloor: 0 });
  let handled = 0;
  const result = await catchUpDelivered(
    { ...base, batches, sink: sinkAt(undefined), signal: controller.signal },
    async () => {
      handled += 1;
      controller.abort();
      return undefined;
    },
  );
  assert.equal(result, 'aborted');
  assert.equal(handled, 1);
});
