// Over 400 lines on purpose: three scenarios of the live backfill (TOAST updates during it, a table dropped and created mid-backfill, a stopped reader's pending refetch), each a long sequence that reads top to bottom.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { Client } from 'pg';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import {
  HEADER_KIND,
  comparePositions,
  decodeBatch,
  partitionOf,
  type ChangeOp,
  type Position,
  type Value,
} from '@cdc/change-envelope';
import { requestReload } from '@cdc/change-stream';
import type { PipelineConfig } from '@cdc/config';
import { formatLsn } from '@cdc/postgres-source';
import { ProgressStore } from '@cdc/progress';
import { startNats, startPostgres, until, type NatsServer, type PostgresServer } from '@cdc/testenv';
import { runPostgresReader } from './reader';
import { readerTestConfig } from './test-config';

// The reader in-process with a live backfill, and what a destination would hold after applying
// its stream with the Postgres sink's rules (libs/postgres-sink/src/plan.ts): an update whose
// new row lacks unchanged TOAST values is an UPDATE of the row the destination has, so it does
// nothing when the destination does not have that row.

/** How long each wait below may take: the backfills copy thousands of rows. */
const WAIT_MS = 60_000;
const log = pino({ level: 'silent' });
const PARTITIONS = 2;
let pg: PostgresServer;
let nats: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;
let store: ProgressStore;

before(async () => {
  [pg, nats] = await Promise.all([startPostgres({ name: 'live-backfill' }), startNats({ name: 'live-backfill' })]);
  nc = await connect({ servers: nats.url });
  jsm = await jetstreamManager(nc);
  store = await ProgressStore.open(nc);
});

after(async () => {
  await nc?.close();
  await Promise.all([pg?.destroy(), nats?.destroy()]);
});

function configFor(name: string, url: string, tables: string[], chunkRows: number): PipelineConfig {
  return readerTestConfig({
    natsUrl: nats.url,
    name,
    url,
    partitions: PARTITIONS,
    tables,
    snapshot: { parallelism: 1, chunkRows },
  });
}

/** A partition's ops in stream order. */
async function readOps(source: string, partition: number): Promise<ChangeOp[]> {
  const ops: ChangeOp[] = [];
  for (let seq = 1; ;) {
    const message = await jsm.direct.getMessage(`CDC_${source}`, { seq, next_by_subj: `cdc.${source}.${partition}` });
    if (!message) return ops;
    if (message.header?.get(HEADER_KIND) !== 'watermark') ops.push(...decodeBatch(message.data).ops);
    seq = message.seq + 1;
  }
}

const text = (value: Value | undefined) => (value && 'value' in value ? String(value.value) : `<${value?.kind}>`);

/**
 * The rows of one single-column-key table a destination holds after applying `ops` in order,
 * skipping what is not past its checkpoint, as the Postgres sink writes them.
 */
function applyLikeTheSink(ops: readonly ChangeOp[], table: string): Map<string, Array<Value | undefined>> {
  const rows = new Map<string, Array<Value | undefined>>();
  let checkpoint: Position | undefined;
  for (const op of ops) {
    if (checkpoint && comparePositions(op.position, checkpoint) <= 0) continue;
    checkpoint = op.position;
    if (op.table.table !== table) continue;
    const keyIndex = op.table.columns.findIndex((column) => column.key);
    const after = op.after?.map((value) => (value.kind === 'unchanged' ? undefined : value));
    switch (op.kind) {
      case 'truncate':
        rows.clear();
        break;
      case 'insert':
      case 'snapshot-row':
        rows.set(text(after![keyIndex]), after!);
        break;
      case 'delete':
        rows.delete(text(op.key[0]));
        break;
      case 'update': {
        const old = text(op.key[0]);
        const key = text(after![keyIndex] ?? op.key[0]);
        if (after!.every((value) => value !== undefined)) {
          rows.delete(old);
          rows.set(key, after!);
          break;
        }
        // UPDATE ... WHERE key = old: nothing happens when the destination has no such row.
        const existing = rows.get(old);
        if (!existing) break;
        rows.delete(old);
        rows.set(
          key,
          existing.map((value, i) => after![i] ?? value),
        );
        break;
      }
      default:
        break;
    }
  }
  return rows;
}

/**
 * A database with a table `steady` and a table `docs` of `rows` rows whose body is stored out of
 * line and uncompressed: an UPDATE of n alone sends body as "unchanged".
 */
