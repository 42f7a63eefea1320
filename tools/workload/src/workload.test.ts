import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { startPostgres, type PostgresServer } from '@cdc/testenv';
import { createWorkloadTables, deleteRows, insertRows, updateRows, workloadTableNames } from './index';

// The workload generator on a real Postgres. Transactions are told apart by the xid that wrote
// each row (xmin) and, for deletes, by an audit trigger that records txid_current().
let server: PostgresServer;
let client: Client;

before(async () => {
  server = await startPostgres({ name: 'workload', logical: false });
  client = new Client({ connectionString: await server.createDatabase() });
  await client.connect();
});

after(async () => {
  await client?.end();
  await server?.destroy();
});

async function scalar(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await client.query(sql, params);
  return Number(Object.values(rows[0])[0]);
}

async function counts(schema: string, count: number): Promise<number[]> {
  const result: number[] = [];
  for (const table of workloadTableNames({ schema, count })) result.push(await scalar(`SELECT count(*) FROM ${table}`));
  return result;
}

/** Rows written per transaction (by xmin) in each table, for rows written after `sinceXid`. */
async function transactionsByXmin(schema: string, count: number, sinceXid: number): Promise<Map<number, number[]>> {
  const byTable = new Map<number, number[]>();
  for (let i = 0; i < count; i += 1) {
    const { rows } = await client.query<{ xid: string; n: string }>(
      `SELECT xmin::text AS xid, count(*) AS n FROM ${schema}.t${i + 1} WHERE xmin::text::int8 > $1 GROUP BY 1 ORDER BY 1::int8`,
      [sinceXid],
    );
    for (const row of rows) {
      const xid = Number(row.xid);
      assert.ok(!byTable.has(xid), `transaction ${xid} wrote to more than one table`);
      byTable.set(xid, [i, Number(row.n)]);
    }
  }
  return byTable;
}

async function currentXid(): Promise<number> {
  return scalar('SELECT txid_current()::text::int8');
}

test('createWorkloadTables creates N tables of the documented shape, and again is harmless', async () => {
  const tables = { schema: 'shape', count: 4 };
  await createWorkloadTables(client, tables);
  await createWorkloadTables(client, tables);
  assert.deepEqual(workloadTableNames(tables), ['shape.t1', 'shape.t2', 'shape.t3', 'shape.t4']);
  const { rows } = await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'shape' ORDER BY table_name`,
  );
  assert.deepEqual(
    rows.map((row) => row.table_name),
    ['t1', 't2', 't3', 't4'],
  );
  const { rows: columns } = await client.query<{ column_name: string; data_type: string; is_nullable: string }>(
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns
      WHERE table_schema = 'shape' AND table_name = 't3' ORDER BY ordinal_position`,
  );
  assert.deepEqual(
    columns.map((c) => [c.column_name, c.data_type, c.is_nullable]),
    [
      ['id', 'bigint', 'NO'],
      ['n', 'integer', 'NO'],
      ['payload', 'text', 'NO'],
      ['updated_at', 'timestamp with time zone', 'NO'],
    ],
  );
  const keys = await scalar(
    `SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace s ON s.oid = c.relnamespace
      WHERE s.nspname = 'shape' AND i.indisprimary`,
  );
  assert.equal(keys, 4, 'every table has a primary key');
});

test('insertRows inserts exactly the requested rows, round-robin, one table per transaction of the requested size, each id once', async () => {
  const tables = { schema: 'ins', count: 3 };
  await createWorkloadTables(client, tables);
  const since = await currentXid();
  const progress: number[] = [];
  const done = await insertRows({
    client,
    tables,
    rows: 1_050,
    rowsPerTransaction: 100,
    onProgress: (n) => progress.push(n),
  });
  assert.equal(done, 1_050);
  assert.deepEqual(await counts('ins', 3), [400, 350, 300]);
  assert.equal(progress[progress.length - 1], 1_050);

  const transactions = [...(await transactionsByXmin('ins', 3, since)).entries()].sort((a, b) => a[0] - b[0]);
  assert.deepEqual(
    transactions.map(([, [table, rows]]) => [table, rows]),
    [
      [0, 100],
      [1, 100],
      [2, 100],
      [0, 100],
      [1, 100],
      [2, 100],
      [0, 100],
      [1, 100],
      [2, 100],
      [0, 100],
      [1, 50],
    ],
    'eleven transactions of 100 rows (the last one 50), table k mod 3',
  );
  // Ids are consecutive per table from firstId (default 1): each used once.
  for (const [i, expected] of [400, 350, 300].entries()) {
    const { rows } = await client.query(
      `SELECT min(id) AS lo, max(id) AS hi, count(DISTINCT id) AS n FROM ins.t${i + 1}`,
    );
    assert.deepEqual([Number(rows[0].lo), Number(rows[0].hi), Number(rows[0].n)], [1, expected, expected]);
  }

  // A later phase with firstId continues without touching the ids already used.
  const again = await currentXid();
  assert.equal(await insertRows({ client, tables, rows: 30, rowsPerTransaction: 7, firstId: 10_001 }), 30);
  const later = [...(await transactionsByXmin('ins', 3, again)).values()];
  assert.deepEqual(
    later.map(([, rows]) => rows).sort((a, b) => a - b),
    [2, 7, 7, 7, 7],
  );
  assert.equal(await scalar('SELECT count(*) FROM ins.t1 WHERE id >= 10001'), 14);
  assert.equal(await scalar('SELECT min(id) FROM ins.t2 WHERE id > 350'), 10_001);
});

