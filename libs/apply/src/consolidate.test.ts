import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeOp, Column, TableSchema, Value } from '@cdc/change-envelope';
import { commitTimeText, shapeOp, shapeTable, ShapingError, type TableShaping } from './consolidate';

const col = (name: string, key = false): Column => ({
  name,
  type: key ? 'int8' : 'text',
  key,
  nullable: !key,
  typeOid: 20,
  elementTypeOid: 0,
});
const table: TableSchema = {
  schema: 'public',
  table: 't',
  columns: [col('id', true), col('a'), col('b')],
  hasKey: true,
};
const int = (v: number): Value => ({ kind: 'integer', value: String(v) });
const text = (v: string): Value => ({ kind: 'text', value: v });
const base = { rename: { a: 'alpha' }, exclude: ['b'], deletes: 'ignore' as const };
const op = (kind: ChangeOp['kind'], after?: Value[]): ChangeOp => ({
  kind,
  table,
  key: [int(1)],
  ...(after ? { after } : {}),
  position: { commit: 77n, index: 3 },
  commitTimeUs: Date.UTC(2026, 0, 2, 3, 4, 5) * 1000 + 42,
});
const names = (t: TableSchema) => t.columns.map((c) => `${c.name}${c.key ? '*' : ''}${c.nullable ? '?' : ''}`);

test('shapes per model: clone, history and append-only columns and keys', () => {
  const sid = { column: 'tenant', value: 'a' };
  assert.deepEqual(names(shapeTable(table, { mode: 'clone', ...base, sourceId: sid }).table), [
    'tenant*',
    'id*',
    'alpha?',
  ]);
  assert.deepEqual(names(shapeTable(table, { mode: 'history', ...base }).table), [
    'id*',
    'alpha?',
    '_cdc_commit*',
    '_cdc_index*',
    '_cdc_op',
    '_cdc_valid_from',
    '_cdc_valid_to?',
  ]);
  assert.deepEqual(names(shapeTable(table, { mode: 'append-only', ...base, sourceId: sid }).table), [
    'tenant*',
    '_cdc_commit*',
    '_cdc_index*',
    '_cdc_op',
    '_cdc_commit_time',
    'id?',
    'alpha?',
  ]);
});

test('one shaped schema per source schema and shaping object', () => {
  const shaping: TableShaping = { mode: 'clone', ...base };
  assert.equal(shapeTable(table, shaping).table, shapeTable(table, shaping).table);
});

test('ops: values mapped, source id first in the key, _cdc_ values from the position and commit time', () => {
  const shaping: TableShaping = { mode: 'history', ...base, sourceId: { column: 'tenant', value: 'a' } };
  const [shaped] = shapeOp(op('update', [int(1), text('x'), text('secret')]), shaping);
  assert.deepEqual(shaped.key, [text('a'), int(1)]);
  assert.deepEqual(shaped.after, [
    text('a'),
    int(1),
    text('x'),
    int(77),
    int(3),
    text('update'),
    { kind: 'timestamptz', value: '2026-01-02T03:04:05.000042+00' },
    { kind: 'null' },
  ]);
  assert.equal(commitTimeText(1_000_001), '1970-01-01T00:00:01.000001+00');
});

test('append-only deletes: ignored, or recorded as a row with the key; an append-only truncate keeps the log', () => {
  assert.deepEqual(shapeOp(op('delete'), { mode: 'append-only', ...base }), []);
  const [recorded] = shapeOp(op('delete'), { mode: 'append-only', ...base, deletes: 'record' });
  assert.equal(recorded.kind, 'insert');
  assert.deepEqual(recorded.after?.slice(2), [text('delete'), recorded.after?.[3], int(1), { kind: 'null' }]);
  assert.deepEqual(shapeOp({ ...op('truncate'), key: [] }, { mode: 'append-only', ...base }), []);
  assert.equal(shapeOp({ ...op('truncate'), key: [] }, { mode: 'history', ...base })[0].kind, 'truncate');
});

test('errors: two columns onto one name, an excluded key, history without a key', () => {
  assert.throws(
    () => shapeTable(table, { mode: 'clone', rename: { a: 'b' }, exclude: [], deletes: 'ignore' }),
    (error: Error) =>
      error instanceof ShapingError && /"b" would both be written|source column "b" and/.test(error.message),
  );
  assert.throws(
    () => shapeTable(table, { mode: 'clone', rename: {}, exclude: ['id'], deletes: 'ignore' }),
    /key column "id" cannot be excluded/,
  );
  const keyless: TableSchema = { ...table, columns: [col('id'), col('a')], hasKey: false };
  assert.throws(
    () => shapeTable(keyless, { mode: 'history', rename: {}, exclude: [], deletes: 'ignore' }),
    /no primary key/,
  );
});
