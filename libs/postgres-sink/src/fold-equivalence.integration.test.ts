// The planner's property, on a real Postgres: for random change histories of a few rows
// (inserts, full and partial updates, key changes, deletes, re-inserts, truncates, a table
// without a key; rows as text and as values), applying the history folded in one batch leaves
// the same tables as applying each op in a batch of its own, and both equal the source's rows.
import { after, before, test } from 'node:test';
import { startPostgres, type PostgresServer } from '@cdc/testenv';
import { expectFoldEquivalence, type HistoryDestination } from '@cdc/change-envelope/testing';
import { createPostgresSink, type PostgresSink } from './index';

const HISTORIES = Number(process.env.FOLD_HISTORIES ?? 100);
const OPS_PER_HISTORY = 40;
let server: PostgresServer;
const sinks: PostgresSink[] = [];

before(async () => {
  server = await startPostgres({ logical: false, name: 'postgres-sink-fold' });
});

after(async () => {
  for (const sink of sinks) await sink.close();
  await server?.destroy();
});

async function destination(name: string): Promise<HistoryDestination> {
  const url = await server.createDatabase(name);
  const sink = await createPostgresSink({
    url,
    destination: name,
    createTables: true,
    mapTable: (t) => ({ schema: t.schema, table: t.table }),
  });
  sinks.push(sink);
  const rows = async () => {
    const keyed = await server
      .query(
        `SELECT concat_ws('|', id, coalesce(to_json(a)::text, 'NULL'), coalesce(to_json(b)::text, 'NULL'), n) AS r
           FROM public.fold_keyed ORDER BY id`,
        [],
        name,
      )
      .catch(() => ({ rows: [] }));
    const keyless = await server
      .query(
        `SELECT concat_ws('|', k, coalesce(to_json(v)::text, 'NULL')) AS r FROM public.fold_keyless ORDER BY 1`,
        [],
        name,
      )
      .catch(() => ({ rows: [] }));
    return {
      keyed: keyed.rows.map((row) => String(row.r)),
      keyless: keyless.rows.map((row) => String(row.r)).sort(),
    };
  };
  const clear = () =>
    server
      .query('TRUNCATE public.fold_keyed, public.fold_keyless', [], name)
      .then(() => undefined)
      .catch(() => undefined);
  return {
    apply: (ops, partition, lastStreamSeq) => sink.applyBatch({ source: 'fold', partition, ops, lastStreamSeq }),
    rows,
    clear,
  };
}

test(`${HISTORIES} random histories: folded in one batch = one op per batch = the source`, async () => {
  await expectFoldEquivalence(await destination('folded'), await destination('alone'), HISTORIES, OPS_PER_HISTORY);
});