test('updateRows changes exactly the requested rows, each once, in transactions of the requested size', async () => {
  const tables = { schema: 'upd', count: 3 };
  await createWorkloadTables(client, tables);
  await insertRows({ client, tables, rows: 900, rowsPerTransaction: 300 });
  const since = await currentXid();
  assert.equal(await updateRows({ client, tables, rows: 330, rowsPerTransaction: 40 }), 330);

  const transactions = [...(await transactionsByXmin('upd', 3, since)).values()];
  assert.deepEqual(
    transactions.map(([, rows]) => rows).sort((a, b) => b - a),
    [40, 40, 40, 40, 40, 40, 40, 40, 10],
  );
  let changed = 0;
  for (let i = 1; i <= 3; i += 1) {
    // n starts as id % 1000 and each update adds one: 0 means untouched, 1 means updated once.
    const { rows } = await client.query(
      `SELECT count(*) FILTER (WHERE n - id % 1000 = 1) AS once, count(*) FILTER (WHERE n - id % 1000 NOT IN (0, 1)) AS other
         FROM upd.t${i}`,
    );
    assert.equal(Number(rows[0].other), 0, 'no row updated twice');
    changed += Number(rows[0].once);
  }
  assert.equal(changed, 330);
  assert.deepEqual(await counts('upd', 3), [300, 300, 300], 'updates neither add nor remove rows');
  // Round-robin with consecutive ids: t1 got 3 transactions of 40, t2 and t3 got 120 and 90 rows.
  assert.equal(await scalar('SELECT max(id) FROM upd.t1 WHERE n - id % 1000 = 1'), 120);
  assert.equal(await scalar('SELECT max(id) FROM upd.t3 WHERE n - id % 1000 = 1'), 90);
});

test('deleteRows deletes exactly the requested rows from firstId on, in transactions of the requested size', async () => {
  const tables = { schema: 'del', count: 2 };
  await createWorkloadTables(client, tables);
  await insertRows({ client, tables, rows: 400, rowsPerTransaction: 200 });
  await client.query(`CREATE TABLE del.audit (xid int8, tbl text, id int8)`);
  await client.query(
    `CREATE FUNCTION del.audit() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN INSERT INTO del.audit VALUES (txid_current(), TG_TABLE_NAME, OLD.id); RETURN OLD; END $$`,
  );
  for (const table of ['t1', 't2'])
    await client.query(`CREATE TRIGGER audit AFTER DELETE ON del.${table} FOR EACH ROW EXECUTE FUNCTION del.audit()`);

  assert.equal(await deleteRows({ client, tables, rows: 95, rowsPerTransaction: 30, firstId: 51 }), 95);
  const { rows } = await client.query<{ xid: string; tables: string; n: string; lo: string; hi: string }>(
    `SELECT xid::text, count(DISTINCT tbl) AS tables, count(*) AS n, min(id) AS lo, max(id) AS hi FROM del.audit GROUP BY xid ORDER BY xid`,
  );
  assert.deepEqual(
    rows.map((row) => [Number(row.tables), Number(row.n), Number(row.lo), Number(row.hi)]),
    [
      [1, 30, 51, 80],
      [1, 30, 51, 80],
      [1, 30, 81, 110],
      [1, 5, 81, 85],
    ],
    'transactions of 30 rows (the last 5), one table each, consecutive ids from firstId',
  );
  assert.equal(await scalar('SELECT count(*) FROM del.audit'), 95);
  assert.equal(await scalar('SELECT count(DISTINCT (tbl, id)) FROM del.audit'), 95, 'each row deleted once');
  assert.deepEqual(await counts('del', 2), [200 - 60, 200 - 35]);
  assert.equal(await scalar('SELECT count(*) FROM del.t1 WHERE id < 51'), 50, 'rows below firstId are kept');
});

test('a phase stops between transactions when its signal aborts', async () => {
  const tables = { schema: 'abort', count: 2 };
  await createWorkloadTables(client, tables);
  const controller = new AbortController();
  const done = await insertRows({
    client,
    tables,
    rows: 10_000,
    rowsPerTransaction: 10,
    signal: controller.signal,
    onProgress: () => controller.abort(),
  });
  assert.equal(done, 10, 'only the transaction that ran before the abort');
  assert.deepEqual(await counts('abort', 2), [10, 0]);
});

test('updateRows keeps to the documented id range [firstId, firstId + idSpace)', async () => {
  const tables = { schema: 'space', count: 2 };
  await createWorkloadTables(client, tables);
  await insertRows({ client, tables, rows: 400, rowsPerTransaction: 200 }); // ids 1..200 in each table
  // 100 updates per table over an id space of 50: the rows with ids 51..200 must not be touched.
  const done = await updateRows({ client, tables, rows: 200, rowsPerTransaction: 25, firstId: 1, idSpace: 50 });
  assert.equal(done, 200);
  const outside = await scalar(
    `SELECT (SELECT count(*) FROM space.t1 WHERE id > 50 AND n <> id % 1000) + (SELECT count(*) FROM space.t2 WHERE id > 50 AND n <> id % 1000)`,
  );
  assert.equal(outside, 0, `${outside} rows outside [1, 51) were updated: idSpace is ignored`);
});
