// Over 400 lines on purpose: 18 cases of one contract (the batch transaction, checkpoints, coalescing) against one Postgres started once; each case stands alone.
// The transaction contract, checkpointing and coalescing, against a real Postgres.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startPostgres, type PostgresServer } from '@cdc/testenv';
import { textOp, type ChangeOp, type TableSchema } from '@cdc/change-envelope';
import { ApplyError, isRetryable, type SinkBatch } from '@cdc/apply';
import { createPostgresSink, PostgresApplyError, type PostgresSink, type PostgresSinkOptions } from './index';
import { column, Ops, tableSchema, V } from '@cdc/change-envelope/testing';

let server: PostgresServer;
const sinks: PostgresSink[] = [];

before(async () => {
  server = await startPostgres({ logical: false, name: 'postgres-sink-apply' });
});

after(async () => {
  for (const sink of sinks) await sink.close();
  await server?.destroy();
});

interface Destination {
  url: string;
  sql(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  sink(options?: Partial<PostgresSinkOptions>): Promise<PostgresSink>;
}

async function destination(): Promise<Destination> {
  const url = await server.createDatabase();
  const db = new URL(url).pathname.slice(1);
  return {
    url,
    sql: async (text, params = []) => (await server.query(text, params, db)).rows,
    sink: async (options = {}) => {
      const sink = await createPostgresSink({
        url,
        destination: 'dest1',
        createTables: true,
        mapTable: (t) => ({ schema: t.schema, table: t.table }),
        ...options,
      });
      sinks.push(sink);
      return sink;
    },
  };
}

let streamSeq = 0;
const batch = (ops: ChangeOp[], partition = 0): SinkBatch => ({
  source: 'pg1',
  partition,
  ops,
  lastStreamSeq: ++streamSeq,
});

const users = tableSchema('public', 'users', [
  column('id', 'int8', { key: true }),
  column('name', 'text', { nullable: false }),
  column('bio', 'text'),
]);

test('insert, update and delete of one key in a batch leave nothing; other keys fold to their last state', async () => {
  const dest = await destination();
  const sink = await dest.sink();
  const o = new Ops();
  await sink.applyBatch(
    batch([o.insert(users, [V.int(3), V.text('three'), V.null]), o.insert(users, [V.int(4), V.text('four'), V.null])]),
  );
  const result = await sink.applyBatch(
    batch([
      o.insert(users, [V.int(1), V.text('a'), V.null]),
      o.update(users, [V.int(1), V.text('b'), V.text('bio')]),
      o.delete(users, [V.int(1)]),
      o.insert(users, [V.int(2), V.text('x'), V.null]),
      o.update(users, [V.int(2), V.text('y'), V.unchanged]),
      o.update(users, [V.int(2), V.unchanged, V.text('z')]),
      o.delete(users, [V.int(3)]),
      o.insert(users, [V.int(3), V.text('three again'), V.null]),
      o.delete(users, [V.int(4)]),
      o.update(users, [V.int(4), V.text('ghost'), V.unchanged]),
      o.snapshot(users, [V.int(5), V.text('five'), V.null]),
    ]),
  );
  assert.equal(result.applied, 11);
  assert.equal(result.skipped, 0);
  assert.deepEqual(await dest.sql('SELECT id::int, name, bio FROM users ORDER BY id'), [
    { id: 2, name: 'y', bio: 'z' },
    { id: 3, name: 'three again', bio: null },
    { id: 5, name: 'five', bio: null },
  ]);
});

test('primary key changes move the row; an unchanged TOAST column keeps its value', async () => {
  const dest = await destination();
  const sink = await dest.sink();
  const o = new Ops();
  const big = 'toast '.repeat(1000); // > 2 kB: stored out of line at the source, not sent when unchanged
  await sink.applyBatch(
    batch([
      o.insert(users, [V.int(1), V.text('one'), V.text(big)]),
      o.insert(users, [V.int(2), V.text('two'), V.text(big + '2')]),
      o.insert(users, [V.int(3), V.text('three'), V.text(big + '3')]),
    ]),
  );
  await sink.applyBatch(
    batch([
      // unchanged TOAST column, no key change
      o.update(users, [V.int(1), V.text('one v2'), V.unchanged]),
      // key change with the full row
      o.update(users, [V.int(20), V.text('twenty'), V.text('small')], { oldKey: [V.int(2)] }),
      // key change with the TOAST column unchanged: the moved row keeps it
      o.update(users, [V.int(30), V.text('thirty'), V.unchanged], { oldKey: [V.int(3)] }),
      o.update(users, [V.int(30), V.text('thirty v2'), V.unchanged]),
    ]),
  );
  assert.deepEqual(
    await dest.sql('SELECT id::int, name, bio = $1 AS big, length(bio) AS len FROM users ORDER BY id', [big]),
    [
      { id: 1, name: 'one v2', big: true, len: big.length },
      { id: 20, name: 'twenty', big: false, len: 5 },
      { id: 30, name: 'thirty v2', big: false, len: big.length + 1 },
    ],
  );
  // Inside one batch: insert, then a key change and a TOAST-unchanged update fold into the image.
  await sink.applyBatch(
    batch([
      o.insert(users, [V.int(7), V.text('seven'), V.text(big + '7')]),
      o.update(users, [V.int(8), V.text('eight'), V.unchanged], { oldKey: [V.int(7)] }),
      o.update(users, [V.int(8), V.unchanged, V.unchanged]),
    ]),
  );
  assert.deepEqual(
    await dest.sql('SELECT id::int, name, bio = $1 AS same FROM users WHERE id IN (7, 8)', [big + '7']),
    [{ id: 8, name: 'eight', same: true }],
  );
});

test('a table without a key: deletes and updates touch exactly one of identical rows', async () => {
  const dest = await destination();
  const sink = await dest.sink();
  const log = tableSchema(
    'public',
    'log',
    [column('msg', 'text'), column('n', 'int4'), column('doc', 'json'), column('p', 'point'), column('x', 'xml')],
    false,
  );
  const o = new Ops();
  const row = [V.text('same'), V.int(1), V.json('{"a": 1}'), V.text('(1,2)'), V.text('<a/>')];
  const other = [V.text('other'), V.null, V.null, V.null, V.null];
  await sink.applyBatch(batch([o.insert(log, row), o.insert(log, row), o.insert(log, row), o.insert(log, other)]));
  await sink.applyBatch(
    batch([
      o.delete(log, [], row),
      o.update(log, [V.text('changed'), V.int(2), V.json('[]'), V.text('(0,0)'), V.text('<b/>')], {
        oldKey: [],
        before: row,
      }),
      o.delete(log, [], other),
    ]),
  );
  assert.deepEqual(await dest.sql('SELECT msg, n, doc::text AS doc FROM log ORDER BY msg'), [
    { msg: 'changed', n: 2, doc: '[]' },
    { msg: 'same', n: 1, doc: '{"a": 1}' },
  ]);
  // An update with a TOAST column missing from the old row still matches on the rest.
  await sink.applyBatch(
    batch([
      o.update(log, [V.text('same'), V.int(9), V.unchanged, V.unchanged, V.unchanged], {
        oldKey: [],
        before: [V.text('same'), V.int(1), V.unchanged, V.text('(1,2)'), V.text('<a/>')],
      }),
    ]),
  );
  assert.deepEqual(await dest.sql(`SELECT n, doc::text AS doc FROM log WHERE msg = 'same'`), [
    { n: 9, doc: '{"a": 1}' },
  ]);
  // Without the old row there is nothing to match on.
  await assert.rejects(
    sink.applyBatch(batch([o.delete(log, [])])),
    (error: unknown) => error instanceof ApplyError && /replica identity full/.test(error.message),
  );
});

test('the checkpoint skips what was applied: the same batch twice applies nothing the second time', async () => {
  const dest = await destination();
  const sink = await dest.sink();
  const o = new Ops();
  const ops = [o.insert(users, [V.int(1), V.text('a'), V.null]), o.insert(users, [V.int(2), V.text('b'), V.null])];
  assert.equal(await sink.readCheckpoint('pg1', 0), undefined);
  const first = await sink.applyBatch({ source: 'pg1', partition: 0, ops, lastStreamSeq: 10 });
  assert.deepEqual([first.applied, first.skipped], [2, 0]);
  assert.deepEqual(first.checkpoint, { streamSeq: 10, lanes: new Map([['', ops[1].position]]) });
  assert.deepEqual(await sink.readCheckpoint('pg1', 0), { streamSeq: 10, lanes: new Map([['', ops[1].position]]) });

  await dest.sql(`UPDATE users SET name = 'changed at the destination' WHERE id = 1`);
  const second = await sink.applyBatch({ source: 'pg1', partition: 0, ops, lastStreamSeq: 11 });
  assert.deepEqual([second.applied, second.skipped], [0, 2]);
  assert.deepEqual(second.checkpoint, { streamSeq: 10, lanes: new Map([['', ops[1].position]]) });
  assert.deepEqual(await dest.sql('SELECT name FROM users WHERE id = 1'), [{ name: 'changed at the destination' }]);

  // A re-read that overlaps: only the new op is applied; other partitions have their own checkpoint.
  const more = [...ops, o.insert(users, [V.int(3), V.text('c'), V.null])];
  const third = await sink.applyBatch({ source: 'pg1', partition: 0, ops: more, lastStreamSeq: 12 });
  assert.deepEqual([third.applied, third.skipped], [1, 2]);
  assert.equal(await sink.readCheckpoint('pg1', 1), undefined);
  const empty = await sink.applyBatch({ source: 'pg1', partition: 1, ops: [], lastStreamSeq: 1 });
  assert.deepEqual(empty, { applied: 0, skipped: 0, checkpoint: undefined, ddlIgnored: 0 });

  // The checkpoint row itself.
  const rows = await dest.sql(
    `SELECT source, partition, stream_seq::int AS seq, positions FROM _cdc.checkpoint WHERE partition = 0`,
  );
  assert.deepEqual(rows, [
    { source: 'pg1', partition: 0, seq: 12, positions: JSON.stringify({ '': `${more[2].position.commit}:0` }) },
  ]);
});

test('a checkpoint position beyond int8 round-trips; lanes (shards) are kept apart', async () => {
  const dest = await destination();
  const sink = await dest.sink({ checkpointSchema: 'cdc state' });
  const o = new Ops();
  const op: ChangeOp = {
    ...o.insert(users, [V.int(1), V.text('a'), V.null]),
    position: { commit: 18446744073709551615n, index: 7 },
  };
  await sink.applyBatch(batch([op]));
  assert.deepEqual(await sink.readCheckpoint('pg1', 0), { streamSeq: streamSeq, lanes: new Map([['', op.position]]) });
  assert.equal((await dest.sql(`SELECT count(*)::int AS n FROM "cdc state".checkpoint`))[0].n, 1);

  // Two shards of a Vitess keyspace: each lane has its own order, a lower position on one lane
  // is not "older" than a higher one on the other.
  const onLane = (lane: string, commit: bigint, id: number): ChangeOp => ({
    ...o.insert(users, [V.int(id), V.text(lane), V.null]),
    position: { commit, index: 0, lane },
  });
  const first = await sink.applyBatch(batch([onLane('ks/-80', 50n, 10), onLane('ks/80-', 7n, 11)], 1));
  assert.equal(first.applied, 2);
  const second = await sink.applyBatch(
    batch([onLane('ks/-80', 50n, 10), onLane('ks/80-', 8n, 12), onLane('ks/-80', 51n, 13)], 1),
  );
  assert.deepEqual([second.applied, second.skipped], [2, 1]);
  const stored = await sink.readCheckpoint('pg1', 1);
  assert.deepEqual(stored?.lanes.get('ks/80-'), { commit: 8n, index: 0, lane: 'ks/80-' });
  assert.deepEqual(stored?.lanes.get('ks/-80'), { commit: 51n, index: 0, lane: 'ks/-80' });
});

test('two concurrent batches of one partition with overlapping ops serialize on the checkpoint row', async () => {
  const dest = await destination();
  const a = await dest.sink();
  const b = await dest.sink(); // a second applier holding the partition for a moment
  const counters = tableSchema('public', 'counters', [column('id', 'int4', { key: true }), column('v', 'int4')]);
  const o = new Ops();
  const ops = Array.from({ length: 3000 }, (_, i) => o.insert(counters, [V.int(i % 1000), V.int(i)]));
  for (let round = 0; round < 3; round += 1) {
    const partition = 10 + round;
    const [ra, rb] = await Promise.all([
      a.applyBatch({ source: 'pg1', partition, ops: ops.slice(0, 2000), lastStreamSeq: 1 }),
      b.applyBatch({ source: 'pg1', partition, ops, lastStreamSeq: 2 }),
    ]);
    // Whichever locks first applies its ops; the other skips them and applies only what is left.
    assert.equal(ra.applied + rb.applied, 3000, `round ${round}: every op applied exactly once`);
    assert.equal(ra.skipped + rb.skipped, 2000);
    assert.deepEqual((await a.readCheckpoint('pg1', partition))?.lanes.get(''), ops[2999].position);
  }
  assert.deepEqual(await dest.sql('SELECT count(*)::int AS n, min(v) AS lo, max(v) AS hi FROM counters'), [
    { n: 1000, lo: 2000, hi: 2999 },
  ]);
});

test('applyBatch waits for the checkpoint row lock, then skips what the lock holder applied', async () => {
  const dest = await destination();
  const sink = await dest.sink();
  const o = new Ops();
  const ops = [o.insert(users, [V.int(1), V.text('a'), V.null]), o.insert(users, [V.int(2), V.text('b'), V.null])];
  await sink.applyBatch({ source: 'pg1', partition: 5, ops: [], lastStreamSeq: 0 }); // creates the row
  // Another applier holds the partition: it locked the row and is about to record ops[0] as applied.
  const other = new pg.Client({ connectionString: dest.url });
  await other.connect();
  try {
    await other.query('BEGIN');
    await other.query(`SELECT * FROM _cdc.checkpoint WHERE source = 'pg1' AND partition = 5 FOR UPDATE`);
    let settled = false;
    const pending = sink.applyBatch({ source: 'pg1', partition: 5, ops, lastStreamSeq: 2 }).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(settled, false, 'applyBatch must wait for the lock');
    await other.query(
      `UPDATE _cdc.checkpoint SET stream_seq = 1, positions = $1 WHERE source = 'pg1' AND partition = 5`,
      [JSON.stringify({ '': `${ops[0].position.commit}:0` })],
    );
    await other.query('COMMIT');
    const result = await pending;
    assert.deepEqual([result.applied, result.skipped], [1, 1]);
    assert.deepEqual(await dest.sql('SELECT id::int FROM users'), [{ id: 2 }]);
  } finally {
    await other.end();
  }
});

test('appliers of different partitions create the same missing table concurrently', async () => {
  const dest = await destination();
  const sinksHere = await Promise.all([dest.sink(), dest.sink(), dest.sink()]);
  const shared = tableSchema('new schema', 'shared', [column('id', 'int4', { key: true }), column('v', 'text')]);
  const o = new Ops();
  const results = await Promise.all(
    sinksHere.map((sink, partition) =>
      sink.applyBatch(batch([o.insert(shared, [V.int(partition), V.text(`p${partition}`)])], partition)),
    ),
  );
  assert.deepEqual(
    results.map((r) => r.applied),
    [1, 1, 1],
  );
  assert.deepEqual(await dest.sql('SELECT id, v FROM "new schema".shared ORDER BY id'), [
    { id: 0, v: 'p0' },
    { id: 1, v: 'p1' },
    { id: 2, v: 'p2' },
  ]);
});

test('a rejected op rolls the batch back and names table, key, position and the database message', async () => {
  const dest = await destination();
  await dest.sql('CREATE TABLE public.strict (id int PRIMARY KEY, v text NOT NULL)');
  const sink = await dest.sink({ createTables: false });
  const strict = tableSchema('public', 'strict', [column('id', 'int4', { key: true }), column('v', 'text')]);
  const o = new Ops();
  await sink.applyBatch(batch([o.insert(strict, [V.int(1), V.text('ok')])]));
  const before = await sink.readCheckpoint('pg1', 0);
  const ops = [
    o.insert(strict, [V.int(2), V.text('fine')]),
    o.update(strict, [V.int(1), V.text('ok 2')]),
    o.insert(strict, [V.int(3), V.null]),
  ];
  const bad = ops[2];
  const error = await sink.applyBatch(batch(ops)).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof ApplyError, String(error));
  assert.ok(error instanceof PostgresApplyError);
  assert.deepEqual(error.context, {
    source: 'pg1',
    partition: 0,
    table: 'public.strict',
    position: bad.position,
    key: '(id)=(3)',
  });
  assert.equal(error.sqlState, '23502');
  assert.equal(isRetryable(error), false);
  assert.match(
    error.message,
    /^destination dest1: insert on public\.strict -> public\.strict key \(id\)=\(3\) at \d+:0 rejected by the destination: null value in column "v" of relation "strict" violates not-null constraint/,
  );
  assert.deepEqual(await sink.readCheckpoint('pg1', 0), before);
  assert.deepEqual(await dest.sql('SELECT id, v FROM strict ORDER BY id'), [{ id: 1, v: 'ok' }]);
  // The sink is still usable.
  const ok = await sink.applyBatch(batch([o.insert(strict, [V.int(4), V.text('four')])]));
  assert.equal(ok.applied, 1);
});

