// Apply throughput against the number of applier instances, in one run:
//   node --import tsx tools/bench/src/appliers.ts [--rows N] [--order ours-first|baseline-first|alternate] [--no-docs]
// The reader publishes N streamed rows (1000-row source transactions, 16 partitions, 8 tables)
// once; three destinations consume the same stream (interest retention keeps every message
// until all three acked). Then each destination drains it with 1, 2 and 4 applier processes
// (one group per destination, rendezvous-hashed partitions; the coordinator runs throughout).
// The destination's consumers stay paused until its appliers have shared out the partitions
// (start-up, reported apart); rows/s from resuming them to the last row at the destination, with
// the CPU seconds and peak RSS of every process while each drain ran. The baseline is 1 applier:
// --order baseline-first drains with 1, 2, 4 appliers, ours-first with 2, 4, then 1.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { startNats, startPostgres } from '@cdc/testenv';
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
import { renderAppliersMarkdown, renderAppliersPlots, type AppliersResults, type AppliersRun } from './appliers-report';
import { tail, type Child } from './pipeline';
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

const { rows: ROWS, writeDocs: WRITE_DOCS, order: ORDER } = scriptOptions(process.argv.slice(2), 'appliers');
const COUNTS = [1, 2, 4];
const TABLES = 8;
const PARTITIONS = 16;
const say = (message: string) => console.log(`[bench appliers] ${message}`);

/**
 * Whether the group has shared out the partitions: every applier has logged what it owns, one
 * has seen all `count` members, and what they last reported owning adds up to every partition
 * (an applier whose share did not change when the last one joined logs nothing new).
 */
