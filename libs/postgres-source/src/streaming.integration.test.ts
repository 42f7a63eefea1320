import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import type { ChangeOp } from '@cdc/change-envelope';
import { startPostgres, type PostgresServer } from '@cdc/testenv';
import { PgChangeDecoder } from './change-decoder';
import { SourceCatalog } from './catalog';
import { pgoutputProtocol, streamAbortCarriesLsn } from './protocol';
import { ReplicationConnection } from './replication-connection';
import { SESSION_OPTIONS } from './session-settings';
import { TransactionSpill } from './transaction-spill';

// Streaming of in-progress transactions against real servers: 14 (protocol 2, streaming 'on')
// and 17 (protocol 4, streaming 'parallel', whose Stream Abort carries the abort LSN). With
// logical_decoding_work_mem at its 64 kB minimum every transaction below but the small ones is
// streamed in blocks while it runs; the decoder hands over only what committed, each
// transaction whole at its commit's place in the stream.

interface Seen {
  readonly ops: Array<{ kind: string; table: string; row: string; commit: bigint; index: number }>;
  readonly commits: Array<{ endLsn: bigint; xid: number }>;
}

const spillBase = mkdtempSync(join(tmpdir(), 'streaming-test-'));
after(() => rmSync(spillBase, { recursive: true, force: true }));

for (const version of [14, 17]) {
  describe(`PostgreSQL ${version}`, () => {
    let pg: PostgresServer;
    let database: string;
    before(async () => {
      pg = await startPostgres({
        name: `streaming-${version}`,
        version,
        settings: { logical_decoding_work_mem: '64kB' },
      });
      const url = await pg.createDatabase('streaming');
      database = new URL(url).pathname.slice(1);
      await pg.query(
        `CREATE TABLE t (id int PRIMARY KEY, v text);
         CREATE TABLE u (id int PRIMARY KEY, v text);
         CREATE PUBLICATION pub FOR TABLE t, u;`,
        [],
        database,
      );
      await pg.query(`SELECT pg_create_logical_replication_slot('slot', 'pgoutput')`, [], database);
    });
    after(async () => {
      await pg?.destroy();
    });

    test('committed, aborted and partly rolled back streamed transactions: only what committed, in commit order', async () => {
      const writer = new Client({ connectionString: pg.url(database) });
      const other = new Client({ connectionString: pg.url(database) });
      await Promise.all([writer.connect(), other.connect()]);
      try {
        await writer.query(`INSERT INTO t VALUES (0, 'small')`);
        // Streamed and committed: 5,000 rows of ~120 bytes.
        await writer.query(`INSERT INTO t SELECT g, repeat('c', 100) || g FROM generate_series(1, 5000) g`);
        // Streamed, then rolled back as a whole.
        await writer.query('BEGIN');
        await writer.query(`UPDATE t SET v = 'aborted ' || id`);
        await writer.query('ROLLBACK');
        // Streamed with subtransactions: one rolled back (and its child), one released.
        await writer.query('BEGIN');
        await writer.query(`INSERT INTO u SELECT g, repeat('u', 100) FROM generate_series(1, 3000) g`);
        await writer.query('SAVEPOINT a');
        await writer.query(`UPDATE t SET v = 'rolled back ' || id`);
        await writer.query('SAVEPOINT a2');
        await writer.query(`UPDATE u SET v = 'rolled back too'`);
        await writer.query('ROLLBACK TO SAVEPOINT a');
        await writer.query('SAVEPOINT b');
        await writer.query(`INSERT INTO u SELECT g, 'released' FROM generate_series(3001, 3010) g`);
        await writer.query('RELEASE SAVEPOINT b');
        await writer.query(`UPDATE t SET v = 'final' WHERE id <= 10`);
        await writer.query('COMMIT');
        // A streamed transaction still open while a small one commits: the small one comes first.
        await writer.query('BEGIN');
        await writer.query(`INSERT INTO u SELECT g, repeat('o', 100) FROM generate_series(10001, 14000) g`);
        await other.query(`INSERT INTO t VALUES (-1, 'committed while a streamed one ran')`);
        await writer.query(`INSERT INTO u VALUES (20000, 'last of the open one')`);
        await writer.query('COMMIT');
      } finally {
        await Promise.all([writer.end(), other.end()]);
      }

      const seen = await readSlot(pg.url(database), version, 5);
      const rows = (table: string, kind: string) => seen.ops.filter((op) => op.table === table && op.kind === kind);

      assert.equal(rows('t', 'insert').length, 5002, 'every committed insert into t');
      assert.deepEqual(
        seen.ops.filter((op) => /aborted|rolled back/.test(op.row)),
        [],
        'nothing of the aborted transaction or the rolled back subtransactions',
      );
      assert.deepEqual(
        rows('t', 'update')
          .map((op) => op.row)
          .sort(),
        Array.from({ length: 11 }, (_, i) => `${i}\tfinal`).sort(),
      );
      assert.equal(rows('u', 'insert').length, 3000 + 10 + 4000 + 1);
      assert.equal(rows('u', 'update').length, 0);

      // Transactions whole and in commit order: positions rise, each transaction's ops share a
      // commit LSN with indexes 0..n-1, and the small commit precedes the open streamed one.
      const transactions = new Map<bigint, number[]>();
      for (const op of seen.ops) transactions.set(op.commit, [...(transactions.get(op.commit) ?? []), op.index]);
      const commitsInOrder = [...transactions.keys()];
      assert.deepEqual(
        commitsInOrder,
        [...commitsInOrder].sort((a, b) => (a < b ? -1 : 1)),
      );
      for (const indexes of transactions.values())
        assert.deepEqual(
          indexes,
          indexes.map((_, i) => i),
        );
      const small = seen.ops.findIndex((op) => op.row.startsWith('-1\t'));
      const open = seen.ops.findIndex((op) => op.row.startsWith('10001\t'));
      assert.ok(small >= 0 && open > small, 'the small transaction committed first and comes first');
      assert.deepEqual(
        seen.ops.slice(-1).map((op) => op.row),
        ['20000\tlast of the open one'],
      );

      const [stats] = (
        await pg.query(
          `SELECT stream_txns::int AS streamed, spill_txns::int AS spilled FROM pg_stat_replication_slots WHERE slot_name = 'slot'`,
          [],
          database,
        )
      ).rows;
      assert.ok(Number(stats.streamed) >= 4, `the server streamed ${stats.streamed} transactions`);
      assert.deepEqual(readdirSync(join(spillBase, `cdc-v${version}`)), [], 'no spill file left');
    });
  });
}

