// Consolidation against a real Postgres: fan-in, history, append-only, column mapping, missing columns.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type PostgresServer } from '@cdc/testenv';
import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import type { SinkBatch, TableShaping } from '@cdc/apply';
import { createPostgresSink, type PostgresSink, type PostgresSinkOptions } from './index';
import { column, Ops, tableSchema, V } from '@cdc/change-envelope/testing';

let server: PostgresServer;
const sinks: PostgresSink[] = [];

before(async () => {
  server = await startPostgres({ logical: false, name: 'postgres-sink-consolidate' });
});

after(async () => {
  for (const sink of sinks) await sink.close();
  await server?.destroy();
});

async function destination() {
  const url = await server.createDatabase();
  const db = new URL(url).pathname.slice(1);
  return {
    sql: async (text: string, params: unknown[] = []) => (await server.query(text, params, db)).rows,
    sink: async (options: Partial<PostgresSinkOptions> = {}) => {
      const sink = await createPostgresSink({
        url,
        destination: 'dw',
        createTables: true,
        mapTable: (t) => ({ schema: 'dw', table: t.table }),
        ...options,
      });
      sinks.push(sink);
      return sink;
    },
  };
}

let streamSeq = 0;
const batch = (source: string, ops: ChangeOp[]): SinkBatch => ({
  source,
  partition: 0,
  ops,
  lastStreamSeq: ++streamSeq,
});

const accounts = tableSchema('public', 'accounts', [
  column('id', 'int8', { key: true }),
  column('name', 'text'),
  column('secret', 'text'),
  column('amount', 'int4'),
]);

/** One TableShaping object per source and table (the sink caches by identity). */
function shapings(
  policy: Omit<TableShaping, 'sourceId'>,
  ids: Record<string, string> | undefined,
): (source: string, table: TableSchema) => TableShaping {
  const cache = new Map<string, TableShaping>();
  return (source) => {
    let shaping = cache.get(source);
    if (shaping === undefined) {
      shaping = { ...policy, ...(ids ? { sourceId: { column: 'tenant', value: ids[source] } } : {}) };
      cache.set(source, shaping);
    }
    return shaping;
  };
}

const mapping = { rename: { amount: 'amount_cents' }, exclude: ['secret'], deletes: 'ignore' as const };
const us = (second: number) => Date.UTC(2026, 0, 1, 0, 0, second) * 1000 + 123;

test('clone fan-in: two sources share a table, the source id joins the key, delete/truncate touch one source', async () => {
  const dest = await destination();
  const sink = await dest.sink({ shapeFor: shapings({ mode: 'clone', ...mapping }, { a: 'A', b: 'B' }) });
  const o = new Ops();
  // Both sources at once: the table is created by one, the other waits (DDL is serialized).
  await Promise.all([
    sink.applyBatch(batch('a', [o.insert(accounts, [V.int(1), V.text('a1'), V.text('s'), V.int(10)])])),
    sink.applyBatch(batch('b', [o.insert(accounts, [V.int(1), V.text('b1'), V.text('s'), V.int(20)])])),
  ]);
  await sink.applyBatch(
    batch('a', [
      o.insert(accounts, [V.int(2), V.text('a2'), V.text('s'), V.int(30)]),
      o.update(accounts, [V.int(1), V.text('a1!'), V.text('s'), V.unchanged]),
    ]),
  );
  await sink.applyBatch(batch('b', [o.insert(accounts, [V.int(2), V.text('b2'), V.text('s'), V.int(40)])]));
  const columns = await dest.sql(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = 'dw' AND table_name = 'accounts' ORDER BY ordinal_position`,
  );
  assert.deepEqual(
    columns.map((row) => row.column_name),
    ['tenant', 'id', 'name', 'amount_cents'],
  );
  const pk = await dest.sql(
    `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
     WHERE i.indrelid = 'dw.accounts'::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
  );
  assert.deepEqual(
    pk.map((row) => row.attname),
    ['tenant', 'id'],
  );
  await sink.applyBatch(batch('b', [o.delete(accounts, [V.int(1)])]));
  assert.deepEqual(await dest.sql('SELECT tenant, id::int, name, amount_cents FROM dw.accounts ORDER BY tenant, id'), [
    { tenant: 'A', id: 1, name: 'a1!', amount_cents: 10 },
    { tenant: 'A', id: 2, name: 'a2', amount_cents: 30 },
    { tenant: 'B', id: 2, name: 'b2', amount_cents: 40 },
  ]);
  await sink.applyBatch(batch('a', [o.truncate(accounts)]));
  assert.deepEqual(await dest.sql('SELECT tenant, id::int FROM dw.accounts ORDER BY tenant, id'), [
    { tenant: 'B', id: 2 },
  ]);
});

