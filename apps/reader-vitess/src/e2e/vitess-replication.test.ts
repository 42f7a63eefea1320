// Over 400 lines on purpose: six end-to-end cases over one vttestserver started once (every type, readiness, two destinations, kills mid-copy, a vtgate restart, DDL); each case stands alone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import mysql from 'mysql2/promise';
import {
  findFreePort,
  startJaeger,
  startMariadb,
  startNats,
  startPostgres,
  startVitess,
  type JaegerTrace,
  type JaegerServer,
  type MariadbServer,
  type NatsServer,
  type PostgresServer,
  type VitessCluster,
} from '@cdc/testenv';
import {
  BUNDLE,
  compareMysqlTable,
  compareTable,
  createTable,
  startVitessPipeline,
  waitForEqual,
  waitForLog,
  type VitessPipeline,
} from '@cdc/pipeline-fixture';

// Vitess (vtgate + vttablets over MariaDB, tools/vitess-testenv) → reader → JetStream →
// applier → Postgres, with the services as real processes of dist/cdc.cjs.
let cluster: VitessCluster;
let nats: NatsServer;
let postgres: PostgresServer;
const pipelines: VitessPipeline[] = [];
/** Tables of this run: the cluster is shared and keeps its data between runs. */
const RUN = `r${Date.now().toString(36)}`;

before(async () => {
  [cluster, nats, postgres] = await Promise.all([
    startVitess(),
    startNats({ name: 'vitess-e2e' }),
    startPostgres({ name: 'vitess-e2e-dest', logical: false }),
  ]);
});

after(async () => {
  for (const pipeline of pipelines) await pipeline.destroy();
  await Promise.all([nats?.destroy(), postgres?.destroy()]);
});

async function pipeline(name: string, keyspace: string, sourceExtra?: string): Promise<VitessPipeline> {
  const created = await startVitessPipeline({
    name: `${name}_${RUN}`,
    cluster,
    nats,
    postgres,
    keyspace,
    tables: [`${RUN}_${name}_*`],
    sourceExtra,
  });
  pipelines.push(created);
  return created;
}

const TYPES_COLUMNS = `id BIGINT NOT NULL PRIMARY KEY,
  ti TINYINT, si SMALLINT UNSIGNED, mi MEDIUMINT, i INT, bu BIGINT UNSIGNED,
  d DECIMAL(12,3), f FLOAT, db DOUBLE,
  c CHAR(4), vc VARCHAR(64), tx TEXT,
  bn BINARY(3), vb VARBINARY(16), bl BLOB,
  dt DATE, tm TIME(3), dtm DATETIME(6), ts TIMESTAMP(3) NULL DEFAULT NULL, y YEAR,
  bt BIT(10), e ENUM('small','big one'), st SET('a','b','c'), j JSON`;

/** A row of every type; every 7th row is all NULLs. Values chosen to survive float4 and both spellings. */
function typesRow(id: number): unknown[] {
  if (id % 7 === 0) return [id, ...Array.from({ length: 23 }, () => null)];
  const neg = id % 2 === 0 ? -1 : 1;
  return [
    id,
    (id % 256) - 128,
    id % 65536,
    neg * id * 100,
    neg * id * 1000,
    id % 3 === 0 ? '18446744073709551615' : String(id),
    `${neg * id}.125`,
    neg * 1.5,
    neg * id * 1e200,
    `c${id % 10}`,
    `varchar ${id} 'quoted' "double" é ✓`,
    'text '.repeat(id % 5),
    Buffer.from([id % 256, 0, 255]),
    Buffer.from(`vb${id}`),
    Buffer.from(Array.from({ length: id % 20 }, (_, k) => (k * 37 + id) % 256)),
    `20${String(10 + (id % 80)).padStart(2, '0')}-0${1 + (id % 9)}-1${id % 10}`,
    id % 3 === 0 ? '-12:34:56.789' : `${100 + (id % 700)}:00:00.5`,
    `2024-01-02 03:04:${String(id % 60).padStart(2, '0')}.123456`,
    `2024-01-02 03:04:05.${String(id % 1000).padStart(3, '0')}`,
    1901 + (id % 200),
    id % 1024,
    id % 2 === 0 ? 'small' : 'big one',
    ['', 'a', 'b', 'a,c', 'a,b,c'][id % 5],
    JSON.stringify({ id, list: [1, 'two', null], nested: { ok: id % 2 === 0 } }),
  ];
}

