import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import type { ReceivedBatch } from '@cdc/change-stream';
import { filterAfterCheckpoint } from './checkpoint-filter';
import { isDataError, openChunks, setAsideRejected, type RangeAttempt } from './dead-letter';
import { runPartitionApplier } from './partition-applier';
import { PartitionStoppedError, type BatchSource, type DeadLetter } from './partition-contract';
import { Semaphore } from './permits';
import type { ApplyResult, Checkpoint, Sink, SinkBatch } from './sink';

// The bisecting of on_error: dead-letter against an all-or-nothing sink: rejected ops are set
// aside one by one, every other op applies once and in order, the checkpoint ends past the
// last op, and the number of transactions stays near k·log2(n), not n. First through the
// partition applier, then the rule alone (setAsideRejected, openChunks, isDataError).
const log = pino({ level: 'silent' });
const table: TableSchema = { schema: 'public', table: 't', hasKey: true, columns: [] };
const op = (commit: number): ChangeOp => ({
  kind: 'insert',
  table,
  key: [{ kind: 'integer', value: String(commit) }],
  position: { commit: BigInt(commit), index: 0 },
  commitTimeUs: 0,
});

class DataError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Rejects a whole transaction when it holds a bad op, like a database would. */
class StrictSink implements Sink {
  applied: number[] = [];
  transactions = 0;
  checkpoint: Checkpoint | undefined;
  constructor(
    private readonly bad: Set<number>,
    private readonly code = '23505',
  ) {}
  async readCheckpoint(): Promise<Checkpoint | undefined> {
    return this.checkpoint;
  }
  async applyBatch(batch: SinkBatch): Promise<ApplyResult> {
    this.transactions += 1;
    const { pending, lanes } = filterAfterCheckpoint(batch.ops, this.checkpoint);
    const rejected = pending.find((o) => o.kind !== 'ddl' && this.bad.has(Number(o.position.commit)));
    if (rejected) throw new DataError(`duplicate key ${rejected.position.commit}`, this.code);
    for (const o of pending) if (o.kind !== 'ddl') this.applied.push(Number(o.position.commit));
    if (pending.length > 0) this.checkpoint = { streamSeq: batch.lastStreamSeq, lanes };
    return { applied: pending.length, skipped: batch.ops.length - pending.length, checkpoint: this.checkpoint };
  }
  async close(): Promise<void> {}
}

/** One batch of n ops, 10 ops per message, then nothing. */
function oneBatch(n: number, acked: { value: boolean }): BatchSource {
  let sent = false;
  return {
    async nextBatch() {
      if (sent) {
        await new Promise((r) => setTimeout(r, 20));
        return undefined;
      }
      sent = true;
      const ops = Array.from({ length: n }, (_, i) => op(i + 1));
      const batch: ReceivedBatch = {
        ops,
        opStreamSeqs: ops.map((_, i) => 100 + Math.floor(i / 10)),
        watermark: undefined,
        messages: Math.ceil(n / 10),
        firstStreamSeq: 100,
        lastStreamSeq: 100 + Math.ceil(n / 10) - 1,
        redelivered: false,
        ack: async () => {
          acked.value = true;
        },
      };
      return batch;
    },
    async readStored() {
      return { ops: [], opStreamSeqs: [], watermark: undefined, messages: 0 };
    },
    async close() {},
  };
}

async function run(sink: StrictSink, n: number, onError: 'stop' | 'dead-letter') {
  const letters: DeadLetter[] = [];
  const acked = { value: false };
  const controller = new AbortController();
  const running = runPartitionApplier({
    source: 's',
    destination: 'd',
    partition: 3,
    batches: oneBatch(n, acked),
    sink,
    recordProgress: async () => undefined,
    limits: { maxOps: 1000, maxWaitMs: 10 },
    slots: new Semaphore(1),
    signal: controller.signal,
    log,
    onError,
    deadLetter: async (letter) => {
      letters.push(letter);
    },
  });
  const deadline = Date.now() + 5_000;
  while (!acked.value && Date.now() < deadline) {
    const settled = await Promise.race([
      running.then(() => 'done').catch(() => 'failed'),
      new Promise((r) => setTimeout(() => r('wait'), 10)),
    ]);
    if (settled !== 'wait') break;
  }
  controller.abort();
  return { running, letters, acked: acked.value };
}

test('dead-letter: bad ops set aside, the rest applied once in order, checkpoint past the end, few transactions', async () => {
  const bad = new Set([1, 37, 38, 500, 999, 1000]);
  const sink = new StrictSink(bad);
  const { running, letters, acked } = await run(sink, 1000, 'dead-letter');
  await running;
  assert.ok(acked, 'the batch was acked');
  assert.deepEqual(
    letters.map((l) => Number(l.op.position.commit)),
    [...bad],
  );
  assert.deepEqual(
    sink.applied,
    Array.from({ length: 1000 }, (_, i) => i + 1).filter((c) => !bad.has(c)),
  );
  assert.equal(sink.checkpoint?.lanes.get('')?.commit, 1000n, 'the checkpoint is past the last (rejected) op');
  assert.equal(sink.checkpoint?.streamSeq, 199);
  assert.equal(letters[1].streamSeq, 103, 'op 37 came in the 4th message');
  assert.equal(letters[1].code, '23505');
  assert.match(letters[1].error, /duplicate key 37/);
  assert.ok(sink.transactions < 6 * 2 * Math.log2(1000) + 10, `${sink.transactions} transactions`);
});

