import { test } from 'node:test';
import assert from 'node:assert/strict';
import { column, tableSchema } from '@cdc/change-envelope/testing';
import { bindingKey } from './table-binding';

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
