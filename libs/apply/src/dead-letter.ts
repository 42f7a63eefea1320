import { expandRows, positionText, type ChangeOp } from '@cdc/change-envelope';
import type { ReceivedBatch } from '@cdc/change-stream';
import { describeError, withRetry } from '@cdc/service-runtime';
import { metrics } from '@cdc/telemetry';
import { opCount, passOver, streamSeqAfterOps } from './batch-positions';
import type { DeadLetter, PartitionApplierOptions } from './partition-contract';
import { DEAD_LETTER_RETRY } from './retry-policies';

/**
 * Applies the batch's ops up to `to` (from wherever the range starts) in one transaction:
 * undefined once committed, the error when the destination rejected it, 'aborted' on shutdown.
 */
export type RangeAttempt = (
  to: number,
  ops: () => readonly ChangeOp[],
) => Promise<'aborted' | { error: unknown } | undefined>;

export type DeadLetterOptions = Pick<
  PartitionApplierOptions,
  'source' | 'destination' | 'partition' | 'log' | 'signal'
> & {
  readonly deadLetter: NonNullable<PartitionApplierOptions['deadLetter']>;
};

/**
 * Under on_error: dead-letter, ops [from, to) of the batch failed as one transaction with a
 * data error: they are bisected into smaller transactions (each writes its checkpoint, in
 * order) until a rejected op stands alone; it is stored in the dead-letter stream, and a no-op
 * in its place moves the checkpoint past it. Bisecting in the applier keeps this the same for
 * every sink: a sink only ever applies a batch all or nothing. A range that fails with any
 * other error stops the partition (`stop` makes the error). Resolves with how many ops were
 * set aside (their placeholders counted as applied by `attempt`).
 */
export async function setAsideRejected(
  batch: ReceivedBatch,
  range: { readonly from: number; readonly to: number; readonly error: unknown },
  attempt: RangeAttempt,
  stop: (error: unknown) => Error,
  options: DeadLetterOptions,
): Promise<number | 'aborted'> {
  const { source, destination, partition, deadLetter } = options;
  const seqs = batch.opStreamSeqs;
  let setAside = 0;
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
          position: positionText(op.position),
          err: describeError(error),
        },
        'op rejected by the destination set aside in the dead-letter stream',
      );
      const skip = passOver(op);
      const placeholder = await attempt(to, () => [skip]);
      if (placeholder === 'aborted') return 'aborted';
      if (placeholder !== undefined) throw stop(placeholder.error);
      setAside += 1;
      return undefined;
    }
    const middle = from + Math.ceil((to - from) / 2);
    for (const [a, b] of [
      [from, middle],
      [middle, to],
    ] as const) {
      const failed = await attempt(b, () => batch.ops.slice(a, b));
      if (failed === 'aborted') return 'aborted';
      if (failed === undefined) continue;
      if (!isDataError(failed.error)) throw stop(failed.error);
      if ((await bisect(a, b, failed.error)) === 'aborted') return 'aborted';
    }
    return undefined;
  };
  if ((await bisect(range.from, range.to, range.error)) === 'aborted') return 'aborted';
  return setAside;
}

/**
 * The batch with ops [from, to) only, every 'rows' op opened into its rows (each carrying its
 * message's stream sequence), or undefined when the range holds no chunk of several rows.
 * Dead letters are rows: a snapshot chunk is opened before it is bisected.
 */
export function openChunks(batch: ReceivedBatch, from: number, to: number): ReceivedBatch | undefined {
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
