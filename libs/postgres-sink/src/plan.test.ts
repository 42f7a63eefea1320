import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import { keyIndexesOf, tableSignature, type TableBinding } from './binding';
import { PLAIN_FIELD } from './encode';
import { planOps, PlanError, type Statement } from './plan';
import { column, Ops, tableSchema, V } from './testing';

const users = tableSchema('public', 'users', [
  column('id', 'int4', { key: true }),
  column('name', 'text'),
  column('bio', 'text'),
]);
const events = tableSchema('public', 'events', [column('at', 'int8'), column('what', 'text')], false);

function bindingOf(table: TableSchema): TableBinding {
  const keyIndexes = keyIndexesOf(table);
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
    })),
    keyIndexes,
    keyed: table.hasKey && keyIndexes.length > 0,
    sqlCache: new Map(),
  };
}

const bindings = new Map<TableSchema, TableBinding>();
const bind = (op: ChangeOp) => {
  let binding = bindings.get(op.table);
  if (!binding) bindings.set(op.table, (binding = bindingOf(op.table)));
  return binding;
};

/** "VERB table rows" per statement, rows as parsed JSON. */
const summary = (statements: Statement[]) =>
  statements.map((s) => `${s.text.split(' ')[0]} ${s.param === undefined ? '' : JSON.stringify(JSON.parse(s.param))}`);

test('insert, update and delete of one key fold to one delete', () => {
  const o = new Ops();
  const plan = planOps(
    [
      o.insert(users, [V.int(1), V.text('a'), V.text('x')]),
      o.update(users, [V.int(1), V.text('b'), V.text('x')]),
      o.delete(users, [V.int(1)]),
    ],
    bind,
  );
  assert.deepEqual(summary(plan.statements), ['DELETE [{"id":"1"}]']);
  assert.equal(plan.statements[0].ops.length, 3);
});

test('images of many keys become one upsert; a partial update merges into the earlier image', () => {
  const o = new Ops();
  const plan = planOps(
    [
      o.insert(users, [V.int(1), V.text('a'), V.text('x')]),
      o.insert(users, [V.int(2), V.text('b'), V.null]),
      o.update(users, [V.int(1), V.text('a2'), V.unchanged]),
    ],
    bind,
  );
  assert.deepEqual(summary(plan.statements), [
    'INSERT [{"id":"1","name":"a2","bio":"x"},{"id":"2","name":"b","bio":null}]',
  ]);
  assert.match(
    plan.statements[0].text,
    /ON CONFLICT \("id"\) DO UPDATE SET "name" = EXCLUDED\."name", "bio" = EXCLUDED\."bio"$/,
  );
});

test('partial updates without an image are UPDATEs grouped by their columns; unchanged columns are absent', () => {
  const o = new Ops();
  const plan = planOps(
    [
      o.update(users, [V.int(1), V.text('a'), V.unchanged]),
      o.update(users, [V.int(2), V.unchanged, V.text('bio')]),
      o.update(users, [V.int(3), V.text('c'), V.unchanged]),
      o.update(users, [V.int(2), V.text('b'), V.unchanged]),
    ],
    bind,
  );
  assert.deepEqual(summary(plan.statements), [
    'UPDATE [{"id":"1","name":"a"},{"id":"3","name":"c"}]',
    'UPDATE [{"id":"2","name":"b","bio":"bio"}]',
  ]);
  assert.match(plan.statements[0].text, /^UPDATE "public"\."users" AS t SET "name" = d\."name" FROM/);
});

test('a key deleted then inserted again is deleted first, then written', () => {
  const o = new Ops();
  const plan = planOps([o.delete(users, [V.int(1)]), o.insert(users, [V.int(1), V.text('new'), V.null])], bind);
  assert.deepEqual(summary(plan.statements), ['DELETE [{"id":"1"}]', 'INSERT [{"id":"1","name":"new","bio":null}]']);
});

test('a primary key change with a full row deletes the old key and writes the new one', () => {
  const o = new Ops();
  const plan = planOps([o.update(users, [V.int(2), V.text('a'), V.text('x')], { oldKey: [V.int(1)] })], bind);
  assert.deepEqual(summary(plan.statements), ['DELETE [{"id":"1"}]', 'INSERT [{"id":"2","name":"a","bio":"x"}]']);
});

test('a partial primary key change folds into an earlier image, else it runs on its own between segments', () => {
  const o = new Ops();
  const folded = planOps(
    [
      o.insert(users, [V.int(1), V.text('a'), V.text('x')]),
      o.update(users, [V.int(2), V.text('b'), V.unchanged], { oldKey: [V.int(1)] }),
    ],
    bind,
  );
  assert.deepEqual(summary(folded.statements), ['DELETE [{"id":"1"}]', 'INSERT [{"id":"2","name":"b","bio":"x"}]']);

  const alone = planOps(
    [
      o.insert(users, [V.int(5), V.text('e'), V.null]),
      o.update(users, [V.int(2), V.text('b'), V.unchanged], { oldKey: [V.int(1)] }),
      o.update(users, [V.int(2), V.text('c'), V.unchanged]),
    ],
    bind,
  );
  assert.deepEqual(summary(alone.statements), [
    'INSERT [{"id":"5","name":"e","bio":null}]',
    'UPDATE {"o":{"id":"1"},"n":{"id":"2","name":"b"}}',
    'UPDATE [{"id":"2","name":"c"}]',
  ]);
  assert.match(alone.statements[1].text, /SET "id" = n\."id", "name" = n\."name" FROM .* WHERE t\."id" = o\."id"$/);
});

