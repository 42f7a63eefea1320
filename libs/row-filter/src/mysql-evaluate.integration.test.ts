import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Column, Value } from '@cdc/change-envelope';
import { startMariadb, type MariadbServer } from '@cdc/testenv';
import { compileFilter } from './evaluate';
import { parseFilter } from './expression';
import { renderMysql } from './render';

/*
 * The evaluator's MySQL dialect (a Vitess source's filter, the part VStream cannot evaluate)
 * against MariaDB, the server under vttestserver here: for every expression the evaluator's
 * TRUE / FALSE / NULL per row equals what the server computes for the same text (the
 * expressions are this test's constants, written in the syntax both dialects share).
 */

let db: MariadbServer;
let database: string;

const column = (name: string, type: string): Column => ({
  name,
  type,
  key: name === 'id',
  nullable: name !== 'id',
  typeOid: 0,
  elementTypeOid: 0,
});

const COLUMNS: Column[] = [
  column('id', 'int(11)'),
  column('region', 'varchar(16)'),
  column('code', 'varchar(16)'),
  column('note', 'varchar(16)'),
  column('deleted', 'tinyint(1)'),
  column('n', 'bigint(20)'),
  column('price', 'decimal(22,2)'),
];

type Row = [number, string | null, string | null, string | null, number | null, string | null, string | null];

const ROWS: Row[] = [
  [1, 'eu', 'eu', 'keep this', 0, '5', '10.50'],
  [2, 'EU', 'EU', 'KEEP that', 1, '-3', '10.5'],
  [3, null, null, null, null, null, null],
  [4, 'éu', 'éu', 'kéep', 0, '9223372036854775807', '99999999999999999999.01'],
  [5, 'eu ', 'eu ', 'drop', 2, '0', '0'],
  [6, 'Us', 'us', 'Keep_%', 0, '100', '-100'],
  [7, '', '', 'keep ', 1, '42', '42.00'],
  [8, 'B', 'B', 'ab', 0, '1', '1'],
];

const EXPRESSIONS = [
  "region = 'eu'",
  "region = 'eu' AND NOT deleted",
  "region = 'eu' OR deleted",
  'NOT deleted',
  'deleted',
  'deleted = true',
  'deleted = false',
  "region <> 'eu'",
  "region IN ('eu', 'us')",
  "region NOT IN ('eu', 'us')",
  "region NOT IN ('eu', NULL)",
  "region IN ('eu', NULL)",
  'region IS NULL',
  "region IS NULL OR region = ''",
  "region > 'a'",
  "region < 'eu'",
  "region BETWEEN 'a' AND 'f'",
  "code = 'eu'",
  "code < 'a'",
  "code IN ('eu', 'us')",
  "note LIKE 'keep%'",
  "note LIKE 'KEEP%'",
  "note NOT LIKE '%e%'",
  "note LIKE 'keep'",
  "note LIKE 'keep\\_\\%'",
  "note LIKE '_b'",
  'n > 0',
  'n >= 9223372036854775807',
  "n = '42'",
  'n BETWEEN -3 AND 5',
  'n NOT BETWEEN -3 AND 5',
  'price = 10.5',
  'price > 99999999999999999999',
  'price < -99',
  'price = 42',
  'n = price',
  "NOT (region = 'eu' AND n > 1)",
  "(region = 'eu' OR region IS NULL) AND (deleted IS NULL OR NOT deleted)",
  'NULL',
  'NOT NULL',
  "region = 'eu' AND NULL",
  'id IN (1, 3, 5) AND NOT (id IN (5))',
];

before(async () => {
  db = await startMariadb({ name: 'row-filter-mysql' });
  database = 'filters';
  await db.createDatabase(database);
  await db.query(
    `CREATE TABLE t (id int PRIMARY KEY, region varchar(16) COLLATE utf8mb4_general_ci,
       code varchar(16) COLLATE utf8mb4_bin, note varchar(16) COLLATE utf8mb4_unicode_ci,
       deleted tinyint(1), n bigint, price decimal(22,2))`,
    [],
    database,
  );
  for (const row of ROWS) await db.query('INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)', row, database);
});

