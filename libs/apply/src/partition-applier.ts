import type { BatchLimits, ReceivedBatch } from '@cdc/change-stream';
import type { PartitionProgress } from '@cdc/progress';
import { describeError, sleep, type Logger } from '@cdc/service-runtime';
import { metrics } from '@cdc/telemetry';
import { recordBatchMetrics, traceBatch } from './batch-telemetry';
import type { Sink } from './sink';

export interface BatchSource {
  nextBatch(limits: BatchLimits, signal: AbortSignal): Promise<ReceivedBatch | undefined>;
  readStored(fromSeq: number, beforeSeq: number): Promise<Pick<ReceivedBatch, 'ops' | 'watermark' | 'messages'>>;
  close(): Promise<void>;
}

export interface PartitionApplierOptions {
  readonly source: string;
  readonly destination: string;
  readonly partition: number;
  readonly batches: BatchSource;
  readonly sink: Sink;
  readonly recordProgress: (progress: PartitionProgress) => Promise<void>;
  readonly limits: BatchLimits;
  /** Bounds how many partitions apply at once (destination connections). */
  readonly slots: Semaphore;
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly onApplied?: (stats: { ops: number; skipped: number; messages: number; ms: number }) => void;
}

/** The partition stopped on an op the destination rejects; retrying the same op cannot help. */
export class PartitionStoppedError extends Error {
  constructor(source: string, destination: string, partition: number, cause: unknown) {
    super(`destination ${destination}: partition ${partition} of source ${source} stopped: ${describeError(cause)}`, {
      cause,
    });
    this.name = 'PartitionStoppedError';
  }
}

/**
 * Applies one partition: take a batch, apply it in one destination transaction (the sink
 * writes the checkpoint in it), and only then ack. A crash anywhere before the ack means the
 * batch comes again and the checkpoint skips what was committed; a crash after the ack loses
 * nothing because the commit came first. Progress (the watermark) is recorded after the ack.
 */
export async function runPartitionApplier(options: PartitionApplierOptions): Promise<void> {
  const { source, destination, partition, log } = options;
  let resumed = false;
  while (!options.signal.aborted) {
    let batch = await options.batches.nextBatch(options.limits, options.signal);
    if (!batch) continue;
    if (!resumed || batch.redelivered) {
      batch = await withEarlierStored(batch, options);
      resumed = true;
    }
    const started = Date.now();
    let applied = 0;
    let skipped = 0;
    const span = traceBatch(batch, { source, destination, partition });
    if (batch.ops.length > 0) {
      const current = batch;
      const apply = () =>
        options.sink.applyBatch({ source, partition, ops: current.ops, lastStreamSeq: current.lastStreamSeq });
      for (let attempt = 1; ; attempt += 1) {
        try {
          await options.slots.run(async () => {
            const result = await (span ? span.step('cdc.apply', apply) : apply());
            applied = result.applied;
            skipped = result.skipped;
          });
          break;
        } catch (error) {
          metrics.errors.inc({ service: 'applier', stage: 'apply' });
          if (!isRetryable(error)) {
            span?.end(error);
            throw new PartitionStoppedError(source, destination, partition, error);
          }
          // Shutting down with an uncommitted batch: abandon it unacked, it will be redelivered.
          if (options.signal.aborted) return span?.end(error);
          const delay = Math.min(30_000, 250 * 2 ** Math.min(attempt, 7));
          const { position } = batch.ops[0];
          log.warn(
            {
              partition,
              attempt,
              retryInMs: delay,
              streamSeq: batch.lastStreamSeq,
              position: `${position.lane ? `${position.lane}@` : ''}${position.commit}:${position.index}`,
              err: describeError(error),
            },
            'apply failed, retrying the batch',
          );
          await sleep(delay, options.signal);
          if (options.signal.aborted) return span?.end(error);
        }
      }
    }
    await (span ? span.step('cdc.ack', () => ackWithRetry(batch, options)) : ackWithRetry(batch, options));
    span?.end();
    recordBatchMetrics(batch, { source, destination, partition }, { skipped, ms: Date.now() - started });
    if (batch.watermark) {
      try {
        await options.recordProgress({
          source,
          destination,
          partition,
          seq: batch.watermark.seq,
          position: batch.watermark.position,
          appliedAtMs: Date.now(),
          lastStreamSeq: batch.lastStreamSeq,
        });
      } catch (error) {
        // The next watermark records it again; progress only ever lags, it never runs ahead.
        metrics.errors.inc({ service: 'applier', stage: 'progress' });
        log.warn({ partition, err: describeError(error) }, 'cannot record progress');
      }
    }
    options.onApplied?.({ ops: applied, skipped, messages: batch.messages, ms: Date.now() - started });
  }
}

/** Puts the partition's messages between the checkpoint and this batch in front of it (see BatchSource.readStored). */
async function withEarlierStored(batch: ReceivedBatch, options: PartitionApplierOptions): Promise<ReceivedBatch> {
  const checkpoint = await options.sink.readCheckpoint(options.source, options.partition);
  const from = (checkpoint?.streamSeq ?? 0) + 1;
  if (batch.firstStreamSeq <= from) return batch;
  const earlier = await options.batches.readStored(from, batch.firstStreamSeq);
  if (earlier.messages === 0) return batch;
  options.log.info(
    { partition: options.partition, fromSeq: from, beforeSeq: batch.firstStreamSeq, messages: earlier.messages },
    'applying unacknowledged messages from before the first delivery first',
  );
  const watermark =
    batch.watermark && (!earlier.watermark || batch.watermark.seq > earlier.watermark.seq)
      ? batch.watermark
      : earlier.watermark;
  return {
    ...batch,
    ops: [...earlier.ops, ...batch.ops],
    watermark,
    messages: batch.messages + earlier.messages,
    firstStreamSeq: from,
  };
}

async function ackWithRetry(batch: ReceivedBatch, options: PartitionApplierOptions): Promise<void> {
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    try {
      await batch.ack();
      return;
    } catch (error) {
      // Committed but not acked: the batch will be redelivered and skipped by the checkpoint.
      metrics.errors.inc({ service: 'applier', stage: 'ack' });
      options.log.warn({ partition: options.partition, attempt, err: describeError(error) }, 'ack failed after commit');
      await sleep(200 * attempt, options.signal);
    }
  }
}

/** Connection trouble and conflicts are worth retrying; data and schema errors are not. */
export function isRetryable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (/^(08|53|57|58|40001|40P01|55P03|XX)/.test(code)) return true;
      if (/^(ECONN|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN)/.test(code)) return true;
      if (/^[0-9A-Z]{5}$/.test(code)) return false;
    }
    const message = (current as { message?: unknown }).message;
    if (
      typeof message === 'string' &&
      /Connection terminated|connection.*(closed|ended)|not queryable|timeout/i.test(message)
    )
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** A counting semaphore: at most `size` holders at once. */
export class Semaphore {
  private active = 0;
  private waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    // A released slot passes straight to the next waiter, so nobody can slip in between.
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
