import { test } from 'node:test';
import assert from 'node:assert/strict';
import Long from 'long';
import { query } from './generated/vitess';
import { parseColumnKind, RowTextWriter, valuesOfRowText } from '@cdc/change-envelope';
import {
  columnDecoderFor,
  decodeRow,
  enumLabels,
  RowDecodeError,
  valueKindOf,
  writeRowText,
  type ColumnDecoder,
} from './row-values';
import { ddlTable } from './vstream-decoder';

const T = query.Type;
const field = (type: number, columnType: string, charset = 63): query.IField => ({ type, columnType, charset });

/** A query.Row as vttablet builds it: the values concatenated, lengths with -1 for NULL. */
function row(values: Array<string | Buffer | null>): query.IRow {
  const parts = values.map((value) => (value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(value)));
  return {
    lengths: parts.map((part) => Long.fromNumber(part === null ? -1 : part.length)),
    values: Buffer.concat(parts.filter((part): part is Buffer => part !== null)),
  };
}

test('every column type decodes into its value kind', () => {
  const fields: query.IField[] = [
    field(T.INT8, 'tinyint(4)'),
    field(T.UINT64, 'bigint(20) unsigned'),
    field(T.UINT64, 'bigint(20) unsigned'),
    field(T.INT64, 'bigint(20)'),
    field(T.DECIMAL, 'decimal(10,2)'),
    field(T.FLOAT64, 'double'),
    field(T.DATETIME, 'datetime(6)'),
    field(T.TIMESTAMP, 'timestamp(3)'),
    field(T.TIME, 'time(2)'),
    field(T.DATE, 'date'),
    field(T.YEAR, 'year(4)'),
    field(T.BIT, 'bit(10)'),
    field(T.ENUM, "enum('a','b c')", 33),
    field(T.SET, "set('x','y','z')", 33),
    field(T.JSON, 'json', 63),
    field(T.BLOB, 'blob'),
    field(T.BLOB, 'longtext', 46),
    field(T.VARCHAR, 'varchar(10)', 45),
    field(T.CHAR, 'char(3)', 8),
    field(T.INT32, 'int(11)'),
  ];
  const decoders = fields.map((f) => columnDecoderFor(f, true));
  const values = decodeRow(
    decoders,
    row([
      '-5',
      '18446744073709551615',
      '7',
      '-9223372036854775808',
      '12.34',
      '1.5E+300',
      '2024-01-02 03:04:05.123456',
      '2024-01-02 03:04:05.120',
      '-12:34:56.78',
      '2024-02-29',
      '2024',
      Buffer.from([0x02, 0x81]),
      'b c',
      'x,z',
      '{"k": [1, 2]}',
      Buffer.from([0x00, 0xff]),
      'longtext in utf8mb4_bin',
      'héllo',
      Buffer.from([0x63, 0xe9]), // latin1 "cé"
      null,
    ]),
    () => 'test',
  );
  assert.deepEqual(values, [
    { kind: 'integer', value: '-5' },
    { kind: 'unsigned', value: '18446744073709551615' },
    { kind: 'integer', value: '7' },
    { kind: 'integer', value: '-9223372036854775808' },
    { kind: 'decimal', value: '12.34' },
    { kind: 'float', value: 1.5e300 },
    { kind: 'timestamp', value: '2024-01-02 03:04:05.123456' },
    { kind: 'timestamptz', value: '2024-01-02 03:04:05.120+00' },
    { kind: 'time', value: '-12:34:56.78' },
    { kind: 'date', value: '2024-02-29' },
    { kind: 'integer', value: '2024' },
    { kind: 'text', value: '1010000001' },
    { kind: 'enum', value: 'b c' },
    { kind: 'enum', value: 'x,z' },
    { kind: 'json', value: '{"k": [1, 2]}' },
    { kind: 'bytes', value: Uint8Array.from([0x00, 0xff]) },
    { kind: 'text', value: 'longtext in utf8mb4_bin' },
    { kind: 'text', value: 'héllo' },
    { kind: 'text', value: 'cé' },
    { kind: 'null' },
  ]);
});

test('a row written as text reads back as the same values (text and values never disagree)', () => {
  const fields: query.IField[] = [
    field(T.INT8, 'tinyint(4)'),
    field(T.UINT64, 'bigint(20) unsigned'),
    field(T.DECIMAL, 'decimal(10,2)'),
    field(T.FLOAT64, 'double'),
    field(T.DATETIME, 'datetime(6)'),
    field(T.TIMESTAMP, 'timestamp(3)'),
    field(T.TIME, 'time(2)'),
    field(T.BIT, 'bit(10)'),
    field(T.ENUM, "enum('a','b c')", 33),
    field(T.SET, "set('x','y','z')", 33),
    field(T.ENUM, "enum('a','b c')", 33),
    field(T.BLOB, 'blob'),
    field(T.VARCHAR, 'varchar(10)', 45),
    field(T.CHAR, 'char(3)', 8),
    field(T.VARCHAR, 'varchar(10)', 45),
  ];
  const strings = [true, true, true, true, true, true, true, true, true, true, false, true, true, true, true];
  const decoders = fields.map((f, i) => columnDecoderFor(f, strings[i]));
  const sample = row([
    '-5',
    '18446744073709551615',
    '12.34',
    '1.5E+300',
    '2024-01-02 03:04:05.123456',
    '2024-01-02 03:04:05.120',
    '-12:34:56.78',
    Buffer.from([0x02, 0x81]),
    'b c',
    'x,z',
    '2',
    Buffer.from([0x00, 0x09, 0x0a, 0x5c, 0xff]),
    'tab\there\nback\\slash ü',
    Buffer.from([0x63, 0xe9]),
    null,
  ]);
  const out = new RowTextWriter(16);
  writeRowText(decoders, sample, () => 'test', out);
  const kinds = fields.map((f) => parseColumnKind(valueKindOf(f)));
  assert.deepEqual(
    valuesOfRowText(kinds, out.copy()),
    decodeRow(decoders, sample, () => 'test'),
  );
});