after(async () => {
  await db?.destroy();
});

function values(row: Row): Value[] {
  const [id, region, code, note, deleted, n, price] = row;
  const of = <T>(value: T | null, make: (v: T) => Value): Value => (value === null ? { kind: 'null' } : make(value));
  return [
    { kind: 'integer', value: String(id) },
    of(region, (value) => ({ kind: 'text', value })),
    of(code, (value) => ({ kind: 'text', value })),
    of(note, (value) => ({ kind: 'text', value })),
    of(deleted, (value) => ({ kind: 'integer', value: String(value) })),
    of(n, (value) => ({ kind: 'integer', value })),
    of(price, (value) => ({ kind: 'decimal', value })),
  ];
}

/** Table t's column collations (NULL for a column without one), as the MySQL dialect is given them. */
async function columnCollations(): Promise<Map<string, string | null>> {
  const collations = await db.query(
    `SELECT COLUMN_NAME AS name, COLLATION_NAME AS collation FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 't'`,
    [database],
    database,
  );
  return new Map(collations.rows.map((row) => [String(row.name), row.collation as string | null]));
}

test('the MySQL dialect gives the rows MariaDB gives, TRUE and NULL alike, under each column collation', async () => {
  const collationOf = await columnCollations();
  const mismatches: string[] = [];
  for (const text of EXPRESSIONS) {
    const server = await db.query(`SELECT id, (${text}) AS result FROM t ORDER BY id`, [], database);
    const expected = new Map(
      server.rows.map((row) => [Number(row.id), row.result === null ? null : Number(row.result) !== 0]),
    );
    const predicate = compileFilter(parseFilter(text), COLUMNS, {
      dialect: 'mysql',
      collationOf: (name) => collationOf.get(name) ?? undefined,
    });
    // renderMysql (cdc verify's source reads): the SQL written from the tree selects the same.
    const rendered = await db.query(
      `SELECT id, (${renderMysql(parseFilter(text))}) AS result FROM t ORDER BY id`,
      [],
      database,
    );
    for (const row of ROWS) {
      const got = predicate(values(row));
      if (got !== expected.get(row[0])) {
        mismatches.push(`${text} on row ${row[0]}: evaluator ${got}, MariaDB ${expected.get(row[0])}`);
      }
    }
    for (const row of rendered.rows) {
      const got = row.result === null ? null : Number(row.result) !== 0;
      if (got !== expected.get(Number(row.id))) {
        mismatches.push(
          `${text} rendered on row ${row.id}: ${got}, MariaDB on the text ${expected.get(Number(row.id))}`,
        );
      }
    }
  }
  assert.deepEqual(mismatches, []);
});

test('renderMysql: ILIKE (which MySQL lacks) as LOWER() LIKE LOWER() gives the rows of the MySQL dialect under each collation', async () => {
  const collationOf = await columnCollations();
  const mismatches: string[] = [];
  for (const text of ["code ILIKE 'e%'", "note ILIKE 'KEEP%'", "region NOT ILIKE 'EU'", "code ILIKE 'a\\_b'"]) {
    const predicate = compileFilter(parseFilter(text), COLUMNS, {
      dialect: 'mysql',
      collationOf: (name) => collationOf.get(name) ?? undefined,
    });
    const rendered = await db.query(
      `SELECT id, (${renderMysql(parseFilter(text))}) AS result FROM t ORDER BY id`,
      [],
      database,
    );
    const byId = new Map(
      rendered.rows.map((row) => [Number(row.id), row.result === null ? null : Number(row.result) !== 0]),
    );
    for (const row of ROWS) {
      const got = predicate(values(row));
      if (got !== byId.get(row[0]))
        mismatches.push(`${text} on row ${row[0]}: evaluator ${got}, MariaDB ${byId.get(row[0])}`);
    }
  }
  assert.deepEqual(mismatches, []);
});