test('history: versions with valid-from/valid-to, deletes close, unchanged TOAST values carried over, redelivery applies nothing', async () => {
  const dest = await destination();
  const sink = await dest.sink({ shapeFor: shapings({ mode: 'history', ...mapping }, { a: 'A' }) });
  const o = new Ops();
  const at = (op: ChangeOp, second: number): ChangeOp => ({ ...op, commitTimeUs: us(second) });
  const ops = [
    at(o.snapshot(accounts, [V.int(1), V.text('one'), V.text('s'), V.int(1)]), 1),
    at(o.insert(accounts, [V.int(2), V.text('two'), V.text('s'), V.int(2)]), 2),
    at(o.update(accounts, [V.int(1), V.unchanged, V.text('s'), V.int(11)]), 3),
    at(o.delete(accounts, [V.int(2)]), 4),
    at(o.update(accounts, [V.int(3), V.text('one->3'), V.text('s'), V.unchanged], { oldKey: [V.int(1)] }), 5),
  ];
  await sink.applyBatch(batch('a', ops.slice(0, 2)));
  const second = batch('a', ops.slice(2));
  await sink.applyBatch(second);
  const redelivered = await sink.applyBatch({ ...second, lastStreamSeq: ++streamSeq });
  assert.equal(redelivered.applied, 0);
  const rows = await dest.sql(
    `SELECT tenant, id::int, name, amount_cents, _cdc_op, _cdc_commit::text,
            to_char(_cdc_valid_from AT TIME ZONE 'UTC', 'SS.US') AS valid_from,
            to_char(_cdc_valid_to AT TIME ZONE 'UTC', 'SS.US') AS valid_to
     FROM dw.accounts ORDER BY _cdc_commit, _cdc_index`,
  );
  assert.deepEqual(rows, [
    {
      tenant: 'A',
      id: 1,
      name: 'one',
      amount_cents: 1,
      _cdc_op: 'snapshot',
      _cdc_commit: '1001',
      valid_from: '01.000123',
      valid_to: '03.000123',
    },
    {
      tenant: 'A',
      id: 2,
      name: 'two',
      amount_cents: 2,
      _cdc_op: 'insert',
      _cdc_commit: '1002',
      valid_from: '02.000123',
      valid_to: '04.000123',
    },
    {
      tenant: 'A',
      id: 1,
      name: 'one',
      amount_cents: 11,
      _cdc_op: 'update',
      _cdc_commit: '1003',
      valid_from: '03.000123',
      valid_to: '05.000123',
    },
    {
      tenant: 'A',
      id: 3,
      name: 'one->3',
      amount_cents: 11,
      _cdc_op: 'update',
      _cdc_commit: '1005',
      valid_from: '05.000123',
      valid_to: null,
    },
  ]);
  const pk = await dest.sql(
    `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
     WHERE i.indrelid = 'dw.accounts'::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
  );
  assert.deepEqual(
    pk.map((row) => row.attname),
    ['tenant', 'id', '_cdc_commit', '_cdc_index'],
  );
  // A truncate closes every open version of its source, and only of its source.
  const other = await dest.sink({ shapeFor: shapings({ mode: 'history', ...mapping }, { a: 'A', b: 'B' }) });
  await other.applyBatch(batch('b', [at(o.insert(accounts, [V.int(9), V.text('b'), V.text('s'), V.int(9)]), 6)]));
  await other.applyBatch(batch('a', [at(o.truncate(accounts), 7)]));
  assert.deepEqual(
    await dest.sql(
      `SELECT tenant, id::int, to_char(_cdc_valid_to AT TIME ZONE 'UTC', 'SS.US') AS valid_to
       FROM dw.accounts WHERE _cdc_commit >= 1005 ORDER BY _cdc_commit`,
    ),
    [
      { tenant: 'A', id: 3, valid_to: '07.000123' },
      { tenant: 'B', id: 9, valid_to: null },
    ],
  );
});

test('append-only: inserts and updates appended, deletes recorded, unchanged values from the last row of the key', async () => {
  const dest = await destination();
  const sink = await dest.sink({
    shapeFor: shapings({ mode: 'append-only', ...mapping, deletes: 'record' }, { a: 'A', b: 'B' }),
  });
  const o = new Ops();
  await sink.applyBatch(
    batch('a', [
      o.insert(accounts, [V.int(1), V.text('one'), V.text('s'), V.int(1)]),
      o.update(accounts, [V.int(1), V.unchanged, V.text('s'), V.int(2)]),
      o.delete(accounts, [V.int(1)]),
    ]),
  );
  await sink.applyBatch(batch('b', [o.insert(accounts, [V.int(1), V.text('b'), V.text('s'), V.int(9)])]));
  assert.deepEqual(
    await dest.sql('SELECT tenant, _cdc_commit::int, _cdc_op, id::int, name, amount_cents FROM dw.accounts ORDER BY 2'),
    [
      { tenant: 'A', _cdc_commit: 1001, _cdc_op: 'insert', id: 1, name: 'one', amount_cents: 1 },
      { tenant: 'A', _cdc_commit: 1002, _cdc_op: 'update', id: 1, name: 'one', amount_cents: 2 },
      { tenant: 'A', _cdc_commit: 1003, _cdc_op: 'delete', id: 1, name: null, amount_cents: null },
      { tenant: 'B', _cdc_commit: 1004, _cdc_op: 'insert', id: 1, name: 'b', amount_cents: 9 },
    ],
  );
  // deletes: ignore writes nothing for a delete.
  const ignoring = await destination();
  const sink2 = await ignoring.sink({ shapeFor: shapings({ mode: 'append-only', ...mapping }, undefined) });
  await sink2.applyBatch(
    batch('a', [o.insert(accounts, [V.int(5), V.text('x'), V.text('s'), V.int(1)]), o.delete(accounts, [V.int(5)])]),
  );
  assert.deepEqual(await ignoring.sql('SELECT _cdc_op, id::int FROM dw.accounts'), [{ _cdc_op: 'insert', id: 5 }]);
});

test('missing columns: fail names destination, table, column and the option; ignore drops the values', async () => {
  const dest = await destination();
  await dest.sql('CREATE SCHEMA dw');
  await dest.sql('CREATE TABLE dw.accounts (id int8 PRIMARY KEY, name text)');
  const o = new Ops();
  const failing = await dest.sink({
    createTables: false,
    shapeFor: shapings({ mode: 'clone', ...mapping }, undefined),
  });
  await assert.rejects(
    failing.applyBatch(batch('a', [o.insert(accounts, [V.int(1), V.text('one'), V.text('s'), V.int(1)])])),
    (error: Error) => {
      assert.match(
        error.message,
        /^destination dw: table dw\.accounts has no column "amount_cents" \(source a table public\.accounts; set missing_columns: create/,
      );
      return true;
    },
  );
  const logged: string[] = [];
  const ignoring = await dest.sink({
    createTables: false,
    missingColumns: 'ignore',
    log: (message) => logged.push(message),
    shapeFor: shapings({ mode: 'clone', ...mapping }, undefined),
  });
  await ignoring.applyBatch(batch('a', [o.insert(accounts, [V.int(1), V.text('one'), V.text('s'), V.int(1)])]));
  await ignoring.applyBatch(batch('a', [o.update(accounts, [V.int(1), V.text('uno'), V.text('s'), V.int(2)])]));
  assert.deepEqual(await dest.sql('SELECT id::int, name FROM dw.accounts'), [{ id: 1, name: 'uno' }]);
  assert.equal(logged.length, 1);
  // The same in history mode: the missing column is neither written nor carried over.
  await dest.sql(`CREATE TABLE dw.versions (id int8, name text, _cdc_commit numeric(20,0), _cdc_index int4,
    _cdc_op text, _cdc_valid_from timestamptz, _cdc_valid_to timestamptz, PRIMARY KEY (id, _cdc_commit, _cdc_index))`);
  const versions = tableSchema('public', 'versions', accounts.columns.slice());
  const history = await dest.sink({
    createTables: false,
    missingColumns: 'ignore',
    shapeFor: shapings({ mode: 'history', ...mapping }, undefined),
  });
  await history.applyBatch(batch('a', [o.insert(versions, [V.int(1), V.text('one'), V.text('s'), V.int(1)])]));
  await history.applyBatch(batch('a', [o.update(versions, [V.int(1), V.unchanged, V.text('s'), V.unchanged])]));
  assert.deepEqual(
    await dest.sql(
      'SELECT id::int, name, _cdc_op, _cdc_valid_to IS NULL AS current FROM dw.versions ORDER BY _cdc_commit',
    ),
    [
      { id: 1, name: 'one', _cdc_op: 'insert', current: false },
      { id: 1, name: 'one', _cdc_op: 'update', current: true },
    ],
  );
  assert.match(logged[0], /no column "amount_cents"; its values are dropped \(missing_columns: ignore\)/);
});

test('schema evolution follows renames: a column added at the source lands under its mapped name', async () => {
  const dest = await destination();
  const sink = await dest.sink({
    shapeFor: shapings(
      { mode: 'clone', rename: { amount: 'amount_cents', note: 'remark' }, exclude: ['secret'], deletes: 'ignore' },
      { a: 'A' },
    ),
  });
  const o = new Ops();
  await sink.applyBatch(batch('a', [o.insert(accounts, [V.int(1), V.text('one'), V.text('s'), V.int(1)])]));
  const wider = tableSchema('public', 'accounts', [...accounts.columns, column('note', 'text')]);
  await sink.applyBatch(batch('a', [o.insert(wider, [V.int(2), V.text('two'), V.text('s'), V.int(2), V.text('hi')])]));
  assert.deepEqual(await dest.sql('SELECT tenant, id::int, amount_cents, remark FROM dw.accounts ORDER BY id'), [
    { tenant: 'A', id: 1, amount_cents: 1, remark: null },
    { tenant: 'A', id: 2, amount_cents: 2, remark: 'hi' },
  ]);
});

test('fan-in: a column one source drops is kept (made nullable) for the others', async () => {
  const dest = await destination();
  const sink = await dest.sink({
    shapeFor: shapings({ mode: 'clone', rename: {}, exclude: [], deletes: 'ignore' }, { a: 'A', b: 'B' }),
  });
  const strict = tableSchema('public', 'people', [
    column('id', 'int8', { key: true }),
    column('name', 'text', { nullable: false }),
  ]);
  const o = new Ops();
  await sink.applyBatch(batch('a', [o.insert(strict, [V.int(1), V.text('a1')])]));
  await sink.applyBatch(batch('b', [o.insert(strict, [V.int(1), V.text('b1')])]));
  const dropped = tableSchema('public', 'people', [column('id', 'int8', { key: true })]);
  await sink.applyBatch(batch('a', [o.insert(dropped, [V.int(2)])]));
  await sink.applyBatch(batch('b', [o.insert(strict, [V.int(2), V.text('b2')])]));
  assert.deepEqual(await dest.sql('SELECT tenant, id::int, name FROM dw.people ORDER BY tenant, id'), [
    { tenant: 'A', id: 1, name: 'a1' },
    { tenant: 'A', id: 2, name: null },
    { tenant: 'B', id: 1, name: 'b1' },
    { tenant: 'B', id: 2, name: 'b2' },
  ]);
});
