import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textOp, type ChangeOp } from '@cdc/change-envelope';
import { column, Ops, tableSchema, V } from '@cdc/change-envelope/testing';
import { FoldError, foldOps, type ApplyStep, type RowRef } from './fold';

// The one planner, independent of any engine: what a batch folds to. Rows are shown as their
// COPY text with `|` between fields.
const users = tableSchema('public', 'users', [
  column('id', 'int4', { key: true }),
  column('name', 'text'),
  column('bio', 'text'),
]);
const events = tableSchema('public', 'events', [column('at', 'int8'), column('what', 'text')], false);

const rowsText = (rows: readonly RowRef[]) =>
  `[${rows.map((row) => Buffer.from(row.text).toString().replace(/\t/g, '|')).join(', ')}]`;

/** One line per step: "upsert users [1|a|x]", "delete users [1]", "op update", ... */
function summary(steps: readonly ApplyStep[]): string[] {
  return steps.flatMap((step): string[] => {
    switch (step.kind) {
      case 'rows':
        return [
          ...(step.deletes.length > 0 ? [`delete ${step.table.table} ${rowsText(step.deletes)}`] : []),
          ...step.upserts.map(
            (group) => `upsert ${step.table.table} (${group.columns.join(',')}) ${rowsText(group.rows)}`,
          ),
          ...step.updates.map(
            (group) => `update ${step.table.table} (${group.columns.join(',')}) ${rowsText(group.rows)}`,
          ),
        ];
      case 'inserts':
        return [`insert ${step.table.table} ${rowsText(step.rows)}`];
      case 'op':
        return [`op ${step.op.kind} ${step.op.table.table}`];
      case 'load':
        return [`load ${step.op.table.table} ${step.op.rows}`];
    }
  });
}

test('insert, update and delete of one key fold to one delete', () => {
  const o = new Ops();
  const { steps } = foldOps([
    o.insert(users, [V.int(1), V.text('a'), V.text('x')]),
    o.update(users, [V.int(1), V.text('b'), V.text('x')]),
    o.delete(users, [V.int(1)]),
  ]);
  assert.deepEqual(summary(steps), ['delete users [1]']);
});

test('images of many keys become one upsert; a partial update merges into the earlier image', () => {
  const o = new Ops();
  const { steps } = foldOps([
    o.insert(users, [V.int(1), V.text('a'), V.text('x')]),
    o.insert(users, [V.int(2), V.text('b'), V.null]),
    o.update(users, [V.int(1), V.text('a2'), V.unchanged]),
  ]);
  assert.deepEqual(summary(steps), ['upsert users (0,1,2) [1|a2|x, 2|b|\\N]']);
});

test('partial updates without an image are updates grouped by their columns; unchanged columns are absent', () => {
  const o = new Ops();
  const { steps } = foldOps([
    o.update(users, [V.int(1), V.text('a'), V.unchanged]),
    o.update(users, [V.int(2), V.unchanged, V.text('bio')]),
    o.update(users, [V.int(3), V.text('c'), V.unchanged]),
    o.update(users, [V.int(2), V.text('b'), V.unchanged]),
  ]);
  assert.deepEqual(summary(steps), ['update users (0,1) [1|a|\\U, 3|c|\\U]', 'update users (0,1,2) [2|b|bio]']);
});

test('a key deleted then inserted again is deleted first, then written', () => {
  const o = new Ops();
  const { steps } = foldOps([o.delete(users, [V.int(1)]), o.insert(users, [V.int(1), V.text('new'), V.null])]);
  assert.deepEqual(summary(steps), ['delete users [1]', 'upsert users (0,1,2) [1|new|\\N]']);
});

test('a primary key change with a full row deletes the old key and writes the new one', () => {
  const o = new Ops();
  const { steps } = foldOps([o.update(users, [V.int(2), V.text('a'), V.text('x')], { oldKey: [V.int(1)] })]);
  assert.deepEqual(summary(steps), ['delete users [1]', 'upsert users (0,1,2) [2|a|x]']);
});

test('a partial primary key change folds into an earlier image, else it is applied alone between segments', () => {
  const o = new Ops();
  const folded = foldOps([
    o.insert(users, [V.int(1), V.text('a'), V.text('x')]),
    o.update(users, [V.int(2), V.text('b'), V.unchanged], { oldKey: [V.int(1)] }),
  ]);
  assert.deepEqual(summary(folded.steps), ['delete users [1]', 'upsert users (0,1,2) [2|b|x]']);

  const alone = foldOps([
    o.insert(users, [V.int(5), V.text('e'), V.null]),
    o.update(users, [V.int(2), V.text('b'), V.unchanged], { oldKey: [V.int(1)] }),
    o.update(users, [V.int(2), V.text('c'), V.unchanged]),
  ]);
  assert.deepEqual(summary(alone.steps), [
    'upsert users (0,1,2) [5|e|\\N]',
    'op update users',
    'update users (0,1) [2|c|\\U]',
  ]);
});

