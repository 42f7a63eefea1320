import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { startPostgres, type PostgresServer } from '@cdc/testenv';
import { readKeyChunk, readKeyChunkConsistent, visibleIn, type SnapshotXids } from './backfill';
import { SourceCatalog } from './catalog';
import { listCandidateTables } from './preflight';
import { describeSourceTable } from './snapshot';

// A transaction whose commit record is in the WAL but which other sessions cannot see yet:
// here it waits for a synchronous standby that does not exist, which holds it in exactly the
// state a slow fsync holds a commit for a moment. A chunk read then misses its change.

/** The check the reader runs: which of the transactions the stream delivered the snapshot cannot see. */
const delivered =
  (xids: number[]) =>
  (snapshot: SnapshotXids): number[] =>
    xids.filter((xid) => !visibleIn(snapshot, xid));

let pg: PostgresServer;
let url: string;
const clients: Client[] = [];

async function connect(): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  clients.push(client);
  await client.query('SET synchronous_commit = local');
  return client;
}

before(async () => {
  pg = await startPostgres({ name: 'backfill-visibility' });
  url = await pg.createDatabase('shop');
  const admin = await connect();
  await admin.query(
    `CREATE TABLE items (id int PRIMARY KEY, v text NOT NULL); INSERT INTO items VALUES (1, 'old'), (2, 'x')`,
  );
});

after(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await pg?.destroy();
});

test('a chunk snapshot is retaken until commits the stream already delivered are visible', async () => {
  const admin = await connect();
  const reader = await connect();
  const table = (await listCandidateTables(reader)).find((t) => t.table === 'items');
  assert.ok(table);
  const relation = await describeSourceTable(reader, new SourceCatalog(reader), table);

  await admin.query(`ALTER SYSTEM SET synchronous_standby_names = 'ghost'`);
  await admin.query('SELECT pg_reload_conf()');
  const writer = await connect();
  await writer.query('SET synchronous_commit = on');
  await writer.query('BEGIN');
  await writer.query(`UPDATE items SET v = 'new' WHERE id = 1`);
  const xid = Number((await writer.query<{ xid: string }>('SELECT txid_current()::text AS xid')).rows[0].xid) >>> 0;
  const committing = writer.query('COMMIT');
  try {
    // The commit record is written and flushed; the backend now waits for the standby.
    for (let i = 0; ; i += 1) {
      const waiting = await admin.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event = 'SyncRep'`);
      if (waiting.rows.length > 0) break;
      assert.ok(i < 200, 'the commit never started waiting for the standby');
      await new Promise((r) => setTimeout(r, 25));
    }

    const plain = await readKeyChunk(reader, relation, undefined, 10);
    assert.equal(plain.rows[0][1].kind === 'text' && plain.rows[0][1].value, 'old', 'a plain read misses the commit');

    // The stream has delivered that commit before LOW: the snapshot must not be used.
    await assert.rejects(
      readKeyChunkConsistent(reader, relation, undefined, 10, delivered([xid]), { maxWaitMs: 300 }),
      /committed in the WAL but stayed invisible/,
    );
    // Transactions the stream has not delivered yet are collected after LOW: no need to wait for them.
    const unrelated = await readKeyChunkConsistent(reader, relation, undefined, 10, delivered([]));
    assert.equal(unrelated.retries, 0);
  } finally {
    await admin.query('ALTER SYSTEM RESET synchronous_standby_names');
    await admin.query('SELECT pg_reload_conf()');
    await committing;
  }
  const consistent = await readKeyChunkConsistent(reader, relation, undefined, 10, delivered([xid]));
  const value = consistent.rows[0][1];
  assert.equal(value.kind === 'text' && value.value, 'new');
  assert.deepEqual(consistent.lastKey, ['2']);
});

test('visibleIn compares xids modulo 2^32', () => {
  const snapshot = { xmax: 5, inProgress: new Set([3]) };
  assert.equal(visibleIn(snapshot, 4), true);
  assert.equal(visibleIn(snapshot, 3), false);
  assert.equal(visibleIn(snapshot, 5), false);
  assert.equal(visibleIn(snapshot, 0xfffffff0), true, 'an xid just before the wraparound precedes xmax 5');
  assert.equal(visibleIn({ xmax: 0xfffffff0, inProgress: new Set() }, 3), false, 'an xid after the wraparound follows');
});

test('readKeyChunk pages through the key in order, after the last key read', async () => {
  const client = await connect();
  await client.query(`CREATE TABLE pages (a int, b text, v int, PRIMARY KEY (a, b))`);
  await client.query(`INSERT INTO pages SELECT g % 7, 'k' || g, g FROM generate_series(1, 100) g`);
  const table = (await listCandidateTables(client)).find((t) => t.table === 'pages');
  assert.ok(table);
  const relation = await describeSourceTable(client, new SourceCatalog(client), table);
  const seen: string[] = [];
  let after: ReadonlyArray<string | null> | undefined;
  for (;;) {
    const chunk = await readKeyChunk(client, relation, after, 13);
    for (const row of chunk.rows) seen.push(row.map((v) => ('value' in v ? String(v.value) : '')).join('/'));
    if (chunk.rows.length < 13) break;
    after = chunk.lastKey;
  }
  const expected = (
    await client.query<{ k: string }>(`SELECT a || '/' || b || '/' || v AS k FROM pages ORDER BY a, b`)
  ).rows.map((row) => row.k);
  assert.deepEqual(seen, expected);
});
