// Vitess → Postgres: the VStream Copy phase and streaming, against vtgate's own read ceiling and
// a raw VStream client in the same run:
//   node --import tsx tools/bench/src/vitess-to-pg.ts [--rows N] [--order ours-first|baseline-first|alternate] [--no-docs]
// 1. N rows in a table of the 2-shard keyspace of tools/vitess-testenv;
// 2. the ceilings: the same rows read with a plain streaming SELECT through vtgate's MySQL port
//    (workload OLAP, so vtgate streams instead of capping the result), and a raw VStream Copy
//    whose events are only decoded and counted;
// 3. copy: reader + applier + coordinator from an empty destination until Postgres has N rows,
//    and the reader's own copy: until JetStream has stored every row (counted in the stream);
// 4. streaming: the reader stopped, N/2 more rows inserted (1000-row transactions), the reader
//    started again: rows/s until Postgres has them all, against a raw VStream client streaming
//    the same events from the same (the reader's committed) VGtid, only decoding and counting.
// Steps 2 and 3, and the two contenders of 4, run ours first or the baselines first (--order).
// Each step also records the CPU seconds of every process (ours, nats-server, the destination
// Postgres, vtcombo, Vitess's MariaDB, the bench driver that runs the baselines) and the peak RSS
// of our services and nats-server.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import mysqlStreaming from 'mysql2';
import { Client } from 'pg';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { ensureSourceStream } from '@cdc/change-stream';
import { ProgressStore } from '@cdc/progress';
import { startNats, startPostgres, startVitess } from '@cdc/testenv';
import { decodeVgtid, VStreamClient, type binlogdata } from '@cdc/vitess-source';
import {
  REPO,
  natsServerVersion,
  runScript,
  scriptOptions,
  serviceStarter,
  stopServices,
  writeScriptConfig,
} from './bench-script';
import { arrange } from './contender-order';
import { tail, type Child } from './pipeline';
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
import { storedRowCounter } from './stored-rows';
import {
  renderVitessMarkdown,
  renderVitessPlots,
  vitessSequence,
  type VitessPathResult,
  type VitessResults,
} from './vitess-report';

const { rows: ROWS, writeDocs: WRITE_DOCS, order: ORDER } = scriptOptions(process.argv.slice(2), 'vitess-to-pg');
const STREAM_ROWS = Math.max(1000, Math.floor(ROWS / 2 / 1000) * 1000);
const SOURCE = 'vbench';
const PARTITIONS = 16;
const say = (message: string) => console.log(`[bench vitess→pg] ${message}`);

/** When the reader's log says its VStream started (ms since epoch), if it does. */
function vstreamStartedAt(logFile: string): number | undefined {
  const line = readFileSync(logFile, 'utf8')
    .split('\n')
    .find((l) => l.includes('"msg":"VStream starting"'));
  const time = line ? Date.parse(String((JSON.parse(line) as { time?: unknown }).time)) : NaN;
  return Number.isFinite(time) ? time : undefined;
}

/** A VGtid from which streaming resumes without copying: every shard has a position and no table left to copy. */
function pastCopy(vgtid: binlogdata.IVGtid | undefined): vgtid is binlogdata.IVGtid {
  const shards = vgtid?.shardGtids ?? [];
  return shards.length > 0 && shards.every((s) => !!s.gtid && s.gtid !== 'current' && (s.tablePKs ?? []).length === 0);
}

/**
 * The reader alone in a phase: the rows it stored in JetStream, timed from its VStream's start
 * (as the raw client is), or from its process's start when its log does not say.
 */
function readerAlone(
  path: 'reader-copy' | 'reader-stream',
  stored: { readonly rows: number; readonly storedAt: number },
  vstreamStart: number | undefined,
  processStart: number,
): VitessPathResult & { readonly seconds: number } {
  const seconds = (stored.storedAt - (vstreamStart ?? processStart)) / 1000;
  return {
    path,
    rows: stored.rows,
    seconds,
    rowsPerSecond: stored.rows / seconds,
    timedFrom: vstreamStart !== undefined ? 'its VStream start' : 'its process start',
  };
}

