import type { ChangeOp } from '@cdc/change-envelope';
import type { BatchLimits, ReceivedBatch } from '@cdc/change-stream';
import type { PartitionProgress } from '@cdc/progress';
import { describeError, sleep, type Logger } from '@cdc/service-runtime';
import { metrics } from '@cdc/telemetry';
import { recordBatchMetrics, traceBatch } from './batch-telemetry';
import { ApplyError, type Sink } from './sink';

export interface BatchSource {
  nextBatch(limits: BatchLimits, signal: AbortSignal): Promise<ReceivedBatch | undefined>;
  readStored(
    fromSeq: number,
    beforeSeq: number,
  ): Promise<Pick<ReceivedBatch, 'ops' | 'opStreamSeqs' | 'watermark' | 'messages'>>;
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
  /** What to do with an op the destination rejects as bad data (SQLSTATE class 22 or 23): default stop. */
  readonly onError?: 'stop' | 'dead-letter';
  /** Required with onError 'dead-letter': stores the op durably (resolves only once it is stored). */
  readonly deadLetter?: (entry: DeadLetter) => Promise<void>;
}

/** An op set aside under on_error: dead-letter, with what is needed to find and replay it. */
export interface DeadLetter {
  readonly source: string;
  readonly destination: string;
  readonly partition: number;
  readonly op: ChangeOp;
  /** Stream sequence of the message that carried the op. */
  readonly streamSeq: number;
  /** The destination's message, one line. */
  readonly error: string;
  /** SQLSTATE of the rejection, when the destination gave one. */
  readonly code: string | undefined;
}