function settled(appliers: readonly Child[], count: number): boolean {
  let owned = 0;
  let seenAll = false;
  for (const applier of appliers) {
    let text: string;
    try {
      text = readFileSync(applier.logFile, 'utf8');
    } catch {
      return false;
    }
    const lines = text.split('\n').filter((line) => line.includes('"members":'));
    const lastLine = lines[lines.length - 1];
    if (!lastLine) return false;
    const entry = JSON.parse(lastLine) as { members?: number; owned?: number };
    if (entry.members === count) seenAll = true;
    owned += entry.owned ?? 0;
  }
  return seenAll && owned === PARTITIONS;
}

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
    const config = writeScriptConfig(dir, nats.url, {
      sources: streamedPostgresSource(sourceUrl, "['public.*']"),
      destinations: COUNTS.map(
        (n, i) => `  - name: replica_${n}
    type: postgres
    url: ${destinationUrls[i]}
    sources: [bench]
    create_tables: true
`,
      ).join(''),
    });
    const run = serviceStarter({ config, dir, source: 'bench', children, named });
    const reader = run('reader');
    const coordinator = run('coordinator');
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
    const { messages: last, publishedAt } = await waitForPublished(jsm, 'CDC_bench', reader);
    const publishCpu = publishMonitor.stop();
    usage.push(...usageOf('publish (writer + reader)', publishCpu, peakRss(['reader', 'nats-server'])));
    const publishSeconds = (publishedAt - publishStart) / 1000;
    say(
      `published: ${last} messages in ${publishSeconds.toFixed(1)} s; draining with ${arrange(ORDER, [2, 4], [1]).join(', ')} appliers`,
    );

    const runs: AppliersRun[] = [];
    for (const count of arrange(ORDER, [2, 4], [1])) {
      const dest = new Client({ connectionString: destinationUrls[COUNTS.indexOf(count)] });
      await dest.connect();
      // Created up front (as create_tables would) so the row count can be polled from the start.
      for (let t = 1; t <= TABLES; t += 1) {
        await dest.query(`CREATE TABLE t${t} (id bigint PRIMARY KEY, account int NOT NULL, note text)`);
      }
      // The destination's consumers are paused while its appliers start and share out the
      // partitions, so the drain measures applying, not the group forming (handing partitions
      // over from the first applier up; see docs/benchmarks.md for the stall that once caused).
      const destinationName = `replica_${count}`;
      const consumers = Array.from({ length: PARTITIONS }, (_, p) => `${destinationName}_p${p}`);
      await Promise.all(consumers.map((c) => jsm.consumers.pause('CDC_bench', c, new Date(Date.now() + 600_000))));
      const spawned = Date.now();
      const labels = Array.from({ length: count }, (_, k) => (count === 1 ? 'applier' : `applier ${k + 1}/${count}`));
      const appliers = labels.map((label) => run('applier', { destination: destinationName, label }));
      const watch = () => {
        for (const child of [...appliers, reader, coordinator]) {
          if (child.process.exitCode !== null) throw new Error(`a service exited:\n${tail(child.logFile)}`);
        }
      };
      // Settled for a second in a row: a late join may still move partitions.
      let settledSince: number | undefined;
      for (;;) {
        if (settled(appliers, count)) settledSince ??= Date.now();
        else settledSince = undefined;
        if (settledSince !== undefined && Date.now() - settledSince >= 1_000) break;
        if (Date.now() - spawned > 120_000)
          throw new Error(`${count} appliers did not share out the partitions in 120 s`);
        watch();
        await new Promise((r) => setTimeout(r, 100));
      }
      const startupSeconds = ((settledSince ?? Date.now()) - spawned) / 1000;
      // CPU is sampled from the first rows on, the drain's own window.
      const monitor = new CpuMonitor(classify);
      const started = Date.now();
      await Promise.all(consumers.map((c) => jsm.consumers.resume('CDC_bench', c)));
      const progress: Array<{ t: number; rows: number }> = [];
      for (;;) {
        await new Promise((r) => setTimeout(r, 100));
        watch();
        const counts = await dest
          .query(
            Array.from({ length: TABLES }, (_, t) => `SELECT count(*)::int8 AS n FROM t${t + 1}`).join(' UNION ALL '),
          )
          .catch((error: unknown) => {
            throw new Error(
              `counting rows in replica_${count}: ${error instanceof Error ? error.message : String(error)}`,
            );
          });
        const total = counts.rows.reduce((sum, row) => sum + Number(row.n), 0);
        const t = (Date.now() - started) / 1000;
        const previous = progress[progress.length - 1];
        if (total > 0 && !progress.some((p) => p.rows > 0)) monitor.start();
        if (!previous || t - previous.t >= 1 || total >= ROWS || (total > 0 && previous.rows === 0))
          progress.push({ t, rows: total });
        if (counts.rows.length === TABLES && total >= ROWS) break;
      }
      // The clock runs from the first rows at the destination: a consumer resumed after a pause
      // gets messages again only when the client's next pull goes out (seconds, a bench artifact).
      const firstSeen = progress.find((p) => p.rows > 0) ?? progress[progress.length - 1];
      const seconds = progress[progress.length - 1].t - firstSeen.t;
      const rowsTimed = ROWS - firstSeen.rows;
      if (rowsTimed < ROWS / 10)
        say(`warning: ${ROWS - rowsTimed} of ${ROWS} rows arrived before the first poll saw any: too few rows to time`);
      say(`rows at the destination by second: ${progress.map((p) => `${p.t.toFixed(1)}s ${p.rows}`).join(', ')}`);
      const rss = peakRss([...labels, 'reader', 'coordinator', 'nats-server']);
      if (!progress.some((p) => p.rows > 0)) monitor.start();
      const cpu = monitor.stop();
      const step = `drain, ${count} applier${count === 1 ? '' : 's'}`;
      usage.push(...usageOf(step, cpu, rss));
      const cpuOf = (match: (label: string) => boolean) =>
        cpu.byLabel.filter((e) => match(e.label)).reduce((sum, e) => sum + e.cpuSeconds, 0);
      runs.push({
        appliers: count,
        rows: rowsTimed,
        resumeSeconds: firstSeen.t,
        seconds,
        startupSeconds,
        progress,
        busyCores: cpu.machineBusySeconds / cpu.wallSeconds,
        cores: cpu.machineCores,
        applierCpuSeconds: cpuOf((label) => label.startsWith('applier')),
        destinationCpuSeconds: cpuOf((label) => label.startsWith('destination Postgres')),
      });
      say(
        `${count} applier(s): ${rowsTimed} rows in ${seconds.toFixed(1)} s = ${Math.round(rowsTimed / seconds)} rows/s after ${startupSeconds.toFixed(1)} s of start-up ` +
          `(machine ${(cpu.machineBusySeconds / cpu.wallSeconds).toFixed(2)} of ${cpu.machineCores} cores busy)`,
      );
      for (const applier of appliers) applier.process.kill('SIGTERM');
      await Promise.all(appliers.map((a) => a.exited));
      for (const applier of appliers) if (applier.process.pid) named.delete(applier.process.pid);
      await dest.end();
    }
    await pg.end();
    await nc.close();
    const pgVersion = String((await source.query('SHOW server_version')).rows[0].server_version);
    const results: AppliersResults = {
      info: {
        ...runInfo(
          REPO,
          `npx nx run bench:bench-appliers -- --rows ${ROWS} --order ${ORDER}   (= node --import tsx tools/bench/src/appliers.ts --rows ${ROWS} --order ${ORDER})`,
          load,
        ),
        order: ORDER,
        sequence: `${runs.map((r) => r.appliers).join(', ')} appliers; the baseline is 1 applier`,
        software: `PostgreSQL ${pgVersion} (source and destination, testenv settings), ${natsServerVersion()}, node ${process.version}`,
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
    await stopServices(children);
    await Promise.all([source.destroy(), destination.destroy(), nats.destroy()]);
  }
}

runScript(main);
