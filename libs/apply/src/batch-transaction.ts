import { expandRows, type ChangeOp, type Position } from '@cdc/change-envelope';
import { filterAfterCheckpoint } from './checkpoint-filter';
import type { ApplyResult, Checkpoint, SinkBatch } from './sink';

/**
 * One attempt at a batch in one destination transaction, as an engine does it: the steps of
 * the Sink contract that differ by engine. applyBatchTransaction puts them in the one order
 * every engine follows.
 */
export interface TransactionAttempt<Extra> {
  /**
   * Opens the transaction. An engine whose DDL commits implicitly (MySQL) first creates and
   * evolves the tables of `ops` here, before the transaction.
   */
  begin(ops: readonly ChangeOp[]): Promise<void>;
  /** Locks the (source, partition) checkpoint row, creating it if absent; returns what it holds. */
  lockCheckpoint(): Promise<Checkpoint | undefined>;
  /** Writes the ops past the checkpoint, in source order: folded (foldOps), or one by one. */
  write(pending: ChangeOp[], fold: boolean): Promise<void>;
  writeCheckpoint(streamSeq: number, lanes: ReadonlyMap<string, Position>): Promise<void>;
  commit(): Promise<void>;
  /**
   * After a failure: rolls back and says what the failure is: an ApplyError naming what it can
   * (source, partition, table, key, position), or RetryOpByOp when folded statements were
   * rejected and applying the ops one by one will name the op or get past the folding.
   */
  abort(error: unknown): Promise<Error>;
  /** Always called last: gives the connection back (one found broken is closed). */
  release(): void;
  /** What the engine adds to the result (DDL ops passed over, schema changes run, ...). */
  readonly extra: Extra;
}

/** Folded statements were rejected inside the database: apply the batch again, op by op. */
export class RetryOpByOp extends Error {
  constructor(cause: unknown) {
    super('folded statements were rejected: retrying op by op', { cause });
    this.name = 'RetryOpByOp';
  }
}

/**
 * The checkpoint-locked batch transaction (the Sink contract), once for every engine: begin;
 * lock the checkpoint row; keep the ops past it (filterAfterCheckpoint); write them; write the
 * checkpoint; commit; resolve only then, so the caller may ack. Ops are written folded first;
 * when the destination rejects folded statements the batch runs again op by op, so the error
 * names the op (or, when only the folding was the problem, e.g. a unique index other than the
 * key, the ops commit in source order).
 */
export async function applyBatchTransaction<Extra>(
  batch: SinkBatch,
  attempt: () => Promise<TransactionAttempt<Extra>>,
): Promise<ApplyResult & { readonly extra: Extra }> {
  try {
    return await once(batch, await attempt(), true);
  } catch (error) {
    if (!(error instanceof RetryOpByOp)) throw error;
    return await once(batch, await attempt(), false);
  }
}

async function once<Extra>(
  batch: SinkBatch,
  tx: TransactionAttempt<Extra>,
  fold: boolean,
): Promise<ApplyResult & { readonly extra: Extra }> {
  try {
    await tx.begin(batch.ops);
    const checkpoint = await tx.lockCheckpoint();
    const { pending, lanes } = filterAfterCheckpoint(batch.ops, checkpoint);
    const skipped = batch.ops.length - pending.length;
    if (pending.length === 0) {
      await tx.commit();
      return { applied: 0, skipped, checkpoint, extra: tx.extra };
    }
    // Op by op (finding the op the destination rejects): a snapshot chunk's rows one by one too.
    await tx.write(fold ? pending : pending.flatMap(expandRows), fold);
    await tx.writeCheckpoint(batch.lastStreamSeq, lanes);
    await tx.commit();
    return {
      applied: pending.length,
      skipped,
      checkpoint: { streamSeq: batch.lastStreamSeq, lanes },
      extra: tx.extra,
    };
  } catch (error) {
    throw await tx.abort(error);
  } finally {
    tx.release();
  }
}