function readerAloneText(reader: VitessPathResult & { readonly seconds: number }, messages: number): string {
  return `reader alone: ${reader.rows} rows stored in JetStream in ${messages} messages ${reader.seconds.toFixed(1)} s after its VStream started = ${Math.round(reader.rowsPerSecond)} rows/s`;
}

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
    const selectBaseline = async (): Promise<VitessPathResult[]> => {
      const reader = mysqlStreaming.createConnection({ uri: cluster.mysqlUrl('sharded') });
      await reader.promise().query(`SET workload = 'olap'`);
      let selected = 0;
      const step = 'baseline: SELECT through vtgate';
      const selectStart = Date.now();
      await measure(
        step,
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
      const seconds = (Date.now() - selectStart) / 1000;
      await reader.promise().end();
      say(`plain SELECT through vtgate: ${selected} rows at ${Math.round(selected / seconds)} rows/s`);
      return [{ path: 'select', rows: selected, seconds, rowsPerSecond: selected / seconds, step }];
    };

    // A raw VStream client: the events only decoded from protobuf (by VStreamClient) and their
    // row changes counted, until `done` says so.
    const rawVStream = async (
      step: string,
      vgtid: binlogdata.IVGtid,
      done: (event: binlogdata.IVEvent, rows: number) => boolean,
    ): Promise<{ rows: number; seconds: number }> => {
      const client = new VStreamClient(cluster.grpcAddress);
      const stop = new AbortController();
      const timeout = setTimeout(() => stop.abort(), 600_000);
      let rows = 0;
      let seconds = NaN;
      const start = Date.now();
      await measure(step, async () => {
        for await (const events of client.stream(
          {
            tabletType: 'primary',
            vgtid,
            rules: [{ match: `/^${table}$` }],
            heartbeatIntervalS: 1,
            stopOnReshard: false,
          },
          stop.signal,
        )) {
          for (const event of events) {
            rows += event.rowEvent?.rowChanges?.length ?? 0;
            if (Number.isNaN(seconds) && done(event, rows)) {
              seconds = (Date.now() - start) / 1000;
              stop.abort();
            }
          }
        }
      });
      clearTimeout(timeout);
      client.close();
      if (Number.isNaN(seconds)) throw new Error(`${step}: the VStream ended (or timed out) after ${rows} rows`);
      return { rows, seconds };
    };

    // The VStream Copy itself: the same copy, events only decoded and counted.
    const rawCopyBaseline = async (): Promise<VitessPathResult[]> => {
      const step = 'baseline: raw VStream copy';
      const { rows, seconds } = await rawVStream(
        step,
        { shardGtids: [{ keyspace: 'sharded', gtid: '' }] },
        (event) => event.type === 20 /* COPY_COMPLETED */ && !event.keyspace,
      );
      say(`raw VStream copy (decode and count only): ${rows} rows at ${Math.round(rows / seconds)} rows/s`);
      return [{ path: 'raw-vstream', rows, seconds, rowsPerSecond: rows / seconds, step }];
    };

    const config = writeScriptConfig(dir, nats.url, {
      sources: `  - name: ${SOURCE}
    type: vitess
    vtgate: ${cluster.grpcAddress}
    keyspace: sharded
    tables: [${table}]
    mysql: ${cluster.mysqlUrl('sharded')}
    partitions: ${PARTITIONS}
`,
      destinations: `  - name: replica
    type: postgres
    url: ${destinationUrl}
    sources: [${SOURCE}]
    create_tables: true
`,
    });
    const run = serviceStarter({ config, dir, source: SOURCE, destination: 'replica', children, named });
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
    // The stream exists before the reader starts (made as the reader makes it), so that the
    // stored-row counter can hold every message from the first.
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    await ensureSourceStream(jsm, { source: SOURCE, partitions: PARTITIONS, destinations: ['replica'] });
    const progress = await ProgressStore.open(nc);
    const committedVgtid = async () => {
      const token = (await progress.readCommitted(SOURCE))?.position.token;
      return token?.length ? decodeVgtid(token) : undefined;
    };

    let applier: Child | undefined;
    let coordinator: Child | undefined;
    const oursCopy = async (): Promise<VitessPathResult[]> => {
      const counter = await storedRowCounter(jsm, jetstream(nc), SOURCE);
      const step = 'copy into Postgres';
      const copyStart = Date.now();
      applier = run('applier');
      coordinator = run('coordinator');
      const readerStart = Date.now();
      const vreader = run('reader');
      const services = [applier, coordinator, vreader];
      const [stored] = await measure(step, () =>
        Promise.all([counter.until(table, ROWS), waitForRows(ROWS, services)]),
      );
      const copySeconds = (Date.now() - copyStart) / 1000;
      await counter.remove();
      // The reader's own time runs from its VStream's start (as the raw client's does), not the process's.
      const vstreamStart = vstreamStartedAt(vreader.logFile);
      if (vstreamStart === undefined)
        say('warning: no "VStream starting" line in the reader log: timing from the process start');
      const reader = readerAlone('reader-copy', stored, vstreamStart, readerStart);
      say(
        `copy into Postgres: ${ROWS} rows in ${copySeconds.toFixed(1)} s = ${Math.round(ROWS / copySeconds)} rows/s ` +
          `(${readerAloneText(reader, stored.messages)})`,
      );
      // The reader stops once the committed VGtid is past the copy, so that it restarts streaming.
      const deadline = Date.now() + 60_000;
      while (!pastCopy(await committedVgtid())) {
        if (Date.now() > deadline) throw new Error('the committed VGtid did not pass the copy within 60 s');
        for (const child of services)
          if (child.process.exitCode !== null) throw new Error(`a service exited:\n${tail(child.logFile)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      vreader.process.kill('SIGTERM');
      await vreader.exited;
      if (vreader.process.pid) named.delete(vreader.process.pid);
      return [reader, { path: 'copy', rows: ROWS, seconds: copySeconds, rowsPerSecond: ROWS / copySeconds, step }];
    };

    const paths: VitessPathResult[] = [];
    for (const contender of arrange(ORDER, [oursCopy], [selectBaseline, rawCopyBaseline]))
      paths.push(...(await contender()));

    say(`reader stopped; writing ${STREAM_ROWS} more rows`);
    await insert(ROWS + 1, STREAM_ROWS);
    // Where the reader resumes from: nothing has moved it since the reader stopped.
    const resumeFrom = await committedVgtid();
    if (!pastCopy(resumeFrom)) throw new Error('no committed VGtid past the copy to stream from');

    const oursStream = async (): Promise<VitessPathResult[]> => {
      const step = 'streaming into Postgres';
      // The copy's messages are acked and gone (interest retention): the counter sees the streamed ones.
      const counter = await storedRowCounter(jsm, jetstream(nc), SOURCE);
      const streamStart = Date.now();
      const vreader = run('reader');
      const services = [applier, coordinator, vreader].filter((c): c is Child => c !== undefined);
      const [stored] = await measure(step, () =>
        Promise.all([counter.until(table, STREAM_ROWS), waitForRows(ROWS + STREAM_ROWS, services)]),
      );
      const seconds = (Date.now() - streamStart) / 1000;
      await counter.remove();
      // As for the copy: the reader's own time runs from its VStream's start, so the two rows
      // together say which side holds the drain back (the reader, or the applier and destination).
      const vstreamStart = vstreamStartedAt(vreader.logFile);
      const reader = readerAlone('reader-stream', stored, vstreamStart, streamStart);
      say(
        `streaming drain: ${STREAM_ROWS} rows in ${seconds.toFixed(1)} s = ${Math.round(STREAM_ROWS / seconds)} rows/s ` +
          `(${readerAloneText(reader, stored.messages)})`,
      );
      return [reader, { path: 'stream', rows: STREAM_ROWS, seconds, rowsPerSecond: STREAM_ROWS / seconds, step }];
    };
    const rawStreamBaseline = async (): Promise<VitessPathResult[]> => {
      const step = 'baseline: raw VStream streaming';
      const { rows, seconds } = await rawVStream(step, resumeFrom, (_, n) => n >= STREAM_ROWS);
      say(
        `raw VStream streaming from the committed VGtid (decode and count only): ${rows} rows at ${Math.round(rows / seconds)} rows/s`,
      );
      return [{ path: 'raw-vstream-stream', rows, seconds, rowsPerSecond: rows / seconds, step }];
    };
    for (const contender of arrange(ORDER, [oursStream], [rawStreamBaseline])) paths.push(...(await contender()));
    await nc.close();
    const pgVersion = String((await pg.query('SHOW server_version')).rows[0].server_version);
    const [versionRows] = await vtgate.query('SELECT @@version AS v');
    const mysqlVersion = String((versionRows as Array<{ v: string }>)[0]?.v ?? 'unknown');
    const results: VitessResults = {
      info: {
        ...runInfo(
          REPO,
          `npx nx run bench:bench-vitess -- --rows ${ROWS} --order ${ORDER}   (= node --import tsx tools/bench/src/vitess-to-pg.ts --rows ${ROWS} --order ${ORDER})`,
          load,
        ),
        order: ORDER,
        sequence: vitessSequence(paths),
        software:
          `Vitess vttestserver (vtgate and the vttablets in one vtcombo process) over one MariaDB (vtgate reports ${mysqlVersion}), ` +
          `PostgreSQL ${pgVersion} destination, ${natsServerVersion()}, node ${process.version}`,
        workload:
          `one table of the 2-shard keyspace (bigint key, int, decimal(12,2), ~55-char varchar, datetime(6)): ${ROWS} rows ` +
          `for the copy, then ${STREAM_ROWS} more in 1000-row transactions while the reader is stopped, drained by streaming`,
      },
      paths,
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
    await stopServices(children);
    await pg.end().catch(() => undefined);
    await vtgate.end().catch(() => undefined);
    await Promise.all([nats.destroy(), destination.destroy()]);
  }
}

runScript(main);