const TYPES_NAMES = 'id, ti, si, mi, i, bu, d, f, db, c, vc, tx, bn, vb, bl, dt, tm, dtm, ts, y, bt, e, st, j';

async function insertTypes(p: VitessPipeline, table: string, ids: number[]): Promise<void> {
  const placeholders = ids
    .map(
      () =>
        `(${TYPES_NAMES.split(',')
          .map(() => '?')
          .join(', ')})`,
    )
    .join(', ');
  await p.vtgate.query(`INSERT INTO \`${table}\` (${TYPES_NAMES}) VALUES ${placeholders}`, ids.flatMap(typesRow));
}

test('copy + streaming of a 2-shard keyspace with every type into Postgres', async () => {
  const p = await pipeline('types', 'sharded');
  const table = `${RUN}_types_all`;
  await createTable(p, true, table, TYPES_COLUMNS);
  await p.vtgate.query(`SET time_zone = '+00:00'`);
  await insertTypes(
    p,
    table,
    Array.from({ length: 60 }, (_, k) => k + 1),
  );
  const reader = p.start('reader');
  p.start('applier');
  p.start('coordinator');
  await waitForLog(reader, /copy phase complete/);
  await waitForEqual(p, [table]);

  // Streaming: inserts, updates (also of the key's row image), deletes, spread over both shards.
  await insertTypes(
    p,
    table,
    Array.from({ length: 40 }, (_, k) => k + 101),
  );
  await p.vtgate.query(
    `UPDATE \`${table}\` SET vc = CONCAT(vc, ' updated'), tm = '-838:59:59', j = '[]' WHERE id % 3 = 1`,
  );
  await p.vtgate.query(`UPDATE \`${table}\` SET ti = NULL, bl = NULL WHERE id % 5 = 2`);
  await p.vtgate.query(`DELETE FROM \`${table}\` WHERE id % 4 = 0`);
  await waitForEqual(p, [table]);
  const [[{ n }]] = (await p.vtgate.query(`SELECT count(*) AS n FROM \`${table}\``)) as unknown as [[{ n: string }]];
  assert.ok(Number(n) > 50);
  // The comparison itself can see a difference in any one value.
  await p.destination.query(`UPDATE sharded."${table}" SET tm = tm + interval '1 millisecond' WHERE id = 1`);
  assert.match((await compareTable(p, table)) ?? '', /id=1 column tm/);

  // cdc status shows the shards the reader streams and how far behind it is on each (recorded every 2 s).
  let vitess:
    { shards: Array<{ shard: string; lastEventAt: string | null; behindSeconds: number | null }> } | undefined;
  for (let attempt = 0; attempt < 20 && vitess?.shards.every((s) => s.lastEventAt !== null) !== true; attempt += 1) {
    const run = spawnSync(process.execPath, [BUNDLE, 'status', '--config', p.configFile, '--json'], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    vitess = (JSON.parse(run.stdout) as Array<{ vitess?: typeof vitess }>)[0].vitess ?? undefined;
    if (vitess?.shards.every((s) => s.lastEventAt !== null) !== true) await new Promise((r) => setTimeout(r, 500));
  }
  assert.deepEqual(
    vitess?.shards.map((s) => s.shard),
    ['-80', '80-'],
  );
  for (const shard of vitess!.shards)
    assert.ok(shard.behindSeconds !== null && shard.behindSeconds < 60, JSON.stringify(shard));
  const human = spawnSync(process.execPath, [BUNDLE, 'status', '--config', p.configFile], { encoding: 'utf8' });
  assert.match(human.stdout, /shards of sharded \(reader, recorded .*\): -80 [\d.]+ s behind, 80- [\d.]+ s behind/);
});

test('the Vitess reader says ready (/readyz) once its VStream delivers, not before', async () => {
  const p = await pipeline('ready', 'sharded');
  await createTable(p, true, `${RUN}_ready_t`, 'id BIGINT NOT NULL PRIMARY KEY, v INT');
  const port = await findFreePort();
  p.start('reader', { env: { CDC_HTTP_ADDR: `127.0.0.1:${port}` } });
  const readyz = async () => {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    return response === undefined ? undefined : { status: response.status, text: await response.text() };
  };
  const seen: number[] = [];
  const deadline = Date.now() + 60_000;
  for (let answer = await readyz(); answer?.status !== 200; answer = await readyz()) {
    if (answer) seen.push(answer.status);
    assert.ok(Date.now() < deadline, `not ready within 60 s (last answer: ${JSON.stringify(answer)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // Before the stream delivered, the server answered 503 (it serves from the process start).
  assert.ok(seen.includes(503), `answers before ready: ${seen.join(',')}`);
});

test('Vitess to MariaDB and Postgres at once: copy + streaming of every type, one read, two destinations, traced in Jaeger', async () => {
  const [mariadb, jaeger] = await Promise.all([
    startMariadb({ name: 'vitess-e2e-mariadb' }) as Promise<MariadbServer>,
    startJaeger({ name: 'vitess-e2e' }),
  ]);
  try {
    const created = await startVitessPipeline({
      name: `fanout_${RUN}`,
      cluster,
      nats,
      postgres,
      keyspace: 'sharded',
      tables: [`${RUN}_fanout_*`],
      mysqlDestinationUrl: await mariadb.createDatabase(`vt_${RUN}`),
    });
    pipelines.push(created);
    const p = created;
    const table = `${RUN}_fanout_types`;
    await createTable(p, true, table, TYPES_COLUMNS);
    await p.vtgate.query(`SET time_zone = '+00:00'`);
    await insertTypes(
      p,
      table,
      Array.from({ length: 40 }, (_, k) => k + 1),
    );
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttpUrl, OTEL_BSP_SCHEDULE_DELAY: '100' };
    p.start('reader', { env: otel });
    p.start('applier', { env: otel });
    p.start('applier', { destination: `my_${p.name}`, env: otel });
    p.start('coordinator');
    const bothEqual = async () => {
      const deadline = Date.now() + 120_000;
      let difference: string | undefined;
      do {
        difference = (await compareMysqlTable(p, table)) ?? (await compareTable(p, table));
        if (!difference) return;
        await new Promise((done) => setTimeout(done, 500));
      } while (Date.now() < deadline);
      assert.fail(`destinations did not become equal to the source: ${difference}`);
    };
    await bothEqual();

    // The first streamed transaction (the copy phase is not traced): one row, so one shard's
    // transaction, must be one trace in Jaeger from the reader through both appliers' commits.
    await insertTypes(p, table, [1001]);
    await bothEqual();
    const trace = await tracedTransaction(jaeger, p.name);
    const serviceOf = (processID: string) => trace.processes[processID].serviceName;
    const tag = (span: { tags: JaegerTrace['spans'][number]['tags'] }, key: string) =>
      span.tags.find((t) => t.key === key)?.value;
    const read = trace.spans.find((s) => s.operationName === 'cdc.read transaction')!;
    assert.equal(serviceOf(read.processID), 'cdc-reader');
    assert.equal(tag(read, 'db.system.name'), 'vitess');
    assert.equal(tag(read, 'cdc.tables'), 1);
    assert.match(String(tag(read, 'cdc.lane')), /^sharded\/(-80|80-)$/);
    assert.match(String(tag(read, 'cdc.position')), /\d+-\d+-\d+|:\d/, 'the shard GTID');
    for (const destination of [`pg_${p.name}`, `my_${p.name}`]) {
      const batch = trace.spans.find(
        (s) => s.operationName === 'cdc.apply batch' && tag(s, 'cdc.destination') === destination,
      );
      assert.ok(batch, `a batch span of ${destination}`);
      assert.equal(serviceOf(batch.processID), 'cdc-applier');
      assert.deepEqual(
        batch.references.map((r) => [r.refType, r.spanID]),
        [['CHILD_OF', read.spanID]],
      );
      const childOf = (parent: string, name: string) =>
        trace.spans.find((s) => s.operationName === name && s.references[0]?.spanID === parent);
      assert.ok(childOf(batch.spanID, 'cdc.decode'), `cdc.decode under ${destination}'s batch`);
      const apply = childOf(batch.spanID, 'cdc.apply');
      assert.ok(apply, `cdc.apply under ${destination}'s batch`);
      assert.ok(childOf(apply.spanID, 'cdc.commit'), `the sink's cdc.commit under ${destination}'s cdc.apply`);
    }

    await insertTypes(
      p,
      table,
      Array.from({ length: 20 }, (_, k) => k + 101),
    );
    await p.vtgate.query(`UPDATE \`${table}\` SET vc = CONCAT(vc, ' updated'), j = '[]', bt = 5 WHERE id % 3 = 1`);
    await p.vtgate.query(`DELETE FROM \`${table}\` WHERE id % 4 = 0`);
    await bothEqual();
    // The MariaDB comparison itself sees a difference in one value.
    const target = p.mysqlDestination!;
    await target.pool.query(
      `UPDATE ${mysql.escapeId(target.database)}.${mysql.escapeId(table)} SET dtm = dtm + INTERVAL 1 MICROSECOND WHERE id = 1`,
    );
    assert.match((await compareMysqlTable(p, table)) ?? '', /id=1 column dtm/);
  } finally {
    await Promise.all([mariadb.destroy(), jaeger.destroy()]);
  }
});

/** The trace of the source's one-op transaction that reached both destinations' commits. */
async function tracedTransaction(jaeger: JaegerServer, source: string): Promise<JaegerTrace> {
  const deadline = Date.now() + 60_000;
  let seen = 'no trace of cdc-reader';
  while (Date.now() < deadline) {
    for (const summary of await jaeger.findTraces('cdc-reader')) {
      const trace = await jaeger.getTrace(summary.traceID);
      const read = trace?.spans.find((s) => s.operationName === 'cdc.read transaction');
      if (!trace || !read || read.tags.find((t) => t.key === 'cdc.source')?.value !== source) continue;
      if (read.tags.find((t) => t.key === 'cdc.ops')?.value !== 1) continue;
      const commits = trace.spans.filter((s) => s.operationName === 'cdc.commit').length;
      seen = `a trace with ${trace.spans.length} spans: ${trace.spans.map((s) => s.operationName).join(', ')}`;
      if (commits >= 2) return trace;
    }
    await new Promise((done) => setTimeout(done, 500));
  }
  throw new Error(
    `Jaeger has no trace of a one-op ${source} transaction with both destinations' commits; last seen: ${seen}`,
  );
}

test('the reader killed in the middle of the copy phase, and again while streaming, resumes without loss', async () => {
  const p = await pipeline('crash', 'sharded');
  const table = `${RUN}_crash_rows`;
  await createTable(p, true, table, 'id BIGINT NOT NULL PRIMARY KEY, v VARCHAR(40), n INT NOT NULL');
  const total = 120_000;
  for (let start = 1; start <= total; start += 4000) {
    const ids = Array.from({ length: 4000 }, (_, k) => start + k);
    await p.vtgate.query(
      `INSERT INTO \`${table}\` (id, v, n) VALUES ${ids.map(() => '(?, ?, ?)').join(', ')}`,
      ids.flatMap((id) => [id, `row ${id}`, 0]),
    );
  }
  p.start('applier');
  p.start('coordinator');
  let reader = p.start('reader');
  await waitForLog(reader, /"msg":"copying"|VStream starting/);
  // Kill as soon as some rows reached the destination (the copy is far from done then).
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows } = await p.destination
      .query(`SELECT count(*) AS n FROM sharded."${table}"`)
      .catch(() => ({ rows: [{ n: '0' }] }));
    if (Number(rows[0].n) > 0 || Date.now() > deadline) break;
    await new Promise((done) => setTimeout(done, 50));
  }
  assert.doesNotMatch(reader.log(), /copy phase complete/, 'the copy finished before the kill: make the table bigger');
  await p.stop(reader, 'SIGKILL');

  reader = p.start('reader');
  await waitForLog(reader, /copy phase complete/, 180_000);
  // While streaming: changes, then kill -9 in the middle of more changes, and restart.
  const writes = (async () => {
    for (let round = 0; round < 30; round += 1) {
      await p.vtgate.query(`UPDATE \`${table}\` SET n = n + 1 WHERE id % 30 = ?`, [round]);
      await p.vtgate.query(`INSERT INTO \`${table}\` (id, v, n) VALUES (?, 'streamed', 0)`, [total + 1 + round]);
    }
  })();
  await new Promise((done) => setTimeout(done, 300));
  await p.stop(reader, 'SIGKILL');
  await writes;
  reader = p.start('reader');
  await waitForEqual(p, [table], 240_000);
  assert.match(reader.log(), /resuming from the committed VGtid/);
});

