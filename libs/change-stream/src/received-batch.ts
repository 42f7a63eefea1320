import type { ChangeKind, ChangeOp, Watermark } from '@cdc/change-envelope';

// What a partition consumer hands its applier: a batch of one partition's messages, its ops and
// how to acknowledge it (PartitionConsumer in partition-consumer.ts cuts them; storedBatch wraps
// messages read straight from the stream).

/** A message that cannot be decoded: the partition stops here and the message stays unacked. */
export class MalformedMessageError extends Error {
  constructor(
    readonly source: string,
    readonly partition: number,
    readonly streamSeq: number,
    cause: unknown,
  ) {
    super(
      `source ${source} partition ${partition}: message at stream sequence ${streamSeq} cannot be decoded ` +
        `(${cause instanceof Error ? cause.message : String(cause)}); it was left unacknowledged`,
      { cause },
    );
    this.name = 'MalformedMessageError';
  }
}

export interface ReceivedBatch {
  /** Data ops of every message in the batch, in stream order (see releaseOps). */
  readonly ops: ChangeOp[];
  /**
   * Lets go of the decoded ops: later reads of `ops` decode the received bytes again, unless
   * the ops are still referenced elsewhere. Call once whoever applies the batch holds them, so
   * they can be collected as soon as it has built its statements instead of staying on the heap
   * (in V8's old generation) until the commit.
   */
  releaseOps?(): void;
  /** What metrics need of the ops, counted at decoding (so they need not be decoded again). */
  readonly opStats?: OpStats;
  /** Per op, the stream sequence of the message that carried it. */
  readonly opStreamSeqs?: number[];
  /** The highest watermark in the batch, if any. */
  readonly watermark: Watermark | undefined;
  readonly messages: number;
  readonly firstStreamSeq: number;
  readonly lastStreamSeq: number;
  /** Some message was delivered before (its ack timed out or its reader died): order may have a gap. */
  readonly redelivered: boolean;
  /**
   * The consumer delivered messages between the previous batch this instance received and this
   * one that never reached this instance: another instance pulled them (two owners for a moment
   * while a lease moves), or they were on the way when a NATS server went down. Applying this
   * batch as it is would move the checkpoint past them, and its ack (AckPolicy.All) would
   * acknowledge them away: what lies between the checkpoint and this batch is read from the
   * stream and applied first.
   */
  readonly gapBefore?: boolean;
  /**
   * It stopped at max_ops, max_bytes or max_wait_ms while messages kept coming (not after
   * max_idle_ms without one): more are likely waiting.
   */
  readonly backlog?: boolean;
  /** Only when tracing is on: the batch's traced source transactions and its decoding time. */
  readonly trace?: BatchTraceInfo;
  /** Acknowledges every message of the batch (and before it): call only after the destination commit. */
  ack(): Promise<void>;
  /** Tells JetStream the batch is still being worked on (resets ack_wait), e.g. while waiting at a barrier. */
  working?(): void;
}

/**
 * Messages read straight from the stream (`readStored`) as a batch, for messages delivered to
 * an earlier owner or lost on the way to this one. They were not delivered to this instance, so
 * acking the batch does nothing: acking a later delivered message acknowledges them
 * (AckPolicy.All), and when they are redelivered after all, the destination checkpoint skips them.
 */
export function storedBatch(
  stored: Pick<ReceivedBatch, 'ops' | 'opStreamSeqs' | 'watermark' | 'messages'>,
  firstStreamSeq: number,
  lastStreamSeq: number,
  backlog?: boolean,
): ReceivedBatch {
  return {
    ops: stored.ops,
    opStreamSeqs: stored.opStreamSeqs,
    watermark: stored.watermark,
    messages: stored.messages,
    firstStreamSeq,
    lastStreamSeq,
    redelivered: false,
    ...(backlog === undefined ? {} : { backlog }),
    ack: async () => undefined,
  };
}

export interface OpStats {
  readonly count: number;
  /** The last op's commit time (microseconds), 0 without ops. */
  readonly lastCommitTimeUs: number;
  /** Ops per table ("schema.table") and kind. */
  readonly byTable: ReadonlyArray<{ readonly table: string; readonly kind: ChangeKind; count: number }>;
  /** Indexes of the ops that carry a barrier of two or more partitions (see ChangeOp.barrier). */
  readonly barriers: readonly number[];
}

export interface BatchTraceInfo {
  /** Traceparents of the batch's messages (see libs/telemetry: one per source transaction). */
  readonly traceparents: string[];
  readonly decodeStartedAtMs: number;
  readonly decodeMs: number;
}

export interface BatchLimits {
  /** Most ops in a batch (a snapshot chunk is one op). */
  readonly maxOps: number;
  readonly maxWaitMs: number;
  /** Most message bytes in a batch (what bounds a batch of snapshot chunks); absent: unbounded. */
  readonly maxBytes?: number;
  /** Longest wait for the batch's next message once it has one; absent: up to maxWaitMs. */
  readonly maxIdleMs?: number;
}
