// Over 400 lines on purpose: five scenarios of the reader in-process over one set of servers (snapshot then stream, aborts during the snapshot, chunking, JetStream unreachable); each is a long sequence that reads top to bottom.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import {
  HEADER_KIND,
  comparePositions,
  decodeBatch,
  decodeWatermark,
  expandRows,
  partitionOf,
  type ChangeOp,
  type Watermark,
} from '@cdc/change-envelope';
import type { PipelineConfig, PostgresSourceConfig } from '@cdc/config';
import { formatLsn, parseLsn } from '@cdc/postgres-source';
import { ProgressStore } from '@cdc/progress';
import { startNats, startPostgres, until, type NatsServer, type PostgresServer } from '@cdc/testenv';
import { runPostgresReader } from './reader';
import { readerTestConfig } from './test-config';

// The reader alone, in-process, with no applier and no coordinator: what it publishes to the
// stream, and what it confirms to the replication slot.
const log = pino({ level: 'silent' });
const PARTITIONS = 3;
let pg: PostgresServer;
let nats: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;
let store: ProgressStore;

before(async () => {
  [pg, nats] = await Promise.all([
    // pg_stat_statements: to count the snapshot's chunk queries.
    startPostgres({ name: 'reader', settings: { shared_preload_libraries: 'pg_stat_statements' } }),
    startNats({ name: 'reader' }),
  ]);
  nc = await connect({ servers: nats.url });
  jsm = await jetstreamManager(nc);
  store = await ProgressStore.open(nc);
});

after(async () => {
  await nc?.close();
  await Promise.all([pg?.destroy(), nats?.destroy()]);
});

function configFor(
  name: string,
  url: string,
  snapshot: Partial<PostgresSourceConfig['snapshot']> = {},
): PipelineConfig {
  return readerTestConfig({ natsUrl: nats.url, name, url, partitions: PARTITIONS, snapshot });
}

type Entry = { readonly kind: 'op'; readonly op: ChangeOp } | { readonly kind: 'watermark'; readonly mark: Watermark };

/** A partition's stream content in stream order, read with direct gets (next by subject). */
async function readPartition(source: string, partition: number): Promise<Entry[]> {
  const entries: Entry[] = [];
  for (let seq = 1; ;) {
    const message = await jsm.direct.getMessage(`CDC_${source}`, { seq, next_by_subj: `cdc.${source}.${partition}` });
    if (!message) return entries;
    if (message.header?.get(HEADER_KIND) === 'watermark') {
      entries.push({ kind: 'watermark', mark: decodeWatermark(message.data) });
    } else {
      const batch = decodeBatch(message.data);
      assert.equal(batch.partition, partition);
      for (const op of batch.ops) entries.push({ kind: 'op', op });
    }
    seq = message.seq + 1;
  }
}

async function readAll(source: string): Promise<Entry[][]> {
  const partitions: Entry[][] = [];
  for (let partition = 0; partition < PARTITIONS; partition += 1)
    partitions.push(await readPartition(source, partition));
  return partitions;
}

/** The ops as published: the snapshot's rows in 'rows' chunks (the bulk lane). */
const publishedOpsOf = (entries: Entry[]) => entries.flatMap((entry) => (entry.kind === 'op' ? [entry.op] : []));
/** The ops with every 'rows' chunk opened into one snapshot-row op per row (sharing the chunk's position). */
const opsOf = (entries: Entry[]) => publishedOpsOf(entries).flatMap(expandRows);
const marksOf = (entries: Entry[]) => entries.flatMap((entry) => (entry.kind === 'watermark' ? [entry.mark] : []));
const keyOf = (op: ChangeOp) => (op.key[0] as { value: string } | undefined)?.value;

async function slot(
  database: string,
  name: string,
): Promise<{ plugin: string; type: string; flush: bigint } | undefined> {
  const { rows } = await pg.query(
    'SELECT plugin, slot_type, confirmed_flush_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = $1',
    [name],
    database,
  );
  if (rows.length === 0) return undefined;
  return { plugin: String(rows[0].plugin), type: String(rows[0].slot_type), flush: parseLsn(String(rows[0].lsn)) };
}

