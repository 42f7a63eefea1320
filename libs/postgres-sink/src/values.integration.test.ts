// Every value kind into the right destination column types, against a real Postgres.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type PostgresServer } from '@cdc/testenv';
import type { ChangeOp, TableSchema, Value } from '@cdc/change-envelope';
import { ApplyError } from '@cdc/apply';
import { createPostgresSink, type PostgresSink } from './index';
import { column, Ops, tableSchema, V } from '@cdc/change-envelope/testing';

let server: PostgresServer;
const sinks: PostgresSink[] = [];

before(async () => {
  server = await startPostgres({ logical: false, name: 'postgres-sink-values' });
});

after(async () => {
  for (const sink of sinks) await sink.close();
  await server?.destroy();
});

async function sinkFor(url: string, createTables: boolean): Promise<PostgresSink> {
  const sink = await createPostgresSink({
    url,
    destination: 'values',
    createTables,
    mapTable: (t) => ({ schema: t.schema, table: t.table }),
  });
  sinks.push(sink);
  return sink;
}

let seq = 0;
const batch = (ops: ChangeOp[]) => ({ source: 'pg1', partition: 0, ops, lastStreamSeq: ++seq });

/** Column name, source type, value, expected `col::text` at the destination (null: SQL NULL). */
type Case = [name: string, type: string, value: Value, text: string | null];

