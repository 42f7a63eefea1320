import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { loadConfig } from '@cdc/config';
import { startNats, startPostgres, startVitess, type NatsServer, type PostgresServer } from '@cdc/testenv';
import { connect } from '@nats-io/transport-node';
import { repairSubject, runVerify, type RepairReply, type RepairRequest, type VerifyReport } from '@cdc/verify';
import { BUNDLE, createTable, startVitessPipeline, waitForEqual, type VitessPipeline } from '@cdc/pipeline-fixture';

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

test('Vitess -> Postgres: rows changed behind the pipeline at the destination, exactly those keys; --repair fixes them through the pipeline; a second verify is clean', async () => {
  const target = `sharded.${pg.escapeIdentifier(TYPES)}`;
  // Planted behind the pipeline's back: a changed row, a deleted one, one the source never had.
  await pipeline.destination.query(`UPDATE ${target} SET vc = 'tampered' WHERE id = 777`);
  await pipeline.destination.query(`DELETE FROM ${target} WHERE id = 1500`);
  await pipeline.destination.query(`INSERT INTO ${target} (id, vc) VALUES (900001, 'never at the source')`);
  const types = tableReport(await verify({ tables: [TYPES] }), TYPES);
  assert.equal(types.status, 'different');
  assert.deepEqual(
    types.differences.map((d) => `${d.kind} ${d.key.join(',')} ${d.columns?.join(',') ?? ''}`.trim()).sort(),
    ['different 777 vc', 'extra 900001', 'missing 1500'],
  );

  const cli = await runCli([
    'verify',
    '--config',
    pipeline.configFile,
    '--tables',
    TYPES,
    '--chunk-rows',
    '500',
    '--repair',
  ]);
  assert.equal(cli.status, 1, cli.stderr);
  assert.match(cli.stdout, /DIFFERENT .*: 2000 rows, .* 1 missing, 1 extra, 1 different/);
  assert.deepEqual(
    cli.stdout.split('\n').filter((line) => line.includes('repair')),
    [
      '    repair: 2 rows sent again, 1 deletes sent, 0 changed meanwhile (the stream carries them); verify again to confirm',
    ],
  );
  // Nothing was written by verify: the rows arrive through the reader and the applier.
  const again = tableReport(await verify({ tables: [TYPES] }), TYPES);
  assert.equal(again.status, 'equal', JSON.stringify(again.differences));
  await assertSameRows([777, 1500, 900001]);
});

test("Vitess: a repair while the source keeps updating those keys on both shards ends at the source's last values", async () => {
  const target = `sharded.${pg.escapeIdentifier(TYPES)}`;
  const busy = Array.from({ length: 40 }, (_, k) => 101 + k);
  const quiet = Array.from({ length: 40 }, (_, k) => 201 + k);
  await pipeline.destination.query(`UPDATE ${target} SET vc = 'tampered' WHERE id = ANY($1::int8[])`, [
    [...busy, ...quiet],
  ]);
  // The reader's own protocol (what --repair sends), while the busy keys change as fast as they go:
  // whichever of the repair's image and the stream's changes comes last, the destination must end
  // at the source's last value.
  const stop = new AbortController();
  let updates = 0;
  const workload = (async () => {
    while (!stop.signal.aborted) {
      const id = busy[updates % busy.length];
      await pipeline.vtgate.query(`UPDATE ${mysql.escapeId(TYPES)} SET vc = ? WHERE id = ?`, [
        `during repair ${updates}`,
        id,
      ]);
      updates += 1;
    }
  })();
  const nc = await connect({ servers: nats.url });
  const outcomes: RepairReply[] = [];
  try {
    while (updates < busy.length) await new Promise((resolve) => setTimeout(resolve, 10));
    // Repairs back to back until the workload has gone round the busy keys three more times.
    const until = updates + busy.length * 3;
    for (let round = 0; round < 5 || updates < until; round += 1) {
      const request: RepairRequest = {
        schema: 'sharded',
        table: TYPES,
        keys: [...busy, ...quiet].map((id) => [String(id)]),
      };
      const reply = await nc.request(repairSubject(pipeline.name), JSON.stringify(request), { timeout: 60_000 });
      outcomes.push(reply.json<RepairReply>());
    }
  } finally {
    stop.abort();
    await workload;
    await nc.close();
  }
  for (const outcome of outcomes) {
    assert.equal(outcome.ok, true, outcome.detail);
    // Every key settled once: sent again or left to the stream; all of them exist at the source.
    assert.equal(outcome.resent + outcome.changedMeanwhile, busy.length + quiet.length, JSON.stringify(outcome));
    assert.equal(outcome.deleted, 0);
    assert.ok(outcome.resent >= quiet.length, JSON.stringify(outcome));
  }
  assert.ok(updates > busy.length * 4, `the workload ran (${updates} updates)`);
  console.log(
    `${outcomes.length} repairs during ${updates} updates: ${outcomes.reduce((sum, o) => sum + o.changedMeanwhile, 0)} keys changed meanwhile, ${outcomes.reduce((sum, o) => sum + o.resent, 0)} sent again`,
  );

  const again = tableReport(await verify({ tables: [TYPES] }), TYPES);
  assert.equal(again.status, 'equal', JSON.stringify(again.differences));
  await assertSameRows([...busy, ...quiet]);
});

/** The destination holds exactly the source's rows for these keys (id and vc). */
async function assertSameRows(ids: readonly number[]): Promise<void> {
  const [sourceRows] = (await pipeline.vtgate.query(
    `SELECT id, vc FROM ${mysql.escapeId(TYPES)} WHERE id IN (?) ORDER BY id`,
    [ids],
  )) as unknown as [Array<{ id: number | string; vc: string | null }>];
  const { rows: destinationRows } = await pipeline.destination.query(
    `SELECT id, vc FROM sharded.${pg.escapeIdentifier(TYPES)} WHERE id = ANY($1::int8[]) ORDER BY id`,
    [ids],
  );
  assert.deepEqual(
    destinationRows.map((row) => `${row.id} ${row.vc}`),
    sourceRows.map((row) => `${row.id} ${row.vc}`),
  );
}

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