test('a missing table without create_tables, or a missing column, is an ApplyError naming it', async () => {
  const dest = await destination();
  const sink = await dest.sink({ createTables: false });
  const o = new Ops();
  const op = o.insert(users, [V.int(1), V.text('a'), V.null]);
  await assert.rejects(sink.applyBatch(batch([op])), (error: unknown) => {
    assert.ok(error instanceof ApplyError);
    assert.equal(
      error.message,
      'destination dest1: table public.users does not exist (set create_tables: true to create it from the source schema)',
    );
    assert.equal(error.context.table, 'public.users');
    assert.ok(error instanceof PostgresApplyError && error.code === '42P01' && !isRetryable(error));
    assert.deepEqual(error.context.position, op.position);
    return true;
  });
  await dest.sql('CREATE TABLE public.users (id int8 PRIMARY KEY, name text)');
  await assert.rejects(
    sink.applyBatch(batch([op])),
    (error: unknown) => error instanceof ApplyError && /table public\.users has no column "bio"/.test(error.message),
  );
  await dest.sql('ALTER TABLE public.users ADD COLUMN bio text');
  assert.equal((await sink.applyBatch(batch([op]))).applied, 1); // the catalog is read again
  await dest.sql('CREATE TABLE public.nokey (id int8, name text, bio text)');
  const nokey: TableSchema = { ...users, table: 'nokey' };
  await assert.rejects(
    sink.applyBatch(batch([o.insert(nokey, [V.int(1), V.text('a'), V.null])])),
    (error: unknown) => error instanceof ApplyError && /no primary key or unique index on \(id\)/.test(error.message),
  );
});

