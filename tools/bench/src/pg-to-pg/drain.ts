// Drain mode: the workload written with every consumer stopped, then drained by pg_recvlogical
// (the walsender's decoding ceiling), native logical replication and ours (and, with --nats-r3,
// ours on a 3-server NATS cluster), each timed until the destination has everything.
import { join } from 'node:path';
import { startNats, startNatsCluster, type NatsServer } from '@cdc/testenv';
import { arrange } from '../contender-order';
import { Pipeline, PIPELINE_SLOT, spawnLogged, tail } from '../pipeline';
import { CpuMonitor } from '../procstat';
import type { DrainResult, MemoryResult } from '../report';
import { fmt } from '../sections';
import {
  BENCH_LABEL,
  checkpoint,
  classifier,
  connect,
  digests,
  nameServices,
  natsPid,
  oursPipeline,
  PG_BIN,
  prepareDestination,
  prepareSource,
  probe,
  PUBLICATION,
  say,
  serviceMemory,
  TABLE_NAMES,
  totalChanges,
  waitUntilComplete,
  withClient,
  writeWorkload,
  type Servers,
  type Workload,
} from './harness';
import type { Options } from './options';

/** The slot of the --nats-r3 pipeline (the single-server one has PIPELINE_SLOT). */
const R3_SLOT = 'cdc_bench_r3';

export async function drainMode(
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
  const pipeline = oursPipeline(servers, 'drain', { natsUrl: nats.url, sourceUrl, destinationUrl: oursUrl });
  // --nats-r3: the same pipeline (its own slot and destination) on a 3-server cluster, every
  // stream, consumer and bucket with three copies: what replication costs, in the same run.
  const r3 = options.natsR3
    ? await (async () => {
        say('drain: ours R3: a 3-server NATS cluster and its own destination database and slot');
        const url = await prepareDestination(destination, 'drain_ours_r3');
        const cluster = await startNatsCluster({ name: 'bench-drain-r3' });
        const pipeline = oursPipeline(servers, 'drain-r3', {
          natsUrl: cluster.urls,
          natsReplicas: 3,
          slot: R3_SLOT,
          sourceUrl,
          destinationUrl: url,
        });
        return { url, cluster, pipeline };
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
