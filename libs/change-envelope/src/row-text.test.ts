import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeOp, TableSchema } from './change';
import { decodeBatch, encodeBatch } from './codec';
import {
  RowTextWriter,
  fieldEnds,
  fieldText,
  formatColumnKind,
  isUnchangedField,
  parseColumnKind,
  rowTextOfValues,
  unescapeField,
  valuesOfRowText,
  type ColumnKind,
} from './row-text';
import { expandRows, plainOp, textOp } from './text-op';
import { NULL_VALUE, UNCHANGED_VALUE, type Value } from './value';

/** A seeded generator, so a failure names a case that can be run again. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const NASTY = [
  '\\',
  '\t',
  '\n',
  '\r',
  '\\N',
  '\\U',
  'N',
  '\u0000'.slice(1),
  'ü',
  '🚀',
  '"',
  ',',
  '{',
  '}',
  ' ',
  'NULL',
  '\b',
  '\f',
  '\v',
];

function randomText(next: () => number): string {
  let text = '';
  const length = Math.floor(next() * 12);
  for (let i = 0; i < length; i += 1) {
    text += next() < 0.5 ? NASTY[Math.floor(next() * NASTY.length)] : String.fromCharCode(32 + Math.floor(next() * 95));
  }
  return text;
}

test('any text survives escaping and unescaping, written from a string or from bytes', () => {
  const next = random(20261206);
  for (let i = 0; i < 5_000; i += 1) {
    const text = randomText(next);
    for (const fromBytes of [false, true]) {
      const out = new RowTextWriter(4);
      if (fromBytes) out.escapedBytes(Buffer.from(text, 'utf8'));
      else out.escapedString(text);
      const bytes = out.view();
      // One field: no raw separator or line end inside it.
      assert.ok(!bytes.includes(9) && !bytes.includes(10) && !bytes.includes(13), JSON.stringify(text));
      assert.ok(!isUnchangedField(bytes, 0, bytes.length) || text === 'U', JSON.stringify(text));
      assert.equal(fieldText(bytes, 0, bytes.length), text === '\\N' ? '\\N' : text, JSON.stringify(text));
    }
  }
});

test('unescapeField gives the value bytes of short and long fields, escaped or not, wherever they sit', () => {
  const next = random(20261207);
  for (let i = 0; i < 3_000; i += 1) {
    // Long plain texts, and a backslash just past the field that must not count.
    const text = i % 3 === 0 ? 'x'.repeat(20 + (i % 40)) : randomText(next);
    const field = new RowTextWriter(4);
    field.escapedString(text);
    const escaped = Buffer.from(field.view());
    const prefix = Buffer.from('a\\tb\t');
    const around = Buffer.concat([prefix, escaped, Buffer.from('\\n\tz')]);
    const start = prefix.length;
    const out = Buffer.alloc(escaped.length + 8);
    const end = unescapeField(around, start, start + escaped.length, out, 3);
    assert.equal(out.subarray(3, end).toString('utf8'), text, JSON.stringify(text));
  }
});

test('fields written by Postgres COPY TO (\\b \\f \\v, octal, hex escapes) read back', () => {
  const bytes = Buffer.from('a\\bb\\fc\\vd\\101\\x42\\\\e\\N', 'latin1');
  assert.equal(fieldText(bytes, 0, bytes.length), 'a\bb\fc\vdAB\\e\\N'.replace('\\N', 'N'));
  const nullField = Buffer.from('\\N');
  assert.equal(fieldText(nullField, 0, 2), null);
});

const KINDS: Array<[string, Value[]]> = [
  [
    'boolean',
    [
      { kind: 'boolean', value: true },
      { kind: 'boolean', value: false },
    ],
  ],
  [
    'integer',
    [
      { kind: 'integer', value: '-9223372036854775808' },
      { kind: 'integer', value: '0' },
    ],
  ],
  [
    'unsigned',
    [
      { kind: 'unsigned', value: '18446744073709551615' },
      { kind: 'integer', value: '42' },
    ],
  ],
  [
    'float',
    [
      { kind: 'float', value: 1.5e300 },
      { kind: 'float', value: Number.NEGATIVE_INFINITY },
      { kind: 'float', value: -0 },
    ],
  ],
  [
    'decimal',
    [
      { kind: 'decimal', value: '-12345678901234567890.000000000001' },
      { kind: 'decimal', value: 'NaN' },
    ],
  ],
  [
    'text',
    [
      { kind: 'text', value: 'tab\there\nnew line \\ back slash \\N ü 🚀' },
      { kind: 'text', value: '' },
    ],
  ],
  [
    'bytes',
    [
      { kind: 'bytes', value: new Uint8Array([0, 9, 10, 92, 255]) },
      { kind: 'bytes', value: new Uint8Array() },
    ],
  ],
  ['json', [{ kind: 'json', value: '{"a": [1, "\\t"]}' }]],
  ['date', [{ kind: 'date', value: '2024-02-29' }]],
  ['time', [{ kind: 'time', value: '23:59:59.999999' }]],
  ['timestamp', [{ kind: 'timestamp', value: '2024-02-29 23:59:59.123456' }]],
  ['timestamptz', [{ kind: 'timestamptz', value: '2024-02-29 23:59:59.123456+00' }]],
  ['uuid', [{ kind: 'uuid', value: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' }]],
  ['enum', [{ kind: 'enum', value: 'happy' }]],
  ['interval', [{ kind: 'interval', value: '1 year 2 mons 3 days 04:05:06.789' }]],
  [
    'array:integer',
    [
      {
        kind: 'array',
        value: [
          { kind: 'array', value: [{ kind: 'integer', value: '1' }, NULL_VALUE] },
          {
            kind: 'array',
            value: [
              { kind: 'integer', value: '3' },
              { kind: 'integer', value: '4' },
            ],
          },
        ],
      },
    ],
  ],
  [
    'array:text',
    [{ kind: 'array', value: [{ kind: 'text', value: 'a,"b"\\ {c}' }, { kind: 'text', value: 'NULL' }, NULL_VALUE] }],
  ],
];

test('every value kind survives a row of text, with NULL and unchanged fields beside it', () => {
  for (const [valueKind, values] of KINDS) {
    const kind = parseColumnKind(valueKind);
    assert.equal(formatColumnKind(kind), valueKind);
    for (const value of values) {
      const kinds: ColumnKind[] = [kind, kind, kind, { kind: 'text' }];
      const row = [value, NULL_VALUE, UNCHANGED_VALUE, { kind: 'text', value: 'x' } as Value];
      const text = rowTextOfValues(row);
      assert.equal(fieldEnds(text).length, 4);
      const back = valuesOfRowText(kinds, text);
      if (value.kind === 'float' && Object.is(value.value, -0))
        assert.ok(Object.is((back[0] as { value: number }).value, -0));
      else assert.deepEqual(back, row, `${valueKind}: ${Buffer.from(text).toString()}`);
    }
  }
});

const table: TableSchema = {
  schema: 'public',
  table: 'items',
  hasKey: true,
  columns: [
    { name: 'id', type: 'int8', key: true, nullable: false, typeOid: 20, elementTypeOid: 0, valueKind: 'integer' },
    { name: 'doc', type: 'text', key: false, nullable: true, typeOid: 25, elementTypeOid: 0, valueKind: 'text' },
    {
      name: 'tags',
      type: 'text[]',
      key: false,
      nullable: true,
      typeOid: 1009,
      elementTypeOid: 25,
      valueKind: 'array:text',
    },
  ],
};
const row = (...fields: string[]) => Buffer.from(fields.join('\t'));

test('text ops survive a batch, and decode their key, old and new rows only when asked', () => {
  const ops: ChangeOp[] = [
    textOp({
      kind: 'update',
      table,
      position: { commit: 100n, index: 0 },
      commitTimeUs: 1,
      text: { key: row('7'), after: row('8', 'tab\\there', '{a,b}') },
    }),
    textOp({
      kind: 'update',
      table,
      position: { commit: 100n, index: 1 },
      commitTimeUs: 1,
      text: { after: row('9', '\\U', '\\N') },
    }),
    textOp({
      kind: 'delete',
      table,
      position: { commit: 100n, index: 2 },
      commitTimeUs: 1,
      text: { before: row('9', 'old', '{}') },
      barrier: [0, 3],
    }),
    textOp({
      kind: 'rows',
      table,
      position: { commit: 99n, index: 5 },
      commitTimeUs: 1,
      text: { after: Buffer.from('1\ta\t\\N\n2\tb\t{x}\n') },
      rows: 2,
      intoEmpty: true,
    }),
  ];
  const decoded = decodeBatch(encodeBatch({ source: 's', partition: 1, ops })).ops;
  assert.equal(decoded.length, 4);
  assert.deepEqual(decoded[0].key, [{ kind: 'integer', value: '7' }]);
  assert.deepEqual(decoded[0].after, [
    { kind: 'integer', value: '8' },
    { kind: 'text', value: 'tab\there' },
    {
      kind: 'array',
      value: [
        { kind: 'text', value: 'a' },
        { kind: 'text', value: 'b' },
      ],
    },
  ]);
  assert.equal(decoded[0].before, undefined);
  assert.deepEqual(decoded[1].key, [{ kind: 'integer', value: '9' }], 'the key from the new row');
  assert.deepEqual(decoded[1].after?.slice(1), [UNCHANGED_VALUE, NULL_VALUE]);
  assert.deepEqual(decoded[2].key, [{ kind: 'integer', value: '9' }], 'the key from the old row');
  assert.deepEqual(decoded[2].barrier, [0, 3]);
  assert.equal(decoded[3].rows, 2);
  assert.equal(decoded[3].intoEmpty, true);
  assert.equal(Buffer.from(decoded[3].text!.after!).toString(), '1\ta\t\\N\n2\tb\t{x}\n');
  const expanded = expandRows(decoded[3]);
  assert.deepEqual(
    expanded.map((op) => [op.kind, op.key, op.after?.[1]]),
    [
      ['snapshot-row', [{ kind: 'integer', value: '1' }], { kind: 'text', value: 'a' }],
      ['snapshot-row', [{ kind: 'integer', value: '2' }], { kind: 'text', value: 'b' }],
    ],
  );
  // A rewritten op carries values only: its text could no longer agree with them.
  const rewritten = plainOp(decoded[0], { kind: 'insert' });
  assert.equal(rewritten.text, undefined);
  assert.deepEqual(rewritten.after, decoded[0].after);
  assert.deepEqual(
    decodeBatch(encodeBatch({ source: 's', partition: 1, ops: [rewritten] })).ops[0].after,
    decoded[0].after,
  );
});

test('a column without a value kind (messages from before text rows) is typed by its Postgres oid', () => {
  const legacy: TableSchema = {
    ...table,
    columns: table.columns.map(({ valueKind: _unused, ...column }) => column),
  };
  const op = textOp({
    kind: 'insert',
    table: legacy,
    position: { commit: 1n, index: 0 },
    commitTimeUs: 0,
    text: { after: row('5', 'x', '{y}') },
  });
  assert.deepEqual(op.after, [
    { kind: 'integer', value: '5' },
    { kind: 'text', value: 'x' },
    { kind: 'array', value: [{ kind: 'text', value: 'y' }] },
  ]);
});