test('with create_tables, the destination follows the source schema: add, widen, drop; a rename stops', async () => {
  const dest = await destination();
  const sink = await dest.sink({ createTables: true });
  const o = new Ops();
  const v1 = tableSchema('public', 'evolving', [
    column('id', 'int8', { key: true }),
    column('a', 'int4'),
    column('b', 'text'),
  ]);
  const v2 = tableSchema('public', 'evolving', [
    column('id', 'int8', { key: true }),
    column('a', 'int8'),
    column('b', 'text'),
    column('score', 'numeric(10,2)', { nullable: false }),
  ]);
  const v3 = tableSchema('public', 'evolving', [
    column('id', 'int8', { key: true }),
    column('a', 'int8'),
    column('score', 'numeric(10,2)', { nullable: false }),
  ]);
  const first = o.insert(v1, [V.int(1), V.int(10), V.text('x')]);
  await sink.applyBatch(batch([first]));
  // Added (nullable: the rows already there have none) and widened int4 -> int8.
  await sink.applyBatch(batch([o.insert(v2, [V.int(2), V.int(5_000_000_000), V.text('y'), V.decimal('2.50')])]));
  // Dropped.
  await sink.applyBatch(batch([o.insert(v3, [V.int(3), V.int(3), V.decimal('3.00')])]));
  const columns = async () =>
    dest.sql(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attnotnull AS not_null FROM pg_attribute
        WHERE attrelid = 'public.evolving'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    );
  assert.deepEqual(await columns(), [
    { name: 'id', type: 'bigint', not_null: true },
    { name: 'a', type: 'bigint', not_null: false },
    { name: 'score', type: 'numeric(10,2)', not_null: false },
  ]);
  // A redelivered op from before the drop is written without the dropped column.
  const redelivered = await sink.applyBatch(batch([{ ...first, position: { commit: 1n, index: 9 } }], 2));
  assert.equal(redelivered.applied, 1);
  assert.deepEqual(await dest.sql('SELECT id::int, a::text, score::text FROM public.evolving ORDER BY id'), [
    { id: 1, a: '10', score: null },
    { id: 2, a: '5000000000', score: '2.50' },
    { id: 3, a: '3', score: '3.00' },
  ]);
  // A rename cannot be told from drop + add: the partition stops with the reason.
  const renamed = tableSchema('public', 'evolving', [
    column('id', 'int8', { key: true }),
    column('a', 'int8'),
    column('points', 'numeric(10,2)'),
  ]);
  await assert.rejects(
    sink.applyBatch(batch([o.insert(renamed, [V.int(4), V.int(4), V.decimal('4.00')])])),
    (error: unknown) =>
      error instanceof ApplyError && /"score" looks renamed to "points"/.test(error.message) && !isRetryable(error),
  );
  assert.deepEqual(await dest.sql('SELECT count(*)::int AS n FROM public.evolving'), [{ n: 3 }]);
});