async function createToastDatabase(name: string, rows: number): Promise<string> {
  const url = await pg.createDatabase(name);
  await pg.query(
    `CREATE TABLE steady (id int PRIMARY KEY, v int);
     CREATE TABLE docs (id int PRIMARY KEY, n int NOT NULL, body text NOT NULL);
     ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL`,
    [],
    name,
  );
  await pg.query(
    `INSERT INTO docs SELECT g, 0, repeat(md5(g::text), 100) FROM generate_series(1, $1::int) g`,
    [rows],
    name,
  );
  return url;
}

interface State {
  backfills?: Array<{ schema: string; table: string }>;
}

test('rows updated (or moved to another key) with unchanged TOAST values during a live backfill are not lost', async () => {
  const ROWS = 3_000;
  const url = await createToastDatabase('toast', ROWS);
  let tables = ['public.steady'];
  const controller = new AbortController();
  const running = runPostgresReader({
    config: configFor('toast', url, tables, 100),
    source: 'toast',
    signal: controller.signal,
    log,
    reloadConfig: () => configFor('toast', url, tables, 100),
  });
  const stopWorkload = new AbortController();
  let workload: Promise<number> | undefined;
  try {
    await until(
      'streaming',
      async () => (await pg.query('SELECT 1 FROM pg_stat_replication', [], 'toast')).rows.length > 0,
      WAIT_MS,
    );
    // Updates of n alone, spread over the whole table, while it is backfilled.
    workload = (async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      let updates = 0;
      try {
        for (let k = 1; !stopWorkload.signal.aborted; k += 1) {
          const ids = Array.from({ length: 20 }, (_, i) => 1 + ((k * 7_919 + i * 104_729) % ROWS));
          await client.query('UPDATE docs SET n = n + 1 WHERE id = ANY($1)', [ids]);
          updates += ids.length;
          // A row from the end of the table, whose chunk is still to come, moves to a key before
          // every chunk (its body unchanged, so not sent).
          if (k % 10 === 0) await client.query('UPDATE docs SET id = -id WHERE id = $1', [ROWS + 1 - k / 10]);
        }
      } finally {
        await client.end();
      }
      return updates;
    })();

    tables = ['public.steady', 'public.docs'];
    // The reader listens for reloads once its snapshot is done: ask until it answers.
    let replies: Awaited<ReturnType<typeof requestReload>> = [];
    for (let i = 0; i < 20 && replies.length === 0; i += 1) replies = await requestReload(nc, { source: 'toast' }, 500);
    assert.ok(replies[0]?.ok, `reload failed: ${JSON.stringify(replies)}`);
    await until(
      'the backfill of docs to finish',
      async () => {
        const state = await store.readSnapshotState<State>('toast');
        return state?.backfills !== undefined && state.backfills.length === 0;
      },
      WAIT_MS,
    );
    stopWorkload.abort();
    const updates = await workload;
    assert.ok(updates > 0);
    await pg.query(`INSERT INTO docs VALUES (0, -1, 'end')`, [], 'toast');
    const partition = partitionOf('public', 'docs', PARTITIONS);
    let ops: ChangeOp[] = [];
    await until(
      'the last insert in the stream',
      async () => {
        ops = await readOps('toast', partition);
        return ops.some((op) => op.kind === 'insert' && text(op.key[0]) === '0');
      },
      WAIT_MS,
    );

    const destination = applyLikeTheSink(ops, 'docs');
    const source = await pg.query('SELECT id::text AS id, n::text AS n FROM docs ORDER BY id', [], 'toast');
    const problems: string[] = [];
    for (const row of source.rows) {
      const held = destination.get(String(row.id));
      if (!held) problems.push(`id ${row.id} missing`);
      else if (text(held[1]) !== String(row.n)) problems.push(`id ${row.id}: n ${text(held[1])}, source ${row.n}`);
    }
    if (destination.size !== source.rows.length)
      problems.push(`${destination.size} rows, source ${source.rows.length}`);
    assert.deepEqual(problems.slice(0, 10), [], `${problems.length} rows differ`);
  } finally {
    stopWorkload.abort();
    await workload?.catch(() => undefined);
    controller.abort();
    await running;
  }
});

