// LOAD DATA LOCAL INFILE stores exactly what the INSERT statements store, on a real MariaDB: the
// same rows (loaded straight in, or through the staging table when some exist already) (every value kind, awkward text, values with no LOAD DATA form mixed in) applied by a
// sink that loads every group and by one that never loads give equal tables; a value the column
// cannot hold is refused (or nulled by the policy) as INSERT refuses it, though LOAD DATA LOCAL
// only warns; a server with local_infile off gets INSERTs and a line saying so.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MariadbServer } from '@cdc/testenv';
import type { TableSchema, Value } from '@cdc/change-envelope';
import { column, Ops, tableSchema, V } from '@cdc/change-envelope/testing';
import { testDestination } from './test-destination';

const destination = testDestination('mysql-sink-load');
const { newSink, rows, apply } = destination;
const db = { query: (...args: Parameters<MariadbServer['query']>) => destination.db().query(...args) };
const statusOf = async (name: string) => Number((await db.query('SHOW GLOBAL STATUS LIKE ?', [name])).rows[0].Value);
const loadsSoFar = () => statusOf('Com_load');

const wide: TableSchema = tableSchema('public', 'wide', [
  column('id', 'bigint', { key: true }),
  column('i4', 'integer'),
  column('num', 'numeric(12,2)'),
  column('f8', 'double precision'),
  column('flag', 'boolean'),
  column('t', 'text'),
  column('js', 'jsonb'),
  column('u', 'uuid'),
  column('d', 'date'),
  column('tm', 'time without time zone'),
  column('ts', 'timestamp without time zone'),
  column('tstz', 'timestamp with time zone'),
  column('raw', 'bytea'),
  column('feeling', 'mood'),
]);
const keyless: TableSchema = tableSchema('public', 'loose', [column('a', 'integer'), column('b', 'text')], false);

const TEXTS = [
  'plain',
  'tab\there, new\nline, return\r, back\\slash, \\N, \\t as text',
  'form\ffeed and vertical\vtab, bell\u0007, nul\0byte, ctrl-z\u001a',
  'quotes \' " and ünïcødé 🚀',
  '',
  '\\',
  'NULL',
];