const longJson = `{"k": ${JSON.stringify('v'.repeat(3000))}}`;
const cases: Case[] = [
  ['c_int2', 'int2', V.int(-32768), '-32768'],
  ['c_int4', 'int4', V.int(2147483647), '2147483647'],
  ['c_int8', 'int8', V.int('-9223372036854775808'), '-9223372036854775808'],
  ['c_uint8', 'numeric(20,0)', V.unsigned('18446744073709551615'), '18446744073709551615'],
  ['c_numeric', 'numeric', V.decimal('12345678901234567890.000123456789'), '12345678901234567890.000123456789'],
  ['c_numeric_scaled', 'numeric(10,2)', V.decimal('-12.50'), '-12.50'],
  ['c_numeric_nan', 'numeric', V.decimal('NaN'), 'NaN'],
  ['c_float4', 'float4', V.float(1.5), '1.5'],
  ['c_float4_nan', 'float4', V.float(NaN), 'NaN'],
  ['c_float4_inf', 'real', V.float(Infinity), 'Infinity'],
  ['c_float8', 'float8', V.float(0.1), '0.1'],
  ['c_float8_big', 'double precision', V.float(-1.7976931348623157e308), '-1.7976931348623157e+308'],
  ['c_float8_ninf', 'float8', V.float(-Infinity), '-Infinity'],
  ['c_float8_nan', 'float8', V.float(NaN), 'NaN'],
  ['c_bool_t', 'bool', V.bool(true), 'true'],
  ['c_bool_f', 'boolean', V.bool(false), 'false'],
  [
    'c_text',
    'text',
    V.text('It\'s "quoted" \\ back\\slash\ttab\nnewline Ünïcødé 🎉 \u2028'),
    'It\'s "quoted" \\ back\\slash\ttab\nnewline Ünïcødé 🎉 \u2028',
  ],
  ['c_text_empty', 'text', V.text(''), ''],
  ['c_varchar', 'character varying(20)', V.text('short'), 'short'],
  ['c_char', 'character(3)', V.text('ab '), 'ab'],
  ['c_bytea', 'bytea', V.bytes([0, 1, 92, 39, 34, 255]), '\\x00015c2722ff'],
  ['c_bytea_empty', 'bytea', V.bytes([]), '\\x'],
  ['c_json', 'json', V.json(' {"b": 1,  "a": [1, 2.50], "b": 2} '), ' {"b": 1,  "a": [1, 2.50], "b": 2} '],
  ['c_json_null', 'json', V.json('null'), 'null'],
  ['c_json_string', 'json', V.json('"str\\u00e9"'), '"str\\u00e9"'],
  ['c_json_long', 'json', V.json(longJson), longJson],
  ['c_jsonb', 'jsonb', V.json('{"b": 1,  "a": [1, 2.50]}'), '{"a": [1, 2.50], "b": 1}'],
  ['c_jsonb_null', 'jsonb', V.json('null'), 'null'],
  ['c_jsonb_arr', 'jsonb[]', V.array(V.json('{"a":1}'), V.json('null'), V.null), '{"{\\"a\\": 1}","null",NULL}'],
  ['c_uuid', 'uuid', V.uuid('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
  ['c_date', 'date', V.date('2024-02-29'), '2024-02-29'],
  ['c_date_inf', 'date', V.date('infinity'), 'infinity'],
  ['c_date_bc', 'date', V.date('0044-03-15 BC'), '0044-03-15 BC'],
  ['c_time', 'time', V.time('23:59:59.999999'), '23:59:59.999999'],
  ['c_timetz', 'time with time zone', V.time('12:34:56.5+05:30'), '12:34:56.5+05:30'],
  ['c_timestamp', 'timestamp(3) without time zone', V.timestamp('2024-01-02 03:04:05.678'), '2024-01-02 03:04:05.678'],
  [
    'c_timestamptz',
    'timestamp with time zone',
    V.timestamptz('2024-01-02 03:04:05.678+02'),
    '2024-01-02 01:04:05.678+00',
  ],
  [
    'c_timestamptz_usec',
    'timestamptz(6)',
    V.timestamptz('1999-12-31 23:59:59.999999-08:30'),
    '2000-01-01 08:29:59.999999+00',
  ],
  ['c_timestamp_ninf', 'timestamp', V.timestamp('-infinity'), '-infinity'],
  ['c_interval', 'interval', V.interval('1 year 2 mons -3 days +04:05:06.789'), '1 year 2 mons -3 days +04:05:06.789'],
  ['c_int_arr', 'integer[]', V.array(V.int(1), V.null, V.int(-3)), '{1,NULL,-3}'],
  ['c_int_arr_empty', 'int4[]', V.array(), '{}'],
  [
    'c_text_arr',
    'text[]',
    V.array(
      V.text('a"b'),
      V.null,
      V.text('NULL'),
      V.text('c,d'),
      V.text('x\\y'),
      V.text('{}'),
      V.text(' sp '),
      V.text(''),
    ),
    '{"a\\"b",NULL,"NULL","c,d","x\\\\y","{}"," sp ",""}',
  ],
  ['c_int_arr2', 'integer[]', V.array(V.array(V.int(1), V.int(2)), V.array(V.int(3), V.null)), '{{1,2},{3,NULL}}'],
  ['c_float_arr', 'float8[]', V.array(V.float(NaN), V.float(-Infinity), V.float(0.25)), '{NaN,-Infinity,0.25}'],
  ['c_bool_arr', 'boolean[]', V.array(V.bool(true), V.bool(false), V.null), '{t,f,NULL}'],
  ['c_bytea_arr', 'bytea[]', V.array(V.bytes([1, 2]), V.null), '{"\\\\x0102",NULL}'],
  ['c_numeric_arr', 'numeric[]', V.array(V.decimal('1.50'), V.decimal('NaN')), '{1.50,NaN}'],
  [
    'c_uuid_arr',
    'uuid[]',
    V.array(V.uuid('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')),
    '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}',
  ],
  ['c_date_arr', 'date[]', V.array(V.date('2024-01-01'), V.null), '{2024-01-01,NULL}'],
  ['c_ts_arr', 'timestamp[]', V.array(V.timestamp('2024-01-01 00:00:00.5')), '{"2024-01-01 00:00:00.5"}'],
  ['c_interval_arr', 'interval[]', V.array(V.interval('1 day')), '{"1 day"}'],
  ['c_enum', 'public.mood', V.enum('happy'), 'happy'],
  ['c_enum_arr', 'mood[]', V.array(V.enum('sad'), V.enum('happy')), '{sad,happy}'],
  ['c_enum_unknown', 'public.no_such_enum', V.enum('whatever'), 'whatever'],
  ['c_enum_unknown_arr', 'no_such_enum[]', V.array(V.enum('x y'), V.enum('z')), '{"x y",z}'],
];

const kinds: TableSchema = tableSchema('src', 'kinds', [
  column('id', 'int4', { key: true }),
  ...cases.map(([name, type]) => column(name, type)),
]);

async function textsOf(url: string, table: string, id: number): Promise<Record<string, string | null>> {
  const db = new URL(url).pathname.slice(1);
  const select = cases.map(([name]) => `${name}::text AS ${name}`).join(', ');
  const result = await server.query(`SELECT ${select} FROM ${table} WHERE id = $1`, [id], db);
  assert.equal(result.rows.length, 1, `row ${id} in ${table}`);
  return result.rows[0] as Record<string, string | null>;
}

test('every value kind round-trips into a table created from the source schema', async () => {
  const url = await server.createDatabase();
  const db = new URL(url).pathname.slice(1);
  await server.query(`CREATE TYPE public.mood AS ENUM ('happy', 'sad')`, [], db);
  await server.query('ALTER DATABASE ' + db + " SET timezone TO 'UTC'", [], db);
  const sink = await sinkFor(url, true);
  const ops = new Ops();
  const row1 = [V.int(1), ...cases.map(([, , value]) => value)];
  const row2 = [V.int(2), ...cases.map(() => V.null)];
  const result = await sink.applyBatch(batch([ops.insert(kinds, row1), ops.insert(kinds, row2)]));
  assert.equal(result.applied, 2);

  const texts = await textsOf(url, 'src.kinds', 1);
  for (const [name, , , expected] of cases) assert.equal(texts[name], expected, name);
  const nulls = await textsOf(url, 'src.kinds', 2);
  for (const [name] of cases) assert.equal(nulls[name], null, `${name} of the all-NULL row`);

  // The created table uses the source types (typmods kept), known enums, text for unknown types.
  const types = await server.query(
    `SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = 'src.kinds'::regclass AND attnum > 0 ORDER BY attnum`,
    [],
    db,
  );
  const typeOf = new Map(types.rows.map((row) => [row.attname as string, row.type as string]));
  assert.equal(typeOf.get('c_numeric_scaled'), 'numeric(10,2)');
  assert.equal(typeOf.get('c_varchar'), 'character varying(20)');
  assert.equal(typeOf.get('c_char'), 'character(3)');
  assert.equal(typeOf.get('c_timestamp'), 'timestamp(3) without time zone');
  assert.equal(typeOf.get('c_int_arr2'), 'integer[]');
  assert.equal(typeOf.get('c_enum'), 'mood');
  assert.equal(typeOf.get('c_enum_arr'), 'mood[]');
  assert.equal(typeOf.get('c_enum_unknown'), 'text');
  assert.equal(typeOf.get('c_enum_unknown_arr'), 'text[]');
  const key = await server.query(
    `SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = 'src.kinds'::regclass AND contype = 'p'`,
    [],
    db,
  );
  assert.equal(key.rows[0].n, 1);

  // Updating every column with the values again (now an UPDATE path via upsert) keeps them.
  await sink.applyBatch(batch([ops.update(kinds, row1)]));
  const again = await textsOf(url, 'src.kinds', 1);
  for (const [name, , , expected] of cases) assert.equal(again[name], expected, `${name} after update`);
});

test('values land in an existing table whose types differ from the source (input functions convert)', async () => {
  const url = await server.createDatabase();
  const db = new URL(url).pathname.slice(1);
  await server.query(
    `CREATE TABLE public.loose (id int8 PRIMARY KEY, n numeric, t varchar(50), j jsonb, arr text, flag text, extra text DEFAULT 'kept')`,
    [],
    db,
  );
  await server.query(`INSERT INTO public.loose (id, extra) VALUES (1, 'dest only')`, [], db);
  const source = tableSchema('public', 'loose', [
    column('id', 'int4', { key: true }),
    column('n', 'int4'),
    column('t', 'text'),
    column('j', 'json'),
    column('arr', 'int4[]'),
    column('flag', 'bool'),
  ]);
  const sink = await sinkFor(url, false);
  const ops = new Ops();
  await sink.applyBatch(
    batch([
      ops.update(source, [
        V.int(1),
        V.int(42),
        V.text('x'),
        V.json('{"z":1,"a":null}'),
        V.array(V.int(1), V.null),
        V.bool(true),
      ]),
    ]),
  );
  const rows = await server.query(`SELECT n::text, t, j::text, arr, flag, extra FROM public.loose`, [], db);
  // A boolean travels as Postgres writes it ('t', the text pgoutput and COPY give): a text
  // column receives that text (it received 'true' when rows travelled as JSON).
  assert.deepEqual(rows.rows, [
    { n: '42', t: 'x', j: '{"a": null, "z": 1}', arr: '{1,NULL}', flag: 't', extra: 'dest only' },
  ]);
});

test('hostile identifiers and values are quoted and passed as parameters', async () => {
  const url = await server.createDatabase();
  const db = new URL(url).pathname.slice(1);
  await server.query('CREATE TABLE public.x (id int)', [], db);
  const hostile = tableSchema('Weird "Schema"', 'Weird "Name" \'; DROP TABLE x; --', [
    column('Key "Col"', 'text', { key: true }),
    column('select', 'text'),
    column('Mixed Case', 'int4'),
    column('a"b\'c', 'jsonb'),
    column('from', 'text[]'),
  ]);
  const sink = await sinkFor(url, true);
  const ops = new Ops();
  const evil = "'); DROP TABLE x; --";
  const values = [evil, 'back\\slash \\x00 \\\\', 'ünï 🎉 "q" \u0001', 'a\'b"c$1$$', '{"": "\\"}'];
  await sink.applyBatch(
    batch([
      ...values.map((value, i) =>
        ops.insert(hostile, [
          V.text(value),
          V.text(value),
          V.int(i),
          V.json(JSON.stringify({ [value]: value })),
          V.array(V.text(value), V.null),
        ]),
      ),
      ops.update(hostile, [V.text(values[1]), V.text('updated ' + evil), V.int(99), V.unchanged, V.unchanged]),
      ops.delete(hostile, [V.text(values[2])]),
    ]),
  );
  const rows = await server.query(
    `SELECT "Key ""Col""" AS k, "select" AS s, "Mixed Case" AS m, "a""b'c"::text AS j, "from" AS f
       FROM "Weird ""Schema"""."Weird ""Name"" '; DROP TABLE x; --" ORDER BY "Mixed Case"`,
    [],
    db,
  );
  const expected = values
    .map((value, i) => ({ k: value, s: value, m: i, j: JSON.stringify({ [value]: value }), f: [value, null] }))
    .filter((_, i) => i !== 2)
    .map((row) => (row.k === values[1] ? { ...row, s: 'updated ' + evil, m: 99 } : row))
    .sort((a, b) => a.m - b.m);
  assert.deepEqual(
    rows.rows.map((row) => ({ ...row, j: JSON.stringify(JSON.parse(row.j as string)) })),
    expected,
  );
  const x = await server.query(`SELECT to_regclass('public.x') IS NOT NULL AS present`, [], db);
  assert.equal(x.rows[0].present, true);
});

test('a json value that is not JSON is rejected by the destination, not spliced into the row', async () => {
  const url = await server.createDatabase();
  const db = new URL(url).pathname.slice(1);
  const docs = tableSchema('public', 'docs', [
    column('id', 'int4', { key: true }),
    column('doc', 'jsonb'),
    column('owner', 'text'),
  ]);
  const sink = await sinkFor(url, true);
  const ops = new Ops();
  await assert.rejects(
    sink.applyBatch(batch([ops.insert(docs, [V.int(1), V.json('1, "owner": "mallory"'), V.text('alice')])])),
    (error: unknown) =>
      error instanceof ApplyError &&
      /invalid input syntax for type json/.test(error.message) &&
      error.context.key === '(id)=(1)',
  );
  // The batch rolled back as a whole, table creation included.
  const rows = await server.query(`SELECT to_regclass('public.docs') IS NULL AS absent`, [], db);
  assert.equal(rows.rows[0].absent, true);
});
