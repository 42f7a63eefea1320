import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ops, V, column, tableSchema } from '@cdc/change-envelope/testing';
import { renderKey, renderOpKey } from './op-key-text';

const keyed = tableSchema('public', 'orders', [column('id', 'int8', { key: true }), column('note', 'text')]);
const keyless = tableSchema('public', 'log', [column('at', 'text'), column('what', 'text')]);

test('keys render for messages: NULL, unchanged, long values cut with their length', () => {
  assert.equal(renderKey(['id', 'name'], [V.int(7), V.null]), '(id, name)=(7, NULL)');
  assert.equal(renderKey(['id', 'big'], [V.int(7), V.unchanged]), '(id, big)=(7, <unchanged>)');
  assert.match(renderKey(['v'], [V.text('x'.repeat(500))]), /^\(v\)=\(x{120}…\(500 chars\)\)$/);
  // A destination's own value text (MySQL shows arrays as JSON); NULL and the cut stay the same.
  const text = (value: Parameters<typeof renderKey>[1][number]) =>
    value.kind === 'null' ? null : value.kind === 'array' ? '[json]' : 'v';
  assert.equal(renderKey(['a', 'b', 'c'], [V.array(V.int(1)), V.null, V.int(2)], text), '(a, b, c)=([json], NULL, v)');
});

test("an op's key: the key columns; the whole row for a table without a key; none for truncate, DDL or a row that does not fit", () => {
  const ops = new Ops();
  assert.equal(renderOpKey(ops.update(keyed, [V.int(7), V.text('x')])), '(id)=(7)');
  assert.equal(renderOpKey(ops.delete(keyless, [], [V.text('t'), V.text('w')])), '(at, what)=(t, w)');
  assert.equal(renderOpKey(ops.insert(keyless, [V.text('t'), V.text('w')])), '(at, what)=(t, w)');
  assert.equal(renderOpKey(ops.insert(keyless, [V.text('t')])), undefined);
  assert.equal(renderOpKey(ops.truncate(keyed)), undefined);
  assert.equal(renderOpKey(ops.ddl(keyed, 'ALTER TABLE orders ADD c int')), undefined);
});
