import { comparePositions, expandRows, type ChangeOp, type Position } from '@cdc/change-envelope';
import type { BatchLimits, ReceivedBatch } from '@cdc/change-stream';
import type { PartitionProgress } from '@cdc/progress';
import { describeError, sleep, withRetry, type Logger } from '@cdc/service-runtime';
import { metrics } from '@cdc/telemetry';
import { recordBatchMetrics, traceBatch } from './batch-telemetry';
import {
  ACK_RETRY,
  CHECKPOINT_READ_RETRY,
  DEAD_LETTER_RETRY,
  DESTINATION_RETRY,
  isRetryable,
  PROGRESS_RETRY,
} from './retry-policies';
import { ApplyError, type Checkpoint, type Sink, type SinkBatch } from './sink';

export interface BatchSource {
  /** `holdOpen`: the batch may grow past max_wait_ms until it resolves (see PartitionConsumer.nextBatch). */
  nextBatch(limits: BatchLimits, signal: AbortSignal, holdOpen?: Promise<unknown>): Promise<ReceivedBatch | undefined>;
  readStored(
    fromSeq: number,
    beforeSeq: number,
    maxMessages?: number,
  ): Promise<Pick<ReceivedBatch, 'ops' | 'opStreamSeqs' | 'watermark' | 'messages'> & { nextSeq?: number }>;
  /**
   * The consumer's highest stream sequence delivered to anyone (0: none), and its ack floor.
   * Messages above the ack floor up to `delivered` may sit unacked with an owner that is gone.
   */
  deliveryState?(): Promise<{ delivered: number; ackFloor: number }>;
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
  /** Shared by the partitions: who may receive its next batch while applying one (absent: nobody). */
  readonly receiveAhead?: ReceiveAheadPermits;
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
  let resumed = false;
  if ((await catchUpDelivered(options)) === 'aborted') return;
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
      if (!resumed || batch.redelivered) {
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

/**
 * Lets a partition receive its next batch from JetStream while its current one is applied, so
 * the destination does not wait for the batch to be received (up to batch.max_wait_ms) between
 * two transactions: the gap that matters when one busy table (one partition) carries the load.
 * Each permit holds one more batch in memory, so the applier gives out few (one).
 */
export class ReceiveAheadPermits {
  constructor(private free: number) {}

  tryTake(): boolean {
    if (this.free <= 0) return false;
    this.free -= 1;
    return true;
  }

  give(): void {
    this.free += 1;
  }
}

/** How many stored messages a catch-up batch reads at most (each at most ~1 MB of ops). */
const CATCH_UP_MESSAGES = 8;

/**
 * A partition just taken over: the messages its previous owner had pulled but not applied
 * (prefetched, or in a batch it was killed in) stay unacked, and the consumer redelivers them
 * only after ack_wait. When nothing new arrives meanwhile (the tail of a backlog), the
 * partition would stand still that long. So the new owner first applies, straight from the
 * stream, what lies between its checkpoint and the consumer's highest delivered sequence; when
 * the consumer redelivers those messages later, the checkpoint skips them.
 */
async function catchUpDelivered(options: PartitionApplierOptions): Promise<'aborted' | undefined> {
  if (!options.batches.deliveryState) return undefined;
  const { delivered, ackFloor } = await options.batches.deliveryState();
  const checkpoint = await options.sink.readCheckpoint(options.source, options.partition);
  // Acked means committed; the checkpoint can lag the ack floor (a batch of watermarks only
  // writes none), so start after whichever is further.
  let from = Math.max(checkpoint?.streamSeq ?? 0, ackFloor) + 1;
  if (from > delivered) return undefined;
  options.log.info(
    { partition: options.partition, fromSeq: from, throughSeq: delivered },
    'applying messages delivered to a previous owner but not acknowledged',
  );
  while (from <= delivered && !options.signal.aborted) {
    const stored = await options.batches.readStored(from, delivered + 1, CATCH_UP_MESSAGES);
    const next = stored.nextSeq ?? delivered + 1;
    const batch: ReceivedBatch = {
      ops: stored.ops,
      watermark: stored.watermark,
      messages: stored.messages,
      firstStreamSeq: from,
      // Every message of the partition below `next` is in this batch.
      lastStreamSeq: next - 1,
      opStreamSeqs: stored.opStreamSeqs,
      redelivered: false,
      // Not delivered to this instance: acknowledged with the first later message it acks (AckPolicy.All).
      ack: async () => undefined,
    };
    if (stored.messages > 0 && (await handleBatch(batch, options)) === 'aborted') return 'aborted';
    if (next <= from) break; // cannot happen (a read moves on), but never loop in place
    from = next;
  }
  return options.signal.aborted ? 'aborted' : undefined;
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

type BatchSpan = ReturnType<typeof traceBatch>;
type Applied = { applied: number; skipped: number };

/** The batch's op count, without decoding its ops again when the consumer counted them. */
function opCount(batch: ReceivedBatch): number {
  return batch.opStats?.count ?? batch.ops.length;
}

/** Indexes of the batch's barrier ops (a plain function: no reference to the ops outlives it). */
function barrierIndexes(batch: ReceivedBatch): readonly number[] {
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
async function applyWithBarriers(
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
    if (i > from && !add(await applyBatchOps(batch, options, span, from, i))) return 'aborted';
    if (!add(await passBarrier(batch, i, options, span))) return 'aborted';
    from = i + 1;
  }
  if (from < count && !add(await applyBatchOps(batch, options, span, from, count))) return 'aborted';
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
async function passBarrier(
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
  const what = `${op.kind} of ${op.table.schema}.${op.table.table} at ${positionText(op)}`;
  if (partition === executor) {
    const arrived = await waitForCheckpoints(
      barrier.slice(1),
      justBefore(op.position),
      batch,
      options,
      `${what}: waiting for partitions to apply everything before it`,
    );
    if (arrived === 'aborted') return 'aborted';
    return applyBatchOps(batch, options, span, at, at + 1);
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

/** The checkpoint's stream sequence once ops[0..end) are applied: only whole messages count as applied. */
function streamSeqAfterOps(batch: ReceivedBatch, end: number): number {
  const seqs = batch.opStreamSeqs;
  if (end >= opCount(batch)) return batch.lastStreamSeq;
  if (end === 0 || !seqs) return batch.firstStreamSeq - 1;
  return seqs[end] > seqs[end - 1] ? seqs[end - 1] : seqs[end - 1] - 1;
}

/** The last position before `position` in its lane. */
function justBefore(position: Position): Position {
  return position.index > 0
    ? { ...position, index: position.index - 1 }
    : { ...position, commit: position.commit - 1n, index: 0xffff_ffff };
}

function isAtOrPast(checkpoint: Checkpoint | undefined, position: Position): boolean {
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
  from: number,
  to: number,
): Promise<Applied | 'aborted'> {
  const { source, destination, partition } = options;
  const seqs = batch.opStreamSeqs;
  const total: Applied = { applied: 0, skipped: 0 };
  const stop = (error: unknown) => {
    span?.end(error);
    const position = error instanceof ApplyError ? error.context.position : undefined;
    // By value: the ops may have been decoded again since the sink saw them.
    const at = position ? batch.ops.findIndex((op) => samePosition(op.position, position)) : -1;
    const streamSeq = at >= 0 && seqs ? seqs[at] : undefined;
    const stopped = new PartitionStoppedError(source, destination, partition, error, streamSeq);
    return stopped;
  };
  const tryRange = async (
    to: number,
    ops: () => readonly ChangeOp[],
  ): Promise<'aborted' | { error: unknown } | undefined> => {
    const result = await applyRetrying(ops, streamSeqAfterOps(batch, to), batch, options, span);
    if (result === 'aborted' || 'error' in result) return result;
    total.applied += result.applied;
    total.skipped += result.skipped;
    return undefined;
  };
  const whole = from === 0 && to === opCount(batch);
  const first = await tryRange(to, () => (whole ? batch.ops : batch.ops.slice(from, to)));
  if (first === 'aborted') return 'aborted';
  if (first === undefined) return total;
  if (options.onError !== 'dead-letter' || !options.deadLetter || !isDataError(first.error)) throw stop(first.error);
  // Dead letters are rows: a snapshot chunk is opened into its rows (each at a position of its own) first.
  const opened = openChunks(batch, from, to);
  if (opened !== undefined) {
    const rows = await applyBatchOps(opened, options, span, 0, opened.ops.length);
    if (rows === 'aborted') return 'aborted';
    return { applied: total.applied + rows.applied, skipped: total.skipped + rows.skipped };
  }
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
      try {
        await withRetry(() => deadLetter(entry), {
          ...DEAD_LETTER_RETRY,
          what: 'storing a dead letter',
          log: options.log,
          signal: options.signal,
          logFields: { partition },
          countFailure: () => metrics.errors.inc({ service: 'applier', stage: 'dead-letter' }),
        });
      } catch (storeError) {
        // Retried until stored: only a shutdown ends it.
        if (options.signal.aborted) return 'aborted';
        throw storeError;
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
      const skip = passOver(op);
      const placeholder = await tryRange(to, () => [skip]);
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
      const failed = await tryRange(b, () => batch.ops.slice(a, b));
      if (failed === 'aborted') return 'aborted';
      if (failed === undefined) continue;
      if (!isDataError(failed.error)) throw stop(failed.error);
      if ((await bisect(a, b, failed.error)) === 'aborted') return 'aborted';
    }
    return undefined;
  };
  if ((await bisect(from, to, first.error)) === 'aborted') return 'aborted';
  return total;
}

/**
 * The batch with ops [from, to) only, every 'rows' op opened into its rows (each carrying its
 * message's stream sequence), or undefined when the range holds no chunk of several rows.
 */
function openChunks(batch: ReceivedBatch, from: number, to: number): ReceivedBatch | undefined {
  const range = batch.ops.slice(from, to);
  if (!range.some((op) => op.kind === 'rows' && (op.rows ?? 0) > 1)) return undefined;
  const seqs = batch.opStreamSeqs;
  const ops: ChangeOp[] = [];
  const opStreamSeqs: number[] = [];
  range.forEach((op, i) => {
    for (const row of expandRows(op)) {
      ops.push(row);
      opStreamSeqs.push(seqs ? seqs[from + i] : batch.firstStreamSeq);
    }
  });
  const last = to >= opCount(batch) ? batch.lastStreamSeq : streamSeqAfterOps(batch, to);
  return {
    ...batch,
    ops,
    opStats: undefined,
    releaseOps: undefined,
    opStreamSeqs,
    firstStreamSeq: seqs ? seqs[from] : batch.firstStreamSeq,
    lastStreamSeq: last,
  };
}

/**
 * Applies ops in one transaction, retrying what can pass later; resolves with the result or the
 * non-retryable error. The ops are asked for only when the sink reads them, and the batch then
 * lets go of them (ReceivedBatch.releaseOps): nothing here keeps them on the heap while the
 * destination works, so they can go once the sink has built its statements.
 */
async function applyRetrying(
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
        logFields: () => ({ partition, streamSeq: batch.lastStreamSeq, position: positionText(opsOf()[0]) }),
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

function samePosition(a: Position, b: Position): boolean {
  return (a.lane ?? '') === (b.lane ?? '') && comparePositions(a, b) === 0;
}

function positionText(op: ChangeOp): string {
  const { position } = op;
  return `${position.lane ? `${position.lane}@` : ''}${position.commit}:${position.index}`;
}

/**
 * Takes a dead-lettered op's place in its batch: no sink writes a ddl op (DDL reaches a
 * destination through schema evolution), but its position moves the checkpoint past the op.
 */
function passOver(op: ChangeOp, position: Position = op.position): ChangeOp {
  return { kind: 'ddl', table: op.table, key: [], position, commitTimeUs: op.commitTimeUs, ddl: '' };
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
    // Plain ops held by the merged batch: the delivered batch's counts and release no longer describe it.
    opStats: undefined,
    releaseOps: undefined,
    opStreamSeqs,
    watermark,
    messages: batch.messages + earlier.messages,
    firstStreamSeq: from,
  };
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