test('truncate and ddl are barriers; ddl ops are counted, not applied', () => {
  const o = new Ops();
  const { steps, ddl } = foldOps([
    o.insert(users, [V.int(1), V.text('a'), V.null]),
    o.truncate(users),
    o.insert(users, [V.int(1), V.text('b'), V.null]),
    o.ddl(users, 'ALTER TABLE users ADD COLUMN x int'),
    o.delete(users, [V.int(1)]),
  ]);
  assert.deepEqual(summary(steps), [
    'upsert users (0,1,2) [1|a|\\N]',
    'op truncate users',
    'upsert users (0,1,2) [1|b|\\N]',
    'delete users [1]',
  ]);
  assert.equal(ddl, 1);
});

test('tables keep the order of their first op; deletes of a table come before its upserts', () => {
  const o = new Ops();
  const { steps } = foldOps([
    o.insert(events, [V.int(1), V.text('a')]),
    o.insert(users, [V.int(1), V.text('a'), V.null]),
    o.delete(users, [V.int(2)]),
    o.insert(events, [V.int(2), V.text('b')]),
  ]);
  assert.deepEqual(summary(steps), ['insert events [1|a, 2|b]', 'delete users [2]', 'upsert users (0,1,2) [1|a|\\N]']);
});

test('tables without a key: runs of inserts, and each update or delete alone in its place', () => {
  const o = new Ops();
  const row = [V.int(1), V.text('a')];
  const { steps } = foldOps([
    o.insert(events, row),
    o.insert(events, row),
    o.delete(events, [], row),
    o.update(events, [V.int(1), V.text('b')], { oldKey: [], before: row }),
    o.insert(events, row),
  ]);
  assert.deepEqual(summary(steps), [
    'insert events [1|a, 1|a]',
    'op delete events',
    'op update events',
    'insert events [1|a]',
  ]);
});

test('without folding every op is its own step, in order', () => {
  const o = new Ops();
  const { steps } = foldOps(
    [
      o.insert(users, [V.int(1), V.text('a'), V.null]),
      o.insert(users, [V.int(2), V.text('b'), V.null]),
      o.delete(users, [V.int(1)]),
    ],
    { fold: false },
  );
  assert.deepEqual(summary(steps), [
    'upsert users (0,1,2) [1|a|\\N]',
    'upsert users (0,1,2) [2|b|\\N]',
    'delete users [1]',
  ]);
});

test('rows as text are folded as they are; values of other ops are written as the same text', () => {
  const o = new Ops();
  const text = (kind: ChangeOp['kind'], after: string, key?: string): ChangeOp =>
    textOp({
      kind,
      table: users,
      position: o.next(),
      commitTimeUs: 0,
      text: { after: Buffer.from(after.replace(/\|/g, '\t')), ...(key ? { key: Buffer.from(key) } : {}) },
    });
  const { steps } = foldOps([
    text('insert', '1|tab\\there|\\N'),
    o.update(users, [V.int(1), V.text('tab\there'), V.text('bio')]),
    text('update', '3|moved|\\U', '2'),
  ]);
  // The value op's row is written as the text op's would be: the two fold into one image.
  assert.deepEqual(summary(steps), ['upsert users (0,1,2) [1|tab\\there|bio]', 'op update users']);
});

test('a snapshot chunk loads as it is when allowed, else its rows fold as inserts', () => {
  const o = new Ops();
  const chunk = textOp({
    kind: 'rows',
    table: users,
    position: o.next(),
    commitTimeUs: 0,
    text: { after: Buffer.from('1\ta\t\\N\n2\tb\tx\n') },
    rows: 2,
    intoEmpty: true,
  });
  assert.deepEqual(summary(foldOps([chunk], { loadAsIs: () => true }).steps), ['load users 2']);
  assert.deepEqual(summary(foldOps([chunk, o.delete(users, [V.int(2)])]).steps), [
    'delete users [2]',
    'upsert users (0,1,2) [1|a|\\N]',
  ]);
});

test('keys are exact: NULL and empty text stay apart, and a tab in a value never joins two key columns', () => {
  const pair = tableSchema('public', 'pair', [
    column('a', 'text', { key: true }),
    column('b', 'text', { key: true }),
    column('v', 'text'),
  ]);
  const o = new Ops();
  const { steps } = foldOps([
    o.insert(users, [V.null, V.text('n'), V.null]),
    o.insert(users, [V.text(''), V.text('e'), V.null]),
    o.insert(pair, [V.text('x\ty'), V.text('z'), V.text('1')]),
    o.insert(pair, [V.text('x'), V.text('y\tz'), V.text('2')]),
  ]);
  assert.deepEqual(summary(steps), [
    'upsert users (0,1,2) [\\N|n|\\N, |e|\\N]',
    'upsert pair (0,1,2) [x\\ty|z|1, x|y\\tz|2]',
  ]);
});

test('an op without its new row is a FoldError that names the op', () => {
  const base = new Ops().insert(users, [V.int(1), V.null, V.null]);
  const op: ChangeOp = { ...base, after: undefined };
  assert.throws(
    () => foldOps([op]),
    (error: unknown) => error instanceof FoldError && error.op === op,
  );
});
