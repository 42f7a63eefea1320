import type { ReceivedBatch } from '@cdc/change-stream';
import { withRetry } from '@cdc/service-runtime';
import { metrics } from '@cdc/telemetry';
import { applyWithBarriers } from './barriers';
import { opCount } from './batch-positions';
import { recordBatchMetrics, traceBatch } from './batch-telemetry';
import { catchUpDelivered, withEarlierStored } from './catch-up';
import type { PartitionApplierOptions } from './partition-contract';
import { ACK_RETRY, PROGRESS_RETRY } from './retry-policies';

// The partition applier's loop; its rules live beside it, one job a file: catch-up.ts (after a
// restart or takeover), barriers.ts (ops several partitions must meet at), apply-range.ts (one
// transaction, retried), dead-letter.ts (bisecting a rejected batch), permits.ts (how many
// partitions apply and receive ahead at once).

/**
 * Applies one partition: take a batch, apply it in one destination transaction (the sink
 * writes the checkpoint in it), and only then ack. A crash anywhere before the ack means the
 * batch comes again and the checkpoint skips what was committed; a crash after the ack loses
 * nothing because the commit came first. Progress (the watermark) is recorded after the ack.
 */
export async function runPartitionApplier(options: PartitionApplierOptions): Promise<void> {
  let resumed = false;
  if ((await catchUpDelivered(options, (batch) => handleBatch(batch, options))) === 'aborted') return;
  // The next batch, received while the current one applies (see ReceiveAheadPermits).
  let ahead: { readonly batch: Promise<ReceivedBatch | undefined>; readonly stop: AbortController } | undefined;
  const takeAhead = async (): Promise<ReceivedBatch | undefined> => {
    const taken = ahead!;
    ahead = undefined;
    try {
      return await taken.batch;
    } finally {
      options.receiveAhead!.give();
    }
  };
  try {
    while (!options.signal.aborted) {
      let batch = ahead ? await takeAhead() : await options.batches.nextBatch(options.limits, options.signal);
      if (!batch) continue;
      if (!resumed || batch.redelivered || batch.gapBefore) {
        batch = await withEarlierStored(batch, options);
        resumed = true;
      }
      const handled = handleBatch(batch, options);
      // Only behind a batch that ended with messages still coming: a partition with a backlog.
      // An idle one would hold the permit while it waits for its next message.
      if (batch.backlog === true && options.receiveAhead?.tryTake()) {
        const stop = new AbortController();
        // It grows until the current batch is done: it could not be applied sooner.
        const received = options.batches.nextBatch(
          options.limits,
          AbortSignal.any([options.signal, stop.signal]),
          handled.then(
            () => undefined,
            () => undefined,
          ),
        );
        received.catch(() => undefined); // observed when taken
        ahead = { batch: received, stop };
      }
      if ((await handled) === 'aborted') return;
    }
  } finally {
    // Leaving (shut down, or the partition stopped): a batch received ahead is not applied. Its
    // messages stay unacked and come again (redelivered, or read by the next run's catch-up).
    // The receive is ended and awaited, so nothing still reads the consumer once this returns.
    if (ahead) {
      ahead.stop.abort();
      await takeAhead().catch(() => undefined);
    }
  }
}

/** Applies one batch, acks it after the commit, records progress. */
async function handleBatch(batch: ReceivedBatch, options: PartitionApplierOptions): Promise<'aborted' | undefined> {
  const { source, destination, partition, log } = options;
  const started = Date.now();
  let applied = 0;
  let skipped = 0;
  const span = traceBatch(batch, { source, destination, partition });
  if (opCount(batch) > 0) {
    const result = await applyWithBarriers(batch, options, span);
    // Shutting down mid-batch: the rest is abandoned unacked and comes again.
    if (result === 'aborted') return 'aborted';
    applied = result.applied;
    skipped = result.skipped;
  }
  await (span ? span.step('cdc.ack', () => ackWithRetry(batch, options)) : ackWithRetry(batch, options));
  span?.end();
  recordBatchMetrics(batch, { source, destination, partition }, { skipped, ms: Date.now() - started });
  if (batch.watermark && !options.signal.aborted) {
    const entry = {
      source,
      destination,
      partition,
      seq: batch.watermark.seq,
      position: batch.watermark.position,
      appliedAtMs: Date.now(),
      lastStreamSeq: batch.lastStreamSeq,
    };
    // Retried a few times: on a source gone quiet no later watermark would record it, and the
    // committed position (so the slot) would stay behind what was applied. Progress only ever
    // lags; it never runs ahead, so giving up (logged by withRetry) loses nothing.
    await withRetry(() => options.recordProgress(entry), {
      ...PROGRESS_RETRY,
      what: 'recording progress',
      log,
      signal: options.signal,
      logFields: { partition },
      countFailure: () => metrics.errors.inc({ service: 'applier', stage: 'progress' }),
    }).catch(() => undefined);
  }
  options.onApplied?.({ ops: applied, skipped, messages: batch.messages, ms: Date.now() - started });
  return undefined;
}

async function ackWithRetry(batch: ReceivedBatch, options: PartitionApplierOptions): Promise<void> {
  // Committed but not acked (given up, or shutting down): the batch will be redelivered and
  // skipped by the checkpoint, so the last failure, logged by withRetry, is not the caller's.
  await withRetry(() => batch.ack(), {
    ...ACK_RETRY,
    what: 'ack after commit',
    log: options.log,
    signal: options.signal,
    logFields: { partition: options.partition },
    countFailure: () => metrics.errors.inc({ service: 'applier', stage: 'ack' }),
  }).catch(() => undefined);
}