test('a table dropped and created again in the middle of its backfill is backfilled again from the start', async () => {
  const url = await pg.createDatabase('again');
  const ROWS = 20_000;
  await pg.query(
    `CREATE TABLE steady (id int PRIMARY KEY, v int);
     CREATE TABLE gone (id int PRIMARY KEY, v text NOT NULL);
     INSERT INTO gone SELECT g, 'old ' || g FROM generate_series(1, ${ROWS}) g`,
    [],
    'again',
  );
  let tables = ['public.steady'];
  const controller = new AbortController();
  const running = runPostgresReader({
    config: configFor('again', url, tables, 100),
    source: 'again',
    signal: controller.signal,
    log,
    reloadConfig: () => configFor('again', url, tables, 100),
  });
  const reload = async () => {
    let replies: Awaited<ReturnType<typeof requestReload>> = [];
    for (let i = 0; i < 20 && replies.length === 0; i += 1) replies = await requestReload(nc, { source: 'again' }, 500);
    assert.ok(replies[0]?.ok, `reload failed: ${JSON.stringify(replies)}`);
  };
  try {
    tables = ['public.steady', 'public.gone'];
    await reload();
    await until(
      'a few chunks of gone',
      async () => {
        const state = await store.readSnapshotState<State & { backfills?: Array<{ lastKey?: string[] }> }>('again');
        return Number(state?.backfills?.[0]?.lastKey?.[0] ?? 0) >= 1_000;
      },
      WAIT_MS,
    );
    // Dropping a table takes it out of the publication; the reconcile of the reload adds the new one.
    await pg.query(
      `DROP TABLE gone; CREATE TABLE gone (id int PRIMARY KEY, v text NOT NULL);
       INSERT INTO gone SELECT g, 'new ' || g FROM generate_series(1, 300) g`,
      [],
      'again',
    );
    await reload();
    await until(
      'the backfill of the new gone to finish',
      async () => {
        const state = await store.readSnapshotState<State>('again');
        return state?.backfills !== undefined && state.backfills.length === 0;
      },
      WAIT_MS,
    );
    await pg.query(`INSERT INTO gone VALUES (0, 'end')`, [], 'again');
    let ops: ChangeOp[] = [];
    await until(
      'the last insert in the stream',
      async () => {
        ops = await readOps('again', partitionOf('public', 'gone', PARTITIONS));
        return ops.some((op) => op.kind === 'insert' && op.table.table === 'gone' && text(op.key[0]) === '0');
      },
      WAIT_MS,
    );
    const destination = applyLikeTheSink(ops, 'gone');
    const held = [...destination.entries()]
      .map(([id, row]) => [Number(id), text(row[1])] as const)
      .sort((a, b) => a[0] - b[0]);
    const expected = [[0, 'end'] as const, ...Array.from({ length: 300 }, (_, i) => [i + 1, `new ${i + 1}`] as const)];
    assert.equal(held.length, expected.length, `first rows held: ${JSON.stringify(held.slice(0, 3))}`);
    assert.deepEqual(held, expected);
  } finally {
    controller.abort();
    await running;
  }
});

