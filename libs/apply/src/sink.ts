import type { ChangeOp, Position, TableSchema } from '@cdc/change-envelope';

/** What a destination has durably applied for one (source, partition). */
export interface Checkpoint {
  /** JetStream stream sequence of the last message applied (informational: duplicates re-published by a restarted reader get new sequences). */
  readonly streamSeq: number;
  /**
   * Per ordering lane ('' for Postgres, "keyspace/shard" for Vitess), the position of the last op
   * applied; ops at or below it in their lane are skipped (see filterAfterCheckpoint).
   */
  readonly lanes: ReadonlyMap<string, Position>;
}

export interface SinkBatch {
  readonly source: string;
  readonly partition: number;
  /** Ops in source order; may include ops at or below the stored checkpoint (redelivery, re-read after a reader restart). */
  readonly ops: readonly ChangeOp[];
  /** Stream sequence of the last message in the batch. */
  readonly lastStreamSeq: number;
}

export interface ApplyResult {
  readonly applied: number;
  readonly skipped: number;
  /** The checkpoint now stored (unchanged when every op was skipped). */
  readonly checkpoint: Checkpoint | undefined;
}

/** Where a source table lands in the destination. */
export interface TargetTable {
  readonly schema: string;
  readonly table: string;
}

export type TableMapper = (source: TableSchema) => TargetTable;

/**
 * A destination engine. One implementation per engine lib (postgres-sink, mysql-sink, ...);
 * the applier only ever talks to this interface.
 *
 * Contract of applyBatch: in ONE destination transaction, lock the checkpoint row of
 * (source, partition), drop the ops at or below it (filterAfterCheckpoint), apply the rest in
 * order, write the new checkpoint (its lanes as encodeCheckpointLanes renders them), commit. It resolves only after the commit, so the caller may ack then. Two
 * appliers that both hold a partition for a moment serialize on the checkpoint row lock,
 * and the second one skips what the first applied.
 */
export interface Sink {
  readCheckpoint(source: string, partition: number): Promise<Checkpoint | undefined>;
  applyBatch(batch: SinkBatch): Promise<ApplyResult>;
  close(): Promise<void>;
}

/** Thrown by a sink for an op the destination rejects; carries where it came from. */
export class ApplyError extends Error {
  constructor(
    message: string,
    readonly context: {
      readonly source: string;
      readonly partition: number;
      readonly table?: string;
      readonly position?: Position;
      readonly key?: string;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApplyError';
  }
}
