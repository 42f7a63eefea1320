// Apply throughput against the number of applier instances, in one run:
//   node --import tsx tools/bench/src/appliers.ts [--rows N] [--no-docs]
// The reader publishes N streamed rows (1000-row source transactions, 16 partitions, 8 tables)
// once; three destinations consume the same stream (interest retention keeps every message
// until all three acked). Then each destination drains it with 1, 2 and 4 applier processes
// (one group per destination, rendezvous-hashed partitions; the coordinator runs throughout):
// rows/s from the appliers' start to the last row at the destination, with the CPU seconds and
// peak RSS of every process while each step ran.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { startNats, startPostgres } from '@cdc/testenv';
import { renderAppliersMarkdown, renderAppliersPlots, type AppliersResults, type AppliersRun } from './appliers-report';
import { spawnLogged, tail, type Child } from './pipeline';
import { CpuMonitor, memoryKb } from './procstat';
import {
  loadAverage,
  natsServerPid,
  postmasterPid,
  processClassifier,
  runInfo,
  saveRun,
  usageOf,
  type ServiceUsage,
} from './sections';

const REPO = resolve(__dirname, '../../..');
const BUNDLE = join(REPO, 'dist/cdc.cjs');
const argv = process.argv.slice(2);
const ROWS = Number(argv[argv.indexOf('--rows') + 1] || 0) || 200_000;
const WRITE_DOCS = !argv.includes('--no-docs');
const COUNTS = [1, 2, 4];
const TABLES = 8;
const say = (message: string) => console.log(`[bench appliers] ${message}`);