async function confirmedFlush(database: string, name: string): Promise<bigint> {
  const found = await slot(database, name);
  assert.ok(found, `slot ${name} exists`);
  return found.flush;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface SnapshotState {
  status: string;
  slot: string;
  consistentPoint?: string;
}

/** Table names such that every partition holds at least one table. */
function tablesCoveringPartitions(prefix: string, perPartition: number): string[] {
  const names: string[] = [];
  const taken = new Array<number>(PARTITIONS).fill(0);
  for (let i = 0; names.length < PARTITIONS * perPartition; i += 1) {
    const name = `${prefix}${i}`;
    const partition = partitionOf('public', name, PARTITIONS);
    if (taken[partition] < perPartition) {
      taken[partition] += 1;
      names.push(name);
    }
  }
  return names;
}

test('snapshot, then streamed changes, watermarks on every partition; the slot confirms the committed position and never more', async () => {
  const url = await pg.createDatabase('shop');
  const tables = tablesCoveringPartitions('item_', 2);
  const rowsOf = (i: number) => 15 + i * 7;
  for (const [i, table] of tables.entries()) {
    await pg.query(
      `CREATE TABLE public.${table} (id int PRIMARY KEY, v text); INSERT INTO public.${table} SELECT g, 'row ' || g FROM generate_series(1, ${rowsOf(i)}) g`,
      [],
      'shop',
    );
  }
  // Not matched by public.*: never published.
  await pg.query(
    `CREATE SCHEMA other; CREATE TABLE other.hidden (id int PRIMARY KEY); INSERT INTO other.hidden VALUES (1)`,
    [],
    'shop',
  );

  const controller = new AbortController();
  const running = runPostgresReader({ config: configFor('shop', url), source: 'shop', signal: controller.signal, log });
  let outcome: unknown = 'running';
  running.then(
    () => (outcome = 'resolved'),
    (error: unknown) => (outcome = error),
  );
  try {
    await until(
      'the snapshot to be done',
      async () => (await store.readSnapshotState<SnapshotState>('shop'))?.status === 'done',
    );
    const state = await store.readSnapshotState<SnapshotState>('shop');
    assert.equal(state?.slot, 'cdc_shop');
    assert.ok(state?.consistentPoint, 'the consistent point is recorded');
    const consistentPoint = parseLsn(state.consistentPoint);

    // The slot and the publication exist, for exactly the matched tables.
    const created = await slot('shop', 'cdc_shop');
    assert.deepEqual([created?.plugin, created?.type], ['pgoutput', 'logical']);
    const { rows: published } = await pg.query(
      `SELECT schemaname || '.' || tablename AS name FROM pg_publication_tables WHERE pubname = 'cdc_shop' ORDER BY 1`,
      [],
      'shop',
    );
    assert.deepEqual(
      published.map((row) => row.name),
      tables.map((t) => `public.${t}`).sort(),
    );
    // A new slot confirms its consistent point; with nothing committed it must stay there.
    const start = await confirmedFlush('shop', 'cdc_shop');
    assert.equal(formatLsn(start), formatLsn(consistentPoint));

    // Snapshot: per table a truncate, then exactly its rows, all on the table's partition, before the first watermark.
    const snapshot = await readAll('shop');
    for (const [partition, entries] of snapshot.entries()) {
      const firstMark = entries.findIndex((entry) => entry.kind === 'watermark');
      assert.ok(firstMark > 0, `partition ${partition}: snapshot ops, then a watermark`);
      const first = (entries[firstMark] as { mark: Watermark }).mark;
      assert.equal(first.position.commit, consistentPoint, 'the snapshot watermark is at the consistent point');
      const snapshotOps = opsOf(entries.slice(0, firstMark));
      // The bulk lane: each table's rows travel as COPY text in 'rows' chunks after its truncate.
      for (const op of publishedOpsOf(entries.slice(0, firstMark))) {
        assert.ok(op.kind === 'truncate' || op.kind === 'rows', `published as ${op.kind}`);
        if (op.kind === 'rows') assert.equal(op.intoEmpty, true, 'a snapshot chunk follows its table truncate');
      }
      for (const op of snapshotOps) {
        assert.equal(op.position.commit, consistentPoint - 1n, 'snapshot ops sort before every streamed change');
        assert.equal(partitionOf(op.table.schema, op.table.table, PARTITIONS), partition);
        assert.ok(op.kind === 'truncate' || op.kind === 'snapshot-row', `unexpected ${op.kind} in the snapshot`);
      }
      assert.equal(opsOf(entries.slice(firstMark)).length, 0, 'nothing streamed yet');
      const mine = tables.filter((table) => partitionOf('public', table, PARTITIONS) === partition);
      assert.ok(mine.length > 0);
      for (const table of mine) {
        const ofTable = snapshotOps.filter((op) => op.table.table === table);
        assert.equal(ofTable[0]?.kind, 'truncate', `${table}: a truncate op goes first`);
        assert.equal(ofTable.filter((op) => op.kind === 'truncate').length, 1);
        const rows = ofTable.slice(1);
        assert.ok(rows.every((op) => op.kind === 'snapshot-row'));
        const i = tables.indexOf(table);
        assert.deepEqual(
          rows.map((op) => Number(keyOf(op))).sort((a, b) => a - b),
          Array.from({ length: rowsOf(i) }, (_, k) => k + 1),
          `${table}: every row once`,
        );
        const sample = rows.find((op) => keyOf(op) === '3');
        assert.deepEqual(sample?.after, [
          { kind: 'integer', value: '3' },
          { kind: 'text', value: 'row 3' },
        ]);
      }
    }
    assert.ok(
      snapshot.flat().every((entry) => entry.kind !== 'op' || entry.op.table.schema === 'public'),
      'other.hidden is not published',
    );

    // Streamed changes: three single-statement transactions and one with three statements.
    const [t0, t1, t2, t3] = tables;
    await pg.query(`INSERT INTO ${t0} VALUES (1001, 'new')`, [], 'shop');
    await pg.query(`UPDATE ${t1} SET v = 'changed' WHERE id = 1`, [], 'shop');
    await pg.query(`DELETE FROM ${t2} WHERE id = 2`, [], 'shop');
    await pg.query(
      `INSERT INTO ${t0} VALUES (1002, 'two'); UPDATE ${t3} SET v = 'three' WHERE id = 3; DELETE FROM ${t0} WHERE id = 5`,
      [],
      'shop',
    );
    await pg.query(`INSERT INTO other.hidden VALUES (2)`, [], 'shop');

    let streamed: ChangeOp[] = [];
    let partitions: Entry[][] = [];
    await until('the six streamed ops and a watermark behind them on every partition', async () => {
      partitions = await readAll('shop');
      streamed = partitions.flatMap(opsOf).filter((op) => op.position.commit >= consistentPoint);
      if (streamed.length < 6) return false;
      const last = streamed.reduce((max, op) => (op.position.commit > max ? op.position.commit : max), 0n);
      return partitions.every((entries) => marksOf(entries).some((mark) => mark.position.commit > last));
    });
    assert.equal(streamed.length, 6, 'exactly the six published changes, nothing from other.hidden');
    const find = (kind: string, table: string, key: string) => {
      const op = streamed.find((o) => o.kind === kind && o.table.table === table && keyOf(o) === key);
      assert.ok(op, `${kind} ${table} ${key} was streamed`);
      assert.equal(
        partitions.findIndex((entries) => opsOf(entries).includes(op)),
        partitionOf('public', table, PARTITIONS),
        `${kind} ${table} is on its table's partition`,
      );
      return op;
    };
    const insert = find('insert', t0, '1001');
    const update = find('update', t1, '1');
    const remove = find('delete', t2, '2');
    const multi = [find('insert', t0, '1002'), find('update', t3, '3'), find('delete', t0, '5')];
    assert.deepEqual(update.after?.[1], { kind: 'text', value: 'changed' });
    assert.ok(insert.position.commit < update.position.commit && update.position.commit < remove.position.commit);
    assert.ok(remove.position.commit < multi[0].position.commit);
    assert.deepEqual(
      multi.map((op) => [op.position.commit, op.position.index]),
      [0, 1, 2].map((index) => [multi[0].position.commit, index]),
      'one transaction: one commit position, the op index counts up',
    );

    for (const [partition, entries] of partitions.entries()) {
      // Positions grow strictly within a partition, snapshot included (a chunk's rows share one).
      const ops = publishedOpsOf(entries);
      for (let i = 1; i < ops.length; i += 1)
        assert.ok(
          comparePositions(ops[i - 1].position, ops[i].position) < 0,
          `partition ${partition}: op ${i} out of order`,
        );
      // Watermarks: seq grows, positions never go back, and every op stored after one is beyond it.
      const marks = marksOf(entries);
      assert.ok(marks.length >= 2, `partition ${partition}: the snapshot watermark and a streamed one`);
      for (let i = 1; i < marks.length; i += 1) {
        assert.ok(marks[i].seq > marks[i - 1].seq, `partition ${partition}: watermark seqs grow`);
        assert.ok(marks[i].position.commit >= marks[i - 1].position.commit);
      }
      let latest: Watermark | undefined;
      for (const entry of entries) {
        if (entry.kind === 'watermark') latest = entry.mark;
        else if (latest)
          assert.ok(
            entry.op.position.commit >= latest.position.commit,
            `partition ${partition}: op at ${formatLsn(entry.op.position.commit)} stored after watermark ${latest.seq} at ${formatLsn(latest.position.commit)}`,
          );
      }
    }

    // No applier, no coordinator: nothing is committed, so the slot must not move.
    await delay(1_000);
    assert.equal(await store.readCommitted('shop'), undefined);
    assert.equal(formatLsn(await confirmedFlush('shop', 'cdc_shop')), formatLsn(start), 'slot advanced past committed');

    // Commit the position of a watermark that covers every streamed change: the slot confirms exactly that.
    const covering = partitions
      .flatMap(marksOf)
      .filter((mark) => mark.position.commit > multi[0].position.commit)
      .sort((a, b) => a.seq - b.seq)[0];
    await store.writeCommitted({
      source: 'shop',
      seq: covering.seq,
      position: covering.position,
      computedAtMs: Date.now(),
    });
    await until(
      `confirmed_flush_lsn to reach ${formatLsn(covering.position.commit)}`,
      async () => (await confirmedFlush('shop', 'cdc_shop')) >= covering.position.commit,
    );
    await pg.query(`INSERT INTO ${t1} VALUES (2001, 'later')`, [], 'shop'); // newer WAL, newer watermarks
    await delay(600);
    assert.equal(
      formatLsn(await confirmedFlush('shop', 'cdc_shop')),
      formatLsn(covering.position.commit),
      'the slot confirms the committed position, not more',
    );
    assert.equal(outcome, 'running');
  } finally {
    controller.abort();
    await running.catch(() => undefined);
  }
  assert.equal(outcome, 'resolved', `an abort while streaming is a clean stop, got ${String(outcome)}`);
});

test('a reader aborted in the middle of its snapshot drops the slot on restart and takes the snapshot again', async () => {
  const url = await pg.createDatabase('big');
  const ROWS = 200_000;
  await pg.query(
    `CREATE TABLE big (id int PRIMARY KEY, v text); INSERT INTO big SELECT g, repeat('v', 40) FROM generate_series(1, ${ROWS}) g;
     CREATE TABLE small (id int PRIMARY KEY); INSERT INTO small SELECT generate_series(1, 10)`,
    [],
    'big',
  );
  const config = configFor('big', url, { parallelism: 1, chunkRows: 2_000 });
  const bigPartition = partitionOf('public', 'big', PARTITIONS);

  const first = new AbortController();
  const firstRun = runPostgresReader({ config, source: 'big', signal: first.signal, log }).catch(() => undefined);
  await until(
    'the snapshot to begin',
    async () => (await store.readSnapshotState<SnapshotState>('big'))?.status === 'in-progress',
  );
  await delay(100);
  const firstSlot = await slot('big', 'cdc_big');
  first.abort();
  await firstRun;
  assert.equal((await store.readSnapshotState<SnapshotState>('big'))?.status, 'in-progress');
  assert.equal(marksOf(await readPartition('big', bigPartition)).length, 0, 'the first snapshot never finished');
  assert.ok(firstSlot, 'the first run had created its slot (test setup)');
  assert.ok(await slot('big', 'cdc_big'), 'the slot of the unfinished snapshot is left behind');

  const second = new AbortController();
  const secondRun = runPostgresReader({ config, source: 'big', signal: second.signal, log });
  try {
    await until(
      'the second snapshot to be done',
      async () => (await store.readSnapshotState<SnapshotState>('big'))?.status === 'done',
      45_000,
    );
    const state = await store.readSnapshotState<SnapshotState>('big');
    const consistentPoint = parseLsn(String(state?.consistentPoint));
    assert.ok(consistentPoint > firstSlot.flush, 'the old slot was dropped and a new one created');
    assert.equal(formatLsn(await confirmedFlush('big', 'cdc_big')), formatLsn(consistentPoint));

    const entries = await readPartition('big', bigPartition);
    const ops = opsOf(entries).filter((op) => op.table.table === 'big');
    const lastTruncate = ops.map((op) => op.kind).lastIndexOf('truncate');
    assert.ok(lastTruncate >= 0);
    assert.equal(ops[lastTruncate].position.commit, consistentPoint - 1n, 'the new snapshot starts with a truncate');
    assert.ok(ops.slice(0, lastTruncate).every((op) => op.position.commit < consistentPoint - 1n));
    const again = ops.slice(lastTruncate + 1);
    assert.ok(again.every((op) => op.kind === 'snapshot-row' && op.position.commit === consistentPoint - 1n));
    assert.equal(again.length, ROWS, 'the new snapshot published every row');
    assert.equal(new Set(again.map((op) => keyOf(op))).size, ROWS, '... each once');
    const marks = marksOf(entries);
    assert.equal(marks[0]?.position.commit, consistentPoint, 'the first watermark closes the new snapshot');
    // The small table was taken again as well, on its own partition.
    const smallOps = opsOf(await readPartition('big', partitionOf('public', 'small', PARTITIONS))).filter(
      (op) => op.table.table === 'small' && op.position.commit === consistentPoint - 1n,
    );
    assert.deepEqual(
      smallOps.map((op) => op.kind),
      ['truncate', ...new Array(10).fill('snapshot-row')],
    );
  } finally {
    second.abort();
    await secondRun;
  }
});

test('an abort during the initial snapshot is a clean stop: runPostgresReader resolves', async () => {
  const url = await pg.createDatabase('halt');
  await pg.query(
    // Large enough that the snapshot is still running when the abort comes: 100,000 rows were
    // once read whole between the status check and the abort in a clean-clone run.
    `CREATE TABLE halt (id int PRIMARY KEY, v text); INSERT INTO halt SELECT g, repeat('h', 40) FROM generate_series(1, 1000000) g`,
    [],
    'halt',
  );
  const controller = new AbortController();
  const running = runPostgresReader({
    config: configFor('halt', url, { parallelism: 1, chunkRows: 1_000 }),
    source: 'halt',
    signal: controller.signal,
    log,
  });
  let outcome: unknown = 'running';
  const settled = running.then(
    () => (outcome = 'resolved'),
    (error: unknown) => (outcome = error),
  );
  await until(
    'the snapshot to begin',
    async () => (await store.readSnapshotState<SnapshotState>('halt'))?.status === 'in-progress',
    { intervalMs: 10 },
  );
  await delay(50);
  controller.abort(); // what SIGTERM does in `cdc reader`
  await settled;
  assert.equal(
    (await store.readSnapshotState<SnapshotState>('halt'))?.status,
    'in-progress',
    'stopped mid-snapshot (test setup)',
  );
  // `cdc reader` turns a rejection into "error: ..." and exit code 1; its usage says every service stops cleanly on SIGTERM.
  assert.equal(outcome, 'resolved', `SIGTERM during the snapshot made the reader fail: ${String(outcome)}`);
});

test('the snapshot reads a table in chunks of about chunk_rows rows, also before the table was ever analyzed', async () => {
  const url = await pg.createDatabase('chunks');
  await pg.query(
    `CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
     CREATE TABLE analyzed (id int PRIMARY KEY, v text); INSERT INTO analyzed SELECT g, repeat('a', 40) FROM generate_series(1, 20000) g;
     CREATE TABLE fresh (id int PRIMARY KEY, v text); INSERT INTO fresh SELECT g, repeat('f', 40) FROM generate_series(1, 20000) g;
     ANALYZE analyzed`,
    [],
    'chunks',
  );
  // A bulk-loaded table that autovacuum has not reached yet: pg_class.reltuples is -1.
  const { rows: stats } = await pg.query(
    `SELECT reltuples::int8 AS n FROM pg_class WHERE relname = 'fresh'`,
    [],
    'chunks',
  );
  assert.equal(Number(stats[0].n), -1, 'test setup: fresh was never analyzed');

  const controller = new AbortController();
  const running = runPostgresReader({
    config: configFor('chunks', url, { parallelism: 2, chunkRows: 1_000 }),
    source: 'chunks',
    signal: controller.signal,
    log,
  });
  try {
    await until(
      'the snapshot to be done',
      async () => (await store.readSnapshotState<SnapshotState>('chunks'))?.status === 'done',
    );
  } finally {
    controller.abort();
    await running;
  }
  const chunkQueries = async (table: string) => {
    const { rows } = await pg.query(
      `SELECT coalesce(sum(calls), 0)::int AS calls, coalesce(max(max_exec_time), 0) AS slowest FROM pg_stat_statements
        WHERE (query LIKE 'SELECT %' OR query LIKE 'COPY (SELECT %') AND query LIKE $1`,
      [`%FROM "public"."${table}"%`],
      'chunks',
    );
    return Number(rows[0].calls);
  };
  // 20,000 rows in chunks of 1,000: about 20 queries (page ranges make it approximate).
  assert.ok((await chunkQueries('analyzed')) >= 10, `analyzed: ${await chunkQueries('analyzed')} chunk queries`);
  const fresh = await chunkQueries('fresh');
  assert.ok(
    fresh >= 10,
    `fresh (never analyzed) was read in ${fresh} quer${fresh === 1 ? 'y' : 'ies'}, not in chunks of 1,000 rows`,
  );
});

test('while JetStream is unreachable the reader stops reading at its byte budget, and the slot still gets status updates: the walsender does not time it out', async () => {
  const url = await pg.createDatabase('stall');
  await pg.query(`CREATE TABLE stall (id int PRIMARY KEY, v text)`, [], 'stall');
  const base = configFor('stall', url);
  const source = base.sources[0] as PostgresSourceConfig;
  const config: PipelineConfig = {
    ...base,
    sources: [{ ...source, publish: { ...source.publish, maxBufferedBytes: 64_000 } }],
  };
  // Without a reply for 5 s the walsender ends the connection (the default is 60 s). The reader
  // sends one every statusIntervalMs (100 ms here): 50 intervals, so a busy machine delaying
  // the reader's timer now and then does not end it, while a reader that sends none while
  // blocked is ended well inside the blocked window observed below.
  const timeoutMs = 5_000;
  assert.ok(source.statusIntervalMs * 20 <= timeoutMs, 'test setup: status updates far more often than the timeout');
  await pg.query(`ALTER SYSTEM SET wal_sender_timeout = '${timeoutMs}ms'`);
  await pg.query('SELECT pg_reload_conf()');
  const logStart = statSync(pg.logFile).size;
  const timedOut = () =>
    readFileSync(pg.logFile)
      .subarray(logStart)
      .toString('utf8')
      .split('\n')
      .filter((line) => line.includes('terminating walsender process due to replication timeout'));
  const controller = new AbortController();
  // The reader's warnings and errors, for the failure messages below (why a session ended).
  const readerLines: Array<{ msg: string; err?: unknown }> = [];
  const readerLog = pino({ level: 'warn' }, { write: (line: string) => void readerLines.push(JSON.parse(line)) });
  const readerSaid = () =>
    readerLines
      .filter((line) => !/cannot read the committed position|failed, retrying/.test(line.msg))
      .slice(-5)
      .map((line) => `${line.msg} (${String(line.err)})`)
      .join(' | ') || 'nothing';
  const running = runPostgresReader({ config, source: 'stall', signal: controller.signal, log: readerLog });
  let outcome: unknown = 'running';
  running.then(
    () => (outcome = 'resolved'),
    (error: unknown) => (outcome = error),
  );
  const walsender = async () =>
    (
      await pg.query(
        `SELECT r.pid, sent_lsn::text AS sent, pg_current_wal_lsn()::text AS current, reply_time::text AS reply_time,
                write_lsn::text AS write, a.wait_event_type || ':' || a.wait_event AS waiting
           FROM pg_stat_replication r LEFT JOIN pg_stat_activity a ON a.pid = r.pid
          WHERE r.application_name = 'cdc-reader-stall'`,
      )
    ).rows[0] as
      | { pid: number; sent: string; current: string; reply_time: string | null; write: string; waiting: string | null }
      | undefined;
  let natsStopped = false;
  try {
    await until(
      'the reader to stream',
      async () =>
        (await store.readSnapshotState<SnapshotState>('stall'))?.status === 'done' && (await walsender()) !== undefined,
    );
    await nats.stop();
    natsStopped = true;
    // ~40 MB of changes: far more than the budget, the reader's event queue and the socket buffers hold.
    for (let i = 0; i < 40; i += 1)
      await pg.query(
        `INSERT INTO stall SELECT g, repeat(md5(g::text), 31) FROM generate_series(${i * 1_000 + 1}, ${(i + 1) * 1_000}) g`,
        [],
        'stall',
      );
    const first = await walsender();
    assert.ok(first, 'the walsender is there after the writes');
    // Blocked for twice the timeout at least: without status updates the walsender ends the
    // connection inside this window (its pid changes), and its reply time stands still. Waited for
    // by condition, not by a fixed window: a busy machine may delay the walsender's own work.
    const blockedAt = Date.now();
    const replies = new Set<string>();
    const samples = [];
    const timedOutLines = () => timedOut().join(' | ') || 'no replication timeout';
    for (const deadline = blockedAt + 120_000; ;) {
      await delay(250);
      const sample = await walsender();
      samples.push(sample);
      assert.equal(
        sample?.pid,
        first.pid,
        `the same walsender while reading is blocked; the server logged: ${timedOutLines()}; the reader: ${readerSaid()}`,
      );
      if (sample?.reply_time && sample.reply_time !== first.reply_time) replies.add(sample.reply_time);
      // Updates the walsender processed while reading is blocked: none from a reader that sends none then.
      if (replies.size >= 2 && Date.now() - blockedAt >= 2 * timeoutMs) break;
      assert.ok(
        Date.now() < deadline,
        `status updates while blocked: ${replies.size} new reply times in ${samples.length} samples (${[...replies].join(', ')}); first ${JSON.stringify(first)}, last ${JSON.stringify(sample)}`,
      );
    }
    assert.deepEqual(timedOut(), [], 'the walsender did not time the reader out');
    const last = samples[samples.length - 1]!;
    assert.ok(parseLsn(last.sent) < parseLsn(last.current), 'reading is paused: the walsender could not send it all');
    assert.equal(outcome, 'running');

    // The catch-up below is not what this test is about: at the default timeout a busy machine
    // cannot end the session mid-way (and make it start over from the slot's position).
    await pg.query(`ALTER SYSTEM RESET wal_sender_timeout`);
    await pg.query('SELECT pg_reload_conf()');
    await nats.start();
    natsStopped = false;
    await until(
      'every row in the stream',
      async () => {
        const keys = new Set<string | undefined>();
        // The test's own connection reconnects too: a request may fail meanwhile.
        const partitions = await readAll('stall').catch(() => []);
        for (const entries of partitions)
          for (const op of opsOf(entries)) if (op.kind === 'insert') keys.add(keyOf(op));
        return keys.size === 40_000;
      },
      // 40 MB through a 64 kB budget: seconds on an idle machine, minutes on a starved one.
      300_000,
    );
  } finally {
    // The later tests, and the reader's shutdown, need NATS back.
    if (natsStopped) await nats.start();
    controller.abort();
    await running.catch(() => undefined);
    await pg.query(`ALTER SYSTEM RESET wal_sender_timeout`);
    await pg.query('SELECT pg_reload_conf()');
  }
});
