import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { loadConfig } from '@cdc/config';
import { startNats, startPostgres, startVitess, type NatsServer, type PostgresServer } from '@cdc/testenv';
import { runVerify, type VerifyReport } from '@cdc/verify';
import { BUNDLE, createTable, startVitessPipeline, waitForEqual, type VitessPipeline } from './vitess-fixture';

// cdc verify with a Vitess source: a 2-shard keyspace (vttestserver) replicated into Postgres by
// the real services. Every Vitess type prints the same canonical text on both engines (no chunk
// needs a recheck), a workload changing rows on both shards while verify runs gives no false
// difference (each chunk's source side is read through vtgate, then every shard's position; the
// destination side once the appliers passed it), and rows changed behind the pipeline's back
// at the destination are found with exactly their keys and repaired through the pipeline.
const RUN = `r${Date.now().toString(36)}`;
const TYPES = `${RUN}_verify_types`;
const DOCS = `${RUN}_verify_docs`;
const ROWS = 2_000;
const DOCS_ROWS = 600;

let nats: NatsServer;
let postgres: PostgresServer;
let pipeline: VitessPipeline;

const TYPES_COLUMNS = `id BIGINT NOT NULL PRIMARY KEY, flag TINYINT(1), si SMALLINT UNSIGNED, i INT, bu BIGINT UNSIGNED,
  d DECIMAL(12,3), f FLOAT, db DOUBLE, c CHAR(4), vc VARCHAR(64), tx TEXT, bn BINARY(3), vb VARBINARY(16),
  dt DATE, tm TIME(3), dtm DATETIME(6), ts TIMESTAMP(3) NULL DEFAULT NULL, y YEAR, bt BIT(10),
  e ENUM('small','big one'), st SET('a','b','c')`;
const TYPES_NAMES = 'id, flag, si, i, bu, d, f, db, c, vc, tx, bn, vb, dt, tm, dtm, ts, y, bt, e, st';

/** A row of every type; every 9th is all NULLs. */
function typesRow(id: number): unknown[] {
  if (id % 9 === 0) return [id, ...Array.from({ length: 20 }, () => null)];
  const neg = id % 2 === 0 ? -1 : 1;
  return [
    id,
    id % 2,
    id % 65536,
    neg * id * 1000,
    id % 3 === 0 ? '18446744073709551615' : String(id),
    `${neg * id}.${id % 4 === 0 ? '000' : '125'}`,
    neg * 1.5,
    (neg * id) / 8,
    `c${id % 10}`,
    `varchar ${id} 'quoted' é ✓ 🙂`,
    'text '.repeat(id % 4),
    Buffer.from([id % 256, 0, 255]),
    Buffer.from(`vb${id}`),
    `20${String(10 + (id % 80)).padStart(2, '0')}-0${1 + (id % 9)}-1${id % 10}`,
    id % 3 === 0 ? '-12:34:56.789' : `${100 + (id % 700)}:00:00.5`,
    `2024-01-02 03:04:${String(id % 60).padStart(2, '0')}.123456`,
    `2024-01-02 03:04:05.${String(id % 1000).padStart(3, '0')}`,
    1901 + (id % 200),
    id % 1024,
    id % 2 === 0 ? 'small' : 'big one',
    ['', 'a', 'b', 'a,c', 'a,b,c'][id % 5],
  ];
}

/** Text keys in mixed case: MariaDB's collation and Postgres's "C" order them differently, byte order must agree. */
function docKey(k: number): string {
  return `${k % 2 === 0 ? 'K' : 'k'}-${String(k).padStart(4, '0')}`;
}