test('vtgate restarted mid-stream: the reader reconnects by itself and nothing is lost', async () => {
  const p = await pipeline('restart', 'sharded');
  const table = `${RUN}_restart_rows`;
  await createTable(p, true, table, 'id BIGINT NOT NULL PRIMARY KEY, n INT NOT NULL');
  const reader = p.start('reader');
  p.start('applier');
  p.start('coordinator');
  await waitForLog(reader, /copy phase complete/);
  let stop = false;
  let next = 1;
  const writes = (async () => {
    while (!stop) {
      try {
        await p.vtgate.query(`INSERT INTO \`${table}\` (id, n) VALUES (?, ?)`, [next, next]);
        next += 1;
      } catch {
        await new Promise((done) => setTimeout(done, 200)); // vtgate is down for a moment
      }
    }
  })();
  await new Promise((done) => setTimeout(done, 1500));
  await cluster.restart();
  await new Promise((done) => setTimeout(done, 1500));
  stop = true;
  await writes;
  await waitForEqual(p, [table], 120_000);
  assert.ok(next > 10, `only ${next - 1} rows written`);
  assert.equal(reader.child.exitCode, null, 'the reader kept running');
  assert.match(reader.log(), /VStream interrupted; reconnecting|vtgate ended the VStream/);
});