/** Row i of `wide`: every column varies; some rows carry values with no LOAD DATA form. */
function wideRow(i: number): Value[] {
  return [
    V.int(i),
    i % 7 === 0 ? V.null : V.int(i * 1000 - 500_000),
    V.decimal(i % 2 === 0 ? `${i}.25` : `-${i}.5`),
    i % 5 === 0 ? V.float(1e300) : V.float(i / 3),
    i % 4 === 0 ? V.null : V.bool(i % 2 === 0),
    V.text(`${TEXTS[i % TEXTS.length]} #${i}`),
    V.json(`{"i": ${i}, "s": "a\\tb"}`),
    V.uuid('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
    V.date(i % 50 === 0 ? 'infinity' : '2024-02-29'),
    V.time('23:59:59.5'),
    V.timestamp(`2024-01-01 00:00:${String(i % 60).padStart(2, '0')}.123456`),
    // Not UTC every 3rd row: that row goes as an INSERT (converted to UTC there).
    V.timestamptz(i % 3 === 0 ? '1999-12-31 23:59:59.5+02' : '1999-12-31 23:59:59.5+00'),
    i % 11 === 0 ? V.bytes([0, 255, 9, 10]) : V.null,
    V.enum('happy'),
  ];
}

const SELECT_WIDE = `SELECT id, i4, num, f8, flag, HEX(t) AS t, CONCAT(js) AS js, u, d, tm, ts, tstz, HEX(raw) AS raw, feeling FROM wide ORDER BY id`;

test('rows written with LOAD DATA equal rows written with INSERTs: inserts, upserts, keyless runs', async () => {
  const loading = await newSink({ loadDataMinRows: 1, unrepresentable: 'null' });
  const inserting = await newSink({ loadDataMinRows: 0, unrepresentable: 'null' });
  const build = () => {
    const ops = new Ops();
    const first = Array.from({ length: 300 }, (_, i) => ops.insert(wide, wideRow(i + 1)));
    const loose = Array.from({ length: 50 }, (_, i) =>
      ops.insert(keyless, [V.int(i % 3), V.text(TEXTS[i % TEXTS.length])]),
    );
    // Second batch: updates of every other row (upserts on existing keys) and new rows.
    const second = Array.from({ length: 200 }, (_, i) => {
      const id = i * 2 + 1;
      const row = wideRow(id + 1000);
      row[0] = V.int(id);
      return ops.update(wide, row);
    });
    return { first: [...first, ...loose], second };
  };
  const before = await loadsSoFar();
  const rollbacksBefore = await statusOf('Com_rollback_to_savepoint');
  for (const { sink } of [loading, inserting]) {
    const { first, second } = build();
    await apply(sink, first, 1);
    await apply(sink, second, 2);
  }
  // New rows load straight in; the updates' load meets existing rows, rolls back to its
  // savepoint and goes through the staging table.
  assert.ok((await loadsSoFar()) - before >= 4, 'the loading sink ran LOAD DATA (wide 3 times, loose once)');
  assert.equal((await statusOf('Com_rollback_to_savepoint')) - rollbacksBefore, 1);
  const [got, expected] = await Promise.all([
    rows(loading.database, SELECT_WIDE),
    rows(inserting.database, SELECT_WIDE),
  ]);
  assert.equal(got.length, 350, '300 inserted, then 50 more among the upserts');
  assert.deepEqual(got, expected);
  const looseRows = (database: string) => rows(database, 'SELECT a, HEX(b) AS b FROM loose ORDER BY a, b');
  assert.deepEqual(await looseRows(loading.database), await looseRows(inserting.database));
  assert.equal((await looseRows(loading.database)).length, 50);
});

test('a value its column cannot hold is refused as INSERT refuses it (LOAD DATA LOCAL only warns)', async () => {
  const table = tableSchema('public', 'money', [column('id', 'integer', { key: true }), column('m', 'numeric(6,2)')]);
  const { sink, database } = await newSink({ loadDataMinRows: 1 });
  // The destination column is narrower than the values: DECIMAL(4,2) cannot hold 123.45.
  await db.query('CREATE TABLE money (id INT PRIMARY KEY, m DECIMAL(4,2))', [], database);
  const ops = new Ops();
  const batch = [ops.insert(table, [V.int(1), V.decimal('1.50')]), ops.insert(table, [V.int(2), V.decimal('123.45')])];
  await assert.rejects(apply(sink, batch), (error: Error) => {
    assert.match(
      error.message,
      /insert on public\.money .* key \(id\)=\(2\) .*cannot be written: column m: numeric 123\.45 does not fit DECIMAL\(4,2\)/,
    );
    return true;
  });
  assert.deepEqual(await rows(database, 'SELECT * FROM money'), [], 'the batch rolled back');

  const lenient = await newSink({ loadDataMinRows: 1, unrepresentable: 'null' });
  await db.query('CREATE TABLE money (id INT PRIMARY KEY, m DECIMAL(4,2))', [], lenient.database);
  await apply(lenient.sink, batch);
  assert.deepEqual(await rows(lenient.database, 'SELECT id, m FROM money ORDER BY id'), [
    { id: 1, m: '1.50' },
    { id: 2, m: null },
  ]);
});

test('a duplicate key in a load into an emptied table is not skipped silently', async () => {
  // Keyless at the source, unique at the destination: LOAD DATA LOCAL would skip the second row with a warning.
  const table = tableSchema('public', 'uniq', [column('a', 'integer'), column('b', 'text')], false);
  const { sink, database } = await newSink({ loadDataMinRows: 1 });
  await db.query('CREATE TABLE uniq (a INT, b TEXT, UNIQUE KEY (a))', [], database);
  const ops = new Ops();
  await assert.rejects(
    apply(sink, [ops.insert(table, [V.int(1), V.text('x')]), ops.insert(table, [V.int(1), V.text('y')])]),
    /rejected by the destination: Duplicate entry '1'/,
  );
  assert.deepEqual(await rows(database, 'SELECT * FROM uniq'), []);
});

test('a server with local_infile off gets INSERT statements, and a line saying so', async () => {
  await db.query('SET GLOBAL local_infile = 0');
  try {
    const lines: string[] = [];
    const { sink, database } = await newSink({ loadDataMinRows: 1, log: (line) => lines.push(line) });
    assert.equal(lines.length, 1);
    assert.match(
      lines[0],
      /^mysql destination test \(.*\): the server has local_infile off, so rows are written with INSERT statements/,
    );
    const ops = new Ops();
    const before = await loadsSoFar();
    await apply(
      sink,
      Array.from({ length: 10 }, (_, i) => ops.insert(wide, wideRow(i + 1))),
    );
    assert.equal(await loadsSoFar(), before);
    assert.equal((await rows(database, 'SELECT COUNT(*) AS n FROM wide'))[0].n, '10');
  } finally {
    await db.query('SET GLOBAL local_infile = 1');
  }
});