test('a stopped reader whose refetch was not stored yet replays the update that asked for it (the slot is held at its commit)', async () => {
  const ROWS = 1_000;
  const url = await createToastDatabase('held', ROWS);
  let tables = ['public.steady'];
  const start = () => {
    const controller = new AbortController();
    const running = runPostgresReader({
      config: configFor('held', url, tables, 100),
      source: 'held',
      signal: controller.signal,
      log,
      reloadConfig: () => configFor('held', url, tables, 100),
    });
    return { controller, running };
  };
  type State = { backfills?: Array<{ lastKey?: string[] }> };
  const slot = async () =>
    (
      await pg.query(
        `SELECT confirmed_flush_lsn::text AS flush,
                (SELECT count(*) FROM pg_stat_replication WHERE application_name = 'cdc-reader-held')::int AS streaming
           FROM pg_replication_slots WHERE slot_name = 'cdc_held'`,
        [],
        'held',
      )
    ).rows[0] as { flush: string; streaming: number };
  const lsn = (text: string) => {
    const [high, low] = text.split('/');
    return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
  };
  const partition = partitionOf('public', 'docs', PARTITIONS);

  // 1. A first reader backfills part of docs, then stops: docs stays pending with a lastKey.
  let reader = start();
  let lock: Client | undefined;
  try {
    tables = ['public.steady', 'public.docs'];
    let replies: Awaited<ReturnType<typeof requestReload>> = [];
    for (let i = 0; i < 20 && replies.length === 0; i += 1) replies = await requestReload(nc, { source: 'held' }, 500);
    assert.ok(replies[0]?.ok, `reload failed: ${JSON.stringify(replies)}`);
    await until(
      'a few chunks of docs',
      async () => {
        const state = await store.readSnapshotState<State>('held');
        return Number(state?.backfills?.[0]?.lastKey?.[0] ?? 0) >= 300;
      },
      WAIT_MS,
    );
    reader.controller.abort();
    await reader.running;
    const lastKey = Number((await store.readSnapshotState<State>('held'))?.backfills?.[0]?.lastKey?.[0]);
    assert.ok(lastKey < ROWS, `docs was backfilled to ${lastKey} already`);

    // 2. Meanwhile the last row (its chunk still to come) moves before every chunk, its body
    //    unchanged: the destination applies an UPDATE of a row it does not hold, so only a
    //    refetch brings it. The coordinator has committed past that update (the no-op applied).
    await pg.query('UPDATE docs SET id = -id WHERE id = $1', [ROWS], 'held');
    const past = lsn(String((await pg.query('SELECT pg_current_wal_lsn()::text AS l', [], 'held')).rows[0].l));
    await store.writeCommitted({
      source: 'held',
      seq: 1_000_000,
      position: { commit: past, index: 0 },
      computedAtMs: 0,
    });
    // The next chunk read waits for this lock: the refetch can be neither published nor stored.
    lock = new Client({ connectionString: url });
    await lock.connect();
    await lock.query('BEGIN; LOCK TABLE docs IN ACCESS EXCLUSIVE MODE');

    // 3. A second reader streams the update again and resumes docs, whose chunk waits for the lock.
    reader = start();
    let moved: ChangeOp | undefined;
    await until(
      'the moving update in the stream',
      async () => {
        moved = (await readOps('held', partition)).find((op) => op.kind === 'update' && text(op.key[0]) === `${ROWS}`);
        return moved !== undefined;
      },
      WAIT_MS,
    );
    const commit = moved!.position.commit;
    assert.ok(commit < past);
    await until(
      'the resumed chunk to wait for the lock',
      async () =>
        (
          await pg.query(
            `SELECT 1 FROM pg_stat_activity WHERE application_name = 'cdc-backfill-held' AND wait_event_type = 'Lock'`,
            [],
            'held',
          )
        ).rows.length > 0,
      WAIT_MS,
    );
    // The reader reports every 100 ms; wait for reports sent after the chunk began to wait.
    const since = (await pg.query('SELECT clock_timestamp() AS t', [], 'held')).rows[0].t as Date;
    await until(
      'two status reports after that',
      async () =>
        (
          await pg.query(
            `SELECT 1 FROM pg_stat_replication WHERE application_name = 'cdc-reader-held' AND reply_time > $1::timestamptz + interval '200 ms'`,
            [since],
            'held',
          )
        ).rows.length > 0,
      WAIT_MS,
    );
    const held = await slot();
    assert.ok(
      lsn(held.flush) <= commit,
      `the slot confirmed ${held.flush}, past the update at ${formatLsn(commit)} whose row is not stored yet`,
    );

    // 4. It stops in that window (as a kill would leave it: nothing after the stop is stored).
    reader.controller.abort();
    await until('the stream to stop', async () => (await slot()).streaming === 0, WAIT_MS);
    await lock.query('ROLLBACK');
    await reader.running;

    // 5. A third reader replays the update again, reads the moved row again and finishes docs.
    reader = start();
    await until(
      'the backfill of docs to finish',
      async () => {
        const state = await store.readSnapshotState<State>('held');
        return state?.backfills !== undefined && state.backfills.length === 0;
      },
      WAIT_MS,
    );
    await until(
      'the slot to confirm past the update once the row is stored',
      async () => lsn((await slot()).flush) > commit,
      WAIT_MS,
    );
    await pg.query(`INSERT INTO docs VALUES (0, -1, 'end')`, [], 'held');
    let ops: ChangeOp[] = [];
    await until(
      'the last insert in the stream',
      async () => {
        ops = await readOps('held', partition);
        return ops.some((op) => op.kind === 'insert' && text(op.key[0]) === '0');
      },
      WAIT_MS,
    );
    const destination = applyLikeTheSink(ops, 'docs');
    const source = await pg.query('SELECT id::text AS id FROM docs ORDER BY id', [], 'held');
    const missing = source.rows.map((row) => String(row.id)).filter((id) => !destination.has(id));
    assert.deepEqual(missing, [], `destination holds ${destination.size} rows, source ${source.rows.length}`);
    assert.equal(destination.size, source.rows.length);
  } finally {
    await lock?.end().catch(() => undefined);
    reader.controller.abort();
    await reader.running;
  }
});
