import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeOp, Column, TableSchema, Value } from '@cdc/change-envelope';
import { compileFilter } from './evaluate';
import { parseFilter } from './expression';
import { filterOp } from './filter-op';

const column = (name: string, valueKind: string, key = false): Column => ({
  name,
  type: valueKind,
  key,
  nullable: !key,
  typeOid: 0,
  elementTypeOid: 0,
  valueKind,
});
const table: TableSchema = {
  schema: 'public',
  table: 'orders',
  columns: [column('id', 'integer', true), column('region', 'text')],
  hasKey: true,
};
const row = (id: number, region: string | null): Value[] => [
  { kind: 'integer', value: String(id) },
  region === null ? { kind: 'null' } : { kind: 'text', value: region },
];
const op = (kind: ChangeOp['kind'], fields: Partial<ChangeOp>): ChangeOp => ({
  kind,
  table,
  key: [],
  position: { commit: 1n, index: 0 },
  commitTimeUs: 0,
  ...fields,
});
const eu = compileFilter(parseFilter("region = 'eu'"), table.columns);
const kinds = (ops: ChangeOp[]) => ops.map((o) => o.kind);

test('inserts pass when they match; NULL is not a match', () => {
  assert.deepEqual(kinds(filterOp(op('insert', { after: row(1, 'eu') }), eu)), ['insert']);
  assert.deepEqual(kinds(filterOp(op('insert', { after: row(1, 'us') }), eu)), []);
  assert.deepEqual(kinds(filterOp(op('insert', { after: row(1, null) }), eu)), []);
});

test('an update moving a row out of the filter is a delete of its old key, into it an insert', () => {
  const out = filterOp(op('update', { key: [row(1, null)[0]], before: row(1, 'eu'), after: row(1, 'us') }), eu);
  assert.deepEqual(kinds(out), ['delete']);
  assert.deepEqual(out[0].key, [{ kind: 'integer', value: '1' }]);
  assert.equal(out[0].after, undefined);
  const into = filterOp(op('update', { key: [row(1, null)[0]], before: row(1, 'us'), after: row(1, 'eu') }), eu);
  assert.deepEqual(kinds(into), ['insert']);
  assert.equal(into[0].before, undefined);
  // Without the old row (replica identity default) a matching update stays an update (an upsert).
  assert.deepEqual(kinds(filterOp(op('update', { key: [row(1, null)[0]], after: row(1, 'eu') }), eu)), ['update']);
  assert.deepEqual(kinds(filterOp(op('update', { key: [row(1, null)[0]], after: row(1, 'us') }), eu)), ['delete']);
  // Outside before and after: nothing.
  assert.deepEqual(
    kinds(filterOp(op('update', { key: [row(1, null)[0]], before: row(1, 'us'), after: row(1, null) }), eu)),
    [],
  );
});

test('a delete passes unless its known old row does not match; truncate passes', () => {
  assert.deepEqual(kinds(filterOp(op('delete', { key: [row(1, null)[0]] }), eu)), ['delete']);
  assert.deepEqual(kinds(filterOp(op('delete', { key: [row(1, null)[0]], before: row(1, 'us') }), eu)), []);
  assert.deepEqual(kinds(filterOp(op('truncate', {}), eu)), ['truncate']);
});

test('a row whose filter column is an unchanged TOAST value passes as it is', () => {
  const after: Value[] = [{ kind: 'integer', value: '1' }, { kind: 'unchanged' }];
  assert.deepEqual(kinds(filterOp(op('update', { key: [after[0]], after }), eu)), ['update']);
});
