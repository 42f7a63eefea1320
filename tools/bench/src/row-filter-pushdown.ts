// A row filter pushed down into the publication (PostgreSQL 15+) against the same filter
// evaluated by the reader, on one server, in one invocation (issue 19: "what that saves").
//
// Four pipelines of our own (reader, applier, coordinator each), each with its own slot,
// publication, JetStream stream and destination database, are set up on the empty tables and
// stopped; the workload of the PG -> PG drain is written (inserts, then updates of the first
// half of the ids, then deletes of 40%..60%); then each drains in turn, in the order pushed,
// reader, reader, pushed (so neither kind always goes first or last on a machine whose load
// drifts). The filter is `id <= K` on every table, K chosen so 10% of the row changes pass. "in
// the reader" is the same config with CDC_BENCH_ROW_FILTERS_IN_READER=1, which makes the reader
// take the PostgreSQL 14 path (publication without WHERE, filterOp per op) on this 15+ server.
// A drain is done when the pipeline's slot has confirmed the workload's end LSN and the
// destination's tables equal the filtered source (digests).
//
//   node --import tsx tools/bench/src/row-filter-pushdown.ts [--scale F | --rows N] [--no-docs] [--timeout S]
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect as connectNats } from '@nats-io/transport-node';
import { startNats, startPostgres } from '@cdc/testenv';
import { createWorkloadTables, deleteRows, insertRows, updateRows, workloadTableNames } from '@cdc/workload';
import { Pipeline } from './pipeline';
import { CpuMonitor, type Classifier, type CpuUsage } from './procstat';
import { fmt, loadAverage, natsServerPid, postmasterPid, runInfo, saveRun, table, type RunInfo } from './sections';

const REPO = resolve(__dirname, '../../..');
const TABLES = { schema: 'public', count: 8 };
const TABLE_NAMES = workloadTableNames(TABLES);
const MARKER = 'public.bench_marker';
const ROWS_PER_TRANSACTION = 100;

