import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import type { ReceivedBatch } from '@cdc/change-stream';
import { opCount, passOver, samePosition, streamSeqAfterOps } from './batch-positions';

const table: TableSchema = { schema: 'public', table: 't', hasKey: true, columns: [] };
const op = (commit: number, index = 0): ChangeOp => ({
  kind: 'insert',
  table,
  key: [],
  position: { commit: BigInt(commit), index },
  commitTimeUs: 7,
});

// Six ops in three messages: 100 (two ops), 101 (three), 102 (one).
const batch = (opStreamSeqs?: number[]): ReceivedBatch => ({
  ops: [op(1), op(1, 1), op(2), op(2, 1), op(2, 2), op(3)],
  opStreamSeqs,
  watermark: undefined,
  messages: 3,
  firstStreamSeq: 100,
  lastStreamSeq: 102,
  redelivered: false,
  ack: async () => undefined,
});

test('the checkpoint moves past a message only once all its ops are applied', () => {
  const b = batch([100, 100, 101, 101, 101, 102]);
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6].map((end) => streamSeqAfterOps(b, end)),
    [99, 99, 100, 100, 100, 101, 102],
  );
  // Without per-op sequences nothing short of the whole batch counts.
  assert.deepEqual(
    [0, 3, 5, 6].map((end) => streamSeqAfterOps(batch(undefined), end)),
    [99, 99, 99, 102],
  );
});

test('the op count comes from the consumer when it counted them', () => {
  assert.equal(opCount(batch()), 6);
  assert.equal(opCount({ ...batch(), opStats: { count: 9, lastCommitTimeUs: 0, byTable: [], barriers: [] } }), 9);
});

test("a pass-over op is a ddl no-op at the op's position (or the one given), which no sink writes", () => {
  const original = op(5, 2);
  assert.deepEqual(passOver(original), {
    kind: 'ddl',
    table,
    key: [],
    position: { commit: 5n, index: 2 },
    commitTimeUs: 7,
    ddl: '',
  });
  assert.deepEqual(passOver(original, { commit: 4n, index: 0 }).position, { commit: 4n, index: 0 });
});

test('positions: equal only within a lane', () => {
  assert.equal(samePosition({ commit: 1n, index: 2 }, { commit: 1n, index: 2, lane: '' }), true);
  assert.equal(samePosition({ commit: 1n, index: 2, lane: 'a' }, { commit: 1n, index: 2, lane: 'b' }), false);
});
