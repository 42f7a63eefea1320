import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeOp, TableSchema } from './change';
import { changedKeyTexts, keyText, settleRead } from './read-while-streaming';
import type { Value } from './value';

const int = (value: number): Value => ({ kind: 'integer', value: String(value) });
const text = (value: string): Value => ({ kind: 'text', value });
const row = (id: number, name: string): Value[] => [int(id), text(name)];
const changed = (...ids: number[]) => new Set(ids.map((id) => keyText([int(id)])));

const table: TableSchema = {
  schema: 'public',
  table: 'items',
  hasKey: true,
  columns: [
    { name: 'id', type: 'int8', key: true, nullable: false, typeOid: 20, elementTypeOid: 0 },
    { name: 'name', type: 'text', key: false, nullable: true, typeOid: 25, elementTypeOid: 0 },
  ],
};

function update(from: number, to: number): ChangeOp {
  return {
    kind: 'update',
    table,
    key: [int(from)],
    after: row(to, 'moved'),
    position: { commit: 1n, index: 0 },
    commitTimeUs: 0,
  };
}

test('settleRead: rows whose key the stream changed are left to it; the others are kept in order', () => {
  const rows = [row(1, 'a'), row(2, 'b'), row(3, 'c')];
  const settled = settleRead(rows, [0], changed(2));
  assert.deepEqual(settled.rows, [row(1, 'a'), row(3, 'c')]);
  assert.deepEqual(settled.absent, []);
  assert.deepEqual(
    settled.changedMeanwhile.map((entry) => entry.key),
    [[int(2)]],
  );
});

test('settleRead: a requested key not read is absent (a delete) unless the stream changed it', () => {
  const settled = settleRead([row(1, 'a'), row(4, 'd')], [0], changed(4, 3), [[int(1)], [int(2)], [int(3)], [int(4)]]);
  assert.deepEqual(settled.rows, [row(1, 'a')]);
  assert.deepEqual(settled.absent, [[int(2)]]);
  // Row 4 (read, changed) and key 3 (not read, changed) are the stream's: each counted once.
  assert.deepEqual(settled.changedMeanwhile.map((entry) => entry.text).sort(), [...changed(3, 4)].sort());
});

test('changedKeyTexts: an update that moves a row changes its old and its new key', () => {
  assert.deepEqual(changedKeyTexts([0], update(5, 6)), [keyText([int(5)]), keyText([int(6)])]);
  assert.deepEqual(changedKeyTexts([0], update(5, 5)), [keyText([int(5)])]);
  const deleted: ChangeOp = {
    kind: 'delete',
    table,
    key: [int(7)],
    position: { commit: 1n, index: 0 },
    commitTimeUs: 0,
  };
  assert.deepEqual(changedKeyTexts([0], deleted), [keyText([int(7)])]);
});
