import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Column, Value } from '@cdc/change-envelope';
import { startPostgres, type PostgresServer } from '@cdc/testenv';
import { compileFilter } from './evaluate';
import { parseFilter } from './expression';
import { renderPostgres } from './render';

/*
 * The evaluator against the server it imitates: for every expression, the rows Postgres selects
 * with the rendered filter (WHERE, so only TRUE passes) and the rows the evaluator says TRUE for
 * are the same, and so are the rows where the filter is NULL (SQL unknown).
 */

let pg: PostgresServer;

const column = (name: string, type: string, valueKind: string, key = false): Column => ({
  name,
  type,
  key,
  nullable: !key,
  typeOid: 0,
  elementTypeOid: 0,
  valueKind,
});

const COLUMNS: Column[] = [
  column('id', 'int4', 'integer', true),
  column('region', 'text', 'text'),
  column('n', 'int8', 'integer'),
  column('price', 'numeric', 'decimal'),
  column('f', 'float8', 'float'),
  column('deleted', 'bool', 'boolean'),
  column('created', 'date', 'date'),
  column('ts', 'timestamptz', 'timestamptz'),
  column('u', 'uuid', 'uuid'),
  column('Name', 'text', 'text'),
];

type Row = [
  number,
  string | null,
  string | null,
  string | null,
  number | null,
  boolean | null,
  string | null,
  string | null,
  string | null,
  string | null,
];

const ROWS: Row[] = [
  [
    1,
    'eu',
    '5',
    '10.50',
    1.5,
    false,
    '2024-01-31',
    '2024-01-31 10:00:00+00',
    'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
    'alice',
  ],
  [2, 'us', '-3', '10.5', -0.25, true, '2023-12-01', '2024-01-31 09:59:59.999999+00', null, 'Bob'],
  [3, null, null, null, null, null, null, null, null, null],
  [
    4,
    'EU',
    '9223372036854775807',
    '99999999999999999999.01',
    1e300,
    false,
    '2024-02-01',
    '2024-02-01 00:00:00+00',
    'b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12',
    'a_b%c',
  ],
  [5, 'eu', '0', '0', 0, null, '1999-12-31', '1999-12-31 23:59:59+00', null, 'Ωmega'],
  [6, 'apac', '100', '-1e2', Number.NaN, true, '2024-01-31', '2024-01-31 11:00:00+01', null, 'abc'],
  [7, '', '42', '42.000', 42, false, null, null, null, 'ab'],
];

const EXPRESSIONS = [
  "region = 'eu'",
  "region = 'eu' AND NOT deleted",
  "region = 'eu' OR deleted",
  'NOT deleted',
  'deleted',
  'deleted = true',
  "deleted = 'yes'",
  "region <> 'eu'",
  "region != 'eu'",
  "region IN ('eu', 'us')",
  "region NOT IN ('eu', 'us')",
  "region NOT IN ('eu', NULL)",
  "region IN ('eu', NULL)",
  'region IS NULL',
  'region IS NOT NULL',
  "region IS NULL OR region = ''",
  "region > 'ap'",
  "region < 'eu'",
  "region >= 'EU'",
  'n > 0',
  'n >= 9223372036854775807',
  "n = '42'",
  'n BETWEEN -3 AND 5',
  'n NOT BETWEEN -3 AND 5',
  'price = 10.5',
  'price > 99999999999999999999',
  'price < -99',
  'price = 42',
  'f > 1',
  'f < 0',
  'f = 42',
  'f > 1e299',
  "created >= '2024-01-01'",
  "created = '2024-01-31'",
  "ts >= '2024-01-31 10:00:00+00'",
  "ts < '2024-01-31T10:00:00Z'",
  "ts = '2024-01-31 10:00:00+00'",
  "u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'",
  '"Name" LIKE \'a%\'',
  '"Name" LIKE \'a\\_b\\%c\'',
  '"Name" LIKE \'_b\'',
  '"Name" NOT LIKE \'%b%\'',
  '"Name" ILIKE \'B%\'',
  '"Name" LIKE \'Ω%\'',
  '"Name" > \'b\'',
  "NOT (region = 'eu' AND n > 1)",
  "(region = 'eu' OR region IS NULL) AND (deleted IS NULL OR NOT deleted)",
  'n = price',
  'n > id',
  'NULL',
  'NOT NULL',
  "region = 'eu' AND NULL",
  "region = 'eu' OR NULL",
  'id IN (1, 3, 5) AND NOT (id IN (5))',
];

