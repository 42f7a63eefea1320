// PG -> PG benchmark: native logical replication, pg_recvlogical and our pipeline over the same
// workload, in drain and live modes. See tools/bench/README.md.
//   node --import tsx tools/bench/src/pg-to-pg.ts [--rows N | --scale F] [--quick] [--only drain|live]
//     [--live-rate N|max] [--docs|--no-docs] [--timeout S]
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { partitionOf } from '@cdc/change-envelope';
import { startNats, startNatsCluster, startPostgres, until, type NatsServer, type PostgresServer } from '@cdc/testenv';
import { createWorkloadTables, deleteRows, insertRows, updateRows, workloadTableNames } from '@cdc/workload';
import { arrange, lastRecordedOrder, parseOrderChoice, resolveOrder, type ContenderOrder } from './contender-order';
import { Pipeline, PIPELINE_SLOT, spawnLogged, tail, writePipelineConfig } from './pipeline';
import { CpuMonitor, memoryKb, postgresRole, type Classifier } from './procstat';
import { bucketPercentiles, percentile, type Sample } from './stats';
import {
  renderConsole,
  renderMarkdown,
  renderPlots,
  PLOT_DIR,
  writeDocs,
  type DrainResult,
  type LiveResult,
  type MemoryResult,
  type Results,
  type SnapshotResult,
  type FanoutResult,
} from './report';

const REPO = resolve(__dirname, '../../..');
const PG_BIN = process.env.CDC_PG_BINDIR ?? '/usr/lib/postgresql/15/bin';
/** Both sides print values the same way, so row texts can be compared. */
const COMPARE = '-c DateStyle=ISO -c TimeZone=UTC -c extra_float_digits=3';
const TABLES = { schema: 'public', count: 8 };
const TABLE_NAMES = workloadTableNames(TABLES);
const MARKER = 'public.bench_marker';
const MARKER_DDL = `CREATE TABLE ${MARKER} (id bigserial PRIMARY KEY, t timestamptz NOT NULL DEFAULT clock_timestamp())`;
const PUBLICATION = 'bench_pub';
const ROWS_PER_TRANSACTION = 100;
const MARKER_INTERVAL_MS = 100;
const POLL_INTERVAL_MS = 20;

// ---------------------------------------------------------------------------------------------
// options and workload

interface Options {
  readonly rows: number;
  readonly quick: boolean;
  readonly modes: ReadonlySet<'drain' | 'live' | 'snapshot' | 'fanout'>;
  readonly docs: boolean;
  readonly timeoutMs: number;
  /** Row changes/s the live writer is held to; undefined: half of our drain rate, else as fast as it goes. */
  readonly liveRate: number | 'max' | undefined;
  /** Which contender runs first in each mode (--order; alternate flips the last recorded run's). */
  readonly order: ContenderOrder;
  /** Drain: also ours on a 3-server NATS cluster with nats.replicas 3 (--nats-r3). */
  readonly natsR3: boolean;
  readonly argv: readonly string[];
}

const USAGE =
  'flags: --rows N, --scale F, --quick, --only drain|live|snapshot|fanout, --live-rate N|max, ' +
  '--order ours-first|baseline-first|alternate, --docs, --no-docs, --timeout S, --nats-r3';

/** A mistake on the command line: printed as one line, without a stack. */
class UsageError extends Error {}

function parseOptions(argv: readonly string[]): Options {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--help' || argv[i] === '-h') {
      console.log(`usage: pg-to-pg.ts [flags]\n${USAGE}`);
      process.exit(0);
    }
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match) throw new UsageError(`unexpected argument "${argv[i]}" (${USAGE})`);
    const [, name, inline] = match;
    const takesValue = ['rows', 'scale', 'only', 'timeout', 'live-rate', 'order'].includes(name);
    if (
      !['rows', 'scale', 'only', 'timeout', 'live-rate', 'order', 'quick', 'docs', 'no-docs', 'nats-r3'].includes(name)
    )
      throw new UsageError(`unknown flag --${name} (${USAGE})`);
    if (takesValue && inline === undefined && argv[i + 1] === undefined)
      throw new UsageError(`--${name} needs a value`);
    values.set(name, takesValue ? (inline ?? argv[++i]) : 'true');
  }
  const quick = values.has('quick');
  const scale = Number(values.get('scale') ?? (quick ? 0.1 : 1));
  if (!(scale > 0)) throw new UsageError(`--scale must be a number > 0, got ${values.get('scale')}`);
  const rows = Number(values.get('rows') ?? Math.round(1_000_000 * scale));
  if (!Number.isInteger(rows) || rows < 1_000)
    throw new UsageError(`--rows must be an integer >= 1000, got ${values.get('rows')}`);
  const only = values.get('only');
  if (only !== undefined && only !== 'drain' && only !== 'live' && only !== 'snapshot' && only !== 'fanout')
    throw new UsageError(`--only takes drain, live, snapshot or fanout, got ${only}`);
  const timeout = Number(values.get('timeout') ?? 1_800);
  const liveRateText = values.get('live-rate');
  const liveRate = liveRateText === undefined || liveRateText === 'max' ? liveRateText : Number(liveRateText);
  if (typeof liveRate === 'number' && !(liveRate > 0))
    throw new UsageError(`--live-rate takes a number of row changes per second > 0 or max, got ${liveRateText}`);
  let order: ContenderOrder;
  try {
    order = resolveOrder(
      parseOrderChoice(values.get('order')),
      lastRecordedOrder(join(REPO, 'tools', 'bench', 'results'), 'pg-to-pg'),
    );
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    rows,
    quick,
    modes: new Set(only ? [only] : ['drain', 'live', 'snapshot', 'fanout']),
    // Smoke runs don't overwrite the reference numbers unless asked to.
    docs: values.has('docs') || (!quick && !values.has('no-docs')),
    timeoutMs: timeout * 1000,
    liveRate,
    order,
    natsR3: values.has('nats-r3'),
    argv,
  };
}

interface Workload {
  readonly inserts: number;
  readonly updates: number;
  readonly deletes: number;
  readonly deleteFirstId: number;
  /** Per table: the highest id inserted (never deleted) and the last id deleted (or 0). */
  readonly lastInserted: number[];
  readonly lastDeleted: number[];
}

/** The last id touched per table by tools/workload's round-robin transactions (0: none). */
function lastIdPerTable(rows: number, firstId: number): number[] {
  const next = new Array<number>(TABLES.count).fill(firstId);
  for (let k = 0, done = 0; done < rows; k += 1) {
    const count = Math.min(ROWS_PER_TRANSACTION, rows - done);
    next[k % TABLES.count] += count;
    done += count;
  }
  return next.map((id) => (id === firstId ? 0 : id - 1));
}

