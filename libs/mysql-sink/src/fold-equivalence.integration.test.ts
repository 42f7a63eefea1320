// The planner's property, on a real MariaDB (the same histories as the Postgres sink's test):
// applying a random change history folded in one batch leaves the same tables as applying each
// op in a batch of its own, and both equal the source's rows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMariadb, type MariadbServer } from '@cdc/testenv';
import { randomHistory, seededRandom } from '@cdc/change-envelope/testing';
import { createMysqlSink, type MysqlSink } from './index';

const HISTORIES = Number(process.env.FOLD_HISTORIES ?? 100);
const OPS_PER_HISTORY = 40;
let db: MariadbServer;
const sinks: MysqlSink[] = [];

before(async () => {
  db = await startMariadb({ name: 'mysql-sink-fold' });
});

after(async () => {
  await Promise.all(sinks.map((sink) => sink.close().catch(() => undefined)));
  await db?.destroy();
});

const show = (value: unknown) => (value === null ? 'NULL' : JSON.stringify(String(value)));

async function destination() {
  const url = await db.createDatabase();
  const database = new URL(url).pathname.slice(1);
  const sink = await createMysqlSink({
    url: url.replace('root@', 'root:@'),
    destination: database,
    mapTable: (table) => ({ schema: database, table: table.table }),
    createTables: true,
  });
  sinks.push(sink);
  const select = async (sql: string) => (await db.query(sql, [], database).catch(() => ({ rows: [] }))).rows;
  const rows = async () => ({
    keyed: (await select('SELECT id, a, b, n FROM fold_keyed ORDER BY id')).map(
      (row) => `${row.id}|${show(row.a)}|${show(row.b)}|${row.n}`,
    ),
    keyless: (await select('SELECT k, v FROM fold_keyless')).map((row) => `${row.k}|${show(row.v)}`).sort(),
  });
  const clear = async () => {
    await db.query('DELETE FROM fold_keyed', [], database).catch(() => undefined);
    await db.query('DELETE FROM fold_keyless', [], database).catch(() => undefined);
  };
  return { sink, rows, clear };
}

test(`${HISTORIES} random histories: folded in one batch = one op per batch = the source`, async () => {
  const folded = await destination();
  const alone = await destination();
  let streamSeq = 0;
  for (let seed = 1; seed <= HISTORIES; seed += 1) {
    const history = randomHistory(seededRandom(seed), OPS_PER_HISTORY);
    await Promise.all([folded.clear(), alone.clear()]);
    // A partition per history: each starts with its own checkpoint.
    await folded.sink.applyBatch({ source: 'fold', partition: seed, ops: history.ops, lastStreamSeq: ++streamSeq });
    for (const op of history.ops)
      await alone.sink.applyBatch({ source: 'fold', partition: seed, ops: [op], lastStreamSeq: ++streamSeq });
    const [got, each] = await Promise.all([folded.rows(), alone.rows()]);
    const context = `seed ${seed}: ${history.ops.map((op) => `${op.kind}${op.text ? '(text)' : ''}`).join(' ')}`;
    assert.deepEqual(each, history.expected, `one op per batch differs from the source (${context})`);
    assert.deepEqual(got, history.expected, `folded differs from the source (${context})`);
  }
});