type Where = 'publication' | 'reader';
const ORDER: ReadonlyArray<{ name: string; where: Where }> = [
  { name: 'fpush1', where: 'publication' },
  { name: 'freader1', where: 'reader' },
  { name: 'freader2', where: 'reader' },
  { name: 'fpush2', where: 'publication' },
];

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const say = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({
    connectionString: url,
    options: '-c DateStyle=ISO -c TimeZone=UTC -c extra_float_digits=3',
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Row count and a digest of every row's text per table, of the rows `id <= limit` (all when undefined). */
async function digests(client: Client, limit?: number): Promise<string> {
  const parts: string[] = [];
  for (const name of TABLE_NAMES) {
    const where = limit === undefined ? '' : 'WHERE t.id <= $1';
    const { rows } = await client.query(
      `SELECT count(*)::int8::text AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t.id), '')) AS d FROM ${name} t ${where}`,
      limit === undefined ? [] : [limit],
    );
    parts.push(`${name} ${rows[0].n}:${rows[0].d}`);
  }
  return parts.join(', ');
}

interface DrainRun {
  readonly name: string;
  readonly where: Where;
  readonly seconds: number;
  /** Messages the reader published in the drain (the stream's last sequence moved by; interest retention deletes them once acked). */
  readonly streamMessages: number;
  /** Bytes the reader received from the source server on its open connections (the replication stream, mostly), from ss. */
  readonly readerBytes: number;
  readonly cpu: CpuUsage;
}

/**
 * Bytes a process has received on its open TCP connections to a port (tcp_info bytes_received,
 * from `ss`): what the source's walsender sent the reader, read just before the reader stops.
 */
function bytesReceived(pid: number, port: number): number {
  const out = spawnSync('ss', ['-tinpH', 'dst', `127.0.0.1:${port}`], { encoding: 'utf8' }).stdout ?? '';
  const lines = out.split('\n');
  let total = 0;
  for (let i = 0; i + 1 < lines.length; i += 1) {
    if (!lines[i].includes(`pid=${pid},`)) continue;
    total += Number(/bytes_received:(\d+)/.exec(lines[i + 1])?.[1] ?? 0);
  }
  return total;
}

export interface RowFilterResults {
  readonly info: RunInfo & { readonly workload: string };
  readonly rowChanges: number;
  readonly passing: number;
  readonly filter: string;
  readonly runs: DrainRun[];
}

const cpuOf = (run: DrainRun, label: string) => run.cpu.byLabel.find((entry) => entry.label === label)?.cpuSeconds ?? 0;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const LABELS = ['ours: reader', 'source postgres: walsender', 'ours: applier', 'ours: coordinator', 'nats-server'];

export function renderRowFilterMarkdown(results: RowFilterResults): string {
  const { info } = results;
  const rows = results.runs.map((run) => [
    `${run.name} (${run.where === 'publication' ? 'pushed down' : 'in the reader'})`,
    fmt(run.seconds, 1),
    fmt(results.rowChanges / run.seconds),
    fmt(run.streamMessages),
    `${fmt(run.readerBytes / 1e6, 1)} MB`,
    ...LABELS.map((label) => fmt(cpuOf(run, label), 1)),
    fmt(run.cpu.machineBusySeconds, 1),
  ]);
  const of = (where: Where, value: (run: DrainRun) => number) =>
    mean(results.runs.filter((run) => run.where === where).map(value));
  const ratio = (value: (run: DrainRun) => number) => of('reader', value) / of('publication', value);
  return [
    `Run ${info.date} at ${info.commit}; ${info.machine}; load average at start ${info.loadAverageAtStart}.`,
    `Command: \`${info.command}\`. Workload: ${info.workload}.`,
    '',
    table(
      [
        'drain (in this order)',
        'seconds',
        'WAL changes/s',
        'messages published',
        'reader received from the source',
        ...LABELS.map((label) => `${label} CPU s`),
        'machine busy CPU s',
      ],
      rows,
    ),
    '',
    `In the reader over pushed down (means of the two runs each): ${[
      ['drain time', (run: DrainRun) => run.seconds] as const,
      ['bytes from the source', (run: DrainRun) => run.readerBytes] as const,
      ['reader CPU', (run: DrainRun) => cpuOf(run, 'ours: reader')] as const,
      ['walsender CPU', (run: DrainRun) => cpuOf(run, 'source postgres: walsender')] as const,
      ['machine busy CPU', (run: DrainRun) => run.cpu.machineBusySeconds] as const,
    ]
      .map(([what, value]) => `${what} ${fmt(ratio(value), 2)}×`)
      .join(', ')}.`,
  ].join('\n');
}

async function main(): Promise<void> {
  const scale = Number(flag('scale') ?? 0.5);
  const rows = Number(flag('rows') ?? Math.round(1_000_000 * scale));
  if (!Number.isInteger(rows) || rows < 8_000) throw new Error(`--rows must be an integer >= 8000, got ${rows}`);
  const timeoutMs = Number(flag('timeout') ?? 1_800) * 1000;
  const inserts = rows;
  const updates = Math.round(rows / 2);
  const deletes = Math.round(rows / 5);
  const rowChanges = inserts + updates + deletes;
  // Per table the inserts have ids 1..rows/8, the updates the first half of them, the deletes
  // 40%..60%: `id <= K` passes K inserts and K updates per table, 10% of all changes for this K.
  const limit = Math.max(1, Math.round((0.1 * rowChanges) / (2 * TABLES.count)));
  const passing = 2 * limit * TABLES.count;
  const filter = `id <= ${limit}`;
  const load = loadAverage();
  const bundleSource = process.env.CDC_BENCH_BUNDLE ?? join(REPO, 'dist', 'cdc.cjs');
  if (!existsSync(bundleSource)) throw new Error(`${bundleSource} is missing: run npx nx run cli:bundle`);
  const dir = join(
    process.env.CDC_TESTENV_DIR ?? join(REPO, '.testenv'),
    'bench',
    `row-filters-${new Date().toISOString().replace(/[:.]/g, '-')}`,
  );
  mkdirSync(dir, { recursive: true });
  const bundle = join(dir, 'cdc.cjs');
  copyFileSync(bundleSource, bundle);
  say(
    `row filter pushed down vs in the reader: ${fmt(rowChanges)} row changes, filter "${filter}" (${fmt(passing)} pass); work dir ${dir}`,
  );

  const [source, destination, nats] = await Promise.all([
    startPostgres({ name: 'bench-filter-source' }),
    startPostgres({ name: 'bench-filter-dest', logical: false }),
    startNats({ name: 'bench-filter' }),
  ]);
  try {
    if (source.version < 15)
      throw new Error(`the source is PostgreSQL ${source.version}: publication row filters need 15+`);
    const sourceUrl = await source.createDatabase('bench_filter');
    await withClient(sourceUrl, async (client) => {
      await createWorkloadTables(client, TABLES);
      await client.query(`CREATE TABLE ${MARKER} (id bigserial PRIMARY KEY)`);
    });
    const pipelines = new Map<string, { pipeline: Pipeline; url: string }>();
    for (const { name, where } of ORDER) {
      const url = await destination.createDatabase(`${name}_dst`);
      await withClient(url, async (client) => {
        await createWorkloadTables(client, TABLES);
        await client.query(`CREATE TABLE ${MARKER} (id bigserial PRIMARY KEY)`);
      });
      const file = join(dir, `${name}.yaml`);
      writeFileSync(
        file,
        `# written by tools/bench/src/row-filter-pushdown.ts: product defaults but the filter
nats:
  url: ${nats.url}
sources:
  - name: ${name}
    type: postgres
    url: ${sourceUrl}
    tables: ['public.t*', '${MARKER}']
    filters:
      public.t*: ${JSON.stringify(filter)}
destinations:
  - name: ${name}_dst
    type: postgres
    url: ${url}
    sources: [${name}]
`,
      );
      const pipeline = new Pipeline(bundle, file, dir, name, [`${name}_dst`], {
        source: name,
        env: where === 'reader' ? { CDC_BENCH_ROW_FILTERS_IN_READER: '1' } : {},
      });
      say(`${name}: setting up on the empty tables (slot, publication, stream), filter in the ${where}`);
      pipeline.start();
      const id = await withClient(sourceUrl, async (c) =>
        Number((await c.query(`INSERT INTO ${MARKER} DEFAULT VALUES RETURNING id`)).rows[0].id),
      );
      await withClient(url, async (c) => {
        const deadline = Date.now() + 120_000;
        for (;;) {
          pipeline.check();
          const found = await c.query(`SELECT 1 FROM ${MARKER} WHERE id = $1`, [id]).catch(() => ({ rows: [] }));
          if (found.rows.length > 0) break;
          if (Date.now() > deadline) throw new Error(`${name}: the probe row did not arrive in 120 s`);
          await sleep(100);
        }
      });
      await pipeline.stop();
      pipelines.set(name, { pipeline, url });
    }
    const publications = await source.query(
      `SELECT pubname, tablename, rowfilter FROM pg_publication_tables WHERE tablename = 't1' ORDER BY 1`,
      [],
      'bench_filter',
    );
    say(`publications: ${publications.rows.map((r) => `${r.pubname}: ${r.rowfilter ?? '(no filter)'}`).join(', ')}`);

    say(`writing the workload (${fmt(rowChanges)} row changes) with every pipeline stopped`);
    const t0 = performance.now();
    await withClient(sourceUrl, async (client) => {
      const common = { client, tables: TABLES, rowsPerTransaction: ROWS_PER_TRANSACTION };
      await insertRows({ ...common, rows: inserts, firstId: 1 });
      await updateRows({ ...common, rows: updates, firstId: 1 });
      await deleteRows({ ...common, rows: deletes, firstId: Math.floor((inserts / TABLES.count) * 0.4) + 1 });
    });
    const endLsn = String(
      (await source.query('SELECT pg_current_wal_lsn()::text AS lsn', [], 'bench_filter')).rows[0].lsn,
    );
    say(`workload written in ${fmt((performance.now() - t0) / 1000, 1)} s, WAL end ${endLsn}`);
    const expected = await withClient(sourceUrl, (client) => digests(client, limit));
    for (const name of TABLE_NAMES) await source.query(`VACUUM (ANALYZE) ${name}`, [], 'bench_filter');

    const runs: DrainRun[] = [];
    const nc = await connectNats({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    for (const { name, where } of ORDER) {
      const { pipeline, url } = pipelines.get(name)!;
      await Promise.all([source.query('CHECKPOINT'), destination.query('CHECKPOINT')]);
      await sleep(2_000);
      say(`${name}: draining (filter in the ${where}) ...`);
      const named = new Map<number, string>([[natsServerPid(nats.storeDir), 'nats-server']]);
      const sourcePm = postmasterPid(source.dataDir);
      const destinationPm = postmasterPid(destination.dataDir);
      const classify: Classifier = (pid, ppid, cmdline) => {
        const label = named.get(pid);
        if (label) return label;
        if (pid === sourcePm || ppid === sourcePm)
          return cmdline.includes('walsender') ? 'source postgres: walsender' : 'source postgres: other';
        if (pid === destinationPm || ppid === destinationPm) return 'destination postgres';
        return null;
      };
      const monitor = new CpuMonitor(classify);
      const firstSeq = (await jsm.streams.info(`CDC_${name}`)).state.last_seq;
      monitor.start();
      const started = performance.now();
      pipeline.start();
      for (const [kind, pid] of pipeline.pids()) named.set(pid, `ours: ${kind.split(' ')[0]}`);
      let doneAt = 0;
      await withClient(url, async (client) => {
        const deadline = started + timeoutMs;
        for (;;) {
          pipeline.check();
          const slot = await source.query(
            `SELECT confirmed_flush_lsn >= $1::pg_lsn AS done FROM pg_replication_slots WHERE slot_name = $2`,
            [endLsn, `cdc_${name}`],
            'bench_filter',
          );
          if (slot.rows[0]?.done === true) {
            doneAt = performance.now();
            if ((await digests(client)) === expected) break;
          }
          if (performance.now() > deadline) throw new Error(`${name}: not drained in ${timeoutMs / 1000} s`);
          await sleep(200);
        }
      });
      const cpu = monitor.stop();
      const readerPid = pipeline.pids().get('reader');
      const readerBytes = readerPid === undefined ? 0 : bytesReceived(readerPid, source.port);
      await pipeline.stop();
      const streamMessages = (await jsm.streams.info(`CDC_${name}`)).state.last_seq - firstSeq;
      const seconds = (doneAt - started) / 1000;
      runs.push({ name, where, seconds, streamMessages, readerBytes, cpu });
      say(
        `${name}: ${fmt(seconds, 1)} s; ${fmt(streamMessages)} messages published, the reader received ${fmt(readerBytes / 1e6, 1)} MB from the source; ` +
          `reader ${fmt(cpu.byLabel.find((e) => e.label === 'ours: reader')?.cpuSeconds ?? 0, 1)} CPU s`,
      );
    }
    await nc.close();

    const results: RowFilterResults = {
      info: {
        ...runInfo(
          REPO,
          `npx nx run bench:bench-row-filters -- --scale ${scale}   (= node --import tsx tools/bench/src/row-filter-pushdown.ts --scale ${scale})`,
          load,
        ),
        workload:
          `${fmt(inserts)} inserts, ${fmt(updates)} updates, ${fmt(deletes)} deletes on ${TABLES.count} tables in ` +
          `${ROWS_PER_TRANSACTION}-row transactions (the PG -> PG drain's workload), written with every pipeline stopped; ` +
          `source PostgreSQL ${source.version}; filter "${filter}" on every table: ${fmt(passing)} of the changes (10%) pass; ` +
          `a drain ends when its slot confirmed the workload's end LSN and the destination equals the filtered source`,
      },
      rowChanges,
      passing,
      filter,
      runs,
    };
    const markdown = renderRowFilterMarkdown(results);
    console.log(`\n${markdown}`);
    saveRun({
      repo: REPO,
      name: 'row-filters',
      script: 'row-filter-pushdown.ts',
      heading: '## Row filter pushed down against evaluated in the reader',
      results,
      markdown,
      plots: new Map(),
      docs: !process.argv.includes('--no-docs'),
      say,
    });
  } finally {
    await Promise.all([source.destroy(), destination.destroy(), nats.destroy()]);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
