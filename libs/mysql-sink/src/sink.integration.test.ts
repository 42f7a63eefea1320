import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MariadbServer } from '@cdc/testenv';
import type { TableSchema } from '@cdc/change-envelope';
import { testDestination } from './test-destination';
import { column, Ops, tableSchema, V } from '@cdc/change-envelope/testing';

const destination = testDestination('mysql-sink');
const { newSink, sinkOn, rows, apply } = destination;
const db = { query: (...args: Parameters<MariadbServer['query']>) => destination.db().query(...args) };

// Every type of the spine's Postgres type list (the e2e type_zoo), as the Postgres reader sends it.
const zoo: TableSchema = tableSchema('public', 'zoo', [
  column('id', 'bigint', { key: true }),
  column('i2', 'smallint'),
  column('i4', 'integer'),
  column('i8', 'bigint'),
  column('num', 'numeric(30,10)'),
  column('num_free', 'numeric'),
  column('f4', 'real'),
  column('f8', 'double precision'),
  column('flag', 'boolean'),
  column('t', 'text'),
  column('vc', 'character varying(20)'),
  column('ch', 'character(3)'),
  column('raw', 'bytea'),
  column('js', 'json'),
  column('jsb', 'jsonb'),
  column('u', 'uuid'),
  column('d', 'date'),
  column('tm', 'time without time zone'),
  column('tmtz', 'time with time zone'),
  column('ts', 'timestamp without time zone'),
  column('tstz', 'timestamp with time zone'),
  column('iv', 'interval'),
  column('ints', 'integer[]'),
  column('feeling', 'mood'),
]);

