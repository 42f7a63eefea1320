import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ops, V, column, tableSchema } from '@cdc/change-envelope/testing';
import { bindingKey, mapOpTarget } from './table-binding';

const orders = tableSchema('public', 'orders', [
  column('note', 'text'),
  column('region', 'text', { key: true }),
  column('id', 'int8', { key: true }),
]);

test('a keyed table binds by its key when the destination has a unique index on exactly its columns', () => {
  assert.deepEqual(bindingKey(orders, [['note'], ['id', 'region']]), {
    keyIndexes: [1, 2],
    keyed: true,
    unusable: undefined,
  });
});

test('a keyed table without such an index is unusable, named by its sorted key columns', () => {
  assert.deepEqual(bindingKey(orders, [['id'], ['id', 'region', 'note']]).unusable, ['id', 'region']);
  assert.deepEqual(bindingKey(orders, []).unusable, ['id', 'region']);
});

test('a table without a key matches rows on every column and needs no index', () => {
  const log = tableSchema('public', 'log', [column('at', 'text'), column('what', 'text')], false);
  assert.deepEqual(bindingKey(log, []), { keyIndexes: [], keyed: false, unusable: undefined });
});

test("a mapper that throws fails the op with the engine's error, naming the mapper's error", () => {
  const op = new Ops().insert(orders, [V.text('n'), V.text('eu'), V.int(1)]);
  const fail = (what: string, cause: unknown) => new Error(`op failed: ${what}`, { cause });
  const text = (error: unknown) => (error as Error).message;
  assert.deepEqual(
    mapOpTarget((table) => ({ schema: 'dst', table: table.table }), op, text, fail),
    { schema: 'dst', table: 'orders' },
  );
  assert.throws(
    () =>
      mapOpTarget(
        () => {
          throw new Error('no rule for public.orders');
        },
        op,
        text,
        fail,
      ),
    { message: 'op failed: cannot be mapped to a destination table: no rule for public.orders' },
  );
});
