// Live mode: the workload written at a fixed rate with the consumer running, lag measured by
// markers written every 100 ms on the source and polled at the destination.
import type { Client } from 'pg';
import { startNats, until, type NatsServer } from '@cdc/testenv';
import { Pipeline } from '../pipeline';
import { CpuMonitor } from '../procstat';
import type { DrainResult, LiveResult, MemoryResult } from '../report';
import { fmt } from '../sections';
import { bucketPercentiles, percentile, type Sample } from '../stats';
import {
  BENCH_LABEL,
  classifier,
  connect,
  digests,
  dropPipelineSlot,
  MARKER,
  nameServices,
  natsPid,
  oursPipeline,
  prepareDestination,
  prepareSource,
  probe,
  PUBLICATION,
  say,
  serviceMemory,
  sleep,
  totalChanges,
  waitUntilComplete,
  withClient,
  writeWorkload,
  type Servers,
  type Workload,
} from './harness';
import type { Options } from './options';

const MARKER_INTERVAL_MS = 100;
const POLL_INTERVAL_MS = 20;

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

export async function liveMode(
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
    pipeline = oursPipeline(servers, 'live', { natsUrl: nats.url, sourceUrl, destinationUrl });
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
  else await dropPipelineSlot(servers, database);
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

/** Half of the max load: half of what our pipeline drained in this invocation (issue 2's lag target). */
export function liveRate(options: Options, drain: readonly DrainResult[]): number | undefined {
  if (typeof options.liveRate === 'number') return options.liveRate;
  const ours = drain.find((r) => r.contender === 'ours');
  if (options.liveRate === 'max' || !ours) return undefined;
  return Math.round(ours.rowChanges / ours.seconds / 2);
}
