import { positionText, type ChangeOp } from '@cdc/change-envelope';
import type { ReceivedBatch } from '@cdc/change-stream';
import { withRetry } from '@cdc/service-runtime';
import { metrics } from '@cdc/telemetry';
import type { BatchSpan } from './batch-telemetry';
import { opCount, samePosition, streamSeqAfterOps } from './batch-positions';
import { isDataError, openChunks, setAsideRejected, type RangeAttempt } from './dead-letter';
import { PartitionStoppedError, type PartitionApplierOptions } from './partition-contract';
import { DESTINATION_RETRY, isRetryable } from './retry-policies';
import { ApplyError, type SinkBatch } from './sink';

export type Applied = { applied: number; skipped: number };

/**
 * Applies the batch's ops [from, to) in one transaction, retrying connection trouble. A data
 * error stops the partition, or under on_error: dead-letter, the rejected ops are set aside
 * (setAsideRejected) and the rest applied in order.
 */
export async function applyRange(
  batch: ReceivedBatch,
  options: PartitionApplierOptions,
  span: BatchSpan,
  from: number,
  to: number,
): Promise<Applied | 'aborted'> {
  const total: Applied = { applied: 0, skipped: 0 };
  const stop = (error: unknown) => stoppedAt(batch, options, span, error);
  const attempt: RangeAttempt = async (to, ops) => {
    const result = await applyRetrying(ops, streamSeqAfterOps(batch, to), batch, options, span);
    if (result === 'aborted' || 'error' in result) return result;
    total.applied += result.applied;
    total.skipped += result.skipped;
    return undefined;
  };
  const whole = from === 0 && to === opCount(batch);
  const first = await attempt(to, () => (whole ? batch.ops : batch.ops.slice(from, to)));
  if (first === 'aborted') return 'aborted';
  if (first === undefined) return total;
  if (options.onError !== 'dead-letter' || !options.deadLetter || !isDataError(first.error)) throw stop(first.error);
  // Dead letters are rows: a snapshot chunk is opened into its rows (each at a position of its own) first.
  const opened = openChunks(batch, from, to);
  if (opened !== undefined) {
    const rows = await applyRange(opened, options, span, 0, opened.ops.length);
    if (rows === 'aborted') return 'aborted';
    return { applied: total.applied + rows.applied, skipped: total.skipped + rows.skipped };
  }
  const setAside = await setAsideRejected(batch, { from, to, error: first.error }, attempt, stop, {
    ...options,
    deadLetter: options.deadLetter,
  });
  if (setAside === 'aborted') return 'aborted';
  // Their placeholders were counted as applied.
  total.applied -= setAside;
  return total;
}

/** The partition stops on `error`, at the stream sequence of the op it names if it names one. */
function stoppedAt(
  batch: ReceivedBatch,
  options: PartitionApplierOptions,
  span: BatchSpan,
  error: unknown,
): PartitionStoppedError {
  span?.end(error);
  const seqs = batch.opStreamSeqs;
  const position = error instanceof ApplyError ? error.context.position : undefined;
  // By value: the ops may have been decoded again since the sink saw them.
  const at = position ? batch.ops.findIndex((op) => samePosition(op.position, position)) : -1;
  const streamSeq = at >= 0 && seqs ? seqs[at] : undefined;
  return new PartitionStoppedError(options.source, options.destination, options.partition, error, streamSeq);
}

/**
 * Applies ops in one transaction, retrying what can pass later; resolves with the result or the
 * non-retryable error. The ops are asked for only when the sink reads them, and the batch then
 * lets go of them (ReceivedBatch.releaseOps): nothing here keeps them on the heap while the
 * destination works, so they can go once the sink has built its statements.
 */
export async function applyRetrying(
  opsOf: () => readonly ChangeOp[],
  lastStreamSeq: number,
  batch: ReceivedBatch,
  options: PartitionApplierOptions,
  span: BatchSpan,
): Promise<Applied | 'aborted' | { error: unknown }> {
  const { source, partition, log } = options;
  const sinkBatch: SinkBatch = {
    source,
    partition,
    lastStreamSeq,
    get ops() {
      const ops = opsOf();
      batch.releaseOps?.();
      return ops;
    },
  };
  const apply = () => options.sink.applyBatch(sinkBatch);
  try {
    return await withRetry(
      () =>
        options.slots.run(async () => {
          const result = await (span ? span.step('cdc.apply', apply) : apply());
          return { applied: result.applied, skipped: result.skipped };
        }),
      {
        ...DESTINATION_RETRY,
        what: 'applying the batch',
        log,
        signal: options.signal,
        // Asked only on a failure: the ops are not held on the heap for the log line.
        logFields: () => ({ partition, streamSeq: batch.lastStreamSeq, position: positionText(opsOf()[0].position) }),
        countFailure: () => metrics.errors.inc({ service: 'applier', stage: 'apply' }),
      },
    );
  } catch (error) {
    if (!isRetryable(error)) return { error };
    // Shutting down with an uncommitted batch: abandon it unacked, it will be redelivered.
    span?.end(error);
    return 'aborted';
  }
}