test('enum and set sent as numbers are mapped through the column type', () => {
  const enumDecoder = columnDecoderFor(field(T.ENUM, "enum('a','it''s')", 33), false);
  const setDecoder = columnDecoderFor(field(T.SET, "set('x','y','z')", 33), false);
  assert.deepEqual(
    decodeRow([enumDecoder, setDecoder], row(['2', '5']), () => 't'),
    [
      { kind: 'enum', value: "it's" },
      { kind: 'enum', value: 'x,z' },
    ],
  );
  assert.deepEqual(enumLabels("enum('','a,b','c''d')"), ['', 'a,b', "c'd"]);
});

test('MariaDB JSON (LONGTEXT) is json when the schema says so', () => {
  const decoder = columnDecoderFor(field(T.BLOB, 'longtext', 46), true, { json: true });
  assert.deepEqual(
    decodeRow([decoder], row(['[1]']), () => 't'),
    [{ kind: 'json', value: '[1]' }],
  );
});

test('a row that does not match its FIELD event is an error naming where', () => {
  const decoders = [columnDecoderFor(field(T.INT32, 'int'), true)];
  assert.throws(
    () => decodeRow(decoders, row(['1', '2']), () => 'src: ks.t on shard -80'),
    /src: ks.t on shard -80: row has 2 columns/,
  );
  assert.throws(
    () => decodeRow(decoders, { lengths: [Long.fromNumber(5)], values: Buffer.from('12') }, () => 'src: ks.t'),
    /column 0 overruns the row/,
  );
});

test('a row that does not fit, or a value its decoder refuses: the same error whether decoded to values or to row text', () => {
  const refusing = Object.assign(
    () => {
      throw new Error('no');
    },
    {
      writeText: () => {
        throw new Error('no');
      },
      kind: 'text',
    },
  ) as ColumnDecoder;
  const cases: Array<[readonly ColumnDecoder[], query.IRow, RegExp]> = [
    [
      [columnDecoderFor(field(T.INT32, 'int'), true)],
      row(['1', '2']),
      /^src: ks.t: row has 2 columns, the table's FIELD event has 1$/,
    ],
    [
      [columnDecoderFor(field(T.INT32, 'int'), true)],
      { lengths: [Long.fromNumber(5)], values: Buffer.from('12') },
      /^src: ks.t: column 0 overruns the row \(5 > 2 bytes\)$/,
    ],
    [[refusing], row(['abc']), /^src: ks.t: column 0 value "abc" cannot be decoded: Error: no$/],
  ];
  for (const [decoders, input, message] of cases) {
    assert.throws(
      () => decodeRow(decoders, input, () => 'src: ks.t'),
      (error) => error instanceof RowDecodeError && message.test(error.message),
    );
    assert.throws(
      () => writeRowText(decoders, input, () => 'src: ks.t', new RowTextWriter()),
      (error) => error instanceof RowDecodeError && message.test(error.message),
    );
  }
});

test('the table a DDL statement changes', () => {
  assert.equal(ddlTable('alter table probe2 add column extra2 INT'), 'probe2');
  assert.equal(ddlTable('ALTER TABLE `ks`.`my``table` ADD x int'), 'my`table');
  assert.equal(ddlTable('create table if not exists t1 (id int)'), 't1');
  assert.equal(ddlTable('drop table `t 2`'), 't 2');
  assert.equal(ddlTable('create index i on t (x)'), undefined);
});

test('random row bytes and lengths: typed RowDecodeError naming where, or values', () => {
  let state = 7;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  const types: query.IField[] = [
    field(T.UINT64, 'bigint unsigned'),
    field(T.SET, "set('a','b')", 33),
    field(T.BIT, 'bit(9)'),
    field(T.FLOAT64, 'double'),
    field(T.VARCHAR, 'varchar(9)', 45),
  ];
  const decoders = types.map((f) => columnDecoderFor(f, false));
  for (let round = 0; round < 5000; round += 1) {
    const values = Buffer.from(Array.from({ length: Math.floor(next() * 40) }, () => Math.floor(next() * 256)));
    const lengths = decoders.map(() => Long.fromNumber(Math.floor(next() * 14) - 2));
    try {
      decodeRow(decoders, { lengths, values }, () => 'src: ks.t on shard -80');
    } catch (error) {
      assert.ok(error instanceof RowDecodeError, `round ${round}: ${String(error)}`);
      assert.match((error as Error).message, /^src: ks\.t on shard -80: /);
    }
  }
});
