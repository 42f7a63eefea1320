// The PG -> PG benchmark's run: the servers, the modes asked for in their order, and the report
// (console, JSON result file, the generated section of docs/benchmarks.md and its plots).
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { partitionOf } from '@cdc/change-envelope';
import { startPostgres } from '@cdc/testenv';
import { natsServerVersion } from '../bench-script';
import { arrange } from '../contender-order';
import {
  PG_TO_PG_SECTION,
  renderConsole,
  renderMarkdown,
  renderPlots,
  type DrainResult,
  type FanoutResult,
  type LiveResult,
  type MemoryResult,
  type Results,
  type SnapshotResult,
} from '../report';
import { fmt, loadAverage, runInfo, saveRun } from '../sections';
import { drainMode } from './drain';
import { fanoutMode } from './fanout';
import {
  REPO,
  ROWS_PER_TRANSACTION,
  say,
  TABLE_NAMES,
  TABLES,
  totalChanges,
  workloadFor,
  type Servers,
} from './harness';
import { liveMode, liveRate } from './live';
import { parseOptions } from './options';
import { snapshotMode } from './snapshot';

export async function main(): Promise<void> {
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
  const load = loadAverage(' / ');
  say(
    `PG -> PG benchmark: ${fmt(w.inserts)} inserts, ${fmt(w.updates)} updates, ${fmt(w.deletes)} deletes on ${TABLES.count} tables; ` +
      `modes ${[...options.modes].join(', ')}; work dir ${dir}; load average ${load}`,
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

  const partitions = [...new Set(TABLE_NAMES.map((t) => partitionOf('public', t.split('.')[1], 16)))];
  // The order is always spelled out, so that the command repeats this run.
  const args = [
    ...options.argv.filter((a, i) => !a.startsWith('--order') && options.argv[i - 1] !== '--order'),
    '--order',
    options.order,
  ].join(' ');
  const run = runInfo(
    REPO,
    `npx nx run bench:bench-pg${args ? ` -- ${args}` : ''}   (= node --import tsx tools/bench/src/pg-to-pg.ts${args ? ` ${args}` : ''})`,
    load,
  );
  const results: Results = {
    info: {
      date: run.date,
      commit: run.commit,
      machine: run.machine,
      software:
        `PostgreSQL ${pgVersion} (testenv settings: shared_buffers 128MB, fsync on, synchronous_commit on, ` +
        `other settings default), ${natsServerVersion()}, node ${process.version}`,
      command: run.command,
      workload:
        `${TABLES.count} tables (id bigint pk, n int, ~100-byte text, timestamptz) from tools/workload, ` +
        `${fmt(w.inserts)} inserts, then ${fmt(w.updates)} updates, then ${fmt(w.deletes)} deletes, ` +
        `${ROWS_PER_TRANSACTION} rows per transaction, one writer connection: ${fmt(totalChanges(w))} row changes`,
      oursConfig:
        `reader, applier and coordinator as separate processes (dist/cdc.cjs), product defaults ` +
        `(partitions 16 — the 8 tables hash to ${partitions.length} distinct partitions — publish.max_ops 2000, ` +
        `batch.max_ops 5000, batch.max_wait_ms 50, concurrency 4); NATS JetStream file storage, one server`,
      loadAverageAtStart: load,
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
  saveRun({
    repo: REPO,
    ...PG_TO_PG_SECTION,
    results,
    markdown: renderMarkdown(results),
    plots: renderPlots(results),
    docs: options.docs,
    docsOff: options.quick ? 'quick run; pass --docs to write it' : '--no-docs',
    say,
  });
  writeFileSync(join(dir, 'results.md'), renderMarkdown(results));
  say(`results: ${join(dir, 'results.json')}, ${join(dir, 'results.md')}`);
}
