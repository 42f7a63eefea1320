import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ops, V, column, tableSchema } from '@cdc/change-envelope/testing';
import { schemasPerTarget } from './schema-evolution';

const v1 = tableSchema('public', 'orders', [column('id', 'int8', { key: true })]);
const v2 = tableSchema('public', 'orders', [column('id', 'int8', { key: true }), column('note', 'text')]);
const items = tableSchema('public', 'items', [column('id', 'int8', { key: true })]);

test("the pending ops' schemas per destination table, each once per run, with its first op's position", () => {
  const ops = new Ops();
  const pending = [
    ops.insert(v1, [V.int(1)]),
    ops.insert(v1, [V.int(2)]),
    ops.ddl(v2, 'ALTER TABLE orders ADD note text'),
    ops.insert(items, [V.int(1)]),
    ops.insert(v2, [V.int(3), V.text('x')]),
    ops.insert(v2, [V.int(4), V.text('y')]),
  ];
  const mapped: string[] = [];
  const perTarget = schemasPerTarget(pending, (op) => {
    mapped.push(op.table.table);
    return { target: { schema: 'dst', table: op.table.table }, id: `dst.${op.table.table}` };
  });
  assert.deepEqual([...perTarget.keys()], ['dst.orders', 'dst.items']);
  const orders = perTarget.get('dst.orders')!;
  assert.equal(orders.first, pending[0]);
  assert.deepEqual(
    orders.schemas.map((s) => [s.table, s.position]),
    [
      [v1, pending[0].position],
      [v2, pending[4].position],
    ],
  );
  assert.deepEqual(orders.target, { schema: 'dst', table: 'orders' });
  // Mapped once per run of one table schema; the DDL op is passed over.
  assert.deepEqual(mapped, ['orders', 'items', 'orders']);
});
