import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapTable, parseConfig, tableMatches, type PostgresDestinationConfig } from './index';

test('a pattern matches schema and table exactly', () => {
  assert.equal(tableMatches(['public.users'], 'public', 'users'), true);
  assert.equal(tableMatches(['public.users'], 'public', 'users2'), false);
  assert.equal(tableMatches(['public.users'], 'public', 'user'), false);
  assert.equal(tableMatches(['public.users'], 'other', 'users'), false);
  assert.equal(tableMatches([], 'public', 'users'), false);
});

test('matching is case-sensitive', () => {
  assert.equal(tableMatches(['public.Users'], 'public', 'users'), false);
  assert.equal(tableMatches(['public.Users'], 'public', 'Users'), true);
  assert.equal(tableMatches(['Sales.*'], 'sales', 'orders'), false);
  assert.equal(tableMatches(['Sales.*'], 'Sales', 'orders'), true);
});

test('* matches any run of characters, including none', () => {
  assert.equal(tableMatches(['public.*'], 'public', 'anything'), true);
  assert.equal(tableMatches(['public.*'], 'public', ''), true);
  assert.equal(tableMatches(['sales.order_*'], 'sales', 'order_'), true);
  assert.equal(tableMatches(['sales.order_*'], 'sales', 'order_items'), true);
  assert.equal(tableMatches(['sales.order_*'], 'sales', 'orders'), false);
  assert.equal(tableMatches(['sales.*_log'], 'sales', 'audit_log'), true);
  assert.equal(tableMatches(['sales.*_log'], 'sales', 'audit_log_old'), false);
  assert.equal(tableMatches(['*.*'], 'any', 'thing'), true);
  assert.equal(tableMatches(['s*.t*t'], 'sales', 'tt'), true);
  assert.equal(tableMatches(['public.*'], 'public', 'a.b"c'), true);
});

test('a pattern without a dot is in schema public', () => {
  assert.equal(tableMatches(['users'], 'public', 'users'), true);
  assert.equal(tableMatches(['users'], 'sales', 'users'), false);
  assert.equal(tableMatches(['*'], 'public', 'x'), true);
  assert.equal(tableMatches(['*'], 'sales', 'x'), false);
});

test('dots, quotes and regex characters in names are literal', () => {
  // Split at the first dot: schema "public", table "my.table".
  assert.equal(tableMatches(['public.my.table'], 'public', 'my.table'), true);
  assert.equal(tableMatches(['public.my.table'], 'public', 'myXtable'), false);
  assert.equal(tableMatches(['public.my.table'], 'public.my', 'table'), false);
  assert.equal(tableMatches(['public."Users"'], 'public', '"Users"'), true);
  assert.equal(tableMatches(['public."Users"'], 'public', 'Users'), false);
  assert.equal(tableMatches(['public.a+b(1)[x]?'], 'public', 'a+b(1)[x]?'), true);
  assert.equal(tableMatches(['public.a+b'], 'public', 'aab'), false);
  assert.equal(tableMatches(['public.$^'], 'public', '$^'), true);
  assert.equal(tableMatches(['public.a\\d'], 'public', 'a\\d'), true);
  assert.equal(tableMatches(['public.a\\d'], 'public', 'a1'), false);
});

test('several patterns: any match selects', () => {
  const patterns = ['public.users', 'sales.*'];
  assert.equal(tableMatches(patterns, 'sales', 'orders'), true);
  assert.equal(tableMatches(patterns, 'public', 'users'), true);
  assert.equal(tableMatches(patterns, 'public', 'orders'), false);
});

function destination(extra: Partial<PostgresDestinationConfig> = {}): PostgresDestinationConfig {
  return {
    name: 'dw',
    type: 'postgres',
    url: 'postgres://h/db',
    sources: ['a'],
    createTables: false,
    tables: {},
    batch: { maxOps: 5000, maxWaitMs: 50, maxIdleMs: 10, maxBytes: 16777216 },
    concurrency: 4,
    membership: { heartbeatMs: 1000, ttlMs: 5000 },
    onError: 'stop',
    ...extra,
  };
}

test('mapTable: default keeps schema and table', () => {
  assert.deepEqual(mapTable(destination(), 'sales', 'Orders'), { schema: 'sales', table: 'Orders' });
});

test('mapTable: `schema` moves every unmapped table', () => {
  const d = destination({ schema: 'replica', tables: { 'public.users': 'crm.customers' } });
  assert.deepEqual(mapTable(d, 'sales', 'orders'), { schema: 'replica', table: 'orders' });
  assert.deepEqual(mapTable(d, 'public', 'users'), { schema: 'crm', table: 'customers' });
});

test('mapTable: mapping is exact, case-sensitive, split at the first dot', () => {
  const d = destination({
    tables: { 'public.users': 'crm.customers', 'public.my.table': 'dst.my.renamed', 'public."Q"': 'x."Y"' },
  });
  assert.deepEqual(mapTable(d, 'public', 'users'), { schema: 'crm', table: 'customers' });
  assert.deepEqual(mapTable(d, 'public', 'Users'), { schema: 'public', table: 'Users' });
  assert.deepEqual(mapTable(d, 'public', 'my.table'), { schema: 'dst', table: 'my.renamed' });
  // "public.my" + "table" would concatenate to the same text, but it is a different table.
  assert.deepEqual(mapTable(d, 'public.my', 'table'), { schema: 'public.my', table: 'table' });
  assert.deepEqual(mapTable(d, 'public', '"Q"'), { schema: 'x', table: '"Y"' });
});

test('mapTable works on a parsed destination', () => {
  const config = parseConfig(
    [
      'nats: {url: nats://a}',
      'sources: [{name: a, type: postgres, url: "postgres://h/db", tables: ["*", "sales.*"]}]',
      'destinations:',
      '  - name: dw',
      '    type: postgres',
      '    url: postgres://h/dw',
      '    sources: [a]',
      '    schema: replica',
      '    tables: {sales.order: sales.orders_v2}',
    ].join('\n'),
    'cdc.yaml',
    {},
  );
  const [dw] = config.destinations;
  assert.deepEqual(mapTable(dw, 'sales', 'order'), { schema: 'sales', table: 'orders_v2' });
  assert.deepEqual(mapTable(dw, 'public', 'users'), { schema: 'replica', table: 'users' });
});
