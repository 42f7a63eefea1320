import { comparePositions, positionText, type Position } from '@cdc/change-envelope';
import type { ReceivedBatch } from '@cdc/change-stream';
import { sleep, withRetry } from '@cdc/service-runtime';
import { metrics } from '@cdc/telemetry';
import { applyRange, applyRetrying, type Applied } from './apply-range';
import type { BatchSpan } from './batch-telemetry';
import { opCount, passOver, streamSeqAfterOps } from './batch-positions';
import { PartitionStoppedError, type PartitionApplierOptions } from './partition-contract';
import { CHECKPOINT_READ_RETRY, isRetryable } from './retry-policies';
import type { Checkpoint } from './sink';

/** Indexes of the batch's barrier ops (a plain function: no reference to the ops outlives it). */
export function barrierIndexes(batch: ReceivedBatch): readonly number[] {
  if (batch.opStats) return batch.opStats.barriers;
  const indexes: number[] = [];
  const ops = batch.ops;
  for (let i = 0; i < ops.length; i += 1) {
    const barrier = ops[i].barrier;
    if (barrier !== undefined && barrier.length >= 2) indexes.push(i);
  }
  return indexes;
}

/** Applies the batch in order, stopping at each barrier op (see passBarrier) until it is passed. */
export async function applyWithBarriers(
  batch: ReceivedBatch,
  options: PartitionApplierOptions,
  span: BatchSpan,
): Promise<Applied | 'aborted'> {
  const total: Applied = { applied: 0, skipped: 0 };
  const add = (result: Applied | 'aborted'): boolean => {
    if (result === 'aborted') return false;
    total.applied += result.applied;
    total.skipped += result.skipped;
    return true;
  };
  const count = opCount(batch);
  let from = 0;
  for (const i of barrierIndexes(batch)) {
    if (i > from && !add(await applyRange(batch, options, span, from, i))) return 'aborted';
    if (!add(await passBarrier(batch, i, options, span))) return 'aborted';
    from = i + 1;
  }
  if (from < count && !add(await applyRange(batch, options, span, from, count))) return 'aborted';
  return total;
}

/** How often a partition waiting at a barrier reports that it waits, and tells JetStream it still works on the batch. */
const BARRIER_REPORT_MS = 30_000;

/**
 * An op copied into several partitions of a table partitioned by key (a TRUNCATE, or an
 * UPDATE that moved a row to another partition) must take effect once, after every one of
 * those partitions has applied all its earlier ops and before any applies a later one.
 * The destination checkpoints are the meeting point, so this works across applier instances
 * and survives crashes anywhere:
 * - each other partition records its arrival by moving its checkpoint to just before the op
 *   (every op of its own below that position is applied: a partition's stream is in position
 *   order), then waits until the first listed partition's checkpoint has passed the op;
 * - the first listed partition waits until every other one has arrived, applies the op, and
 *   its checkpoint (in the same transaction) announces it;
 * - the others then pass over the op (their checkpoint moves past it) and go on.
 * A partition whose checkpoint is already past the op (a redelivery) does nothing.
 */
export async function passBarrier(
  batch: ReceivedBatch,
  at: number,
  options: PartitionApplierOptions,
  span: BatchSpan,
): Promise<Applied | 'aborted'> {
  const op = batch.ops[at];
  const barrier = op.barrier ?? [];
  const { partition } = options;
  const own = await readCheckpointRetrying(partition, options);
  if (own === 'aborted') return 'aborted';
  if (isAtOrPast(own, op.position)) return { applied: 0, skipped: 1 };
  const executor = barrier[0];
  const what = `${op.kind} of ${op.table.schema}.${op.table.table} at ${positionText(op.position)}`;
  if (partition === executor) {
    const arrived = await waitForCheckpoints(
      barrier.slice(1),
      justBefore(op.position),
      batch,
      options,
      `${what}: waiting for partitions to apply everything before it`,
    );
    if (arrived === 'aborted') return 'aborted';
    return applyRange(batch, options, span, at, at + 1);
  }
  /** Moves this partition's checkpoint to `position` (the ops before `end` count as applied). */
  const checkpointAt = async (position: Position, end: number): Promise<'aborted' | undefined> => {
    const placeholder = passOver(op, position);
    const result = await applyRetrying(() => [placeholder], streamSeqAfterOps(batch, end), batch, options, span);
    if (result === 'aborted') return 'aborted';
    if ('error' in result)
      throw new PartitionStoppedError(options.source, options.destination, partition, result.error);
    return undefined;
  };
  if ((await checkpointAt(justBefore(op.position), at)) === 'aborted') return 'aborted';
  const done = await waitForCheckpoints(
    [executor],
    op.position,
    batch,
    options,
    `${what}: waiting for partition ${executor} to apply it`,
  );
  if (done === 'aborted') return 'aborted';
  if ((await checkpointAt(op.position, at + 1)) === 'aborted') return 'aborted';
  return { applied: 0, skipped: 1 };
}

/** The last position before `position` in its lane. */
export function justBefore(position: Position): Position {
  return position.index > 0
    ? { ...position, index: position.index - 1 }
    : { ...position, commit: position.commit - 1n, index: 0xffff_ffff };
}

export function isAtOrPast(checkpoint: Checkpoint | undefined, position: Position): boolean {
  const stored = checkpoint?.lanes.get(position.lane ?? '');
  return stored !== undefined && comparePositions(stored, position) >= 0;
}

async function readCheckpointRetrying(
  partition: number,
  options: PartitionApplierOptions,
): Promise<Checkpoint | undefined | 'aborted'> {
  try {
    return await withRetry(() => options.sink.readCheckpoint(options.source, partition), {
      ...CHECKPOINT_READ_RETRY,
      what: `reading the checkpoint of partition ${partition}`,
      log: options.log,
      signal: options.signal,
      logFields: { partition: options.partition },
      countFailure: () => metrics.errors.inc({ service: 'applier', stage: 'barrier' }),
    });
  } catch (error) {
    if (options.signal.aborted && isRetryable(error)) return 'aborted';
    throw error;
  }
}

/** Resolves once every listed partition's checkpoint is at or past `position` in its lane. */
async function waitForCheckpoints(
  partitions: readonly number[],
  position: Position,
  batch: ReceivedBatch,
  options: PartitionApplierOptions,
  what: string,
): Promise<'aborted' | undefined> {
  let waiting = [...partitions];
  const started = Date.now();
  let reportedAt = started;
  for (let round = 0; ; round += 1) {
    const behind: number[] = [];
    for (const other of waiting) {
      const checkpoint = await readCheckpointRetrying(other, options);
      if (checkpoint === 'aborted') return 'aborted';
      if (!isAtOrPast(checkpoint, position)) behind.push(other);
    }
    waiting = behind;
    if (waiting.length === 0) {
      if (Date.now() - started > 1_000) {
        options.log.info({ partition: options.partition, waitedMs: Date.now() - started }, `${what}: passed`);
      }
      return undefined;
    }
    if (Date.now() - reportedAt >= BARRIER_REPORT_MS) {
      reportedAt = Date.now();
      batch.working?.();
      options.log.warn(
        { partition: options.partition, behind: waiting, waitedS: Math.round((Date.now() - started) / 1000) },
        `${what}; a stopped partition holds every partition listed here`,
      );
    }
    await sleep(Math.min(1_000, 50 * 2 ** Math.min(round, 5)), options.signal);
    if (options.signal.aborted) return 'aborted';
  }
}