/** Streams the slot through the decoder until `commits` commits were handed over. */
async function readSlot(url: string, version: number, commits: number): Promise<Seen> {
  const protocol = pgoutputProtocol(version * 10_000, { streamInProgress: true });
  assert.equal(protocol.streaming, version >= 16 ? 'parallel' : 'on');
  const catalogClient = new Client({ connectionString: url, options: SESSION_OPTIONS });
  await catalogClient.connect();
  const connection = new ReplicationConnection(url, 'streaming-test');
  await connection.connect();
  const spill = TransactionSpill.open(spillBase, `v${version}`);
  const seen: Seen = { ops: [], commits: [] };
  let closed = false;
  const close = () => {
    closed = true;
    void connection.close();
  };
  const decoder = new PgChangeDecoder(
    'test',
    new SourceCatalog(catalogClient),
    {
      op: (op: ChangeOp) => {
        seen.ops.push({
          kind: op.kind,
          table: op.table.table,
          row: Buffer.from(op.text?.after ?? op.text?.key ?? new Uint8Array()).toString(),
          commit: op.position.commit,
          index: op.position.index,
        });
      },
      commit: (position, _time, xid) => {
        seen.commits.push({ endLsn: position.commit, xid });
        if (seen.commits.length >= commits) close();
      },
      idle: () => undefined,
      received: () => undefined,
    },
    { spill, abortInfo: streamAbortCarriesLsn(protocol) },
  );
  const timeout = setTimeout(close, 60_000);
  try {
    await connection
      .stream('slot', 'pub', 0n, (event) => decoder.handle(event), protocol)
      .catch((error: unknown) => {
        if (!closed) throw error;
      });
  } finally {
    clearTimeout(timeout);
    await connection.close();
    await spill.close();
    await catalogClient.end();
  }
  assert.equal(seen.commits.length, commits, `commits handed over: ${seen.commits.length}`);
  return seen;
}