test('ALTER TABLE ADD COLUMN and a table created mid-stream reach the destination', async () => {
  const p = await pipeline('ddl', 'unsharded');
  const table = `${RUN}_ddl_rows`;
  await createTable(p, false, table, 'id BIGINT NOT NULL PRIMARY KEY, v VARCHAR(20)');
  await p.vtgate.query(`INSERT INTO \`${table}\` (id, v) VALUES (1, 'before')`);
  p.start('reader');
  p.start('applier');
  p.start('coordinator');
  await waitForEqual(p, [table]);
  await p.vtgate.query(`ALTER TABLE \`${table}\` ADD COLUMN extra INT`);
  await p.vtgate.query(`INSERT INTO \`${table}\` (id, v, extra) VALUES (2, 'after', 42)`);
  await p.vtgate.query(`UPDATE \`${table}\` SET extra = 7 WHERE id = 1`);
  await waitForEqual(p, [table]);
  assert.equal(await compareTable(p, table), undefined);

  // A table created mid-stream under the configured pattern arrives without a restart.
  const created = `${RUN}_ddl_created_later`;
  await createTable(p, false, created, 'id BIGINT NOT NULL PRIMARY KEY, note VARCHAR(40)');
  await p.vtgate.query(`INSERT INTO \`${created}\` (id, note) VALUES (1, 'one'), (2, 'two'), (3, 'three')`);
  await p.vtgate.query(`UPDATE \`${created}\` SET note = 'TWO' WHERE id = 2`);
  await p.vtgate.query(`DELETE FROM \`${created}\` WHERE id = 3`);
  await waitForEqual(p, [table, created]);
  assert.equal(await compareTable(p, created), undefined);
});
