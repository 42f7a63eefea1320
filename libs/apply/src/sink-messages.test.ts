import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ops, V, column, tableSchema } from '@cdc/change-envelope/testing';
import { describeDestination, opFailure, renderKey, renderOpKey } from './sink-messages';

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

test('a destination names its engine, name and server; a connection string that is no URL, the name only', () => {
  assert.equal(
    describeDestination('postgres', 'replica', 'postgres://u:secret@db.example/shop', 5432),
    'postgres destination replica (db.example:5432/shop)',
  );
  assert.equal(
    describeDestination('mysql', 'mart', 'mysql://u@10.0.0.5:3307/mart', 3306),
    'mysql destination mart (10.0.0.5:3307/mart)',
  );
  assert.equal(
    describeDestination('postgres', 'replica', 'host=/tmp dbname=shop', 5432),
    'postgres destination replica',
  );
});

test("an op's failure: the message names destination, op, table, target, key and position; the context the same", () => {
  const ops = new Ops();
  const op = { ...ops.update(keyed, [V.int(7), V.text('x')]), position: { commit: 12n, index: 3, lane: 'ks/-80' } };
  const failure = opFailure('replica', { source: 'shop', partition: 2 }, op, ' -> public.orders_copy', 'failed: boom');
  assert.equal(
    failure.message,
    'destination replica: update on public.orders -> public.orders_copy key (id)=(7) at ks/-80@12:3 failed: boom',
  );
  assert.deepEqual(failure.context, {
    source: 'shop',
    partition: 2,
    table: 'public.orders',
    position: op.position,
    key: '(id)=(7)',
  });
  // A sink's own message and value text.
  const own = opFailure('mart', { source: 'shop', partition: 0 }, op, '', 'x', {
    valueText: () => 'v',
    fullMessage: 'destination mart: its own words',
  });
  assert.equal(own.message, 'destination mart: its own words');
  assert.equal(own.context.key, '(id)=(v)');
  // No key to show (a truncate), no target.
  assert.equal(
    opFailure('replica', { source: 'shop', partition: 0 }, ops.truncate(keyed), '', 'failed').message,
    'destination replica: truncate on public.orders at 1002:0 failed',
  );
});
