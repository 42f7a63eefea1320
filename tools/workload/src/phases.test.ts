import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { startPostgres, type PostgresServer } from '@cdc/testenv';
import { createWorkloadTables, deleteRows, insertRows, updateRows, workloadTableNames } from './index';

let server: PostgresServer;
let client: Client;
const tables = { schema: 'bench', count: 3 };

before(async () => {
  server = await startPostgres({ name: 'workload-test', logical: false });
  client = new Client({ connectionString: await server.createDatabase() });
  await client.connect();
  await createWorkloadTables(client, tables);
});

after(async () => {
  await client?.end();
  await server?.destroy();
});

async function counts(): Promise<number[]> {
  const result: number[] = [];
  for (const table of workloadTableNames(tables)) {
    result.push(Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n));
  }
  return result;
}

test('insertRows spreads rows round-robin in transactions of the requested size, each id once', async () => {
  const progress: number[] = [];
  const done = await insertRows({
    client,
    tables,
    rows: 1_050,
    rowsPerTransaction: 100,
    onProgress: (n) => progress.push(n),
  });
  assert.equal(done, 1_050);
  assert.deepEqual(await counts(), [400, 350, 300]);
  assert.equal(progress[progress.length - 1], 1_050);
  const { rows } = await client.query('SELECT min(length(payload)) AS min, max(length(payload)) AS max FROM bench.t1');
  assert.equal(Number(rows[0].min), 97);
  assert.equal(Number(rows[0].max), 97);
});

test('updateRows and deleteRows touch exactly the requested rows', async () => {
  assert.equal(await updateRows({ client, tables, rows: 300, rowsPerTransaction: 50 }), 300);
  const { rows } = await client.query('SELECT count(*) FILTER (WHERE n <> id % 1000) AS changed FROM bench.t1');
  assert.equal(Number(rows[0].changed), 100);
  assert.equal(await deleteRows({ client, tables, rows: 90, rowsPerTransaction: 30, firstId: 1 }), 90);
  assert.deepEqual(await counts(), [370, 320, 270]);
});
