// Which partitions an op goes to (no servers: the rule alone).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { partitionOf, partitionOfKey, type ChangeOp, type TableSchema, type Value } from '@cdc/change-envelope';
import { partitionsByKey, routeOf } from './partition-routing';

const log = pino({ level: 'silent' });
const PARTITIONS = 8;

const table: TableSchema = {
  schema: 'public',
  table: 'orders',
  hasKey: true,
  columns: [
    { name: 'id', type: 'int8', key: true, nullable: false, typeOid: 20, elementTypeOid: 0 },
    { name: 'v', type: 'text', key: false, nullable: true, typeOid: 25, elementTypeOid: 0 },
  ],
};
const keyless: TableSchema = {
  ...table,
  table: 'events',
  hasKey: false,
  columns: table.columns.map((c) => ({ ...c, key: false })),
};

const id = (n: number): Value => ({ kind: 'integer', value: String(n) });
const row = (n: number): Value[] => [id(n), { kind: 'text', value: 'v' }];
const partitionOfId = (n: number) => partitionOfKey('public', 'orders', [id(n)], PARTITIONS);
const op = (fields: Partial<ChangeOp> & Pick<ChangeOp, 'kind'>): ChangeOp => ({
  table,
  key: [],
  position: { commit: 1n, index: 0 },
  commitTimeUs: 1,
  ...fields,
});

/** Two ids whose rows hash to different partitions. */
function idsApart(): [number, number] {
  for (let n = 2; ; n += 1) if (partitionOfId(n) !== partitionOfId(1)) return [1, n];
}

test('a table goes to its one partition unless it is key-partitioned and has a key', () => {
  const byTable = partitionOf('public', 'orders', PARTITIONS);
  assert.equal(routeOf(table, PARTITIONS, undefined, log), byTable);
  assert.equal(
    routeOf(table, PARTITIONS, () => false, log),
    byTable,
  );
  assert.deepEqual(
    routeOf(table, PARTITIONS, () => true, log),
    { keyIndexes: [0] },
  );
  assert.equal(
    routeOf(keyless, PARTITIONS, () => true, log),
    partitionOf('public', 'events', PARTITIONS),
    'a keyless table stays in one partition',
  );
});

test("by key: a row goes to its key's partition, a truncate to every partition", () => {
  assert.equal(partitionsByKey(op({ kind: 'insert', key: [id(7)], after: row(7) }), [0], PARTITIONS), partitionOfId(7));
  assert.equal(
    partitionsByKey(op({ kind: 'delete', key: [id(7)], before: row(7) }), [0], PARTITIONS),
    partitionOfId(7),
  );
  assert.deepEqual(partitionsByKey(op({ kind: 'truncate' }), [0], PARTITIONS), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(partitionsByKey(op({ kind: 'ddl' }), [0], PARTITIONS), partitionOf('public', 'orders', PARTITIONS));
});

test('by key: an update that moves its row to another partition goes to both, in partition order; one that stays, to its own', () => {
  const [a, b] = idsApart();
  const moved = partitionsByKey(op({ kind: 'update', key: [id(a)], after: row(b) }), [0], PARTITIONS);
  assert.deepEqual(
    moved,
    [partitionOfId(a), partitionOfId(b)].sort((x, y) => x - y),
  );
  assert.equal(partitionsByKey(op({ kind: 'update', key: [id(a)], after: row(a) }), [0], PARTITIONS), partitionOfId(a));
  // A new row without its key's value (unchanged TOAST) keeps the old key's partition.
  const unchanged = partitionsByKey(
    op({ kind: 'update', key: [id(a)], after: [{ kind: 'unchanged' }, { kind: 'text', value: 'v' }] }),
    [0],
    PARTITIONS,
  );
  assert.equal(unchanged, partitionOfId(a));
});
