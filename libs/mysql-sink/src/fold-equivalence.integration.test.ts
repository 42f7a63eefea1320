// The planner's property, on a real MariaDB (the same histories as the Postgres sink's test):
// applying a random change history folded in one batch leaves the same tables as applying each
// op in a batch of its own, and both equal the source's rows. The folded batches write every row
// group with LOAD DATA (loadDataMinRows 1), the one-op batches with INSERTs only.
import { after, before, test } from 'node:test';
import { startMariadb, type MariadbServer } from '@cdc/testenv';
import { expectFoldEquivalence, type HistoryDestination } from '@cdc/change-envelope/testing';
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

async function destination(loadDataMinRows: number): Promise<HistoryDestination> {
  const url = await db.createDatabase();
  const database = new URL(url).pathname.slice(1);
  const sink = await createMysqlSink({
    url: url.replace('root@', 'root:@'),
    destination: database,
    mapTable: (table) => ({ schema: database, table: table.table }),
    createTables: true,
    loadDataMinRows,
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
  return {
    apply: (ops, partition, lastStreamSeq) => sink.applyBatch({ source: 'fold', partition, ops, lastStreamSeq }),
    rows,
    clear,
  };
}

test(`${HISTORIES} random histories: folded in one batch = one op per batch = the source`, async () => {
  await expectFoldEquivalence(await destination(1), await destination(0), HISTORIES, OPS_PER_HISTORY);
});
