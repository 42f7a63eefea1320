// PG → MariaDB apply rate, against the destination's own ceiling in the same run:
//   node --import tsx tools/bench/src/pg-to-mariadb.ts [--rows N] [--order ours-first|baseline-first|alternate] [--no-docs]
// 1. The reader publishes N streamed rows (INSERTs in 1000-row source transactions) to JetStream
//    while no applier runs; 2. the applier (product defaults: 16 partitions, batches of up to
//    5000 ops, concurrency 4) drains them into MariaDB: rows/s from its start to the last row;
// 3. the same rows, read from the source, go into an empty table of the applier's column types
//    with plain multi-row INSERTs (1000 rows a statement) committed every 5000 rows, the
//    applier's batch.max_ops, on 1 and on 4 connections.
// 2 runs twice: with the product's LOAD DATA path and with load_data: false (INSERT statements),
// each into its own database. 2 and 3 run ours first or the baselines first (--order). MariaDB's Com_commit counter gives
// the transactions each one committed. Each step records the CPU seconds of every process and
// the peak RSS of our services and nats-server.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import mysql from 'mysql2/promise';
import { Client } from 'pg';
import { startMariadb, startNats, startPostgres } from '@cdc/testenv';
import {
  REPO,
  natsServerVersion,
  runScript,
  scriptOptions,
  serviceStarter,
  stopServices,
  streamedPostgresSource,
  waitForPublished,
  writeScriptConfig,
} from './bench-script';
import { arrange } from './contender-order';
import {
  mariadbSequence,
  renderMariadbMarkdown,
  renderMariadbPlots,
  type MariadbPathResult,
  type MariadbResults,
} from './mariadb-report';
import { tail, type Child, type ServiceKind } from './pipeline';
import {
  loadAverage,
  natsServerPid,
  postmasterPid,
  processClassifier,
  runInfo,
  saveRun,
  stepMeasurer,
  type ServiceUsage,
} from './sections';

const { rows: ROWS, writeDocs: WRITE_DOCS, order: ORDER } = scriptOptions(process.argv.slice(2), 'pg-to-mariadb');
/** The destination's batch.max_ops (the product default, not set in the config below): the baseline's commit size too. */
const BATCH_MAX_OPS = 5000;
const ROWS_PER_STATEMENT = 1000;
/** The table the applier creates (libs/mysql-sink's type mapping of the source table), for the baseline. */
const BASELINE_COLUMNS =
  'id BIGINT NOT NULL PRIMARY KEY, account INT NOT NULL, amount DECIMAL(12,2), note LONGTEXT, at DATETIME(6) NOT NULL';

const say = (message: string) => console.log(`[bench pg→mariadb] ${message}`);