/** The partition stopped on an op the destination rejects; retrying the same op cannot help. */
export class PartitionStoppedError extends Error {
  constructor(source: string, destination: string, partition: number, cause: unknown, streamSeq?: number) {
    super(
      `destination ${destination}: partition ${partition} of source ${source} stopped` +
        `${streamSeq === undefined ? '' : ` at stream sequence ${streamSeq}`}: ${describeError(cause)}`,
      { cause },
    );
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
      const result = await applyBatchOps(batch, options, span);
      // Shutting down mid-batch: the rest is abandoned unacked and comes again.
      if (result === 'aborted') return;
      applied = result.applied;
      skipped = result.skipped;
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

type BatchSpan = ReturnType<typeof traceBatch>;
type Applied = { applied: number; skipped: number };

/**
 * Applies the batch's ops in one transaction, retrying connection trouble. A data error stops
 * the partition, or under on_error: dead-letter, the batch is bisected into smaller
 * transactions (each writes its checkpoint, in order) until the rejected op stands alone; it
 * is stored in the dead-letter stream, and a no-op in its place moves the checkpoint past it.
 * Bisecting in the applier keeps this the same for every sink: a sink only ever applies a
 * batch all or nothing.
 */
async function applyBatchOps(
  batch: ReceivedBatch,
  options: PartitionApplierOptions,
  span: BatchSpan,
): Promise<Applied | 'aborted'> {
  const { source, destination, partition } = options;
  const seqs = batch.opStreamSeqs;
  const total: Applied = { applied: 0, skipped: 0 };
  /** The checkpoint's stream sequence after ops[0..end): only whole messages count as applied. */
  const streamSeqAfter = (end: number): number => {
    if (end >= batch.ops.length) return batch.lastStreamSeq;
    if (!seqs) return batch.firstStreamSeq - 1;
    return seqs[end] > seqs[end - 1] ? seqs[end - 1] : seqs[end - 1] - 1;
  };
  const stop = (error: unknown) => {
    span?.end(error);
    const position = error instanceof ApplyError ? error.context.position : undefined;
    const at = position ? batch.ops.findIndex((op) => op.position === position) : -1;
    const streamSeq = at >= 0 && seqs ? seqs[at] : undefined;
    const stopped = new PartitionStoppedError(source, destination, partition, error, streamSeq);
    return stopped;
  };
  const tryRange = async (
    to: number,
    ops: readonly ChangeOp[],
  ): Promise<'aborted' | { error: unknown } | undefined> => {
    const result = await applyRetrying(ops, streamSeqAfter(to), batch, options, span);
    if (result === 'aborted' || 'error' in result) return result;
    total.applied += result.applied;
    total.skipped += result.skipped;
    return undefined;
  };
  const first = await tryRange(batch.ops.length, batch.ops);
  if (first === 'aborted') return 'aborted';
  if (first === undefined) return total;
  if (options.onError !== 'dead-letter' || !options.deadLetter || !isDataError(first.error)) throw stop(first.error);
  const deadLetter = options.deadLetter;
  // [from, to) failed as a whole with `error`: apply its good ops in order, set the bad ones aside.
  const bisect = async (from: number, to: number, error: unknown): Promise<'aborted' | undefined> => {
    if (to - from === 1) {
      const op = batch.ops[from];
      const entry: DeadLetter = {
        source,
        destination,
        partition,
        op,
        streamSeq: seqs ? seqs[from] : batch.firstStreamSeq,
        error: describeError(error),
        code: sqlStateOf(error),
      };
      // The checkpoint moves past the op only once the dead letter is stored.
      for (let attempt = 1; ; attempt += 1) {
        try {
          await deadLetter(entry);
          break;
        } catch (storeError) {
          metrics.errors.inc({ service: 'applier', stage: 'dead-letter' });
          if (options.signal.aborted) return 'aborted';
          options.log.warn(
            { partition, attempt, err: describeError(storeError) },
            'cannot store a dead letter, retrying',
          );
          await sleep(Math.min(30_000, 250 * 2 ** Math.min(attempt, 7)), options.signal);
          if (options.signal.aborted) return 'aborted';
        }
      }
      metrics.deadLettered.inc({ source, destination, table: `${op.table.schema}.${op.table.table}` });
      options.log.warn(
        {
          partition,
          table: `${op.table.schema}.${op.table.table}`,
          position: positionText(op),
          err: describeError(error),
        },
        'op rejected by the destination set aside in the dead-letter stream',
      );
      const placeholder = await tryRange(to, [passOver(op)]);
      if (placeholder === 'aborted') return 'aborted';
      if (placeholder !== undefined) throw stop(placeholder.error);
      total.applied -= 1;
      return undefined;
    }
    const middle = from + Math.ceil((to - from) / 2);
    for (const [a, b] of [
      [from, middle],
      [middle, to],
    ] as const) {
      const failed = await tryRange(b, batch.ops.slice(a, b));
      if (failed === 'aborted') return 'aborted';
      if (failed === undefined) continue;
      if (!isDataError(failed.error)) throw stop(failed.error);
      if ((await bisect(a, b, failed.error)) === 'aborted') return 'aborted';
    }
    return undefined;
  };
  if ((await bisect(0, batch.ops.length, first.error)) === 'aborted') return 'aborted';
  return total;
}

/** Applies ops in one transaction, retrying what can pass later; resolves with the result or the non-retryable error. */
async function applyRetrying(
  ops: readonly ChangeOp[],
  lastStreamSeq: number,
  batch: ReceivedBatch,
  options: PartitionApplierOptions,
  span: BatchSpan,
): Promise<Applied | 'aborted' | { error: unknown }> {
  const { source, partition, log } = options;
  const apply = () => options.sink.applyBatch({ source, partition, ops, lastStreamSeq });
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await options.slots.run(async () => {
        const result = await (span ? span.step('cdc.apply', apply) : apply());
        return { applied: result.applied, skipped: result.skipped };
      });
    } catch (error) {
      metrics.errors.inc({ service: 'applier', stage: 'apply' });
      if (!isRetryable(error)) return { error };
      // Shutting down with an uncommitted batch: abandon it unacked, it will be redelivered.
      if (options.signal.aborted) {
        span?.end(error);
        return 'aborted';
      }
      const delay = Math.min(30_000, 250 * 2 ** Math.min(attempt, 7));
      log.warn(
        {
          partition,
          attempt,
          retryInMs: delay,
          streamSeq: batch.lastStreamSeq,
          position: positionText(ops[0]),
          err: describeError(error),
        },
        'apply failed, retrying the batch',
      );
      await sleep(delay, options.signal);
      if (options.signal.aborted) {
        span?.end(error);
        return 'aborted';
      }
    }
  }
}

function positionText(op: ChangeOp): string {
  const { position } = op;
  return `${position.lane ? `${position.lane}@` : ''}${position.commit}:${position.index}`;
}

/**
 * Takes a dead-lettered op's place in its batch: no sink writes a ddl op (DDL reaches a
 * destination through schema evolution), but its position moves the checkpoint past the op.
 */
function passOver(op: ChangeOp): ChangeOp {
  return { kind: 'ddl', table: op.table, key: [], position: op.position, commitTimeUs: op.commitTimeUs, ddl: '' };
}

/** The first SQLSTATE-shaped `code` along the cause chain. */
function sqlStateOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Bad data in one op (class 22 data exception, 23 constraint violation): the only errors dead-lettering sets aside. */
export function isDataError(error: unknown): boolean {
  const code = sqlStateOf(error);
  return code !== undefined && /^(22|23)/.test(code);
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
  const opStreamSeqs =
    earlier.opStreamSeqs && batch.opStreamSeqs ? [...earlier.opStreamSeqs, ...batch.opStreamSeqs] : undefined;
  return {
    ...batch,
    ops: [...earlier.ops, ...batch.ops],
    opStreamSeqs,
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