function workloadFor(rows: number): Workload {
  const inserts = rows;
  const updates = Math.round(rows / 2);
  const deletes = Math.round(rows / 5);
  // Per table: updates touch the first half of the ids, deletes 40%..60%: half of them updated rows.
  const deleteFirstId = Math.floor((inserts / TABLES.count) * 0.4) + 1;
  return {
    inserts,
    updates,
    deletes,
    deleteFirstId,
    lastInserted: lastIdPerTable(inserts, 1),
    lastDeleted: lastIdPerTable(deletes, deleteFirstId),
  };
}

const totalChanges = (w: Workload) => w.inserts + w.updates + w.deletes;

// ---------------------------------------------------------------------------------------------
// small helpers

const started = performance.now();
function say(message: string): void {
  const s = ((performance.now() - started) / 1000).toFixed(0).padStart(5);
  console.log(`[${s}s] ${message}`);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, options: COMPARE, application_name: 'cdc-bench' });
  await client.connect();
  return client;
}

async function withClient<T>(url: string, work: (c: Client) => Promise<T>): Promise<T> {
  const client = await connect(url);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function postmasterPid(server: PostgresServer): number {
  return Number(readFileSync(join(server.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0].trim());
}

function natsPid(nats: NatsServer): number {
  return Number(readFileSync(join(nats.storeDir, '..', 'nats.pid'), 'utf8').trim());
}

// ---------------------------------------------------------------------------------------------
// databases

async function prepareSource(server: PostgresServer, database: string): Promise<string> {
  const url = await server.createDatabase(database);
  await withClient(url, async (c) => {
    await createWorkloadTables(c, TABLES);
    await c.query(MARKER_DDL);
    await c.query(`CREATE PUBLICATION ${PUBLICATION} FOR TABLE ${[...TABLE_NAMES, MARKER].join(', ')}`);
  });
  return url;
}

async function prepareDestination(server: PostgresServer, database: string): Promise<string> {
  const url = await server.createDatabase(database);
  await withClient(url, async (c) => {
    await createWorkloadTables(c, TABLES);
    await c.query(MARKER_DDL);
  });
  return url;
}

/**
 * A client whose queries are spaced so that ROWS_PER_TRANSACTION-row statements add up to
 * `rate` row changes per second: the live mode measures lag at a fixed share of the max load.
 */
function throttled(client: Client, rate: number | undefined): Client {
  if (rate === undefined) return client;
  const t0 = performance.now();
  let sent = 0;
  const query = async (text: string, values?: unknown[]) => {
    const due = t0 + (sent * ROWS_PER_TRANSACTION * 1000) / rate;
    sent += 1;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    return client.query(text, values);
  };
  return { query } as unknown as Client;
}

async function writeWorkload(url: string, w: Workload, label: string, rate?: number): Promise<number> {
  return withClient(url, async (direct) => {
    const client = throttled(direct, rate);
    const t0 = performance.now();
    let phase = 'inserts';
    let done = 0;
    let total = w.inserts;
    const progress = setInterval(() => {
      const seconds = (performance.now() - t0) / 1000;
      say(`  ${label}: ${phase} ${fmt(done)}/${fmt(total)} (${fmt(seconds, 0)} s)`);
    }, 10_000);
    const common = {
      client,
      tables: TABLES,
      rowsPerTransaction: ROWS_PER_TRANSACTION,
      onProgress: (n: number) => (done = n),
    };
    try {
      await insertRows({ ...common, rows: w.inserts, firstId: 1 });
      [phase, done, total] = ['updates', 0, w.updates];
      await updateRows({ ...common, rows: w.updates, firstId: 1 });
      [phase, done, total] = ['deletes', 0, w.deletes];
      await deleteRows({ ...common, rows: w.deletes, firstId: w.deleteFirstId });
    } finally {
      clearInterval(progress);
    }
    return (performance.now() - t0) / 1000;
  });
}

/** Row count and a digest of every row's text per table: equal digests mean equal tables. */
async function digests(client: Client): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  for (const table of TABLE_NAMES) {
    const { rows } = await client.query(
      `SELECT count(*)::int8::text AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t.id), '')) AS d FROM ${table} t`,
    );
    result.set(table, `${rows[0].n}:${rows[0].d}`);
  }
  return result;
}

/**
 * Cheap and exact end test: per table the last inserted id is there and the last deleted id is
 * gone. The last delete is each table's last change, and both native (commit order) and ours (a
 * table's changes stay in one partition, applied in order) apply a table's changes in order.
 */
function lastChangeSql(w: Workload): string {
  const parts = TABLE_NAMES.flatMap((table, i) => {
    const tests = [`EXISTS (SELECT 1 FROM ${table} WHERE id = ${w.lastInserted[i]})`];
    if (w.lastDeleted[i] > 0) tests.push(`NOT EXISTS (SELECT 1 FROM ${table} WHERE id = ${w.lastDeleted[i]})`);
    return tests;
  });
  return `SELECT (${parts.join(' AND ')}) AS done`;
}

/**
 * Polls the destination until it has everything; returns when that was first seen
 * (performance.now()) and how it was established. The digest comparison runs after the
 * timed part; should it differ, digests are polled (and that time counts).
 */
async function waitUntilComplete(
  destination: Client,
  w: Workload,
  expected: () => Promise<Map<string, string>>,
  timeoutMs: number,
  check?: () => void,
): Promise<{ at: number; verified: string }> {
  const sql = lastChangeSql(w);
  let at = 0;
  await until(
    'the last change of every table at the destination',
    async () => {
      const { rows } = await destination.query(sql);
      at = performance.now();
      return rows[0].done === true;
    },
    { timeoutMs, intervalMs: 100, abort: check },
  );
  const want = await expected();
  const equal = async () => {
    const got = await digests(destination);
    return TABLE_NAMES.every((t) => got.get(t) === want.get(t));
  };
  if (await equal()) return { at, verified: 'last changes seen, then all 8 table digests equal' };
  say('  last changes are there but the digests differ: polling the digests');
  await until('destination digests equal to the source', equal, { timeoutMs, intervalMs: 1_000, abort: check });
  return { at: performance.now(), verified: 'table digests equal (polled)' };
}

async function insertMarker(url: string): Promise<number> {
  return withClient(url, async (c) => {
    const { rows } = await c.query(`INSERT INTO ${MARKER} DEFAULT VALUES RETURNING id`);
    return Number(rows[0].id);
  });
}

/** Writes a marker on the source and waits until the destination has it: the consumer streams. */
async function probe(sourceUrl: string, destinationUrl: string, timeoutMs: number, check?: () => void): Promise<void> {
  const id = await insertMarker(sourceUrl);
  await withClient(destinationUrl, (c) =>
    until(
      'a probe row to reach the destination',
      async () => (await c.query(`SELECT 1 FROM ${MARKER} WHERE id = $1`, [id])).rows.length > 0,
      { timeoutMs, intervalMs: 100, abort: check },
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// processes

interface Servers {
  readonly source: PostgresServer;
  readonly destination: PostgresServer;
  readonly bundle: string;
  readonly dir: string;
}

/** Labels for the CPU report: our processes by pid, Postgres processes by server and role. */
function classifier(servers: Servers, named: Map<number, string>): Classifier {
  const sourcePm = postmasterPid(servers.source);
  const destinationPm = postmasterPid(servers.destination);
  return (pid, ppid, cmdline) => {
    const name = named.get(pid);
    if (name) return name;
    for (const [pm, server] of [
      [sourcePm, 'source'],
      [destinationPm, 'destination'],
    ] as const) {
      if (pid === pm) return `${server} postgres: background (checkpointer, walwriter, autovacuum, ...)`;
      if (ppid === pm)
        return cmdline.startsWith('postgres:') ? `${server} postgres: ${postgresRole(cmdline)}` : undefined;
    }
    return null;
  };
}

const BENCH_LABEL = 'bench driver (workload writer, polling)';

function serviceMemory(mode: MemoryResult['mode'], pipeline: Pipeline, nats: NatsServer): MemoryResult[] {
  const result: MemoryResult[] = [];
  const pids: Array<[string, number]> = [...pipeline.pids()].map(([kind, pid]) => [`ours: ${kind}`, pid]);
  pids.push(['nats-server', natsPid(nats)]);
  for (const [name, pid] of pids) {
    const kb = memoryKb(pid, 'VmHWM');
    if (kb !== undefined) result.push({ mode, process: name, peakRssMb: kb / 1024 });
  }
  return result;
}

function nameServices(named: Map<number, string>, pipeline: Pipeline): void {
  for (const [kind, pid] of pipeline.pids()) named.set(pid, `ours: ${kind}`);
}

async function checkpoint(servers: Servers): Promise<void> {
  await Promise.all([servers.source.query('CHECKPOINT'), servers.destination.query('CHECKPOINT')]);
  await sleep(2_000);
}

// ---------------------------------------------------------------------------------------------
// drain

/** The slot of the --nats-r3 pipeline (the single-server one has PIPELINE_SLOT). */
const R3_SLOT = 'cdc_bench_r3';

async function drainMode(
  servers: Servers,
  w: Workload,
  options: Options,
): Promise<{ drain: DrainResult[]; memory: MemoryResult[]; writeSeconds: number }> {
  const { source, destination } = servers;
  say('drain: preparing the source and two destination databases');
  const sourceUrl = await prepareSource(source, 'bench_drain');
  const nativeUrl = await prepareDestination(destination, 'drain_native');
  const oursUrl = await prepareDestination(destination, 'drain_ours');
  const nats = await startNats({ name: 'bench-drain' });
  const configFile = join(servers.dir, 'drain.yaml');
  writePipelineConfig(configFile, {
    natsUrl: nats.url,
    sourceUrl,
    destinationUrl: oursUrl,
    publication: PUBLICATION,
    tables: [...TABLE_NAMES, MARKER],
  });
  const pipeline = new Pipeline(servers.bundle, configFile, servers.dir, 'drain');
  // --nats-r3: the same pipeline (its own slot and destination) on a 3-server cluster, every
  // stream, consumer and bucket with three copies: what replication costs, in the same run.
  const r3 = options.natsR3
    ? await (async () => {
        say('drain: ours R3: a 3-server NATS cluster and its own destination database and slot');
        const url = await prepareDestination(destination, 'drain_ours_r3');
        const cluster = await startNatsCluster({ name: 'bench-drain-r3' });
        const file = join(servers.dir, 'drain-r3.yaml');
        writePipelineConfig(file, {
          natsUrl: cluster.urls,
          natsReplicas: 3,
          slot: R3_SLOT,
          sourceUrl,
          destinationUrl: url,
          publication: PUBLICATION,
          tables: [...TABLE_NAMES, MARKER],
        });
        return { url, cluster, pipeline: new Pipeline(servers.bundle, file, servers.dir, 'drain-r3') };
      })()
    : undefined;

  // The slots before the workload, so every consumer reads the very same WAL.
  say('drain: ours: starting the pipeline on the empty tables (creates slot, stream, consumers), then stopping it');
  pipeline.start();
  await probe(sourceUrl, oursUrl, 120_000, () => pipeline.check());
  await pipeline.stop();
  if (r3) {
    say('drain: ours R3: the same on the cluster');
    r3.pipeline.start();
    await probe(sourceUrl, r3.url, 180_000, () => r3.pipeline.check());
    await r3.pipeline.stop();
  }
  say('drain: native: CREATE SUBSCRIPTION (disabled, copy_data = false); pg_recvlogical: its slot');
  const sourceDb = new URL(sourceUrl).pathname.slice(1);
  await destination.query(
    `CREATE SUBSCRIPTION bench_native CONNECTION 'host=${source.host} port=${source.port} dbname=${sourceDb} user=postgres' ` +
      `PUBLICATION ${PUBLICATION} WITH (copy_data = false, enabled = false, slot_name = 'bench_native')`,
    [],
    'drain_native',
  );
  await source.query(`SELECT pg_create_logical_replication_slot('bench_recv', 'pgoutput')`, [], sourceDb);

  say(`drain: writing the workload (${fmt(totalChanges(w))} row changes) with every consumer stopped`);
  const writeSeconds = await writeWorkload(sourceUrl, w, 'drain');
  const endLsn = String((await source.query('SELECT pg_current_wal_lsn()::text AS lsn', [], sourceDb)).rows[0].lsn);
  say(
    `drain: workload written in ${fmt(writeSeconds, 1)} s (${fmt(totalChanges(w) / writeSeconds)} changes/s), WAL end ${endLsn}`,
  );
  const expected = await withClient(sourceUrl, digests);
  const slots = await source.query(
    `SELECT slot_name, pg_size_pretty(pg_current_wal_lsn() - confirmed_flush_lsn) AS behind FROM pg_replication_slots ORDER BY 1`,
    [],
    sourceDb,
  );
  say(`drain: slots behind: ${slots.rows.map((r) => `${r.slot_name} ${r.behind}`).join(', ')}`);
  // Settle the source so no autovacuum runs during a drain.
  for (const table of TABLE_NAMES) await source.query(`VACUUM (ANALYZE) ${table}`, [], sourceDb);

  const results: DrainResult[] = [];
  const memory: MemoryResult[] = [];

  // pg_recvlogical: the walsender's decoding ceiling.
  const recvlogical = async () => {
    await checkpoint(servers);
    say('drain: pg_recvlogical ...');
    const named = new Map([[process.pid, BENCH_LABEL]]);
    const monitor = new CpuMonitor(classifier(servers, named));
    monitor.start();
    const t0 = performance.now();
    const child = spawnLogged(
      join(PG_BIN, 'pg_recvlogical'),
      [
        '-d',
        sourceUrl,
        '--slot',
        'bench_recv',
        '--start',
        '-o',
        'proto_version=1',
        '-o',
        `publication_names=${PUBLICATION}`,
        '-f',
        '/dev/null',
        '-F',
        '0',
        '--no-loop',
        '--endpos',
        endLsn,
      ],
      join(servers.dir, 'pg_recvlogical.log'),
    );
    if (child.process.pid) named.set(child.process.pid, 'pg_recvlogical');
    const timeout = setTimeout(() => child.process.kill('SIGKILL'), options.timeoutMs);
    const code = await child.exited;
    const t1 = performance.now();
    clearTimeout(timeout);
    const cpu = monitor.stop();
    if (code !== 0) throw new Error(`pg_recvlogical exited with code ${code}:\n${tail(child.logFile)}`);
    const reached = await source.query(
      `SELECT confirmed_flush_lsn::text AS lsn, confirmed_flush_lsn >= $1::pg_lsn AS ok FROM pg_replication_slots WHERE slot_name = 'bench_recv'`,
      [endLsn],
      sourceDb,
    );
    const seconds = (t1 - t0) / 1000;
    results.push({
      contender: 'pg_recvlogical',
      seconds,
      rowChanges: totalChanges(w),
      verified: `--endpos ${endLsn} reached (slot confirmed ${reached.rows[0].lsn})`,
      cpu,
    });
    say(`drain: pg_recvlogical: ${fmt(seconds, 1)} s, ${fmt(totalChanges(w) / seconds)} changes/s`);
  };

  // Native logical replication.
  const native = async () => {
    await checkpoint(servers);
    say('drain: native ...');
    const named = new Map([[process.pid, BENCH_LABEL]]);
    const monitor = new CpuMonitor(classifier(servers, named));
    const client = await connect(nativeUrl);
    monitor.start();
    const t0 = performance.now();
    await client.query('ALTER SUBSCRIPTION bench_native ENABLE');
    const done = await waitUntilComplete(client, w, async () => expected, options.timeoutMs);
    const cpu = monitor.stop();
    await client.query('ALTER SUBSCRIPTION bench_native DISABLE');
    await client.end();
    const seconds = (done.at - t0) / 1000;
    results.push({ contender: 'native', seconds, rowChanges: totalChanges(w), verified: done.verified, cpu });
    say(`drain: native: ${fmt(seconds, 1)} s, ${fmt(totalChanges(w) / seconds)} changes/s`);
  };

  // Ours: reader + applier + coordinator from where they stopped.
  const oursOn =
    (
      contender: 'ours' | 'ours on a NATS cluster (R3)',
      run: Pipeline,
      url: string,
      natsServers: readonly NatsServer[],
    ) =>
    async () => {
      await checkpoint(servers);
      say(`drain: ${contender} ...`);
      const named = new Map([[process.pid, BENCH_LABEL]]);
      for (const server of natsServers) named.set(natsPid(server), 'nats-server');
      const monitor = new CpuMonitor(classifier(servers, named));
      const client = await connect(url);
      monitor.start();
      const t0 = performance.now();
      run.start();
      nameServices(named, run);
      const done = await waitUntilComplete(
        client,
        w,
        async () => expected,
        options.timeoutMs,
        () => run.check(),
      );
      const cpu = monitor.stop();
      // Peak RSS rows are the single-server pipeline's (the report has one column per mode).
      if (contender === 'ours') memory.push(...serviceMemory('drain', run, natsServers[0]));
      await client.end();
      await run.stop();
      const seconds = (done.at - t0) / 1000;
      results.push({ contender, seconds, rowChanges: totalChanges(w), verified: done.verified, cpu });
      say(`drain: ${contender}: ${fmt(seconds, 1)} s, ${fmt(totalChanges(w) / seconds)} changes/s`);
    };
  const ours = oursOn('ours', pipeline, oursUrl, [nats]);
  // R1 and R3 alternate with the order too (R1 first when ours goes first).
  const oursGroup = r3
    ? [ours, oursOn('ours on a NATS cluster (R3)', r3.pipeline, r3.url, r3.cluster.servers)]
    : [ours];
  if (options.order !== 'ours-first') oursGroup.reverse();

  for (const contender of arrange(options.order, oursGroup, [recvlogical, native])) await contender();

  say('drain: cleaning up');
  await destination.query('DROP SUBSCRIPTION bench_native', [], 'drain_native');
  await source.query(
    `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name IN ('bench_recv', $1, $2)`,
    [PIPELINE_SLOT, R3_SLOT],
    sourceDb,
  );
  await nats.destroy();
  await r3?.cluster.destroy();
  for (const db of ['drain_native', 'drain_ours', ...(r3 ? ['drain_ours_r3'] : [])])
    await destination.query(`DROP DATABASE ${db} WITH (FORCE)`);
  await source.query(`DROP DATABASE ${sourceDb} WITH (FORCE)`);
  return { drain: results, memory, writeSeconds };
}

// ---------------------------------------------------------------------------------------------
// live

/** Inserts a marker every 100 ms on the source and polls the destination for them. */
class MarkerLag {
  private writing = true;
  private polling = true;
  private firstId = Number.POSITIVE_INFINITY;
  private lastId = 0;
  private readonly lag = new Map<number, number>();
  /** Source commit time (epoch ms) per marker: lag over time. */
  private readonly writtenAt = new Map<number, number>();
  private loops: Promise<void>[] = [];

  private constructor(
    private readonly writer: Client,
    private readonly poller: Client,
  ) {}

  static async start(sourceUrl: string, destinationUrl: string): Promise<MarkerLag> {
    const markers = new MarkerLag(await connect(sourceUrl), await connect(destinationUrl));
    const { rows } = await markers.poller.query(`SELECT coalesce(max(id), 0)::int8 AS id FROM ${MARKER}`);
    markers.loops = [markers.write(), markers.poll(Number(rows[0].id))];
    return markers;
  }

  private async write(): Promise<void> {
    while (this.writing) {
      const t = performance.now();
      const { rows } = await this.writer.query(`INSERT INTO ${MARKER} DEFAULT VALUES RETURNING id`);
      const id = Number(rows[0].id);
      this.firstId = Math.min(this.firstId, id);
      this.lastId = Math.max(this.lastId, id);
      await sleep(Math.max(0, MARKER_INTERVAL_MS - (performance.now() - t)));
    }
  }

  private async poll(floor: number): Promise<void> {
    while (this.polling) {
      const { rows } = await this.poller.query(
        `SELECT id, (extract(epoch FROM t) * 1000)::float8 AS ms FROM ${MARKER} WHERE id > $1 ORDER BY id`,
        [floor],
      );
      const now = Date.now();
      for (const row of rows) {
        const id = Number(row.id);
        if (!this.lag.has(id)) {
          this.lag.set(id, now - Number(row.ms));
          this.writtenAt.set(id, Number(row.ms));
        }
      }
      while (this.lag.has(floor + 1)) floor += 1;
      await sleep(POLL_INTERVAL_MS);
    }
  }

  async stopWriting(): Promise<void> {
    this.writing = false;
    await this.loops[0];
  }

  allSeen(): boolean {
    for (let id = this.firstId; id <= this.lastId; id += 1) if (!this.lag.has(id)) return false;
    return true;
  }

  async close(): Promise<{ count: number; p50: number; p95: number; p99: number; max: number; samples: Sample[] }> {
    this.writing = false;
    this.polling = false;
    await Promise.all(this.loops);
    await Promise.all([this.writer.end(), this.poller.end()]);
    const lags: number[] = [];
    const samples: Sample[] = [];
    const origin = this.writtenAt.get(this.firstId) ?? 0;
    for (let id = this.firstId; id <= this.lastId; id += 1) {
      const lag = this.lag.get(id);
      if (lag === undefined) continue;
      lags.push(lag);
      samples.push({ t: ((this.writtenAt.get(id) ?? origin) - origin) / 1000, value: lag });
    }
    return {
      count: lags.length,
      p50: percentile(lags, 0.5),
      p95: percentile(lags, 0.95),
      p99: percentile(lags, 0.99),
      max: lags.length > 0 ? Math.max(...lags) : NaN,
      samples,
    };
  }
}

async function liveMode(
  servers: Servers,
  w: Workload,
  contender: 'native' | 'ours',
  options: Options,
  rate: number | undefined,
): Promise<{ live: LiveResult; memory: MemoryResult[] }> {
  const { source, destination } = servers;
  const database = `live_${contender}`;
  say(`live: ${contender}: preparing fresh databases and starting the consumer`);
  const sourceUrl = await prepareSource(source, database);
  const destinationUrl = await prepareDestination(destination, database);
  const named = new Map([[process.pid, BENCH_LABEL]]);
  let nats: NatsServer | undefined;
  let pipeline: Pipeline | undefined;
  if (contender === 'native') {
    await destination.query(
      `CREATE SUBSCRIPTION bench_live CONNECTION 'host=${source.host} port=${source.port} dbname=${database} user=postgres' ` +
        `PUBLICATION ${PUBLICATION} WITH (copy_data = false, slot_name = 'bench_live')`,
      [],
      database,
    );
  } else {
    nats = await startNats({ name: 'bench-live' });
    named.set(natsPid(nats), 'nats-server');
    const configFile = join(servers.dir, 'live.yaml');
    writePipelineConfig(configFile, {
      natsUrl: nats.url,
      sourceUrl,
      destinationUrl,
      publication: PUBLICATION,
      tables: [...TABLE_NAMES, MARKER],
    });
    pipeline = new Pipeline(servers.bundle, configFile, servers.dir, 'live');
    pipeline.start();
    nameServices(named, pipeline);
  }
  const check = pipeline ? () => pipeline.check() : undefined;
  await probe(sourceUrl, destinationUrl, 120_000, check);

  const monitor = new CpuMonitor(classifier(servers, named));
  monitor.start();
  const markers = await MarkerLag.start(sourceUrl, destinationUrl);
  say(`live: ${contender}: writing the workload with the consumer running`);
  const writeSeconds = await writeWorkload(sourceUrl, w, `live ${contender}`, rate);
  const workloadEnd = performance.now();
  await markers.stopWriting();
  const client = await connect(destinationUrl);
  const done = await waitUntilComplete(client, w, () => withClient(sourceUrl, digests), options.timeoutMs, check);
  await until('every marker at the destination', async () => markers.allSeen(), {
    timeoutMs: 60_000,
    intervalMs: 50,
    abort: check,
  });
  const cpu = monitor.stop();
  const lag = await markers.close();
  await client.end();
  const memory = pipeline && nats ? serviceMemory('live', pipeline, nats) : [];
  const catchUpSeconds = Math.max(0, (done.at - workloadEnd) / 1000);
  say(
    `live: ${contender}: lag p50 ${fmt(lag.p50)} ms, p99 ${fmt(lag.p99)} ms, max ${fmt(lag.max)} ms over ${lag.count} markers; ` +
      `workload ${fmt(writeSeconds, 1)} s, caught up ${fmt(catchUpSeconds, 1)} s after it`,
  );

  if (pipeline) await pipeline.stop();
  if (contender === 'native') await destination.query('DROP SUBSCRIPTION bench_live', [], database);
  else
    await source.query(
      `SELECT pg_drop_replication_slot($1) FROM pg_replication_slots WHERE slot_name = $1`,
      [PIPELINE_SLOT],
      database,
    );
  await nats?.destroy();
  await destination.query(`DROP DATABASE ${database} WITH (FORCE)`);
  await source.query(`DROP DATABASE ${database} WITH (FORCE)`);
  return {
    live: {
      contender,
      writeSeconds,
      rowChanges: totalChanges(w),
      markers: lag.count,
      lagMs: { p50: lag.p50, p95: lag.p95, p99: lag.p99, max: lag.max },
      targetRate: rate,
      lagOverTime: bucketPercentiles(lag.samples, 1),
      catchUpSeconds,
      cpu,
    },
    memory,
  };
}

// ---------------------------------------------------------------------------------------------
// snapshot

const SNAPSHOT_TABLE = TABLE_NAMES[0];

/**
 * One table of 2 × rows rows (2,000,000 at scale 1) copied to an empty destination: psql's
 * `COPY … TO STDOUT | COPY … FROM STDIN` against our reader's initial snapshot and the applier.
 */
async function snapshotMode(
  servers: Servers,
  rows: number,
  options: Options,
): Promise<{ snapshot: SnapshotResult[]; memory: MemoryResult[] }> {
  const { source, destination } = servers;
  say(`snapshot: filling ${SNAPSHOT_TABLE} with ${fmt(rows)} rows`);
  const sourceUrl = await prepareSource(source, 'snap');
  await withClient(sourceUrl, (c) =>
    c.query(
      `INSERT INTO ${SNAPSHOT_TABLE} (id, n, payload) SELECT g, g % 1000, md5(g::text) || md5((g + 1)::text) || md5((g + 2)::text) || 'x' FROM generate_series(1, $1::int8) g`,
      [rows],
    ),
  );
  await source.query('CHECKPOINT', [], 'snap');
  const want = await withClient(sourceUrl, digests);
  const count = async (url: string) =>
    withClient(url, async (c) =>
      Number((await c.query(`SELECT count(*)::int8 AS n FROM ${SNAPSHOT_TABLE}`)).rows[0].n),
    );
  const results: SnapshotResult[] = [];
  let memory: MemoryResult[] = [];

  const copyPipe = async () => {
    say('snapshot: copy pipe ...');
    const copyUrl = await prepareDestination(destination, 'snap_copy');
    const psql = join(PG_BIN, 'psql');
    const monitor = new CpuMonitor(classifier(servers, new Map([[process.pid, BENCH_LABEL]])));
    monitor.start();
    const t0 = performance.now();
    // Not spawnSync: the CPU monitor samples the pipe's processes while it runs.
    const pipe = await new Promise<{ status: number | null; stderr: string }>((resolvePipe, reject) => {
      const child = spawn(
        'bash',
        [
          '-o',
          'pipefail',
          '-c',
          `"$PSQL" -X -q -d "$SRC" -c "COPY ${SNAPSHOT_TABLE} TO STDOUT" | "$PSQL" -X -q -d "$DST" -c "COPY ${SNAPSHOT_TABLE} FROM STDIN"`,
        ],
        { env: { ...process.env, PSQL: psql, SRC: sourceUrl, DST: copyUrl }, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (status) => resolvePipe({ status, stderr }));
    });
    const copySeconds = (performance.now() - t0) / 1000;
    const cpu = monitor.stop();
    if (pipe.status !== 0) throw new Error(`snapshot: the COPY pipe failed: ${pipe.stderr.trim()}`);
    const copied = await count(copyUrl);
    if (copied !== rows) throw new Error(`snapshot: the COPY pipe copied ${copied} rows, expected ${rows}`);
    results.push({
      contender: 'copy pipe',
      rows,
      seconds: copySeconds,
      verified: `psql exit 0, ${fmt(copied)} rows`,
      cpu,
    });
    say(`snapshot: copy pipe: ${fmt(copySeconds, 1)} s, ${fmt(rows / copySeconds)} rows/s`);
  };

  const ours = async () => {
    say('snapshot: ours ...');
    const oursUrl = await prepareDestination(destination, 'snap_ours');
    const nats = await startNats({ name: 'bench-snapshot' });
    const configFile = join(servers.dir, 'snapshot.yaml');
    writePipelineConfig(configFile, {
      natsUrl: nats.url,
      sourceUrl,
      destinationUrl: oursUrl,
      publication: PUBLICATION,
      tables: [...TABLE_NAMES, MARKER],
    });
    const pipeline = new Pipeline(servers.bundle, configFile, servers.dir, 'snapshot');
    const named = new Map([
      [process.pid, BENCH_LABEL],
      [natsPid(nats), 'nats-server'],
    ]);
    const monitor = new CpuMonitor(classifier(servers, named));
    monitor.start();
    const t1 = performance.now();
    pipeline.start();
    nameServices(named, pipeline);
    const check = () => pipeline.check();
    let at = 0;
    // Polled every 100 ms while the destination loads: a count(*) of a table of millions of rows
    // at that rate took a core's worth of the destination's CPU from the load it measures (the
    // COPY pipe is not polled at all). Ids 1..rows fill the table in order, so the snapshot's
    // chunks (about 5,000 rows each) each hold at least four of every 1,000th id: those are
    // looked up by the key first, and the exact count runs only once they are all there.
    const sampled = Array.from({ length: Math.floor(rows / 1000) }, (_, i) => String((i + 1) * 1000));
    if (rows % 1000 !== 0) sampled.push(String(rows));
    await withClient(oursUrl, (c) =>
      until(
        `${fmt(rows)} rows at the destination`,
        async () => {
          const seen = await c.query(`SELECT count(*)::int AS n FROM ${SNAPSHOT_TABLE} WHERE id = ANY($1::int8[])`, [
            sampled,
          ]);
          if (Number(seen.rows[0].n) < sampled.length) return false;
          const all = performance.now();
          // The count confirms the rows were all there when the sample said so (its own time is not ours).
          const n = Number((await c.query(`SELECT count(*)::int8 AS n FROM ${SNAPSHOT_TABLE}`)).rows[0].n);
          at = all;
          return n >= rows;
        },
        { timeoutMs: options.timeoutMs, intervalMs: 100, abort: check },
      ),
    );
    const oursSeconds = (at - t1) / 1000;
    const cpu = monitor.stop();
    const got = await withClient(oursUrl, digests);
    const equal = TABLE_NAMES.every((t) => got.get(t) === want.get(t));
    if (!equal) throw new Error('snapshot: ours: the destination digests differ from the source');
    memory = serviceMemory('snapshot', pipeline, nats);
    results.push({
      contender: 'ours',
      rows,
      seconds: oursSeconds,
      verified: 'all rows counted, then all 8 table digests equal (time includes the services starting)',
      cpu,
    });
    say(`snapshot: ours: ${fmt(oursSeconds, 1)} s, ${fmt(rows / oursSeconds)} rows/s`);
    await pipeline.stop();
    await source.query(
      `SELECT pg_drop_replication_slot($1) FROM pg_replication_slots WHERE slot_name = $1`,
      [PIPELINE_SLOT],
      'snap',
    );
    await nats.destroy();
  };

  for (const contender of arrange(options.order, [ours], [copyPipe])) await contender();
  for (const db of ['snap_copy', 'snap_ours']) await destination.query(`DROP DATABASE ${db} WITH (FORCE)`);
  await source.query('DROP DATABASE snap WITH (FORCE)');
  return { snapshot: results, memory };
}

// ---------------------------------------------------------------------------------------------
// fan-out

/**
 * The workload written once with every consumer stopped, then drained into n destinations:
 * native with a subscription (and slot) per destination, all enabled at once; ours with one
 * reader and one applier per destination. Timed until every destination has everything.
 */
async function fanoutMode(
  servers: Servers,
  w: Workload,
  n: number,
  options: Options,
): Promise<{ fanout: FanoutResult[]; memory: MemoryResult[] }> {
  const { source, destination } = servers;
  say(`fan-out ${n}: preparing the source and ${2 * n} destination databases`);
  const sourceDb = `fan${n}`;
  const sourceUrl = await prepareSource(source, sourceDb);
  const names = Array.from({ length: n }, (_, i) => (i === 0 ? 'replica' : `d${i + 1}`));
  const oursUrls: string[] = [];
  const nativeUrls: string[] = [];
  for (let i = 0; i < n; i += 1) {
    oursUrls.push(await prepareDestination(destination, `fan${n}_ours_${i + 1}`));
    nativeUrls.push(await prepareDestination(destination, `fan${n}_native_${i + 1}`));
  }
  const nats = await startNats({ name: `bench-fan${n}` });
  const configFile = join(servers.dir, `fanout-${n}.yaml`);
  writePipelineConfig(configFile, {
    natsUrl: nats.url,
    sourceUrl,
    destinationUrl: oursUrls[0],
    moreDestinations: names.slice(1).map((name, i) => ({ name, url: oursUrls[i + 1] })),
    publication: PUBLICATION,
    tables: [...TABLE_NAMES, MARKER],
  });
  const pipeline = new Pipeline(servers.bundle, configFile, servers.dir, `fanout-${n}`, names);
  pipeline.start();
  for (const url of oursUrls) await probe(sourceUrl, url, 120_000, () => pipeline.check());
  await pipeline.stop();
  for (let i = 0; i < n; i += 1)
    await destination.query(
      `CREATE SUBSCRIPTION fan_native_${i + 1} CONNECTION 'host=${source.host} port=${source.port} dbname=${sourceDb} user=postgres' ` +
        `PUBLICATION ${PUBLICATION} WITH (copy_data = false, enabled = false, slot_name = 'fan${n}_native_${i + 1}')`,
      [],
      `fan${n}_native_${i + 1}`,
    );
  say(`fan-out ${n}: writing the workload (${fmt(totalChanges(w))} row changes) with every consumer stopped`);
  await writeWorkload(sourceUrl, w, `fan-out ${n}`);
  const expected = await withClient(sourceUrl, digests);
  for (const table of TABLE_NAMES) await source.query(`VACUUM (ANALYZE) ${table}`, [], sourceDb);
  const results: FanoutResult[] = [];

  const drainAll = async (urls: string[], check?: () => void) => {
    const clients = await Promise.all(urls.map((url) => connect(url)));
    const done = await Promise.all(
      clients.map((c) => waitUntilComplete(c, w, async () => expected, options.timeoutMs, check)),
    );
    await Promise.all(clients.map((c) => c.end()));
    return Math.max(...done.map((d) => d.at));
  };

  const native = async () => {
    await checkpoint(servers);
    say(`fan-out ${n}: native ...`);
    const t0 = performance.now();
    for (let i = 0; i < n; i += 1)
      await destination.query(`ALTER SUBSCRIPTION fan_native_${i + 1} ENABLE`, [], `fan${n}_native_${i + 1}`);
    const nativeSeconds = ((await drainAll(nativeUrls)) - t0) / 1000;
    results.push({ contender: 'native', destinations: n, rowChanges: totalChanges(w), seconds: nativeSeconds });
    say(`fan-out ${n}: native: ${fmt(nativeSeconds, 1)} s`);
    for (let i = 0; i < n; i += 1)
      await destination.query(`DROP SUBSCRIPTION fan_native_${i + 1}`, [], `fan${n}_native_${i + 1}`);
  };

  let memory: MemoryResult[] = [];
  const ours = async () => {
    await checkpoint(servers);
    say(`fan-out ${n}: ours ...`);
    const t0 = performance.now();
    pipeline.start();
    const oursSeconds = ((await drainAll(oursUrls, () => pipeline.check())) - t0) / 1000;
    memory = n === 4 ? serviceMemory('fan-out 4', pipeline, nats) : [];
    await pipeline.stop();
    results.push({ contender: 'ours', destinations: n, rowChanges: totalChanges(w), seconds: oursSeconds });
    say(`fan-out ${n}: ours: ${fmt(oursSeconds, 1)} s`);
  };

  for (const contender of arrange(options.order, [ours], [native])) await contender();

  await source.query(
    `SELECT pg_drop_replication_slot($1) FROM pg_replication_slots WHERE slot_name = $1`,
    [PIPELINE_SLOT],
    sourceDb,
  );
  await nats.destroy();
  for (let i = 0; i < n; i += 1)
    for (const kind of ['ours', 'native'])
      await destination.query(`DROP DATABASE fan${n}_${kind}_${i + 1} WITH (FORCE)`);
  await source.query(`DROP DATABASE ${sourceDb} WITH (FORCE)`);
  return { fanout: results, memory };
}

// ---------------------------------------------------------------------------------------------
// main

/** Half of the max load: half of what our pipeline drained in this invocation (issue 2's lag target). */
function liveRate(options: Options, drain: readonly DrainResult[]): number | undefined {
  if (typeof options.liveRate === 'number') return options.liveRate;
  const ours = drain.find((r) => r.contender === 'ours');
  if (options.liveRate === 'max' || !ours) return undefined;
  return Math.round(ours.rowChanges / ours.seconds / 2);
}

function git(args: string[]): string {
  const result = spawnSync('git', args, { cwd: REPO, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : '';
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const w = workloadFor(options.rows);
  // CDC_BENCH_BUNDLE compares builds (before/after) without touching the shared dist/.
  const bundleSource = process.env.CDC_BENCH_BUNDLE ?? join(REPO, 'dist', 'cdc.cjs');
  if (!existsSync(bundleSource)) throw new Error(`${bundleSource} is missing: run npx nx run cli:build`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = join(process.env.CDC_TESTENV_DIR ?? join(REPO, '.testenv'), 'bench', `pg-to-pg-${stamp}`);
  mkdirSync(dir, { recursive: true });
  // A private copy: other work may rebuild dist/ while the benchmark runs.
  const bundle = join(dir, 'cdc.cjs');
  copyFileSync(bundleSource, bundle);
  const loadAverage = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
  say(
    `PG -> PG benchmark: ${fmt(w.inserts)} inserts, ${fmt(w.updates)} updates, ${fmt(w.deletes)} deletes on ${TABLES.count} tables; ` +
      `modes ${[...options.modes].join(', ')}; work dir ${dir}; load average ${loadAverage}`,
  );

  const [source, destination] = await Promise.all([
    startPostgres({ name: 'bench-source' }),
    startPostgres({ name: 'bench-dest', logical: false }),
  ]);
  const servers: Servers = { source, destination, bundle, dir };
  const drain: DrainResult[] = [];
  const live: LiveResult[] = [];
  const memory: MemoryResult[] = [];
  const snapshot: SnapshotResult[] = [];
  const fanout: FanoutResult[] = [];
  let writeSeconds: number | undefined;
  try {
    if (options.modes.has('drain')) {
      const result = await drainMode(servers, w, options);
      drain.push(...result.drain);
      memory.push(...result.memory);
      writeSeconds = result.writeSeconds;
    }
    if (options.modes.has('live')) {
      for (const contender of arrange(options.order, ['ours' as const], ['native' as const])) {
        const result = await liveMode(servers, w, contender, options, liveRate(options, drain));
        live.push(result.live);
        memory.push(...result.memory);
      }
    }
    if (options.modes.has('snapshot')) {
      const result = await snapshotMode(servers, 2 * options.rows, options);
      snapshot.push(...result.snapshot);
      memory.push(...result.memory);
    }
    if (options.modes.has('fanout')) {
      // A quarter of the drain workload per destination: 4 destinations write it 4 times.
      const fw = workloadFor(Math.max(1_000, Math.round(options.rows / 4)));
      for (const n of [2, 4]) {
        const result = await fanoutMode(servers, fw, n, options);
        fanout.push(...result.fanout);
        memory.push(...result.memory);
      }
    }
  } catch (error) {
    console.error(`bench failed; logs and server directories are kept under ${dir} and the testenv directory`);
    throw error;
  }
  const pgVersion = String((await source.query('SHOW server_version')).rows[0].server_version);
  await Promise.all([source.destroy(), destination.destroy()]);

  const natsBinary = process.env.CDC_NATS_SERVER ?? join(REPO, '.cache', 'bin', 'nats-server');
  const natsVersion = spawnSync(natsBinary, ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'nats-server';
  const dirty = git(['status', '--porcelain']) ? ' + uncommitted changes' : '';
  const partitions = [...new Set(TABLE_NAMES.map((t) => partitionOf('public', t.split('.')[1], 16)))];
  // The order is always spelled out, so that the command repeats this run.
  const args = [
    ...options.argv.filter((a, i) => !a.startsWith('--order') && options.argv[i - 1] !== '--order'),
    '--order',
    options.order,
  ].join(' ');
  const results: Results = {
    info: {
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      commit: `${git(['rev-parse', '--short', 'HEAD']) || 'unknown'}${dirty}`,
      machine:
        `${os.availableParallelism()} CPUs (nproc; ${os.cpus()[0]?.model.trim() ?? 'unknown model'}), ` +
        `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${os.release()}`,
      software:
        `PostgreSQL ${pgVersion} (testenv settings: shared_buffers 128MB, fsync on, synchronous_commit on, ` +
        `other settings default), ${natsVersion.replace(/^nats-server: /, 'nats-server ')}, node ${process.version}`,
      command: `npx nx run bench:bench-pg${args ? ` -- ${args}` : ''}   (= node --import tsx tools/bench/src/pg-to-pg.ts${args ? ` ${args}` : ''})`,
      workload:
        `${TABLES.count} tables (id bigint pk, n int, ~100-byte text, timestamptz) from tools/workload, ` +
        `${fmt(w.inserts)} inserts, then ${fmt(w.updates)} updates, then ${fmt(w.deletes)} deletes, ` +
        `${ROWS_PER_TRANSACTION} rows per transaction, one writer connection: ${fmt(totalChanges(w))} row changes`,
      oursConfig:
        `reader, applier and coordinator as separate processes (dist/cdc.cjs), product defaults ` +
        `(partitions 16 — the 8 tables hash to ${partitions.length} distinct partitions — publish.max_ops 2000, ` +
        `batch.max_ops 5000, batch.max_wait_ms 50, concurrency 4); NATS JetStream file storage, one server`,
      loadAverageAtStart: loadAverage,
      workloadWriteSeconds: writeSeconds,
      quick: options.quick,
      order: options.order,
    },
    drain,
    live,
    memory,
    snapshot,
    fanout,
  };
  console.log(`\n${renderConsole(results)}\n`);
  writeFileSync(join(dir, 'results.json'), JSON.stringify(results, null, 2));
  // One JSON file per run in the repository (git-ignored but the committed reference).
  const resultsDir = join(REPO, 'tools', 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const resultFile = join(resultsDir, `pg-to-pg-${stamp}.json`);
  writeFileSync(resultFile, `${JSON.stringify(results, null, 2)}\n`);
  say(`results: ${resultFile}`);
  writeFileSync(join(dir, 'results.md'), renderMarkdown(results));
  say(`results: ${join(dir, 'results.json')}, ${join(dir, 'results.md')}`);
  if (options.docs) {
    const docs = join(REPO, 'docs', 'benchmarks.md');
    writeDocs(docs, renderMarkdown(results));
    const plotDir = join(REPO, 'docs', PLOT_DIR);
    mkdirSync(plotDir, { recursive: true });
    for (const [file, svg] of renderPlots(results)) writeFileSync(join(plotDir, file), svg);
    say(`wrote the "PG → PG" section of ${docs}`);
  } else {
    say(`docs/benchmarks.md not touched (${options.quick ? 'quick run; pass --docs to write it' : '--no-docs'})`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const text =
      error instanceof UsageError || !(error instanceof Error) ? String(error) : (error.stack ?? error.message);
    console.error(`bench: ${text.replace(/^Error: /, '')}`);
    process.exit(1);
  },
);