before(async () => {
  const cluster = await startVitess();
  [nats, postgres] = await Promise.all([
    startNats({ name: 'verify-vitess' }),
    startPostgres({ name: 'verify-vitess-dest', logical: false }),
  ]);
  pipeline = await startVitessPipeline({
    name: `verify_${RUN}`,
    cluster,
    nats,
    postgres,
    keyspace: 'sharded',
    tables: [`${RUN}_verify_*`],
  });
  await createTable(pipeline, true, TYPES, TYPES_COLUMNS);
  await pipeline.vtgate.query(`ALTER VSCHEMA ON ${mysql.escapeId(DOCS)} ADD VINDEX xxhash(code) USING xxhash`);
  await pipeline.vtgate.query(
    `CREATE TABLE ${mysql.escapeId(DOCS)} (code VARCHAR(32) NOT NULL PRIMARY KEY, doc JSON, n INT NOT NULL)`,
  );
  const connection = await pipeline.vtgate.getConnection();
  try {
    await connection.query(`SET time_zone = '+00:00'`);
    for (let start = 1; start <= ROWS; start += 250) {
      const ids = Array.from({ length: Math.min(250, ROWS - start + 1) }, (_, k) => start + k);
      const row = `(${TYPES_NAMES.split(',')
        .map(() => '?')
        .join(', ')})`;
      await connection.query(
        `INSERT INTO ${mysql.escapeId(TYPES)} (${TYPES_NAMES}) VALUES ${ids.map(() => row).join(', ')}`,
        ids.flatMap(typesRow),
      );
    }
    const docs = Array.from({ length: DOCS_ROWS }, (_, k) => k + 1);
    await connection.query(
      `INSERT INTO ${mysql.escapeId(DOCS)} (code, doc, n) VALUES ${docs.map(() => '(?, ?, 0)').join(', ')}`,
      docs.flatMap((k) => [docKey(k), JSON.stringify({ z: k, a: [k, 'x'], nested: { ok: k % 2 === 0 } })]),
    );
  } finally {
    connection.release();
  }
  pipeline.start('reader');
  pipeline.start('applier');
  pipeline.start('coordinator');
  await waitForEqual(pipeline, [TYPES]);
});

after(async () => {
  await pipeline?.destroy();
  await Promise.all([nats?.destroy(), postgres?.destroy()]);
});

function verify(extra: Partial<Parameters<typeof runVerify>[0]> = {}): Promise<VerifyReport> {
  return runVerify({ config: loadConfig(pipeline.configFile), chunkRows: 500, parallelism: 2, ...extra });
}

function tableReport(report: VerifyReport, table: string) {
  const found = report.tables.find((t) => t.table === `sharded.${table}`);
  assert.ok(found, `no report for ${table}: ${JSON.stringify(report.tables.map((t) => t.table))}`);
  return found;
}