test('tables are mapped to their destination and created there', async () => {
  const dest = await destination();
  const sink = await dest.sink({ mapTable: (t) => ({ schema: 'mirror', table: `${t.schema}_${t.table}` }) });
  const o = new Ops();
  await sink.applyBatch(batch([o.insert(users, [V.int(1), V.text('a'), V.null])]));
  assert.deepEqual(await dest.sql('SELECT id::int, name FROM mirror.public_users'), [{ id: 1, name: 'a' }]);
  const notNull = await dest.sql(
    `SELECT attname, attnotnull FROM pg_attribute WHERE attrelid = 'mirror.public_users'::regclass AND attnum > 0 ORDER BY attnum`,
  );
  assert.deepEqual(notNull, [
    { attname: 'id', attnotnull: true },
    { attname: 'name', attnotnull: true },
    { attname: 'bio', attnotnull: false },
  ]);
  assert.match(sink.describe(), /^postgres destination dest1 \(127\.0\.0\.1:\d+\/\w+\)$/);
});

test('truncate is a barrier; ddl ops are skipped, counted, and move the checkpoint', async () => {
  const dest = await destination();
  const sink = await dest.sink();
  const o = new Ops();
  const ops = [
    o.insert(users, [V.int(1), V.text('a'), V.null]),
    o.insert(users, [V.int(2), V.text('b'), V.null]),
    o.truncate(users),
    o.insert(users, [V.int(3), V.text('c'), V.null]),
    o.delete(users, [V.int(1)]),
    o.ddl(users, 'ALTER TABLE users ADD COLUMN x int'),
  ];
  const ddl = ops[5];
  const result = await sink.applyBatch(batch(ops));
  assert.deepEqual([result.applied, result.ddlIgnored], [6, 1]);
  assert.deepEqual(result.checkpoint?.lanes.get(''), ddl.position);
  assert.deepEqual(await dest.sql('SELECT id::int FROM users'), [{ id: 3 }]);
});

