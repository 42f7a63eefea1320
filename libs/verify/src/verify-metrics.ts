import { Counter, Gauge, Histogram } from 'prom-client';
import { registry } from '@cdc/telemetry';
import type { DifferenceKind } from './row-diff';

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * `cdc_verify_*`, on the process registry (served on /metrics when CDC_HTTP_ADDR is set, as
 * for the services). Chunks are counted when they finish, tables when they end: a long run
 * can be watched while it goes.
 */
const metrics = {
  rows: new Counter({
    name: 'cdc_verify_rows_total',
    help: 'Source rows compared (a chunk counts once, however often its rows were read again)',
    labelNames: ['source', 'destination', 'table'] as const,
    registers: [registry],
  }),
  chunks: new Counter({
    name: 'cdc_verify_chunks_total',
    help: 'Chunks compared; result: equal (by their in-database checksums) or rechecked (compared row by row)',
    labelNames: ['source', 'destination', 'table', 'result'] as const,
    registers: [registry],
  }),
  differences: new Counter({
    name: 'cdc_verify_differences_total',
    help: 'Rows still different after the rechecks; kind: missing (at the destination), extra, different',
    labelNames: ['source', 'destination', 'table', 'kind'] as const,
    registers: [registry],
  }),
  chunkSeconds: new Histogram({
    name: 'cdc_verify_chunk_seconds',
    help: 'Time to compare one chunk, rechecks and waits included',
    labelNames: ['source', 'destination'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  }),
  waitSeconds: new Histogram({
    name: 'cdc_verify_destination_wait_seconds',
    help: "Per chunk, time spent waiting for the destination to apply the chunk's source positions",
    labelNames: ['source', 'destination'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  }),
  tableEqual: new Gauge({
    name: 'cdc_verify_table_equal',
    help: 'Per compared table at the end of its comparison: 1 equal, 0 different',
    labelNames: ['source', 'destination', 'table'] as const,
    registers: [registry],
  }),
};

export interface TableLabels {
  readonly source: string;
  readonly destination: string;
  readonly table: string;
}

export function recordChunk(
  labels: TableLabels,
  chunk: { rows: number; rechecked: boolean; differences: ReadonlyArray<{ kind: DifferenceKind }> },
  seconds: number,
  waitSeconds: number,
): void {
  metrics.rows.inc(labels, chunk.rows);
  metrics.chunks.inc({ ...labels, result: chunk.rechecked ? 'rechecked' : 'equal' });
  for (const difference of chunk.differences) metrics.differences.inc({ ...labels, kind: difference.kind });
  const pair = { source: labels.source, destination: labels.destination };
  metrics.chunkSeconds.observe(pair, seconds);
  metrics.waitSeconds.observe(pair, waitSeconds);
}

export function recordTableEnd(labels: TableLabels, equal: boolean): void {
  metrics.tableEqual.set(labels, equal ? 1 : 0);
}