async function main(): Promise<void> {
  const load = loadAverage();
  const [source, destination, nats] = await Promise.all([
    startPostgres({ name: 'bench-my-source' }),
    startMariadb({ name: 'bench-my-dest' }),
    startNats({ name: 'bench-my-nats' }),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'cdc-bench-mariadb-'));
  const children: Child[] = [];
  const named = new Map<number, string>([
    [process.pid, 'bench driver (writer, baseline INSERTs, polling)'],
    [natsServerPid(nats.storeDir), 'nats-server'],
  ]);
  const mariadbPid = Number(readFileSync(join(destination.dataDir, '..', 'mariadb.pid'), 'utf8').trim());
  const classify = processClassifier(named, [
    [postmasterPid(source.dataDir), 'source Postgres (all processes)'],
    [mariadbPid, 'destination MariaDB'],
  ]);
  const usage: ServiceUsage[] = [];
  const measure = stepMeasurer(named, classify, usage);
  try {
    const sourceUrl = await source.createDatabase('bench');
    const destinationUrl = await destination.createDatabase('replica');
    const insertOnlyUrl = await destination.createDatabase('replica_insert');
    const pg = new Client({ connectionString: sourceUrl });
    await pg.connect();
    await pg.query(`CREATE TABLE rows (id bigint PRIMARY KEY, account int NOT NULL, amount numeric(12,2),
                      note text, at timestamptz NOT NULL DEFAULT now())`);
    const config = writeScriptConfig(dir, nats.url, {
      sources: streamedPostgresSource(sourceUrl, "['public.rows']"),
      destinations: `  - name: replica
    type: mysql
    url: ${destinationUrl}
    sources: [bench]
    create_tables: true
    schema: replica
  - name: replica_insert
    type: mysql
    url: ${insertOnlyUrl}
    sources: [bench]
    create_tables: true
    schema: replica_insert
    load_data: false
`,
    });
    const start = serviceStarter({ config, dir, source: 'bench', children, named });
    const run = (kind: ServiceKind, destination = 'replica') =>
      start(kind, { destination, logName: `${kind}-${destination}` });
    run('coordinator');
    const reader = run('reader');
    await new Promise((r) => setTimeout(r, 3_000)); // slot and stream in place
    say(`writing ${ROWS} rows at the source (1000-row transactions)`);
    for (let from = 1; from <= ROWS; from += 1000) {
      await pg.query(
        `INSERT INTO rows (id, account, amount, note)
         SELECT g, g % 1000, (g % 100000) / 100.0, 'note ' || g || repeat('x', 40) FROM generate_series($1::int8, $2::int8) g`,
        [from, Math.min(ROWS, from + 999)],
      );
    }
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    const { messages: last } = await waitForPublished(jsm, 'CDC_bench', reader);
    await nc.close();
    say(`published: ${last} messages in the stream`);
    const my = await mysql.createConnection({ uri: destinationUrl, multipleStatements: true });
    /** Transactions MariaDB committed so far (COMMIT statements, every session). */
    const commitCount = async () => {
      const [status] = await my.query(`SHOW GLOBAL STATUS LIKE 'Com_commit'`);
      return Number((status as Array<{ Value: string }>)[0]?.Value ?? NaN);
    };

    const oursDrain = async (loadData: boolean): Promise<MariadbPathResult[]> => {
      const step = loadData ? 'applier drain' : 'applier drain, load_data: false';
      const database = loadData ? 'replica' : 'replica_insert';
      say(`starting the applier${loadData ? '' : ' (load_data: false)'}`);
      const commitsBefore = await commitCount();
      const started = Date.now();
      const applier = run('applier', database);
      await measure(step, async () => {
        for (;;) {
          await new Promise((r) => setTimeout(r, 100));
          if (applier.process.exitCode !== null) throw new Error(`applier exited:\n${tail(applier.logFile)}`);
          // MAX(id) is one index probe; COUNT(*) scans the table, which on MariaDB took CPU from
          // the applier it measures (the baseline is not polled), so it only confirms the end.
          const [top] = await my
            .query(`SELECT COALESCE(MAX(id), 0) AS m FROM ${database}.\`rows\``)
            .catch(() => [[{ m: 0 }]] as unknown as [unknown]);
          if (Number((top as { m: number }[])[0].m) < ROWS) continue;
          const [rows] = await my
            .query(`SELECT COUNT(*) AS n FROM ${database}.\`rows\``)
            .catch(() => [[{ n: 0 }]] as unknown as [unknown]);
          if (Number((rows as { n: number }[])[0].n) >= ROWS) break;
        }
      });
      const seconds = (Date.now() - started) / 1000;
      const commits = (await commitCount()) - commitsBefore;
      say(
        `applier${loadData ? '' : ' (load_data: false)'}: ${ROWS} rows in ${seconds.toFixed(1)} s = ${Math.round(ROWS / seconds)} rows/s, ${commits} commits`,
      );
      // Stopped, so the next contender runs alone.
      applier.process.kill('SIGTERM');
      await applier.exited;
      return [{ path: loadData ? 'applier' : 'applier-insert', rows: ROWS, seconds, commits, step }];
    };

    // The ceiling: the same rows (read from the source, the timestamps as UTC text as the applier
    // writes them) with plain multi-row INSERTs, committed every BATCH_MAX_OPS rows.
    const { rows: all } = await pg.query({
      text: `SELECT id, account, amount::text, note, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')
               FROM rows ORDER BY id`,
      rowMode: 'array',
    });
    const transactions: unknown[][][][] = [];
    for (let i = 0; i < all.length; i += BATCH_MAX_OPS) {
      const statements: unknown[][][] = [];
      for (let j = i; j < Math.min(all.length, i + BATCH_MAX_OPS); j += ROWS_PER_STATEMENT)
        statements.push(all.slice(j, Math.min(j + ROWS_PER_STATEMENT, i + BATCH_MAX_OPS)));
      transactions.push(statements);
    }
    const ceiling = async (connections: number): Promise<MariadbPathResult[]> => {
      const table = `ceiling_${connections}`;
      await my.query(`DROP TABLE IF EXISTS replica.${table}; CREATE TABLE replica.${table} (${BASELINE_COLUMNS})`);
      const sessions = await Promise.all(
        Array.from({ length: connections }, () => mysql.createConnection({ uri: destinationUrl })),
      );
      const step = `baseline: bulk INSERT, ${connections} connection${connections === 1 ? '' : 's'}`;
      const commitsBefore = await commitCount();
      const begin = Date.now();
      let next = 0;
      await measure(step, () =>
        Promise.all(
          sessions.map(async (session) => {
            while (next < transactions.length) {
              const statements = transactions[next++];
              await session.query('START TRANSACTION');
              for (const chunk of statements)
                await session.query(`INSERT INTO replica.${table} (id, account, amount, note, at) VALUES ?`, [chunk]);
              await session.query('COMMIT');
            }
          }),
        ),
      );
      const seconds = (Date.now() - begin) / 1000;
      const commits = (await commitCount()) - commitsBefore;
      await Promise.all(sessions.map((session) => session.end()));
      say(`plain bulk INSERT on ${connections}: ${Math.round(ROWS / seconds)} rows/s, ${commits} commits`);
      return [{ path: connections === 1 ? 'insert-1' : 'insert-4', rows: ROWS, seconds, commits, step }];
    };

    const paths: MariadbPathResult[] = [];
    for (const contender of arrange(
      ORDER,
      [() => oursDrain(true), () => oursDrain(false)],
      [() => ceiling(1), () => ceiling(4)],
    ))
      paths.push(...(await contender()));
    // The baseline's table is written by hand: check that it has the column types of the applier's.
    const [columns] = await my.query(
      `SELECT table_name AS t, GROUP_CONCAT(column_name, ' ', column_type, ' ', is_nullable ORDER BY ordinal_position) AS c
         FROM information_schema.columns WHERE table_schema = 'replica' AND table_name IN ('rows', 'ceiling_1') GROUP BY table_name`,
    );
    const shapes = new Map((columns as Array<{ t: string; c: string }>).map((r) => [r.t, r.c]));
    const sameColumns = shapes.get('rows') === shapes.get('ceiling_1');
    if (!sameColumns)
      say(
        `warning: the baseline's columns (${shapes.get('ceiling_1')}) differ from the applier's (${shapes.get('rows')})`,
      );
    await my.end();
    await pg.end();
    const pgVersion = String((await source.query('SHOW server_version')).rows[0].server_version);
    const mariadbVersion = String((await destination.query('SELECT VERSION() AS v')).rows[0]?.v ?? 'unknown');
    const results: MariadbResults = {
      info: {
        ...runInfo(
          REPO,
          `npx nx run bench:bench-mariadb -- --rows ${ROWS} --order ${ORDER}   (= node --import tsx tools/bench/src/pg-to-mariadb.ts --rows ${ROWS} --order ${ORDER})`,
          load,
        ),
        order: ORDER,
        sequence: mariadbSequence(paths),
        software:
          `PostgreSQL ${pgVersion} source, MariaDB ${mariadbVersion} destination (testenv settings), ` +
          `${natsServerVersion()}, node ${process.version}`,
        workload:
          `one table (bigint key, int, numeric(12,2), ~50-char text, timestamptz), ${ROWS} rows inserted in 1000-row ` +
          `source transactions and published first; then the applier (defaults: 16 partitions, batch.max_ops ${BATCH_MAX_OPS}, ` +
          `concurrency 4) drains them into MariaDB. The baseline is the same rows written with plain multi-row ` +
          `\`INSERT … VALUES\` (${ROWS_PER_STATEMENT} rows a statement) committed every ${BATCH_MAX_OPS} rows (the applier's ` +
          `batch.max_ops) into an empty table of the applier's column types (${sameColumns ? 'checked after the run: the same' : 'checked after the run: NOT the same'})`,
      },
      paths,
      usage,
    };
    saveRun({
      repo: REPO,
      name: 'pg-to-mariadb',
      script: 'pg-to-mariadb.ts',
      heading: '## PG → MariaDB',
      results,
      markdown: renderMariadbMarkdown(results),
      plots: renderMariadbPlots(results),
      docs: WRITE_DOCS,
      say,
    });
  } finally {
    await stopServices(children);
    await Promise.all([source.destroy(), destination.destroy(), nats.destroy()]);
  }
}

runScript(main);
