import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mysqlDialect, postgresDialect } from './dialect';
import { TableQueries, type SideTable } from './table-queries';

const table: SideTable = {
  name: { schema: 'Sales "EU"', table: 'or`ders' },
  columns: ['tenant', 'id', 'select'],
  kinds: ['text', 'bytes', 'decimal'],
  keyIndexes: [1, 0],
  filters: [
    { column: 'src', equals: "x'; DROP TABLE t; --" },
    { column: '_cdc_valid_to', isNull: true },
  ],
  byteOrder: true,
};

test('Postgres: identifiers quoted, values as parameters, key order and bytes keys', () => {
  const queries = new TableQueries(postgresDialect, table);
  const range = queries.checksum({ after: ['ab', 't1'], upTo: ['cd', 't2'] });
  assert.deepEqual(range.values, ["x'; DROP TABLE t; --", 'ab', 't1', 'cd', 't2']);
  assert.match(range.text, /FROM "Sales ""EU"""\."or`ders" WHERE "src" = \$1 AND "_cdc_valid_to" IS NULL/);
  assert.match(range.text, /\("id", "tenant" COLLATE "C"\) > \(decode\(\$2, 'hex'\), \$3\)/);
  assert.match(range.text, /\("id", "tenant" COLLATE "C"\) <= \(decode\(\$4, 'hex'\), \$5\)/);
  const boundary = queries.boundary(undefined, 500);
  assert.match(boundary.text, /AS k0, .* AS k1 FROM .* ORDER BY "id", "tenant" COLLATE "C" LIMIT 1 OFFSET 499$/);
  const byKeys = queries.rowsByKeys([
    ['00', 'a'],
    ['ff', 'b'],
  ]);
  assert.match(byKeys.text, /IN \(\(decode\(\$2, 'hex'\), \$3\), \(decode\(\$4, 'hex'\), \$5\)\)$/);
});

test('MySQL: backquotes, ? placeholders, BINARY for byte order', () => {
  const queries = new TableQueries(mysqlDialect, table);
  const range = queries.rows({ after: ['ab', 't1'] });
  assert.deepEqual(range.values, ["x'; DROP TABLE t; --", 'ab', 't1']);
  assert.match(
    range.text,
    /FROM `Sales "EU"`\.`or``ders` WHERE `src` = \? AND `_cdc_valid_to` IS NULL AND \(`id`, BINARY `tenant`\) > \(UNHEX\(\?\), \?\)$/,
  );
  assert.doesNotMatch(range.text, /DROP/);
});

test('a table without a key: one range, no key conditions', () => {
  const queries = new TableQueries(postgresDialect, { ...table, keyIndexes: [], filters: [] });
  assert.equal(queries.keyed, false);
  const statement = queries.checksum({});
  assert.deepEqual(statement.values, []);
  assert.doesNotMatch(statement.text, /WHERE/);
});
