import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VitessRowFilters } from './row-filters';
import type { KeyspaceTable } from './schema';

const table = (name: string) => ({ name }) as unknown as KeyspaceTable;
const filtersOf = (filters: Record<string, string>) =>
  new VitessRowFilters({ source: 'v', keyspace: 'ks', filterOf: (name) => filters[name] });

test('filter records: spelling is no change; a changed, added or removed filter is one line naming each table', () => {
  const tables = [table('orders'), table('events'), table('users')];
  const before = filtersOf({ orders: "region = 'eu'", events: 'id > 10' }).record(tables);
  assert.deepEqual(before.tables.users, null);
  const same = filtersOf({ orders: "REGION='eu'", events: '(id > 10)' }).record(tables);
  assert.equal(filtersOf({}).changes(before, same), undefined);
  const change = filtersOf({}).changes(
    before,
    filtersOf({ orders: "region = 'us'", users: 'id < 5' }).record([...tables, table('new_table')]),
  );
  assert.ok(change);
  assert.ok(!change.message.includes('\n'));
  assert.match(
    change.message,
    /^source v: the row filter of ks\.orders \(was "region = 'eu'", now "region = 'us'"\); ks\.events \(was "id > 10", now none\); ks\.users \(was none, now "id < 5"\) changed since the reader last ran; .* nats kv del cdc_progress filters\.v$/,
  );
  // A table only one record knows (new to the patterns, gone from the keyspace) is no change.
  assert.equal(filtersOf({}).changes({ tables: {} }, filtersOf({ orders: 'id > 1' }).record(tables)), undefined);
});