test('Vitess -> Postgres: every type equal by its in-database checksum; equal while a workload changes both shards', async () => {
  const types = tableReport(await verify({ tables: [TYPES] }), TYPES);
  assert.equal(types.status, 'equal', JSON.stringify(types.differences));
  assert.equal(types.destinationTable, `sharded.${TYPES}`);
  assert.equal(types.rows, ROWS);
  assert.equal(types.chunks, ROWS / 500 + 1);
  // Same canonical text on both engines for every type: no chunk's checksum differed.
  assert.equal(types.rechecked, 0, JSON.stringify(types));

  // Changes flow while verify reads: updates of JSON documents on both shards, as fast as they go.
  const stop = new AbortController();
  let changes = 0;
  const workload = (async () => {
    while (!stop.signal.aborted) {
      const key = docKey(1 + ((changes * 7919) % DOCS_ROWS));
      await pipeline.vtgate.query(
        `UPDATE ${mysql.escapeId(DOCS)} SET n = n + 1, doc = JSON_SET(doc, '$.n', n + 1) WHERE code = ?`,
        [key],
      );
      changes += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  let report: VerifyReport;
  try {
    report = await verify({ tables: [DOCS], chunkRows: 100 });
  } finally {
    stop.abort();
    await workload;
  }
  const docs = tableReport(report, DOCS);
  assert.equal(docs.status, 'equal', JSON.stringify(docs.differences));
  assert.equal(docs.rows, DOCS_ROWS);
  assert.ok(changes > 20, `the workload ran (${changes} updates)`);
});

test('Vitess -> Postgres: rows changed behind the pipeline at the destination, exactly those keys; --repair fixes them through the pipeline, keys updated meanwhile end right', async () => {
  const target = `sharded.${pg.escapeIdentifier(TYPES)}`;
  const source = mysql.escapeId(TYPES);
  // Planted behind the pipeline's back: a changed row, a deleted one, one the source never had,
  // and 40 changed rows (on both shards) that the source keeps updating while --repair runs.
  const busy = Array.from({ length: 40 }, (_, k) => 101 + k);
  await pipeline.destination.query(`UPDATE ${target} SET vc = 'tampered' WHERE id = 777 OR id = ANY($1::int8[])`, [
    busy,
  ]);
  await pipeline.destination.query(`DELETE FROM ${target} WHERE id = 1500`);
  await pipeline.destination.query(`INSERT INTO ${target} (id, vc) VALUES (900001, 'never at the source')`);
  const types = tableReport(await verify({ tables: [TYPES] }), TYPES);
  assert.equal(types.status, 'different');
  assert.deepEqual(
    types.differences.map((d) => `${d.kind} ${d.key.join(',')} ${d.columns?.join(',') ?? ''}`.trim()).sort(),
    [...busy.map((id) => `different ${id} vc`), 'different 777 vc', 'extra 900001', 'missing 1500'].sort(),
  );

  // The source changes the busy keys while the repair reads them: whichever of the repair's
  // image and the stream's changes arrives, the destination must end at the source's last value.
  const stop = new AbortController();
  let updates = 0;
  const workload = (async () => {
    while (!stop.signal.aborted) {
      const id = busy[updates % busy.length];
      await pipeline.vtgate.query(`UPDATE ${source} SET vc = ? WHERE id = ?`, [`during repair ${updates}`, id]);
      updates += 1;
    }
  })();
  let cli: { status: number | null; stdout: string; stderr: string };
  try {
    cli = await runCli([
      'verify',
      '--config',
      pipeline.configFile,
      '--tables',
      TYPES,
      '--chunk-rows',
      '500',
      '--repair',
    ]);
  } finally {
    stop.abort();
    await workload;
  }
  assert.equal(cli.status, 1, cli.stderr);
  const repairLine = cli.stdout.split('\n').find((line) => line.includes('repair'));
  const repaired = /repair: (\d+) rows sent again, (\d+) deletes sent, (\d+) changed meanwhile/.exec(repairLine ?? '');
  assert.ok(repaired, cli.stdout);
  const [resent, deleted, changedMeanwhile] = repaired.slice(1).map(Number);
  // Every key is settled once: sent again (rows the source has), deleted (900001), or left to the stream.
  assert.equal(deleted, 1, cli.stdout);
  assert.equal(resent + changedMeanwhile, busy.length + 2, cli.stdout);
  assert.ok(updates > busy.length, `the workload ran (${updates} updates)`);

  // Nothing was written by verify: the fixes arrive through the reader and the applier.
  const again = tableReport(await verify({ tables: [TYPES] }), TYPES);
  assert.equal(again.status, 'equal', JSON.stringify(again.differences));
  const sourceRows = (await pipeline.vtgate.query(`SELECT id, vc FROM ${source} WHERE id IN (?) ORDER BY id`, [
    [...busy, 777, 1500, 900001],
  ])) as unknown as [Array<{ id: number | string; vc: string }>];
  const { rows: destinationRows } = await pipeline.destination.query(
    `SELECT id::text AS id, vc FROM ${target} WHERE id = ANY($1::int8[]) ORDER BY id`,
    [[...busy, 777, 1500, 900001]],
  );
  assert.deepEqual(
    destinationRows.map((row) => `${row.id} ${row.vc}`),
    sourceRows[0].map((row) => `${row.id} ${row.vc}`),
  );
  assert.ok(
    destinationRows.some((row) => String(row.vc).startsWith('during repair')),
    'the busy keys hold values written during the repair',
  );
});

/** The bundled CLI, run without blocking this process (the workload runs meanwhile). */
function runCli(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUNDLE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