test('when coalesced statements trip a constraint that ordered ops do not, the batch is applied op by op', async () => {
  const dest = await destination();
  await dest.sql('CREATE TABLE public.accounts (id int PRIMARY KEY, email text UNIQUE, note text)');
  const sink = await dest.sink({ createTables: false });
  const accounts = tableSchema('public', 'accounts', [
    column('id', 'int4', { key: true }),
    column('email', 'text'),
    column('note', 'text'),
  ]);
  const o = new Ops();
  await sink.applyBatch(batch([o.insert(accounts, [V.int(1), V.text('x@example.com'), V.text('big note')])]));
  // Account 1 gives up its address (a partial update: its TOAST note is unchanged), then account 2 takes it.
  // Coalesced, the upsert of 2 runs before the partial update of 1 and hits the unique index.
  const result = await sink.applyBatch(
    batch([
      o.update(accounts, [V.int(1), V.text('y@example.com'), V.unchanged]),
      o.insert(accounts, [V.int(2), V.text('x@example.com'), V.null]),
    ]),
  );
  assert.equal(result.applied, 2);
  assert.deepEqual(await dest.sql('SELECT id, email, note FROM accounts ORDER BY id'), [
    { id: 1, email: 'y@example.com', note: 'big note' },
    { id: 2, email: 'x@example.com', note: null },
  ]);
});