test('creates the table from a Postgres schema and writes every value kind exactly', async () => {
  const { sink, database } = await newSink({ unrepresentable: 'json' });
  const ops = new Ops();
  const result = await apply(sink, [
    ops.insert(zoo, [
      V.int(1),
      V.int(-32768),
      V.int(2147483647),
      V.int('-9223372036854775808'),
      V.decimal('12345678901234567890.0123456789'),
      V.decimal('123456789012345678901234567890.5'),
      V.float(1.5),
      V.float(1e308),
      V.bool(true),
      V.text("it's a \\ back'slash \u00fcn\u00efc\u00f8d\u00e9 \ud83d\ude80 and\0nul"),
      V.text('vc'),
      V.text('ab '),
      V.bytes([0, 255, 16, 39]),
      V.json('{"a": [1, 2.50, null],  "b": "x"}'),
      V.json('{"k": 1}'),
      V.uuid('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
      V.date('2024-02-29'),
      V.time('23:59:59.999999'),
      V.time('12:00:00+05:30'),
      V.timestamp('2024-01-01 00:00:00.123456'),
      V.timestamptz('1999-12-31 23:59:59.5+02'),
      V.interval('1 year 2 mons 3 days 04:05:06.789'),
      V.array(V.int(1), V.null, V.int(3)),
      V.enum('happy'),
    ]),
    ops.insert(zoo, [V.int(2), ...zoo.columns.slice(1).map(() => V.null)]),
  ]);
  assert.equal(result.applied, 2);
  assert.ok(result.schemaChanges >= 1);
  const [row] = await rows(
    database,
    `SELECT i2, i4, i8, num, num_free, f4, f8, flag, t, HEX(t) AS thex, vc, ch, HEX(raw) AS raw, CONCAT(js) AS js, CONCAT(jsb) AS jsb, u, d, tm, tmtz, ts, tstz, iv, CONCAT(ints) AS ints, feeling
       FROM zoo WHERE id = 1`,
  );
  assert.deepEqual(
    { ...row, thex: undefined },
    {
      i2: -32768,
      i4: 2147483647,
      i8: '-9223372036854775808',
      num: '12345678901234567890.0123456789',
      num_free: '123456789012345678901234567890.500000000000000000000000000000',
      f4: 1.5,
      f8: 1e308,
      flag: 1,
      t: "it's a \\ back'slash \u00fcn\u00efc\u00f8d\u00e9 \ud83d\ude80 and\0nul",
      thex: undefined,
      vc: 'vc',
      ch: 'ab',
      raw: '00FF1027',
      js: '{"a": [1, 2.50, null],  "b": "x"}',
      jsb: '{"k": 1}',
      u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      d: '2024-02-29',
      tm: '23:59:59.999999',
      tmtz: '12:00:00+05:30',
      ts: '2024-01-01 00:00:00.123456',
      tstz: '1999-12-31 21:59:59.500000',
      iv: '1 year 2 mons 3 days 04:05:06.789',
      ints: '[1,null,3]',
      feeling: 'happy',
    },
  );
  const nulls = await rows(database, 'SELECT COUNT(*) AS n FROM zoo WHERE id = 2 AND i2 IS NULL AND ints IS NULL');
  assert.equal(nulls[0].n, '1');
  const [types] = await rows(
    database,
    `SELECT GROUP_CONCAT(CONCAT(COLUMN_NAME, ' ', COLUMN_TYPE) ORDER BY ORDINAL_POSITION SEPARATOR ', ') AS t
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'zoo'`,
  );
  assert.match(
    String(types.t),
    /^id bigint\(20\), i2 smallint\(6\), i4 int\(11\), i8 bigint\(20\), num decimal\(30,10\)/,
  );
  assert.match(String(types.t), /tstz datetime\(6\), iv varchar\(255\), ints longtext, feeling longtext$/);
});

test('an unrepresentable value fails by default, naming op, table and column; null writes NULL', async () => {
  const table = tableSchema('public', 'floats', [
    column('id', 'integer', { key: true }),
    column('f', 'double precision'),
  ]);
  const { sink, database } = await newSink();
  const ops = new Ops();
  await assert.rejects(
    apply(sink, [ops.insert(table, [V.int(1), V.float(1)]), ops.insert(table, [V.int(2), V.float(NaN)])]),
    (error: Error) => {
      assert.match(
        error.message,
        /insert on public\.floats -> db_\w+\.floats key \(id\)=\(2\) at \d+:0 cannot be written: column f: NaN has no float form/,
      );
      assert.equal((error as { code?: string }).code, '22003');
      return true;
    },
  );
  assert.deepEqual(await rows(database, 'SELECT * FROM floats'), [], 'the batch rolled back');
  assert.equal(await sink.readCheckpoint('pg', 0), undefined);

  const lenient = await newSink({ unrepresentable: 'null' });
  const out = new Ops();
  await apply(lenient.sink, [
    out.insert(table, [V.int(1), V.float(Infinity)]),
    out.insert(
      tableSchema('public', 'dates', [column('id', 'integer', { key: true }), column('d', 'timestamp with time zone')]),
      [V.int(1), V.timestamptz('infinity')],
    ),
  ]);
  assert.deepEqual(await rows(lenient.database, 'SELECT id, f FROM floats'), [{ id: 1, f: null }]);
  assert.deepEqual(await rows(lenient.database, 'SELECT id, d FROM dates'), [{ id: 1, d: null }]);
});

test('folds a batch per key, keeps TOAST columns, handles key changes, keyless tables and truncate', async () => {
  const { sink, database } = await newSink();
  const t = tableSchema('public', 'items', [
    column('id', 'integer', { key: true }),
    column('n', 'integer', { nullable: false }),
    column('big', 'text'),
  ]);
  const keyless = tableSchema('public', 'loose', [column('a', 'integer'), column('b', 'text')], false);
  const ops = new Ops();
  await apply(sink, [
    ops.insert(t, [V.int(1), V.int(0), V.text('big one')]),
    ops.insert(t, [V.int(2), V.int(0), V.text('big two')]),
    ops.insert(t, [V.int(3), V.int(0), V.text('gone')]),
    ops.insert(keyless, [V.int(1), V.text('a')]),
    ops.insert(keyless, [V.int(1), V.text('a')]),
    ops.insert(keyless, [V.int(2), V.null]),
  ]);
  await apply(sink, [
    ops.update(t, [V.int(1), V.int(5), V.unchanged]),
    ops.update(t, [V.int(1), V.int(6), V.unchanged]),
    ops.delete(t, [V.int(3)]),
    ops.update(t, [V.int(20), V.int(7), V.unchanged], { oldKey: [V.int(2)] }),
    ops.delete(keyless, [], [V.int(1), V.text('a')]),
    ops.update(keyless, [V.int(2), V.text('b')], { before: [V.int(2), V.null] }),
    ops.insert(t, [V.int(3), V.int(9), V.text('back')]),
  ]);
  assert.deepEqual(await rows(database, 'SELECT id, n, big FROM items ORDER BY id'), [
    { id: 1, n: 6, big: 'big one' },
    { id: 3, n: 9, big: 'back' },
    { id: 20, n: 7, big: 'big two' },
  ]);
  assert.deepEqual(await rows(database, 'SELECT a, b FROM loose ORDER BY a'), [
    { a: 1, b: 'a' },
    { a: 2, b: 'b' },
  ]);
  await apply(sink, [ops.truncate(t), ops.insert(t, [V.int(7), V.int(7), V.null])]);
  assert.deepEqual(await rows(database, 'SELECT id FROM items'), [{ id: 7 }]);
});

test('skips ops at or below the checkpoint (redelivery) and stores lanes like every engine', async () => {
  const { sink, database } = await newSink();
  const t = tableSchema('public', 'counter', [column('id', 'integer', { key: true }), column('n', 'integer')]);
  const ops = new Ops();
  const first = [ops.insert(t, [V.int(1), V.int(1)]), ops.update(t, [V.int(1), V.int(2)])];
  const second = [ops.update(t, [V.int(1), V.int(3)])];
  assert.equal((await apply(sink, first, 10)).applied, 2);
  const again = await apply(sink, [...first, ...second], 11);
  assert.deepEqual([again.applied, again.skipped], [1, 2]);
  assert.equal((await apply(sink, [...first, ...second], 11)).applied, 0);
  assert.deepEqual(await rows(database, 'SELECT n FROM counter'), [{ n: 3 }]);
  const [checkpoint] = await rows(database, "SELECT stream_seq, positions FROM _cdc_checkpoint WHERE source = 'pg'");
  assert.deepEqual(checkpoint, { stream_seq: '11', positions: `{"":"${second[0].position.commit}:0"}` });
  const read = await sink.readCheckpoint('pg', 0);
  assert.equal(read?.streamSeq, 11);
  assert.equal(read?.lanes.get('')?.commit, second[0].position.commit);
});

test('two sinks on one partition serialize on the checkpoint row and apply each op once', async () => {
  const { sink, database } = await newSink();
  const other = await sinkOn(database);
  const t = tableSchema('public', 'audit', [column('id', 'integer', { key: true })]);
  await db.query('CREATE TABLE audit (id int PRIMARY KEY)', [], database);
  await db.query('CREATE TABLE audit_log (id int)', [], database);
  await db.query(
    'CREATE TRIGGER audit_ins AFTER INSERT ON audit FOR EACH ROW INSERT INTO audit_log VALUES (NEW.id)',
    [],
    database,
  );
  const ops = new Ops();
  const batch = Array.from({ length: 200 }, (_, i) => ops.insert(t, [V.int(i)]));
  const results = await Promise.all([apply(sink, batch), apply(other, batch)]);
  assert.deepEqual(results.map((r) => r.applied).sort(), [0, 200]);
  assert.deepEqual(await rows(database, 'SELECT COUNT(*) AS n FROM audit_log'), [{ n: '200' }]);
});

test('schema evolution: columns added, dropped and widened mid-batch; old ops do not resurrect a dropped column', async () => {
  const { sink, database } = await newSink();
  const v1 = tableSchema('public', 'evolving', [
    column('id', 'integer', { key: true }),
    column('a', 'integer', { nullable: false }),
    column('b', 'character varying(5)'),
  ]);
  const v2 = tableSchema('public', 'evolving', [
    column('id', 'integer', { key: true }),
    column('a', 'bigint', { nullable: false }),
    column('b', 'character varying(50)'),
    column('c', 'text'),
  ]);
  const v3 = tableSchema('public', 'evolving', [
    column('id', 'integer', { key: true }),
    column('b', 'character varying(50)'),
    column('c', 'text'),
  ]);
  const ops = new Ops();
  const batch1 = [ops.insert(v1, [V.int(1), V.int(1), V.text('one')])];
  await apply(sink, batch1, 1);
  const batch2 = [
    ops.insert(v1, [V.int(2), V.int(2), V.text('two')]),
    ops.insert(v2, [V.int(3), V.int('9000000000'), V.text('a longer text'), V.text('c3')]),
    ops.insert(v3, [V.int(4), V.text('four'), V.text('c4')]),
    ops.update(v3, [V.int(1), V.text('one!'), V.text('c1')]),
  ];
  const result = await apply(sink, batch2, 2);
  assert.equal(result.applied, 4);
  assert.deepEqual(await rows(database, 'SELECT id, b, c FROM evolving ORDER BY id'), [
    { id: 1, b: 'one!', c: 'c1' },
    { id: 2, b: 'two', c: null },
    { id: 3, b: 'a longer text', c: 'c3' },
    { id: 4, b: 'four', c: 'c4' },
  ]);
  const columns = await rows(
    database,
    "SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'evolving' ORDER BY ORDINAL_POSITION",
  );
  assert.deepEqual(columns, [
    { name: 'id', type: 'int(11)' },
    { name: 'b', type: 'varchar(50)' },
    { name: 'c', type: 'longtext' },
  ]);
  // A redelivery of the old ops (already applied) after the drop: skipped, no column comes back.
  await apply(sink, [...batch1, ...batch2], 2);
  // An old-schema op that was not applied yet, arriving after the newer schema, writes without the dropped column.
  const [stored] = await rows(database, 'SELECT positions FROM _cdc_schema');
  assert.match(String(stored.positions), /^\{"":"\d+:0"\}$/);
});

test('a rename or an incompatible type change stops with a clear error and changes nothing', async () => {
  const { sink, database } = await newSink();
  const v1 = tableSchema('public', 'renamed', [column('id', 'integer', { key: true }), column('old_name', 'text')]);
  const renamed = tableSchema('public', 'renamed', [
    column('id', 'integer', { key: true }),
    column('new_name', 'text'),
  ]);
  const narrowed = tableSchema('public', 'renamed', [
    column('id', 'integer', { key: true }),
    column('old_name', 'integer'),
  ]);
  const ops = new Ops();
  await apply(sink, [ops.insert(v1, [V.int(1), V.text('x')])]);
  await assert.rejects(apply(sink, [ops.insert(renamed, [V.int(2), V.text('y')])]), (error: Error) => {
    assert.match(error.message, /column "old_name" looks renamed to "new_name"/);
    assert.equal((error as { code?: string }).code, '0A000');
    assert.equal((error as { context?: { table?: string } }).context?.table, 'public.renamed');
    return true;
  });
  await assert.rejects(
    apply(sink, [ops.insert(narrowed, [V.int(2), V.int(5)])]),
    /changed type from text to integer, which is not a widening/,
  );
  assert.deepEqual(await rows(database, 'SELECT * FROM renamed'), [{ id: 1, old_name: 'x' }]);
});

test('MySQL-dialect schemas (Vitess) create the same types, widen enums and unsigned integers', async () => {
  const { sink, database } = await newSink();
  const my = (name: string, type: string, options: { key?: boolean } = {}) =>
    column(name, type, { ...options, typeOid: 0 });
  const v1 = tableSchema('ks', 'vt', [
    my('id', 'bigint(20) unsigned', { key: true }),
    my('e', "enum('a','b')"),
    my('s', "set('x','y')"),
    my('bits', 'bit(8)'),
    my('y', 'year(4)'),
    my('dt', 'datetime(6)'),
    my('tm', 'time'),
    my('blob', 'blob'),
  ]);
  const v2 = tableSchema('ks', 'vt', [
    my('id', 'bigint(20) unsigned', { key: true }),
    my('e', "enum('a','b','c')"),
    my('s', "set('x','y')"),
    my('bits', 'bit(8)'),
    my('y', 'year(4)'),
    my('dt', 'datetime(6)'),
    my('tm', 'time'),
    my('blob', 'blob'),
  ]);
  const ops = new Ops();
  await apply(sink, [
    ops.insert(v1, [
      V.unsigned('18446744073709551615'),
      V.enum('b'),
      V.enum('x,y'),
      V.text('10100101'),
      V.int(2024),
      V.timestamp('2024-05-06 07:08:09.123456'),
      V.time('-838:59:59'),
      V.bytes([1, 2]),
    ]),
    ops.insert(v2, [V.unsigned(1), V.enum('c'), V.null, V.null, V.null, V.null, V.time('100:00:00'), V.null]),
  ]);
  assert.deepEqual(
    await rows(database, 'SELECT id, e, s, bits + 0 AS bits, y, dt, tm, HEX(`blob`) AS b FROM vt ORDER BY id'),
    [
      { id: '1', e: 'c', s: null, bits: null, y: null, dt: null, tm: '100:00:00', b: null },
      {
        id: '18446744073709551615',
        e: 'b',
        s: 'x,y',
        bits: 165,
        y: 2024,
        dt: '2024-05-06 07:08:09.123456',
        tm: '-838:59:59',
        b: '0102',
      },
    ],
  );
  const [enumType] = await rows(
    database,
    "SELECT COLUMN_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'vt' AND COLUMN_NAME = 'e'",
  );
  assert.equal(enumType.t, "enum('a','b','c')");
});

test('without create_tables a missing table is a clear error', async () => {
  const { sink } = await newSink({ createTables: false });
  const ops = new Ops();
  const t = tableSchema('public', 'absent', [column('id', 'integer', { key: true })]);
  await assert.rejects(apply(sink, [ops.insert(t, [V.int(1)])]), (error: Error) => {
    assert.match(error.message, /destination test: table db_\w+\.absent does not exist \(set create_tables: true/);
    assert.equal((error as { code?: string }).code, '42S02');
    return true;
  });
});
