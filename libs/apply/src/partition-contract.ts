// What the partition applier is given (the consumer, the sink, the limits) and what it reports.
import type { ChangeOp } from '@cdc/change-envelope';
import type { BatchLimits, ReceivedBatch } from '@cdc/change-stream';
import type { PartitionProgress } from '@cdc/progress';
import { describeError, type Logger } from '@cdc/service-runtime';
import type { ReceiveAheadPermits, Semaphore } from './permits';
import type { Sink } from './sink';

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
