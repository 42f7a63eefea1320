// The pipeline config of the reader's in-process tests (reader.test.ts, live-backfill.test.ts):
// one Postgres source with short intervals, and one destination that is never connected to but
// gives the stream consumers (interest retention keeps what is published).
import { tmpdir } from 'node:os';
import type { PipelineConfig, PostgresSourceConfig } from '@cdc/config';

export interface ReaderTestConfig {
  natsUrl: string;
  /** The source's name; its publication and slot are cdc_<name>. */
  name: string;
  url: string;
  partitions: number;
  /** Default every table of public. */
  tables?: string[];
  /** Over enabled, parallelism 2, chunks of 1,000 rows. */
  snapshot?: Partial<PostgresSourceConfig['snapshot']>;
}

export function readerTestConfig(o: ReaderTestConfig): PipelineConfig {
  return {
    nats: { url: o.natsUrl },
    sources: [
      {
        name: o.name,
        type: 'postgres',
        url: o.url,
        publication: `cdc_${o.name}`,
        slot: `cdc_${o.name}`,
        tables: o.tables ?? ['public.*'],
        partitions: o.partitions,
        snapshot: { enabled: true, parallelism: 2, chunkRows: 1_000, ...o.snapshot },
        publish: { maxOps: 500, maxBytes: 1_000_000, maxDelayMs: 5, watermarkIntervalMs: 100 },
        statusIntervalMs: 100,
        tableDiscoveryIntervalS: 0,
        largeTransactions: { stream: true, spillDir: tmpdir() },
      },
    ],
    destinations: [
      {
        name: 'replica',
        type: 'postgres',
        url: 'postgres://applier@127.0.0.1:1/unused',
        sources: [o.name],
        createTables: true,
        tables: {},
        batch: { maxOps: 100, maxWaitMs: 10, maxIdleMs: 10, maxBytes: 16777216 },
        concurrency: 1,
        membership: { heartbeatMs: 1000, ttlMs: 5000 },
        onError: 'stop',
      },
    ],
    coordinator: { intervalMs: 100 },
  };
}
