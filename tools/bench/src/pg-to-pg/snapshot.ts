// Snapshot mode: one table copied to an empty destination by a psql COPY pipe and by our
// reader's initial snapshot and the applier.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startNats, until } from '@cdc/testenv';
import { arrange } from '../contender-order';

import { CpuMonitor } from '../procstat';
import type { MemoryResult, SnapshotResult } from '../report';
import { fmt } from '../sections';
import {
  BENCH_LABEL,
  classifier,
  digests,
  dropPipelineSlot,
  nameServices,
  natsPid,
  oursPipeline,
  PG_BIN,
  prepareDestination,
  prepareSource,
  say,
  serviceMemory,
  TABLE_NAMES,
  withClient,
  type Servers,
} from './harness';
import type { Options } from './options';

const SNAPSHOT_TABLE = TABLE_NAMES[0];

/**
 * One table of 2 × rows rows (2,000,000 at scale 1) copied to an empty destination: psql's
 * `COPY … TO STDOUT | COPY … FROM STDIN` against our reader's initial snapshot and the applier.
 */
export async function snapshotMode(
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
    const pipeline = oursPipeline(servers, 'snapshot', { natsUrl: nats.url, sourceUrl, destinationUrl: oursUrl });
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
    await dropPipelineSlot(servers, 'snap');
    await nats.destroy();
  };

  for (const contender of arrange(options.order, [ours], [copyPipe])) await contender();
  for (const db of ['snap_copy', 'snap_ours']) await destination.query(`DROP DATABASE ${db} WITH (FORCE)`);
  await source.query('DROP DATABASE snap WITH (FORCE)');
  return { snapshot: results, memory };
}
