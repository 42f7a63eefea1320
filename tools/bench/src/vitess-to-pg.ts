// Vitess → Postgres: the VStream Copy phase and streaming, against vtgate's own read ceiling in
// the same run:
//   node --import tsx tools/bench/src/vitess-to-pg.ts [--rows N] [--no-docs]
// 1. N rows in a table of the 2-shard keyspace of tools/vitess-testenv;
// 2. the ceiling: the same rows read with a plain streaming SELECT through vtgate's MySQL port
//    (workload OLAP, so vtgate streams instead of capping the result);
// 3. copy: reader + applier + coordinator from an empty destination until Postgres has N rows
//    (and the reader's own copy rate, from its log);
// 4. streaming: the reader stopped, N/2 more rows inserted (1000-row transactions), the reader
//    started again: rows/s until Postgres has them all.
// Each step also records the CPU seconds of every process (ours, nats-server, the destination
// Postgres, vtcombo, Vitess's MariaDB, the bench driver that runs the baselines) and the peak RSS
// of our services and nats-server.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mysql from 'mysql2/promise';
import mysqlStreaming from 'mysql2';
import { Client } from 'pg';
import { startNats, startPostgres, startVitess } from '@cdc/testenv';
import { VStreamClient } from '@cdc/vitess-source';
import { spawnLogged, tail, type Child } from './pipeline';
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
import { renderVitessMarkdown, renderVitessPlots, type VitessResults } from './vitess-report';

const REPO = resolve(__dirname, '../../..');
const BUNDLE = join(REPO, 'dist/cdc.cjs');
const argv = process.argv.slice(2);
const ROWS = Number(argv[argv.indexOf('--rows') + 1] || 0) || 200_000;
const STREAM_ROWS = Math.max(1000, Math.floor(ROWS / 2 / 1000) * 1000);
const WRITE_DOCS = !argv.includes('--no-docs');
const say = (message: string) => console.log(`[bench vitess→pg] ${message}`);

