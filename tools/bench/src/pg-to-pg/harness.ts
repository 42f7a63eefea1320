// What every mode of the PG -> PG benchmark shares: the workload and its end test, the source
// and destination databases, the probe that shows a consumer streams, and the labels and peak
// RSS of the processes measured.
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { until, type NatsServer, type PostgresServer } from '@cdc/testenv';
import { createWorkloadTables, deleteRows, insertRows, updateRows, workloadTableNames } from '@cdc/workload';
import { Pipeline, PIPELINE_SLOT, writePipelineConfig, type PipelineConfigOptions } from '../pipeline';
import { memoryKb, postgresRole, type Classifier } from '../procstat';
import type { MemoryResult } from '../report';
import { fmt, natsServerPid, postmasterPid } from '../sections';

export const REPO = resolve(__dirname, '../../../..');
export const PG_BIN = process.env.CDC_PG_BINDIR ?? '/usr/lib/postgresql/15/bin';
/** Both sides print values the same way, so row texts can be compared. */
const COMPARE = '-c DateStyle=ISO -c TimeZone=UTC -c extra_float_digits=3';
export const TABLES = { schema: 'public', count: 8 };
export const TABLE_NAMES = workloadTableNames(TABLES);
export const MARKER = 'public.bench_marker';
const MARKER_DDL = `CREATE TABLE ${MARKER} (id bigserial PRIMARY KEY, t timestamptz NOT NULL DEFAULT clock_timestamp())`;
export const PUBLICATION = 'bench_pub';
export const ROWS_PER_TRANSACTION = 100;

// ---------------------------------------------------------------------------------------------
// workload

export interface Workload {
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

export function workloadFor(rows: number): Workload {
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

export const totalChanges = (w: Workload) => w.inserts + w.updates + w.deletes;

// ---------------------------------------------------------------------------------------------
// small helpers

const started = performance.now();
export function say(message: string): void {
  const s = ((performance.now() - started) / 1000).toFixed(0).padStart(5);
  console.log(`[${s}s] ${message}`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, options: COMPARE, application_name: 'cdc-bench' });
  await client.connect();
  return client;
}

export async function withClient<T>(url: string, work: (c: Client) => Promise<T>): Promise<T> {
  const client = await connect(url);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const natsPid = (nats: NatsServer): number => natsServerPid(nats.storeDir);

// ---------------------------------------------------------------------------------------------
// databases

export async function prepareSource(server: PostgresServer, database: string): Promise<string> {
  const url = await server.createDatabase(database);
  await withClient(url, async (c) => {
    await createWorkloadTables(c, TABLES);
    await c.query(MARKER_DDL);
    await c.query(`CREATE PUBLICATION ${PUBLICATION} FOR TABLE ${[...TABLE_NAMES, MARKER].join(', ')}`);
  });
  return url;
}

export async function prepareDestination(server: PostgresServer, database: string): Promise<string> {
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

export async function writeWorkload(url: string, w: Workload, label: string, rate?: number): Promise<number> {
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
export async function digests(client: Client): Promise<Map<string, string>> {
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
export async function waitUntilComplete(
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
export async function probe(
  sourceUrl: string,
  destinationUrl: string,
  timeoutMs: number,
  check?: () => void,
): Promise<void> {
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

export interface Servers {
  readonly source: PostgresServer;
  readonly destination: PostgresServer;
  readonly bundle: string;
  readonly dir: string;
}

/** Labels for the CPU report: our processes by pid, Postgres processes by server and role. */
export function classifier(servers: Servers, named: Map<number, string>): Classifier {
  const sourcePm = postmasterPid(servers.source.dataDir);
  const destinationPm = postmasterPid(servers.destination.dataDir);
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

export const BENCH_LABEL = 'bench driver (workload writer, polling)';

export function serviceMemory(mode: MemoryResult['mode'], pipeline: Pipeline, nats: NatsServer): MemoryResult[] {
  const result: MemoryResult[] = [];
  const pids: Array<[string, number]> = [...pipeline.pids()].map(([kind, pid]) => [`ours: ${kind}`, pid]);
  pids.push(['nats-server', natsPid(nats)]);
  for (const [name, pid] of pids) {
    const kb = memoryKb(pid, 'VmHWM');
    if (kb !== undefined) result.push({ mode, process: name, peakRssMb: kb / 1024 });
  }
  return result;
}

export function nameServices(named: Map<number, string>, pipeline: Pipeline): void {
  for (const [kind, pid] of pipeline.pids()) named.set(pid, `ours: ${kind}`);
}

export async function checkpoint(servers: Servers): Promise<void> {
  await Promise.all([servers.source.query('CHECKPOINT'), servers.destination.query('CHECKPOINT')]);
  await sleep(2_000);
}

/**
 * Our pipeline (reader, applier per destination, coordinator) over the benchmark's publication
 * and tables, its config written to the work dir as `<label>.yaml`; not started.
 */
export function oursPipeline(
  servers: Servers,
  label: string,
  config: Omit<PipelineConfigOptions, 'publication' | 'tables'>,
  destinations?: readonly string[],
): Pipeline {
  const configFile = join(servers.dir, `${label}.yaml`);
  writePipelineConfig(configFile, { ...config, publication: PUBLICATION, tables: [...TABLE_NAMES, MARKER] });
  return new Pipeline(servers.bundle, configFile, servers.dir, label, destinations);
}

/** Drops our pipeline's slot on the source database, if it is there. */
export async function dropPipelineSlot(servers: Servers, database: string): Promise<void> {
  await servers.source.query(
    `SELECT pg_drop_replication_slot($1) FROM pg_replication_slots WHERE slot_name = $1`,
    [PIPELINE_SLOT],
    database,
  );
}
