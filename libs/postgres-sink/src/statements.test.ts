import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { keyColumnIndexes, type TableSchema } from '@cdc/change-envelope';
import { column, Ops, tableSchema, V } from '@cdc/change-envelope/testing';
import { FoldError, foldOps, tableSignature, type ApplyStep } from '@cdc/apply';
import type { TableBinding } from './binding';
import { PLAIN_FIELD } from './encode';
import { statementsOf } from './statements';

// How the Postgres dialect writes the planner's steps (libs/apply, foldOps); the integration
// tests run them against a real server.
const users = tableSchema('public', 'users', [
  column('id', 'int4', { key: true }),
  column('name', 'text'),
  column('tags', 'text[]'),
]);
const events = tableSchema('public', 'events', [column('at', 'int8'), column('what', 'text')], false);

function bindingOf(table: TableSchema): TableBinding {
  const keyIndexes = keyColumnIndexes(table.columns);
  return {
    id: `${pg.escapeIdentifier(table.schema)}.${pg.escapeIdentifier(table.table)}`,
    signature: tableSignature(table),
    display: `${table.schema}.${table.table}`,
    columns: table.columns.map((c) => ({
      name: c.name,
      sql: pg.escapeIdentifier(c.name),
      jsonKey: JSON.stringify(c.name) + ':',
      mode: PLAIN_FIELD,
      comparable: true,
      // As the catalog names them: quote_ident of the namespace and of the pg_type name.
      typeSql: c.type.endsWith('[]') ? `pg_catalog._${c.type.slice(0, -2)}` : `pg_catalog.${c.type}`,
    })),
    keyIndexes,
    keyed: table.hasKey && keyIndexes.length > 0,
    sqlCache: new Map(),
  };
}

const statements = (steps: ApplyStep[]) =>
  steps.flatMap((step) =>
    statementsOf(step, bindingOf(step.kind === 'op' || step.kind === 'load' ? step.op.table : step.table)),
  );

/** The elements of a text[] sent in the binary array format. */
function elements(value: string | Buffer | null): Array<string | null> {
  assert.ok(Buffer.isBuffer(value), 'a binary array');
  assert.equal(value.readInt32BE(0), 1, 'one dimension');
  assert.equal(value.readInt32BE(8), 25, 'of text');
  const count = value.readInt32BE(12);
  const out: Array<string | null> = [];
  let at = 20;
  for (let i = 0; i < count; i += 1) {
    const length = value.readInt32BE(at);
    at += 4;
    if (length < 0) out.push(null);
    else {
      out.push(value.toString('utf8', at, at + length));
      at += length;
    }
  }
  assert.equal(at, value.length);
  return out;
}

test('folded rows become set-based statements over a text[] per column, each value cast to its column type', () => {
  const o = new Ops();
  const out = statements(
    foldOps([
      o.insert(users, [V.int(1), V.text('a "quoted" \\ back\tslash'), V.array(V.text('x'), V.null)]),
      o.insert(users, [V.int(2), V.null, V.null]),
      o.delete(users, [V.int(3)]),
      o.update(users, [V.int(4), V.text('partial'), V.unchanged]),
    ]).steps,
  );
  const unnest = (n: number) =>
    Array.from({ length: n }, (_, i) => `pg_catalog.unnest($${i + 1}::pg_catalog.text[])`).join(', ');
  assert.deepEqual(
    out.map((s) => s.text),
    [
      `DELETE FROM "public"."users" AS t USING ROWS FROM (${unnest(1)}) AS d("id") WHERE t."id" = d."id"::pg_catalog.int4`,
      `INSERT INTO "public"."users" ("id", "name", "tags") SELECT u."id"::pg_catalog.int4, u."name", u."tags"::pg_catalog._text ` +
        `FROM ROWS FROM (${unnest(3)}) AS u("id", "name", "tags") ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name", "tags" = EXCLUDED."tags"`,
      `UPDATE "public"."users" AS t SET "name" = u."name" FROM ROWS FROM (${unnest(2)}) AS u("id", "name") WHERE t."id" = u."id"::pg_catalog.int4`,
    ],
  );
  assert.deepEqual(elements(out[0].values[0]), ['3']);
  assert.deepEqual(out[1].values.map(elements), [
    ['1', '2'],
    ['a "quoted" \\ back\tslash', null],
    ['{x,NULL}', null],
  ]);
  assert.deepEqual(out[2].values.map(elements), [['4'], ['partial']]);
});

test('a table without a key: its inserts go in one statement; an update or delete matches one row on its old image', () => {
  const o = new Ops();
  const row = [V.int(1), V.text('a')];
  const out = statements(
    foldOps([
      o.insert(events, row),
      o.insert(events, row),
      o.update(events, [V.int(1), V.text('b')], { oldKey: [], before: row }),
    ]).steps,
  );
  assert.equal(out.length, 2);
  assert.match(
    out[0].text,
    /^INSERT INTO "public"\."events" \("at", "what"\) SELECT u\."at"::pg_catalog\.int8, u\."what" FROM ROWS FROM/,
  );
  assert.deepEqual(out[0].values.map(elements), [
    ['1', '1'],
    ['a', 'a'],
  ]);
  assert.equal(
    out[1].text,
    'UPDATE "public"."events" AS t SET "at" = $1::pg_catalog.int8, "what" = $2::pg_catalog.text WHERE (t.tableoid, t.ctid) = ' +
      '(SELECT x.tableoid, x.ctid FROM "public"."events" AS x WHERE x."at" IS NOT DISTINCT FROM $3::pg_catalog.int8 ' +
      'AND x."what" IS NOT DISTINCT FROM $4::pg_catalog.text LIMIT 1)',
  );
  assert.deepEqual(out[1].values, ['1', 'b', '1', 'a']);
  assert.throws(() => statements(foldOps([o.delete(events, [])]).steps), FoldError);
});

test('a key change with a partial row, applied alone, sets what it has and matches the old key', () => {
  const o = new Ops();
  const out = statements(
    foldOps([o.update(users, [V.int(2), V.text('b'), V.unchanged], { oldKey: [V.int(1)] })]).steps,
  );
  assert.deepEqual(
    out.map((s) => [s.text, s.values]),
    [
      [
        'UPDATE "public"."users" SET "id" = $1::pg_catalog.int4, "name" = $2::pg_catalog.text WHERE "id" = $3::pg_catalog.int4',
        ['2', 'b', '1'],
      ],
    ],
  );
});

test('an unchanged value never reaches a statement', () => {
  const o = new Ops();
  // An insert with an unchanged value (a column blanked by missing_columns: ignore) sets only what it has.
  const out = statements(foldOps([o.insert(users, [V.int(1), V.unchanged, V.null])]).steps);
  assert.match(out[0].text, /^INSERT INTO "public"\."users" \("id", "tags"\)/);
});
