import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rowsOfTable } from './stored-rows';

test("a batch's rows of one table: every kind counted, other tables left out", () => {
  const counts = [
    { schema: 'sharded', table: 'bench', kind: 'snapshot-row' as const, count: 1500 },
    { schema: 'sharded', table: 'other', kind: 'insert' as const, count: 40 },
    { schema: 'sharded', table: 'bench', kind: 'insert' as const, count: 500 },
  ];
  assert.equal(rowsOfTable({ counts }, 'bench'), 2000);
  assert.equal(rowsOfTable({ counts }, 'missing'), 0);
  assert.equal(rowsOfTable({ counts: [] }, 'bench'), 0);
});
