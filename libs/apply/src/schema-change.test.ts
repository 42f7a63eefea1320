import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Column, TableSchema } from '@cdc/change-envelope';
import { diffTableSchemas, isWidening, SchemaChangeError } from './schema-change';
import { planEvolution } from './schema-evolution';

const pg = (name: string, type: string, key = false, nullable = !key): Column => ({
  name,
  type,
  key,
  nullable,
  typeOid: 1,
  elementTypeOid: 0,
});
const my = (name: string, type: string): Column => ({ ...pg(name, type), typeOid: 0 });
const table = (...columns: Column[]): TableSchema => ({
  schema: 's',
  table: 't',
  columns,
  hasKey: columns.some((c) => c.key),
});

test('widening rules for Postgres and MySQL type names', () => {
  const yes: [Column, Column][] = [
    [pg('a', 'integer'), pg('a', 'bigint')],
    [pg('a', 'smallint'), pg('a', 'numeric')],
    [pg('a', 'character varying(5)'), pg('a', 'character varying(50)')],
    [pg('a', 'character varying(5)'), pg('a', 'text')],
    [pg('a', 'numeric(10,2)'), pg('a', 'numeric(12,3)')],
    [pg('a', 'real'), pg('a', 'double precision')],
    [pg('a', 'timestamp(3) without time zone'), pg('a', 'timestamp without time zone')],
    [my('a', 'int(11)'), my('a', 'bigint(20)')],
    [my('a', 'int(10) unsigned'), my('a', 'bigint(20)')],
    [my('a', 'varchar(10)'), my('a', 'varchar(64)')],
    [my('a', 'varchar(10)'), my('a', 'text')],
    [my('a', "enum('a','b')"), my('a', "enum('a','b','c')")],
    [my('a', 'decimal(10,2)'), my('a', 'decimal(12,2)')],
  ];
  const no: [Column, Column][] = [
    [pg('a', 'bigint'), pg('a', 'integer')],
    [pg('a', 'text'), pg('a', 'integer')],
    [pg('a', 'character varying(50)'), pg('a', 'character varying(5)')],
    [pg('a', 'numeric(10,2)'), pg('a', 'numeric(10,3)')],
    [my('a', 'int(10) unsigned'), my('a', 'int(11)')],
    [my('a', 'bigint(20)'), my('a', 'bigint(20) unsigned')],
    [my('a', "enum('a','b')"), my('a', "enum('b','a')")],
    [pg('a', 'integer'), my('a', 'bigint')],
  ];
  for (const [from, to] of yes) assert.equal(isWidening(from, to), true, `${from.type} -> ${to.type}`);
  for (const [from, to] of no) assert.equal(isWidening(from, to), false, `${from.type} -> ${to.type}`);
});

test('diff: add at the end, drop, widen, relax; a column replaced in place is a rename', () => {
  const v1 = table(pg('id', 'integer', true), pg('b', 'text'), pg('a', 'integer', false, false));
  const v2 = table(pg('id', 'integer', true), pg('a', 'bigint', false, true), pg('c', 'text'));
  const changes = diffTableSchemas(v1, v2);
  assert.deepEqual(
    changes.added.map((c) => c.name),
    ['c'],
  );
  assert.deepEqual(
    changes.dropped.map((c) => c.name),
    ['b'],
  );
  assert.deepEqual(
    changes.widened.map((w) => w.to.type),
    ['bigint'],
  );
  const renamed = table(pg('id', 'integer', true), pg('b', 'text'), pg('renamed', 'integer'));
  assert.throws(
    () => diffTableSchemas(v1, renamed),
    (error: unknown) => {
      assert.ok(error instanceof SchemaChangeError);
      assert.equal(error.column, 'a');
      assert.match(error.message, /"a" looks renamed to "renamed"/);
      return true;
    },
  );
  assert.throws(() => diffTableSchemas(v1, table(pg('id', 'text', true), pg('b', 'text'))), {
    name: 'SchemaChangeError',
  });
  assert.throws(() =>
    diffTableSchemas(v1, table(pg('id', 'integer'), pg('a', 'integer', false, false), pg('b', 'text'))),
  );
});

test('planEvolution moves only forward per lane, drops only on the single Postgres lane', () => {
  const v1 = table(pg('id', 'integer', true), pg('b', 'text', false, false), pg('a', 'integer'));
  const v2 = table(pg('id', 'integer', true), pg('a', 'integer'), pg('c', 'text'));
  const first = planEvolution(undefined, [{ table: v1, position: { commit: 10n, index: 0 } }], new Set());
  assert.deepEqual(
    first.steps.map((s) => `${s.kind} ${s.column.name}`),
    ['add id', 'add b', 'add a'],
  );
  const stored = first.stored!;
  const forward = planEvolution(
    stored,
    [{ table: v2, position: { commit: 11n, index: 0 } }],
    new Set(['id', 'a', 'b']),
  );
  assert.deepEqual(
    forward.steps.map((s) => `${s.kind} ${s.column.name}`),
    ['add c', 'drop b'],
  );
  const older = planEvolution(
    forward.stored,
    [{ table: v1, position: { commit: 10n, index: 5 } }],
    new Set(['id', 'a', 'c']),
  );
  assert.deepEqual(older.steps, []);
  assert.equal(older.stored, undefined);
  const shard = { commit: 11n, index: 0, lane: 'ks/-80' };
  const sharded = planEvolution(
    { table: v1, lanes: new Map([['ks/-80', { commit: 10n, index: 0, lane: 'ks/-80' }]]) },
    [{ table: v2, position: shard }],
    new Set(['id', 'a', 'b']),
  );
  assert.deepEqual(
    sharded.steps.map((s) => `${s.kind} ${s.column.name}`),
    ['add c', 'relax b'],
  );
});