test('a large batch is applied in few statements', async () => {
  const dest = await destination();
  const sink = await dest.sink();
  const wide = tableSchema('public', 'wide', [
    column('id', 'int8', { key: true }),
    column('a', 'text'),
    column('b', 'numeric'),
    column('c', 'timestamptz'),
    column('d', 'jsonb'),
    column('e', 'int4[]'),
  ]);
  const o = new Ops();
  const ops: ChangeOp[] = [];
  for (let i = 0; i < 50_000; i += 1) {
    ops.push(
      o.insert(wide, [
        V.int(i),
        V.text(`row ${i} ${'x'.repeat(100)}`),
        V.decimal(`${i}.25`),
        V.timestamptz('2024-01-01 00:00:00+00'),
        V.json(`{"i": ${i}}`),
        V.array(V.int(i), V.null),
      ]),
    );
  }
  for (let i = 0; i < 50_000; i += 5)
    ops.push(o.update(wide, [V.int(i), V.text('updated'), V.unchanged, V.unchanged, V.unchanged, V.unchanged]));
  for (let i = 1; i < 50_000; i += 5) ops.push(o.delete(wide, [V.int(i)]));
  const started = Date.now();
  const result = await sink.applyBatch(batch(ops));
  const ms = Date.now() - started;
  assert.equal(result.applied, ops.length);
  assert.deepEqual(
    await dest.sql(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE a = 'updated')::int AS updated, sum((d->>'i')::int)::text AS s FROM wide`,
    ),
    [
      {
        n: 40_000,
        updated: 10_000,
        s: String(
          (50_000 * 49_999) / 2 - Array.from({ length: 10_000 }, (_, k) => 5 * k + 1).reduce((x, y) => x + y, 0),
        ),
      },
    ],
  );
  console.log(`# ${ops.length} ops applied in ${ms} ms`);
});

test('a destination that went away gives a retryable ApplyError, and the sink recovers when it is back', async () => {
  const dest = await destination();
  const sink = await dest.sink();
  const o = new Ops();
  await sink.applyBatch(batch([o.insert(users, [V.int(1), V.text('a'), V.null])]));
  await server.stop();
  let running = false;
  try {
    const ops = [o.insert(users, [V.int(2), V.text('b'), V.null])];
    await assert.rejects(sink.applyBatch(batch(ops)), (error: unknown) => {
      assert.ok(error instanceof ApplyError, String(error));
      assert.equal(isRetryable(error), true, String(error));
      return true;
    });
    await server.start();
    running = true;
    assert.equal((await sink.applyBatch(batch(ops))).applied, 1);
  } finally {
    if (!running) await server.start();
  }
  assert.deepEqual(await dest.sql('SELECT id::int FROM users ORDER BY id'), [{ id: 1 }, { id: 2 }]);
});

test('a destination killed while a batch is in flight fails that batch (retryable), and the process lives on', async () => {
  const dest = await destination();
  const sink = await dest.sink();
  const o = new Ops();
  await sink.applyBatch(batch([o.insert(users, [V.int(1), V.text('a'), V.null])]));
  // Another session holds the table, so the batch waits on the server with its client checked out.
  const locker = new pg.Client({ connectionString: dest.url });
  locker.on('error', () => undefined);
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
  const ops = [o.insert(users, [V.int(2), V.text('b'), V.null])];
  const inFlight = sink.applyBatch(batch(ops));
  inFlight.catch(() => undefined); // checked below, once the server is gone
  let running = false;
  try {
    const deadline = Date.now() + 10_000;
    while ((await waitingOnLock(dest)) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await server.kill();
    // Before the fix the checked-out client's 'error' event had no listener and ended the process.
    await assert.rejects(inFlight, (error: unknown) => {
      assert.ok(error instanceof ApplyError, String(error));
      assert.equal(isRetryable(error), true, String(error));
      return true;
    });
    await new Promise((r) => setTimeout(r, 200));
    await server.start();
    running = true;
    assert.equal((await sink.applyBatch(batch(ops))).applied, 1);
  } finally {
    await locker.end().catch(() => undefined);
    if (!running) await server.start();
  }
  assert.deepEqual(await dest.sql('SELECT id::int FROM users ORDER BY id'), [{ id: 1 }, { id: 2 }]);
});

async function waitingOnLock(dest: Destination): Promise<number> {
  const [row] = await dest.sql(
    `SELECT count(*)::int AS n FROM pg_catalog.pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return Number(row.n);
}

test('snapshot chunks go in with COPY into a table this sink created, and as upserts once it holds other writes', async () => {
  const dest = await destination();
  const sink = await dest.sink();
  const o = new Ops();
  const chunk = (text: string, rows: number) =>
    textOp({
      kind: 'rows',
      table: users,
      position: o.next(),
      commitTimeUs: 0,
      text: { after: Buffer.from(text) },
      rows,
    });
  const sent: string[] = [];
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string } | undefined;
    sent.push(typeof first === 'string' ? first : (first?.text ?? ''));
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  try {
    const copies = () => sent.filter((text) => /^COPY /.test(text)).length;
    // Created by the sink in this batch (create_tables): the chunks are loaded as they are.
    await sink.applyBatch(batch([chunk('1\ta\t\\N\n2\tb\tx\n', 2), chunk('3\tc\t\\N\n', 1)]));
    assert.equal(copies(), 1, 'one COPY for the consecutive chunks of the new table');
    // A plain write makes it an ordinary table: a chunk repeating key 1 is an upsert, not a COPY.
    await sink.applyBatch(batch([o.insert(users, [V.int(4), V.text('d'), V.null])]));
    await sink.applyBatch(batch([chunk('1\tA\tnew\n5\te\t\\N\n', 2)]));
    assert.equal(copies(), 1, 'no COPY once the table holds rows written otherwise');
    // Another sink finds the table there: not created by it, so never loaded as it is.
    const other = await dest.sink();
    await other.applyBatch(batch([chunk('2\tB\t\\N\n', 1)], 1));
    assert.equal(copies(), 1);
  } finally {
    pg.Client.prototype.query = query;
  }
  assert.deepEqual(await dest.sql('SELECT id::int, name, bio FROM public.users ORDER BY id'), [
    { id: 1, name: 'A', bio: 'new' },
    { id: 2, name: 'B', bio: null },
    { id: 3, name: 'c', bio: null },
    { id: 4, name: 'd', bio: null },
    { id: 5, name: 'e', bio: null },
  ]);
});