async function main(): Promise<void> {
  const load = loadAverage();
  const [cluster, nats, destination] = await Promise.all([
    startVitess(),
    startNats({ name: 'bench-vt-nats' }),
    startPostgres({ name: 'bench-vt-dest', logical: false }),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'cdc-bench-vitess-'));
  const children: Child[] = [];
  const table = `bench_${Date.now().toString(36)}`;
  const vtgate = mysql.createPool({ uri: cluster.mysqlUrl('sharded'), connectionLimit: 4 });
  const destinationUrl = await destination.createDatabase('replica');
  const pg = new Client({ connectionString: destinationUrl });
  await pg.connect();
  const named = new Map<number, string>([
    [process.pid, 'bench driver (baseline clients, polling)'],
    [natsServerPid(nats.storeDir), 'nats-server'],
  ]);
  const classify = processClassifier(named, [
    [postmasterPid(destination.dataDir), 'destination Postgres (all processes)'],
  ]);
  const usage: ServiceUsage[] = [];
  const measure = stepMeasurer(named, classify, usage);
  try {
    await vtgate.query(`ALTER VSCHEMA ON \`${table}\` ADD VINDEX hash(id) USING hash`);
    await vtgate.query(`CREATE TABLE \`${table}\` (id BIGINT NOT NULL PRIMARY KEY, account INT NOT NULL,
      amount DECIMAL(12,2), note VARCHAR(80), at DATETIME(6) NOT NULL)`);
    const insert = async (from: number, count: number) => {
      for (let start = from; start < from + count; start += 1000) {
        const ids = Array.from({ length: Math.min(1000, from + count - start) }, (_, k) => start + k);
        await vtgate.query(
          `INSERT INTO \`${table}\` (id, account, amount, note, at) VALUES ${ids.map(() => '(?, ?, ?, ?, NOW(6))').join(', ')}`,
          ids.flatMap((id) => [id, id % 1000, (id % 100000) / 100, `note ${id} ${'x'.repeat(40)}`]),
        );
      }
    };
    say(`writing ${ROWS} rows into sharded.${table}`);
    await insert(1, ROWS);

    // The ceiling: a plain SELECT of the same rows through vtgate.
    const reader = mysqlStreaming.createConnection({ uri: cluster.mysqlUrl('sharded') });
    await reader.promise().query(`SET workload = 'olap'`);
    let selected = 0;
    const selectStart = Date.now();
    await measure(
      'baseline: SELECT through vtgate',
      () =>
        new Promise<void>((done, fail) => {
          reader
            .query(`SELECT id, account, amount, note, at FROM \`${table}\``)
            .stream()
            .on('data', () => {
              selected += 1;
            })
            .on('end', () => done())
            .on('error', fail);
        }),
    );
    const selectSeconds = (Date.now() - selectStart) / 1000;
    const selectRate = selected / ((Date.now() - selectStart) / 1000);
    await reader.promise().end();
    say(`plain SELECT through vtgate: ${selected} rows at ${Math.round(selectRate)} rows/s`);

    // The VStream Copy itself: the same copy, events only decoded from protobuf and counted.
    const client = new VStreamClient(cluster.grpcAddress);
    const rawStop = new AbortController();
    let rawRows = 0;
    const rawStart = Date.now();
    let rawSeconds = NaN;
    await measure('raw VStream copy', async () => {
      for await (const events of client.stream(
        {
          tabletType: 'primary',
          vgtid: { shardGtids: [{ keyspace: 'sharded', gtid: '' }] },
          rules: [{ match: `/^${table}$` }],
          heartbeatIntervalS: 1,
          stopOnReshard: false,
        },
        rawStop.signal,
      )) {
        for (const event of events) {
          rawRows += event.rowEvent?.rowChanges?.length ?? 0;
          if (event.type === 20 /* COPY_COMPLETED */ && !event.keyspace) {
            rawSeconds = (Date.now() - rawStart) / 1000;
            rawStop.abort();
          }
        }
      }
    });
    client.close();
    const rawRate = rawRows / rawSeconds;
    say(`raw VStream copy (decode and count only): ${rawRows} rows at ${Math.round(rawRate)} rows/s`);

    const config = join(dir, 'cdc.yaml');
    writeFileSync(
      config,
      `nats:
  url: ${nats.url}
sources:
  - name: vbench
    type: vitess
    vtgate: ${cluster.grpcAddress}
    keyspace: sharded
    tables: [${table}]
    mysql: ${cluster.mysqlUrl('sharded')}
destinations:
  - name: replica
    type: postgres
    url: ${destinationUrl}
    sources: [vbench]
    create_tables: true
coordinator:
  interval_ms: 200
`,
    );
    const run = (kind: string) => {
      const args = [BUNDLE, kind, '--config', config];
      if (kind === 'reader') args.push('--source', 'vbench');
      if (kind === 'applier') args.push('--destination', 'replica');
      const child = spawnLogged(process.execPath, args, join(dir, `${kind}-${children.length}.log`));
      children.push(child);
      if (child.process.pid) named.set(child.process.pid, kind);
      return child;
    };
    const waitForRows = async (want: number, watch: Child[]) => {
      for (;;) {
        await new Promise((r) => setTimeout(r, 100));
        for (const child of watch) {
          if (child.process.exitCode !== null) throw new Error(`a service exited:\n${tail(child.logFile)}`);
        }
        const result = await pg
          .query(`SELECT count(*)::int AS n FROM sharded."${table}"`)
          .catch(() => ({ rows: [{ n: 0 }] }));
        if (Number(result.rows[0].n) >= want) return;
      }
    };

    const copyStart = Date.now();
    const applier = run('applier');
    const coordinator = run('coordinator');
    let vreader = run('reader');
    await measure('copy into Postgres', () => waitForRows(ROWS, [applier, coordinator, vreader]));
    const copySeconds = (Date.now() - copyStart) / 1000;
    const logged = /"rowsPerSecond":(\d+),"msg":"copy phase complete/.exec(tail(vreader.logFile, 200));
    const readerCopyRate = logged ? Number(logged[1]) : NaN;
    say(
      `copy into Postgres: ${ROWS} rows in ${copySeconds.toFixed(1)} s = ${Math.round(ROWS / copySeconds)} rows/s (reader alone: ${readerCopyRate} rows/s)`,
    );

    await new Promise((r) => setTimeout(r, 1500)); // let the committed VGtid catch up
    vreader.process.kill('SIGTERM');
    await vreader.exited;
    if (vreader.process.pid) named.delete(vreader.process.pid);
    say(`reader stopped; writing ${STREAM_ROWS} more rows`);
    await insert(ROWS + 1, STREAM_ROWS);
    const streamStart = Date.now();
    vreader = run('reader');
    await measure('streaming into Postgres', () => waitForRows(ROWS + STREAM_ROWS, [applier, coordinator, vreader]));
    const streamSeconds = (Date.now() - streamStart) / 1000;
    const streamRate = STREAM_ROWS / streamSeconds;
    say(`streaming drain: ${STREAM_ROWS} rows in ${streamSeconds.toFixed(1)} s = ${Math.round(streamRate)} rows/s`);

    const pgVersion = String((await pg.query('SHOW server_version')).rows[0].server_version);
    const [versionRows] = await vtgate.query('SELECT @@version AS v');
    const mysqlVersion = String((versionRows as Array<{ v: string }>)[0]?.v ?? 'unknown');
    const natsBinary = process.env.CDC_NATS_SERVER ?? join(REPO, '.cache', 'bin', 'nats-server');
    const natsVersion = spawnSync(natsBinary, ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'nats-server';
    const results: VitessResults = {
      info: {
        ...runInfo(
          REPO,
          `npx nx run bench:bench-vitess -- --rows ${ROWS}   (= node --import tsx tools/bench/src/vitess-to-pg.ts --rows ${ROWS})`,
          load,
        ),
        software:
          `Vitess vttestserver (vtgate and the vttablets in one vtcombo process) over one MariaDB (vtgate reports ${mysqlVersion}), ` +
          `PostgreSQL ${pgVersion} destination, ${natsVersion.replace(/^nats-server: /, 'nats-server ')}, node ${process.version}`,
        workload:
          `one table of the 2-shard keyspace (bigint key, int, decimal(12,2), ~55-char varchar, datetime(6)): ${ROWS} rows ` +
          `for the copy, then ${STREAM_ROWS} more in 1000-row transactions while the reader is stopped, drained by streaming`,
      },
      paths: [
        { path: 'select', rows: selected, seconds: selectSeconds, rowsPerSecond: selectRate },
        { path: 'raw-vstream', rows: rawRows, seconds: rawSeconds, rowsPerSecond: rawRate },
        { path: 'reader-copy', rows: ROWS, rowsPerSecond: readerCopyRate },
        { path: 'copy', rows: ROWS, seconds: copySeconds, rowsPerSecond: ROWS / copySeconds },
        { path: 'stream', rows: STREAM_ROWS, seconds: streamSeconds, rowsPerSecond: streamRate },
      ],
      usage,
    };
    saveRun({
      repo: REPO,
      name: 'vitess-to-pg',
      script: 'vitess-to-pg.ts',
      heading: '## Vitess → Postgres',
      results,
      markdown: renderVitessMarkdown(results),
      plots: renderVitessPlots(results),
      docs: WRITE_DOCS,
      say,
    });
  } finally {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGTERM');
    await Promise.all(children.map((c) => c.exited));
    await pg.end().catch(() => undefined);
    await vtgate.end().catch(() => undefined);
    await Promise.all([nats.destroy(), destination.destroy()]);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