test('truncate and ddl are barriers; ddl ops are counted, not run', () => {
  const o = new Ops();
  const plan = planOps(
    [
      o.insert(users, [V.int(1), V.text('a'), V.null]),
      o.truncate(users),
      o.insert(users, [V.int(1), V.text('b'), V.null]),
      o.ddl(users, 'ALTER TABLE users ADD COLUMN x int'),
      o.delete(users, [V.int(1)]),
    ],
    bind,
  );
  assert.deepEqual(summary(plan.statements), [
    'INSERT [{"id":"1","name":"a","bio":null}]',
    'TRUNCATE ',
    'INSERT [{"id":"1","name":"b","bio":null}]',
    'DELETE [{"id":"1"}]',
  ]);
  assert.equal(plan.ddlIgnored, 1);
});

test('tables keep the order of their first op; deletes of a table run before its upserts', () => {
  const o = new Ops();
  const plan = planOps(
    [
      o.insert(events, [V.int(1), V.text('a')]),
      o.insert(users, [V.int(1), V.text('a'), V.null]),
      o.delete(users, [V.int(2)]),
      o.insert(events, [V.int(2), V.text('b')]),
    ],
    bind,
  );
  assert.deepEqual(summary(plan.statements), [
    'INSERT [{"at":"1","what":"a"},{"at":"2","what":"b"}]',
    'DELETE [{"id":"2"}]',
    'INSERT [{"id":"1","name":"a","bio":null}]',
  ]);
});

test('tables without a key: runs of inserts, one statement per update/delete matching one row on the old image', () => {
  const o = new Ops();
  const row = [V.int(1), V.text('a')];
  const plan = planOps(
    [
      o.insert(events, row),
      o.insert(events, row),
      o.delete(events, [], row),
      o.update(events, [V.int(1), V.text('b')], { oldKey: [], before: row }),
      o.insert(events, row),
    ],
    bind,
  );
  assert.deepEqual(summary(plan.statements), [
    'INSERT [{"at":"1","what":"a"},{"at":"1","what":"a"}]',
    'DELETE {"at":"1","what":"a"}',
    'UPDATE {"b":{"at":"1","what":"a"},"a":{"at":"1","what":"b"}}',
    'INSERT [{"at":"1","what":"a"}]',
  ]);
  assert.match(plan.statements[1].text, /\(t\.tableoid, t\.ctid\) = \(SELECT x\.tableoid, x\.ctid .* LIMIT 1\)$/);
  assert.throws(() => planOps([o.delete(events, [])], bind), PlanError);
});

test('without coalescing every op is written on its own, in order', () => {
  const o = new Ops();
  const plan = planOps(
    [
      o.insert(users, [V.int(1), V.text('a'), V.null]),
      o.insert(users, [V.int(2), V.text('b'), V.null]),
      o.delete(users, [V.int(1)]),
    ],
    bind,
    { coalesce: false },
  );
  assert.deepEqual(summary(plan.statements), [
    'INSERT [{"id":"1","name":"a","bio":null}]',
    'INSERT [{"id":"2","name":"b","bio":null}]',
    'DELETE [{"id":"1"}]',
  ]);
});

test('statements are split so that one parameter stays under the limit', () => {
  const o = new Ops();
  const ops = Array.from({ length: 10 }, (_, i) => o.insert(users, [V.int(i), V.text('x'.repeat(100)), V.null]));
  const plan = planOps(ops, bind, { maxParamChars: 300 });
  assert.equal(plan.statements.length, 5);
  assert.ok(plan.statements.every((s) => s.param!.length <= 300 && JSON.parse(s.param!).length === 2));
  assert.deepEqual(
    plan.statements.flatMap((s) => s.ops),
    ops,
  );
});

test('json columns are unwrapped from their JSON string in the statement', () => {
  const docs = tableSchema('public', 'docs', [column('id', 'int4', { key: true }), column('doc', 'json')]);
  const binding = bindingOf(docs);
  const jsonBinding: TableBinding = {
    ...binding,
    columns: binding.columns.map((c, i) => (i === 1 ? { ...c, mode: { arrayAsJson: false, unwrapJson: 'json' } } : c)),
  };
  const plan = planOps([new Ops().insert(docs, [V.int(1), V.json('null')])], () => jsonBinding);
  assert.match(
    plan.statements[0].text,
    /SELECT d\."id", \(d\."doc" OPERATOR\(pg_catalog\.#>>\) '\{\}'\)::pg_catalog\.json FROM/,
  );
  assert.equal(plan.statements[0].param, '[{"id":"1","doc":"null"}]');
});

test('an op without its new row is a PlanError for that op', () => {
  const op: ChangeOp = { ...new Ops().insert(users, [V.int(1), V.null, V.null]), after: undefined };
  assert.throws(
    () => planOps([op], bind),
    (error: unknown) => error instanceof PlanError && error.op === op,
  );
});