let database: string;

before(async () => {
  pg = await startPostgres({ name: 'row-filter' });
  database = 'filters';
  await pg.createDatabase(database);
  await pg.query(
    `CREATE TABLE t (id int4 PRIMARY KEY, region text COLLATE "C", n int8, price numeric, f float8, deleted bool,
                     created date, ts timestamptz, u uuid, "Name" text COLLATE "C")`,
    [],
    database,
  );
  for (const row of ROWS) {
    await pg.query(
      'INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
      row.map((v) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v)),
      database,
    );
  }
});

after(async () => {
  await pg?.destroy();
});

function values(row: Row): Value[] {
  const [id, region, n, price, f, deleted, created, ts, u, name] = row;
  const of = <T>(value: T | null, make: (v: T) => Value): Value => (value === null ? { kind: 'null' } : make(value));
  return [
    { kind: 'integer', value: String(id) },
    of(region, (value) => ({ kind: 'text', value })),
    of(n, (value) => ({ kind: 'integer', value })),
    of(price, (value) => ({ kind: 'decimal', value })),
    of(f, (value) => ({ kind: 'float', value })),
    of(deleted, (value) => ({ kind: 'boolean', value })),
    of(created, (value) => ({ kind: 'date', value })),
    of(ts, (value) => ({ kind: 'timestamptz', value })),
    of(u, (value) => ({ kind: 'uuid', value })),
    of(name, (value) => ({ kind: 'text', value })),
  ];
}

test('the evaluator gives the rows Postgres gives, TRUE and NULL alike, for every expression', async () => {
  const mismatches: string[] = [];
  for (const text of EXPRESSIONS) {
    const expression = parseFilter(text);
    const sql = renderPostgres(expression);
    const server = await pg.query(`SELECT id, (${sql}) AS result FROM t ORDER BY id`, [], database);
    const expected = new Map(server.rows.map((row) => [Number(row.id), row.result as boolean | null]));
    const predicate = compileFilter(expression, COLUMNS);
    for (const row of ROWS) {
      const got = predicate(values(row));
      if (got !== expected.get(row[0])) {
        mismatches.push(
          `${text} (rendered ${sql}) on row ${row[0]}: evaluator ${got}, Postgres ${expected.get(row[0])}`,
        );
      }
    }
  }
  assert.deepEqual(mismatches, []);
});

test('a rendered filter is taken by a publication row filter as it is (PostgreSQL 15+)', async () => {
  const version = Number((await pg.query('SHOW server_version_num', [], database)).rows[0].server_version_num);
  if (version < 150000) return;
  for (const text of [
    "region = 'eu' AND NOT deleted",
    "region IN ('eu', 'us') OR n BETWEEN 1 AND 5",
    '"Name" LIKE \'a%\'',
    'ts IS NULL',
  ]) {
    const sql = renderPostgres(parseFilter(text));
    await pg.query(`CREATE PUBLICATION p_check FOR TABLE t WHERE (${sql})`, [], database);
    const back = await pg.query(`SELECT rowfilter FROM pg_publication_tables WHERE pubname = 'p_check'`, [], database);
    assert.ok(String(back.rows[0].rowfilter).length > 0, text);
    await pg.query('DROP PUBLICATION p_check', [], database);
  }
});
