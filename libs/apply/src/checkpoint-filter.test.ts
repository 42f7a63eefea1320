import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import { opsAfterCheckpoint } from './checkpoint-filter';

const table: TableSchema = { schema: 'public', table: 't', hasKey: true, columns: [] };
const op = (commit: number, index: number): ChangeOp => ({
  kind: 'insert',
  table,
  key: [],
  position: { commit: BigInt(commit), index },
  commitTimeUs: 0,
});
const positions = (ops: ChangeOp[]) => ops.map((o) => `${o.position.commit}:${o.position.index}`);

test('without a checkpoint every op is pending', () => {
  assert.deepEqual(positions(opsAfterCheckpoint([op(1, 0), op(1, 1)], undefined)), ['1:0', '1:1']);
});

test('ops at or below the checkpoint are skipped', () => {
  const ops = [op(1, 0), op(1, 1), op(2, 0), op(3, 0)];
  const checkpoint = { streamSeq: 9, position: { commit: 2n, index: 0 } };
  assert.deepEqual(positions(opsAfterCheckpoint(ops, checkpoint)), ['3:0']);
});

test('a re-published run inside one batch is applied once', () => {
  const ops = [op(1, 0), op(2, 0), op(2, 1), op(2, 0), op(2, 1), op(3, 0)];
  assert.deepEqual(positions(opsAfterCheckpoint(ops, undefined)), ['1:0', '2:0', '2:1', '3:0']);
});
