import type { ReceivedBatch } from '@cdc/change-stream';
import { countOps, metrics, startBatchTrace, type BatchTrace } from '@cdc/telemetry';

interface BatchOrigin {
  readonly source: string;
  readonly destination: string;
  readonly partition: number;
}

/** The batch's span when tracing is on and some transaction in it was traced (see libs/telemetry). */
export function traceBatch(batch: ReceivedBatch, origin: BatchOrigin): BatchTrace | undefined {
  if (!batch.trace) return undefined;
  const span = startBatchTrace(batch.trace.traceparents, {
    ...origin,
    ops: batch.opStats?.count ?? batch.ops.length,
    messages: batch.messages,
    firstStreamSeq: batch.firstStreamSeq,
    lastStreamSeq: batch.lastStreamSeq,
  });
  span?.decoded(batch.trace.decodeStartedAtMs, batch.trace.decodeMs);
  return span;
}

/** The batch's span, if it has one: each step of applying the batch reports to it. */
export type BatchSpan = BatchTrace | undefined;

/** Metrics of a committed and acked batch: a few counter updates per batch, none per op. */
export function recordBatchMetrics(
  batch: ReceivedBatch,
  origin: BatchOrigin,
  result: { skipped: number; ms: number },
): void {
  const { source, destination } = origin;
  // Counted by the consumer when the messages arrived: the ops may not be decoded (or no longer be).
  const stats = batch.opStats;
  const count = stats?.count ?? batch.ops.length;
  if (count > 0) {
    metrics.batchOps.observe({ source, destination }, count);
    metrics.applySeconds.observe({ source, destination }, result.ms / 1000);
    if (stats) {
      for (const { table, kind, count } of stats.byTable) {
        metrics.appliedOps.inc({ source, destination, table, kind }, count);
      }
    } else {
      countOps(batch.ops, (table, kind, count) => metrics.appliedOps.inc({ source, destination, table, kind }, count));
    }
    if (result.skipped > 0) metrics.skippedOps.inc({ source, destination }, result.skipped);
  }
  const partition = String(origin.partition);
  if (batch.redelivered) metrics.redeliveries.inc({ source, destination, partition });
  // The newest source time this batch brought: its last op's commit, or the watermark's time.
  const lastCommitTimeUs = stats ? stats.lastCommitTimeUs : (batch.ops[batch.ops.length - 1]?.commitTimeUs ?? 0);
  const sourceTimeUs = Math.max(lastCommitTimeUs, batch.watermark?.timeUs ?? 0);
  if (sourceTimeUs > 0) {
    metrics.lagSeconds.set({ source, destination, partition }, Math.max(0, Date.now() / 1000 - sourceTimeUs / 1e6));
  }
}
