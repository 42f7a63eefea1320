import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { textOp, type ChangeOp, type Column, type TableSchema, type Value } from '@cdc/change-envelope';
import { compileTransforms, maskEmail, maskPhone, TransformError, type ColumnTransformSpec } from './column-transforms';

const KEY = 'a-test-key-of-32-bytes-0123456789';
const column = (name: string, type: string, valueKind: string, extra: Partial<Column> = {}): Column => ({
  name,
  type,
  key: false,
  nullable: true,
  typeOid: 0,
  elementTypeOid: 0,
  valueKind,
  ...extra,
});
const users: TableSchema = {
  schema: 'public',
  table: 'users',
  hasKey: true,
  columns: [
    column('id', 'int8', 'integer', { key: true, nullable: false }),
    column('email', 'text', 'text'),
    column('ssn', 'varchar(12)', 'text'),
    column('phone', 'text', 'text'),
    column('note', 'text', 'text'),
    column('score', 'int4', 'integer'),
    column('token', 'uuid', 'uuid'),
    column('born', 'date', 'date'),
  ],
};
const text = (value: string): Value => ({ kind: 'text', value });
const op = (kind: ChangeOp['kind'], fields: Partial<ChangeOp>): ChangeOp => ({
  kind,
  table: users,
  key: [{ kind: 'integer', value: '7' }],
  position: { commit: 1n, index: 0 },
  commitTimeUs: 0,
  ...fields,
});
const row: Value[] = [
  { kind: 'integer', value: '7' },
  text('alice@example.com'),
  text('123-45-6789'),
  text('+1 (555) 123-4567'),
  text('likes cats'),
  { kind: 'integer', value: '42' },
  { kind: 'uuid', value: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' },
  { kind: 'date', value: '1990-01-01' },
];
const spec = (kind: string, extra: object = {}) => ({ kind, onKey: false, ...extra }) as ColumnTransformSpec;
const hmac = (value: string) => createHmac('sha256', KEY).update(value).digest();

test('each transform writes what it says; NULL stays NULL and an unchanged TOAST value stays unchanged', () => {
  const transforms = compileTransforms(
    users,
    {
      email: spec('mask_email'),
      ssn: spec('hash'),
      phone: spec('mask_phone'),
      note: spec('redact'),
      score: spec('hash'),
      token: spec('hash'),
      born: spec('null'),
    },
    KEY,
    'destination dw, source shop',
  );
  const [out] = transforms.apply(op('insert', { after: row }));
  assert.deepEqual(out.after, [
    { kind: 'integer', value: '7' },
    text('a****@example.com'),
    // varchar(12): the hex digest cut to the column's length.
    text(hmac('123-45-6789').toString('hex').slice(0, 12)),
    text('+* (***) ***-4567'),
    text('REDACTED'),
    { kind: 'integer', value: BigInt.asIntN(32, hmac('42').readBigInt64BE(0)).toString() },
    {
      kind: 'uuid',
      value: hmac('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')
        .subarray(0, 16)
        .toString('hex')
        .replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-'),
    },
    { kind: 'null' },
  ]);
  const [blank] = transforms.apply(
    op('update', { after: [row[0], { kind: 'null' }, { kind: 'unchanged' }, row[3], row[4], row[5], row[6], row[7]] }),
  );
  assert.deepEqual(blank.after!.slice(1, 3), [{ kind: 'null' }, { kind: 'unchanged' }]);
});

test('hash is deterministic across tables: equal inputs, equal outputs; other inputs differ', () => {
  const other: TableSchema = {
    ...users,
    table: 'orders',
    columns: [users.columns[0], column('buyer_email', 'text', 'text')],
  };
  const a = compileTransforms(users, { email: spec('hash') }, KEY, 'd').apply(op('insert', { after: row }))[0];
  const b = compileTransforms(other, { buyer_email: spec('hash') }, KEY, 'd').apply(
    op('insert', { table: other, after: [row[0], text('alice@example.com')] }),
  )[0];
  assert.deepEqual(a.after![1], b.after![1]);
  assert.equal((a.after![1] as { value: string }).value, hmac('alice@example.com').toString('hex'));
  const c = compileTransforms(users, { email: spec('hash') }, 'another-key-of-32-bytes-012345678', 'd').apply(
    op('insert', { after: row }),
  )[0];
  assert.notDeepEqual(a.after![1], c.after![1]);
});

test('a key column is refused without on_key, and with it its key values are hashed too', () => {
  assert.throws(
    () => compileTransforms(users, { id: spec('hash') }, KEY, 'destination dw, source shop'),
    (error: Error) =>
      error instanceof TransformError &&
      error.message.startsWith(
        'destination dw, source shop, table public.users, column id: transform hash is on a key column',
      ) &&
      error.message.includes('on_key: true'),
  );
  assert.throws(
    () => compileTransforms(users, { id: spec('redact', { onKey: true }) }, KEY, 'd'),
    /only hash keeps distinct keys distinct/,
  );
  const [deleted] = compileTransforms(users, { id: spec('hash', { onKey: true }) }, KEY, 'd').apply(op('delete', {}));
  assert.deepEqual(deleted.key, [{ kind: 'integer', value: hmac('7').readBigInt64BE(0).toString() }]);
});

test('a transform a column type cannot hold is one line naming destination, source, table and column', () => {
  assert.throws(
    () => compileTransforms(users, { born: spec('hash') }, KEY, 'destination dw, source shop'),
    /table public\.users, column born: transform hash cannot write a digest into born \(date\)/,
  );
  assert.throws(
    () => compileTransforms(users, { score: spec('redact') }, KEY, 'd'),
    /column score: transform redact needs a text column; score is int4/,
  );
  assert.throws(
    () => compileTransforms(users, { nope: spec('null') }, KEY, 'd'),
    /column nope: transform null names an unknown column/,
  );
  assert.throws(() => compileTransforms(users, { email: spec('hash') }, undefined, 'd'), /needs transform_key/);
  assert.throws(
    () => compileTransforms(users, { score: spec('constant', { value: 'x' }) }, KEY, 'd'),
    /value "x" is not a int4/,
  );
});

test('snapshot chunks are transformed row by row; constant and truncate', () => {
  const chunk = textOp({
    kind: 'rows',
    table: users,
    position: { commit: 1n, index: 0 },
    commitTimeUs: 0,
    text: { after: Buffer.from('1\tbob@x.io\t1\t2\tabcdef\t3\t\\N\t\\N\n2\tcy@y.io\t1\t2\tghijkl\t3\t\\N\t\\N\n') },
    rows: 2,
  });
  const out = compileTransforms(
    users,
    { email: spec('constant', { value: 'hidden' }), note: spec('truncate', { length: 2 }) },
    KEY,
    'd',
  ).apply(chunk);
  assert.deepEqual(
    out.map((o) => [o.kind, o.after![1], o.after![4]]),
    [
      ['snapshot-row', text('hidden'), text('ab')],
      ['snapshot-row', text('hidden'), text('gh')],
    ],
  );
});

test('mask_email and mask_phone keep the shape', () => {
  assert.equal(maskEmail('alice@example.com'), 'a****@example.com');
  assert.equal(maskEmail('no-at-sign'), 'n*********');
  assert.equal(maskEmail('ü@x.de'), 'ü@x.de');
  assert.equal(maskPhone('+1 (555) 123-4567'), '+* (***) ***-4567');
  assert.equal(maskPhone('123'), '123');
});

test('derived columns: appended after the source columns, typed by their expression, computed from the source values', () => {
  const transforms = compileTransforms(
    users,
    {
      is_old: spec('expr', { expression: "born < '2000-01-01'" }),
      high_score: spec('expr', { expression: 'score >= 100 OR note IS NULL' }),
      email_copy: spec('expr', { expression: 'email' }),
      origin: spec('expr', { expression: "'crm'" }),
      email: spec('redact'),
    },
    KEY,
    'destination dw, source shop',
  );
  const added = transforms.table.columns.slice(users.columns.length);
  assert.deepEqual(
    added.map((c) => [c.name, c.type, c.valueKind, c.key, c.nullable]),
    [
      ['is_old', 'bool', 'boolean', false, true],
      ['high_score', 'bool', 'boolean', false, true],
      ['email_copy', 'text', 'text', false, true],
      ['origin', 'text', 'text', false, false],
    ],
  );
  assert.deepEqual(transforms.table.columns.slice(0, users.columns.length), users.columns);
  const [inserted] = transforms.apply(op('insert', { after: row }));
  assert.equal(inserted.table, transforms.table);
  assert.deepEqual(inserted.after!.slice(users.columns.length), [
    { kind: 'boolean', value: true },
    { kind: 'boolean', value: false },
    text('alice@example.com'), // read before redact rewrote email
    text('crm'),
  ]);
  assert.deepEqual(inserted.after![1], text('REDACTED'));
  // SQL NULL semantics: score NULL and note set: the OR is unknown, the column NULL.
  const nulls = [...row];
  nulls[5] = { kind: 'null' };
  assert.deepEqual(transforms.apply(op('insert', { after: nulls }))[0].after![users.columns.length + 1], {
    kind: 'null',
  });
  // An update: the derived values follow the new row; an unchanged TOAST value it reads is the
  // old row's when the op has one, else the derived value stays unchanged too.
  const newRow = [...row];
  newRow[4] = { kind: 'unchanged' };
  newRow[5] = { kind: 'integer', value: '150' };
  const withBefore = transforms.apply(op('update', { before: row, after: newRow }))[0];
  assert.deepEqual(withBefore.after![users.columns.length + 1], { kind: 'boolean', value: true });
  newRow[5] = { kind: 'integer', value: '5' };
  const withoutBefore = transforms.apply(op('update', { after: newRow }))[0];
  assert.deepEqual(withoutBefore.after![users.columns.length + 1], { kind: 'unchanged' });
  // A truncate names the derived table too (one schema object per source schema).
  assert.equal(transforms.apply(op('truncate', {}))[0].table, transforms.table);
});

test('derived columns: a source column name, an unknown column, a type mismatch, a bare NULL are one line each', () => {
  const errorOf = (expression: string, column = 'derived') => {
    try {
      compileTransforms(users, { [column]: spec('expr', { expression }) }, KEY, 'destination dw, source shop');
    } catch (error) {
      assert.ok(error instanceof TransformError);
      assert.ok(!error.message.includes('\n'));
      return error.message;
    }
    return assert.fail('expected a TransformError');
  };
  assert.match(
    errorOf('score > 1', 'note'),
    /^destination dw, source shop, table public\.users, column note: transform expr names a source column/,
  );
  assert.match(errorOf('amount > 1'), /column derived: transform expr "amount > 1": unknown column "amount"/);
  assert.match(errorOf("score > 'many'"), /"many" is not a number/);
  assert.match(errorOf('NULL'), /bare NULL, which has no type/);
});