async function main(): Promise<void> {
  const load = loadAverage();
  const [source, destination, nats] = await Promise.all([
    startPostgres({ name: 'bench-ap-source' }),
    startPostgres({ name: 'bench-ap-dest', logical: false }),
    startNats({ name: 'bench-ap-nats' }),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'cdc-bench-appliers-'));
  const children: Child[] = [];
  const named = new Map<number, string>([
    [process.pid, 'bench driver (writer, polling)'],
    [natsServerPid(nats.storeDir), 'nats-server'],
  ]);
  const classify = processClassifier(named, [
    [postmasterPid(source.dataDir), 'source Postgres (all processes)'],
    [postmasterPid(destination.dataDir), 'destination Postgres (all processes)'],
  ]);
  /** Peak RSS (MiB) of the named processes still running. */
  const peakRss = (labels?: readonly string[]) => {
    const rss = new Map<string, number>();
    for (const [pid, label] of named) {
      if (labels && !labels.includes(label)) continue;
      const kb = memoryKb(pid, 'VmHWM');
      if (kb !== undefined) rss.set(label, kb / 1024);
    }
    return rss;
  };
  const usage: ServiceUsage[] = [];
  try {
    const sourceUrl = await source.createDatabase('bench');
    const destinationUrls = await Promise.all(COUNTS.map((n) => destination.createDatabase(`replica_${n}`)));
    const pg = new Client({ connectionString: sourceUrl });
    await pg.connect();
    for (let t = 1; t <= TABLES; t += 1) {
      await pg.query(`CREATE TABLE t${t} (id bigint PRIMARY KEY, account int NOT NULL, note text)`);
    }
    const config = join(dir, 'cdc.yaml');
    writeFileSync(
      config,
      `nats:
  url: ${nats.url}
sources:
  - name: bench
    type: postgres
    url: ${sourceUrl}
    tables: ['public.*']
    snapshot:
      enabled: false
destinations:
${COUNTS.map(
  (n, i) => `  - name: replica_${n}
    type: postgres
    url: ${destinationUrls[i]}
    sources: [bench]
    create_tables: true
`,
).join('')}coordinator:
  interval_ms: 200
`,
    );
    const run = (kind: string, label: string, destinationName?: string) => {
      const args = [BUNDLE, kind, '--config', config];
      if (kind === 'reader') args.push('--source', 'bench');
      if (destinationName) args.push('--destination', destinationName);
      const child = spawnLogged(process.execPath, args, join(dir, `${kind}-${children.length}.log`));
      children.push(child);
      if (child.process.pid) named.set(child.process.pid, label);
      return child;
    };
    const reader = run('reader', 'reader');
    const coordinator = run('coordinator', 'coordinator');
    await new Promise((r) => setTimeout(r, 3_000));
    say(`writing ${ROWS} rows over ${TABLES} tables (1000-row transactions)`);
    const publishMonitor = new CpuMonitor(classify);
    publishMonitor.start();
    const publishStart = Date.now();
    for (let from = 1; from <= ROWS; from += 1000) {
      const table = `t${1 + (((from - 1) / 1000) % TABLES)}`;
      await pg.query(
        `INSERT INTO ${table} (id, account, note) SELECT g, g % 1000, 'note ' || g || repeat('x', 40)
           FROM generate_series($1::int8, $2::int8) g`,
        [from, Math.min(ROWS, from + 999)],
      );
    }
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    let last = -1;
    let publishedAt = Date.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 1_000));
      if (reader.process.exitCode !== null) throw new Error(`reader exited:\n${tail(reader.logFile)}`);
      const info = await jsm.streams.info('CDC_bench');
      if (info.state.messages === last && last > 0) break;
      last = info.state.messages;
      publishedAt = Date.now();
    }
    await nc.close();
    const publishCpu = publishMonitor.stop();
    usage.push(...usageOf('publish (writer + reader)', publishCpu, peakRss(['reader', 'nats-server'])));
    const publishSeconds = (publishedAt - publishStart) / 1000;
    say(`published: ${last} messages in ${publishSeconds.toFixed(1)} s; draining with ${COUNTS.join(', ')} appliers`);

    const runs: AppliersRun[] = [];
    for (const [i, count] of COUNTS.entries()) {
      const dest = new Client({ connectionString: destinationUrls[i] });
      await dest.connect();
      const monitor = new CpuMonitor(classify);
      monitor.start();
      const started = Date.now();
      const labels = Array.from({ length: count }, (_, k) => (count === 1 ? 'applier' : `applier ${k + 1}/${count}`));
      const appliers = labels.map((label) => run('applier', label, `replica_${count}`));
      // The first rows show when the appliers have started, joined and taken their partitions.
      let first: { at: number; rows: number } | undefined;
      for (;;) {
        await new Promise((r) => setTimeout(r, 100));
        for (const child of [...appliers, reader, coordinator]) {
          if (child.process.exitCode !== null) throw new Error(`a service exited:\n${tail(child.logFile)}`);
        }
        const counts = await dest
          .query(
            Array.from({ length: TABLES }, (_, t) => `SELECT count(*)::int8 AS n FROM t${t + 1}`).join(' UNION ALL '),
          )
          .catch(() => ({ rows: [] as { n: string }[] }));
        const total = counts.rows.reduce((sum, row) => sum + Number(row.n), 0);
        if (first === undefined && total > 0) first = { at: Date.now(), rows: total };
        if (counts.rows.length === TABLES && total >= ROWS) break;
      }
      const ended = Date.now();
      const seconds = (ended - started) / 1000;
      const startupSeconds = ((first?.at ?? ended) - started) / 1000;
      const afterStartup = (ROWS - (first?.rows ?? 0)) / Math.max(0.001, (ended - (first?.at ?? started)) / 1000);
      const rss = peakRss([...labels, 'reader', 'coordinator', 'nats-server']);
      const cpu = monitor.stop();
      const step = `drain, ${count} applier${count === 1 ? '' : 's'}`;
      usage.push(...usageOf(step, cpu, rss));
      const cpuOf = (match: (label: string) => boolean) =>
        cpu.byLabel.filter((e) => match(e.label)).reduce((sum, e) => sum + e.cpuSeconds, 0);
      runs.push({
        appliers: count,
        rows: ROWS,
        seconds,
        startupSeconds,
        rowsPerSecondAfterStartup: afterStartup,
        busyCores: cpu.machineBusySeconds / cpu.wallSeconds,
        cores: cpu.machineCores,
        applierCpuSeconds: cpuOf((label) => label.startsWith('applier')),
        destinationCpuSeconds: cpuOf((label) => label.startsWith('destination Postgres')),
      });
      say(
        `${count} applier(s): ${ROWS} rows in ${seconds.toFixed(1)} s = ${Math.round(ROWS / seconds)} rows/s, ${Math.round(afterStartup)} rows/s after the first ${startupSeconds.toFixed(1)} s of start-up ` +
          `(machine ${(cpu.machineBusySeconds / cpu.wallSeconds).toFixed(2)} of ${cpu.machineCores} cores busy)`,
      );
      for (const applier of appliers) applier.process.kill('SIGTERM');
      await Promise.all(appliers.map((a) => a.exited));
      for (const applier of appliers) if (applier.process.pid) named.delete(applier.process.pid);
      await dest.end();
    }
    await pg.end();
    const pgVersion = String((await source.query('SHOW server_version')).rows[0].server_version);
    const natsBinary = process.env.CDC_NATS_SERVER ?? join(REPO, '.cache', 'bin', 'nats-server');
    const natsVersion = spawnSync(natsBinary, ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'nats-server';
    const results: AppliersResults = {
      info: {
        ...runInfo(
          REPO,
          `npx nx run bench:bench-appliers -- --rows ${ROWS}   (= node --import tsx tools/bench/src/appliers.ts --rows ${ROWS})`,
          load,
        ),
        software: `PostgreSQL ${pgVersion} (source and destination, testenv settings), ${natsVersion.replace(/^nats-server: /, 'nats-server ')}, node ${process.version}`,
        workload:
          `${ROWS} rows inserted over ${TABLES} tables (id bigint pk, int, ~55-char text) in 1000-row transactions, ` +
          `product defaults (16 partitions, batch.max_ops 5000, concurrency 4), a coordinator running`,
      },
      publish: { rows: ROWS, messages: last, seconds: publishSeconds },
      runs,
      usage,
    };
    saveRun({
      repo: REPO,
      name: 'appliers',
      script: 'appliers.ts',
      heading: '## Apply throughput by applier count',
      results,
      markdown: renderAppliersMarkdown(results),
      plots: renderAppliersPlots(results),
      docs: WRITE_DOCS,
      say,
    });
  } finally {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGTERM');
    await Promise.all(children.map((c) => c.exited));
    await Promise.all([source.destroy(), destination.destroy(), nats.destroy()]);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
