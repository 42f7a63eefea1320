import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TableSchema } from '@cdc/change-envelope';
import { VitessRowFilters } from './row-filters';
import { backfillLane, backfillTruncate, copyAgain } from './filter-backfill';
import type { KeyspaceTable } from './schema';

const table = (name: string) => ({ name }) as unknown as KeyspaceTable;
const filtersOf = (filters: Record<string, string>) =>
  new VitessRowFilters({ source: 'v', keyspace: 'ks', filterOf: (name) => filters[name] });

test('filter records: spelling is no change; a changed, added or removed filter is a change of that table', () => {
  const tables = [table('orders'), table('events'), table('users')];
  const before = filtersOf({ orders: "region = 'eu'", events: 'id > 10' }).record(tables);
  assert.deepEqual(before.tables.users, null);
  const same = filtersOf({ orders: "REGION='eu'", events: '(id > 10)' }).record(tables);
  assert.deepEqual(filtersOf({}).changes(before, same), []);
  const changes = filtersOf({}).changes(
    before,
    filtersOf({ orders: "region = 'us'", users: 'id < 5' }).record([...tables, table('new_table')]),
  );
  assert.deepEqual(changes, [
    { table: 'orders', was: "region = 'eu'", now: "region = 'us'" },
    { table: 'events', was: 'id > 10', now: undefined },
    { table: 'users', was: undefined, now: 'id < 5' },
  ]);
  // A table only one record knows (new to the patterns, gone from the keyspace) is no change.
  assert.deepEqual(filtersOf({}).changes({ tables: {} }, filtersOf({ orders: 'id > 1' }).record(tables)), []);
});

test('a backfill restarts the tables copy in every shard and truncates on a lane of its own', () => {
  const start = {
    shardGtids: [
      {
        keyspace: 'ks',
        shard: '-80',
        gtid: 'MariaDB/0-1-5',
        tablePKs: [{ tableName: 'orders', lastpk: { rows: [] } }],
      },
      { keyspace: 'ks', shard: '80-', gtid: 'MariaDB/0-1-7' },
    ],
  };
  const again = copyAgain(start, ['orders', 'users']);
  assert.deepEqual(
    again.shardGtids!.map((shard) => [shard.shard, shard.gtid, shard.tablePKs]),
    [
      ['-80', 'MariaDB/0-1-5', [{ tableName: 'orders' }, { tableName: 'users' }]],
      ['80-', 'MariaDB/0-1-7', [{ tableName: 'orders' }, { tableName: 'users' }]],
    ],
  );
  assert.equal(copyAgain(start, []), start);
  const schema: TableSchema = { schema: 'ks', table: 'orders', columns: [], hasKey: true };
  const truncate = backfillTruncate(schema, 'ks', 1_700_000_000_000_000);
  assert.deepEqual(
    [truncate.kind, truncate.table, truncate.position],
    ['truncate', schema, { commit: 1_700_000_000_000_000n, index: 0, lane: backfillLane('ks') }],
  );
});