test('stop (the default) and non-data errors under dead-letter stop the partition, nothing applied, nothing acked', async () => {
  for (const [onError, code] of [
    ['stop', '23505'],
    ['dead-letter', '42P01'],
  ] as const) {
    const sink = new StrictSink(new Set([5]), code);
    const { running, letters, acked } = await run(sink, 20, onError);
    await assert.rejects(running, (error: unknown) => {
      assert.ok(error instanceof PartitionStoppedError);
      assert.match(error.message, /^destination d: partition 3 of source s stopped: duplicate key 5/);
      return true;
    });
    assert.deepEqual(sink.applied, []);
    assert.deepEqual(letters, []);
    assert.equal(acked, false);
  }
});

/** A batch of n ops (commits 1..n), two ops a message from stream sequence 100. */
const batchOf = (n: number): ReceivedBatch => {
  const ops = Array.from({ length: n }, (_, i) => op(i + 1));
  return {
    ops,
    opStreamSeqs: ops.map((_, i) => 100 + Math.floor(i / 2)),
    watermark: undefined,
    messages: Math.ceil(n / 2),
    firstStreamSeq: 100,
    lastStreamSeq: 100 + Math.ceil(n / 2) - 1,
    redelivered: false,
    ack: async () => undefined,
  };
};

/** Transactions of an all-or-nothing destination: what each committed, and up to which op. */
function destination(bad: Set<number>, code = '23505') {
  const committed: Array<{ to: number; commits: number[]; placeholder: boolean }> = [];
  const attempt: RangeAttempt = async (to, ops) => {
    const range = ops();
    const rejected = range.find((o) => o.kind !== 'ddl' && bad.has(Number(o.position.commit)));
    if (rejected) return { error: new DataError(`bad ${rejected.position.commit}`, code) };
    committed.push({
      to,
      commits: range.map((o) => Number(o.position.commit)),
      placeholder: range.every((o) => o.kind === 'ddl'),
    });
    return undefined;
  };
  return { committed, attempt };
}

const stop = (error: unknown) => new PartitionStoppedError('s', 'd', 3, error);

test('setAsideRejected: each rejected op stored once with its message, a placeholder in its place, the rest in order', async () => {
  const batch = batchOf(16);
  const { committed, attempt } = destination(new Set([3, 4, 11]));
  const letters: DeadLetter[] = [];
  const options = {
    source: 's',
    destination: 'd',
    partition: 3,
    log,
    signal: new AbortController().signal,
    deadLetter: async (letter: DeadLetter) => void letters.push(letter),
  };
  const setAside = await setAsideRejected(
    batch,
    { from: 0, to: 16, error: new DataError('bad 3', '23505') },
    attempt,
    stop,
    options,
  );
  assert.equal(setAside, 3);
  assert.deepEqual(
    letters.map((l) => [Number(l.op.position.commit), l.streamSeq, l.code, l.error]),
    [
      [3, 101, '23505', 'bad 3 (23505)'],
      [4, 101, '23505', 'bad 4 (23505)'],
      [11, 105, '23505', 'bad 11 (23505)'],
    ],
  );
  assert.deepEqual(
    committed.flatMap((c) => c.commits),
    Array.from({ length: 16 }, (_, i) => i + 1),
    'every op once, in order: the rejected ones as placeholders',
  );
  assert.deepEqual(
    committed.filter((c) => c.placeholder).map((c) => c.commits),
    [[3], [4], [11]],
  );
  // Each transaction ends where the next begins: the checkpoint never skips an op.
  for (const [i, c] of committed.entries()) assert.equal(c.to, (committed[i - 1]?.to ?? 0) + c.commits.length);
});

test('setAsideRejected: a half rejected with anything but a data error stops the partition', async () => {
  const batch = batchOf(8);
  const { attempt } = destination(new Set([6]), '42P01');
  await assert.rejects(
    setAsideRejected(batch, { from: 0, to: 8, error: new DataError('bad', '23505') }, attempt, stop, {
      source: 's',
      destination: 'd',
      partition: 3,
      log,
      signal: new AbortController().signal,
      deadLetter: async () => assert.fail('nothing is set aside'),
    }),
    PartitionStoppedError,
  );
});

test('openChunks opens a snapshot chunk into its rows, each with its message; undefined without one', () => {
  const chunk: ChangeOp = {
    kind: 'rows',
    table,
    key: [],
    position: { commit: 9n, index: 0 },
    commitTimeUs: 0,
    rows: 3,
    text: { after: Buffer.from('1\n2\n3\n') },
  };
  const batch: ReceivedBatch = { ...batchOf(4), ops: [op(1), chunk, op(10), op(11)] };
  const opened = openChunks(batch, 1, 3);
  assert.ok(opened);
  assert.deepEqual(
    opened.ops.map((o) => [o.kind, Number(o.position.commit), o.position.index]),
    [
      ['snapshot-row', 9, 0],
      ['snapshot-row', 9, 1],
      ['snapshot-row', 9, 2],
      ['insert', 10, 0],
    ],
  );
  assert.deepEqual(opened.opStreamSeqs, [100, 100, 100, 101]);
  assert.equal(opened.firstStreamSeq, 100);
  assert.equal(opened.lastStreamSeq, 100, 'message 101 is only half in the range');
  assert.equal(openChunks(batch, 2, 4), undefined);
});

test('isDataError: SQLSTATE class 22 or 23 anywhere along the cause chain, nothing else', () => {
  assert.equal(isDataError(new DataError('x', '23505')), true);
  assert.equal(isDataError(new DataError('x', '22P02')), true);
  assert.equal(isDataError(new Error('wrapped', { cause: new DataError('x', '23503') })), true);
  assert.equal(isDataError(new DataError('x', '40001')), false);
  assert.equal(isDataError(new DataError('x', 'ECONNRESET')), false);
  assert.equal(isDataError(new Error('no code')), false);
});
