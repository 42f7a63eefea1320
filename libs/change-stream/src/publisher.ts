// Past ~400 lines on purpose: the partition queues, their one publish in flight, the buffer bounds and the
// stream-full pause share one state; the routing rule is in partition-routing.ts.
import { headers } from '@nats-io/nats-core';
import type { JetStreamClient } from '@nats-io/jetstream';
import {
  BatchBuilder,
  HEADER_KIND,
  OpEncoder,
  dataMessageId,
  encodeWatermark,
  partitionSubject,
  watermarkMessageId,
  type ChangeOp,
  type EncodedOp,
  type Position,
  type TableSchema,
  type Watermark,
} from '@cdc/change-envelope';
import { describeError, retryDelayMs, sleep, type Logger, type RetryPolicy } from '@cdc/service-runtime';
import { MAX_LINKED_TRACES, metrics, setTraceHeaders } from '@cdc/telemetry';
import { jetStreamAvailability } from './jetstream-availability';
import { partitionsByKey, routeOf, type Route } from './partition-routing';

export interface PublisherLimits {
  /** Ops per message at most. */
  readonly maxOps: number;
  /** Encoded bytes per message at most (kept below the server's max_payload); a larger op goes alone. */
  readonly maxBytes: number;
  /** How long a partition's first unpublished op may wait for more ops to share its message. */
  readonly maxDelayMs: number;
  /** Unpublished ops buffered over all partitions before `waitForCapacity` makes the reader wait. */
  readonly maxBufferedOps: number;
  /**
   * Encoded bytes queued and in flight over all partitions before `waitForCapacity` makes the
   * reader wait (default 16 MiB). Ops are accepted whatever the level, so a single op or
   * transaction larger than the bound still flows: the reader waits after adding it.
   */
  readonly maxBufferedBytes?: number;
}

export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface ChangePublisherOptions extends PublisherLimits {
  readonly js: JetStreamClient;
  readonly source: string;
  readonly partitions: number;
  readonly log: Logger;
  /** Publish timeout per message; a timed-out message is retried with the same id (de-duplicated). */
  readonly publishTimeoutMs?: number;
  /** Tables whose rows are spread over the partitions by key (`partition_by: key`); absent: none. */
  readonly keyPartitioned?: (schema: string, table: string) => boolean;
  /**
   * Called when publishing pauses because the stream is full (`max_bytes`: JetStream refuses the
   * next message; `max_age_s`: see hold()) and with undefined once it goes on. The reader's
   * buffer then fills and it stops reading its source: nothing is dropped.
   */
  readonly onPause?: (reason: PauseReason | undefined) => void;
}

/** Why publishing waits: the stream holds max_bytes, or its oldest change is older than max_age_s. */
export type PauseReason = 'max_bytes' | 'max_age_s';

/**
 * A publish that failed (no PubAck in time, a leader election): offered again with the same
 * message id, so JetStream stores it once. The row "publishing a message" of the retry table
 * in libs/service-runtime/README.md.
 */
const PUBLISH_RETRY = { initialDelayMs: 200, maxDelayMs: 5_000, maxAttempts: 30 } as const satisfies RetryPolicy;
/** How often a message the full stream refused is offered again; how long it must be taken before "resumed". */
const STREAM_FULL_RETRY_MS = 500;
const RESUMED_AFTER_MS = 2_000;

/**
 * A message being filled: its ops are already encoded (see BatchBuilder), so the queue holds
 * bytes, not the ops' objects. What the message id, the trace headers and the metrics need is
 * kept beside them.
 */
interface DataItem {
  readonly batch: BatchBuilder;
  readonly first: Position;
  last: Position;
  /** Distinct traceparents in order, at most one more than the headers carry. */
  traceparents: string[] | undefined;
  /** No more ops join: full, or something was queued behind it. */
  sealed: boolean;
  /** Ops per table and kind, for the per-table metrics once stored. */
  readonly counts: Map<TableSchema, Map<ChangeOp['kind'], number>>;
}

type QueueItem = DataItem | { readonly watermark: Watermark };

interface PartitionQueue {
  readonly partition: number;
  items: QueueItem[];
  firstQueuedAt: number;
  inFlight: boolean;
  /** Items ever queued, and ever stored: `stored()` waits for the second to reach the first. */
  queuedCount: number;
  storedCount: number;
  /** Size of this partition's last message, to size the next one's buffer. */
  lastMessageBytes: number;
}

export interface PublisherStats {
  messages: number;
  ops: number;
  watermarks: number;
  duplicates: number;
}

/**
 * Turns the reader's op stream into JetStream messages, one queue per partition.
 *
 * Order inside a partition is the whole point, so a partition has at most ONE message in
 * flight: message k+1 is sent only after k's PubAck. A lost or timed-out publish is retried
 * with the same Nats-Msg-Id, so it is stored exactly once and never overtaken. Partitions
 * publish in parallel, and while a partition waits for its ack, its next message fills up:
 * under load messages grow towards maxOps on their own.
 *
 * A watermark is queued behind the ops already queued in every partition, so when it is
 * stored in a partition, every op of that partition up to its position is stored before it.
 *
 * Ops are encoded when they are added, and a partition's queue holds messages being filled
 * (bytes), so an op's objects die young instead of waiting for their message in the heap.
 * The buffer is bounded by ops and by encoded bytes, queued and in flight (`waitForCapacity`).
 */
export class ChangePublisher {
  private readonly queues: PartitionQueue[];
  private buffered = 0;
  private bufferedByteCount = 0;
  private readonly maxBufferedBytes: number;
  private failure: Error | undefined;
  private idleWaiters: Array<() => void> = [];
  private capacityWaiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Readers reuse one schema object per table version, so the hash is computed once per table. */
  private readonly routeByTable = new WeakMap<ChangeOp['table'], Route>();
  private readonly encoder = new OpEncoder();
  readonly stats: PublisherStats = { messages: 0, ops: 0, watermarks: 0, duplicates: 0 };
  /** Partitions whose last publish the stream refused as full. */
  private readonly refusedAsFull = new Set<number>();
  private heldForAge = false;
  private reportedPause: PauseReason | undefined;
  private resumeTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ChangePublisherOptions) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.queues = Array.from({ length: options.partitions }, (_, partition) => ({
      partition,
      items: [],
      firstQueuedAt: 0,
      inFlight: false,
      queuedCount: 0,
      storedCount: 0,
      lastMessageBytes: 0,
    }));
  }

  /**
   * Queues one op on its table's partition. Throws if an earlier publish failed for good.
   * `traceparent` is the op's source transaction span (only when tracing is on and sampled).
   * The op is encoded now: it is not referenced after this call returns.
   */
  add(op: ChangeOp, traceparent?: string): void {
    this.throwIfFailed();
    let route = this.routeByTable.get(op.table);
    if (route === undefined) {
      route = routeOf(op.table, this.options.partitions, this.options.keyPartitioned, this.options.log);
      this.routeByTable.set(op.table, route);
    }
    if (typeof route === 'number') this.enqueueOp(route, this.encoder.encode(op), op.position, traceparent);
    else this.addByKey(op, route.keyIndexes, traceparent);
  }

  /** Routes an op of a table partitioned by key (partitionsByKey): copies spanning partitions carry `barrier`. */
  private addByKey(op: ChangeOp, keyIndexes: readonly number[], traceparent: string | undefined): void {
    const targets = partitionsByKey(op, keyIndexes, this.options.partitions);
    if (typeof targets === 'number') {
      this.enqueueOp(targets, this.encoder.encode(op), op.position, traceparent);
      return;
    }
    // Encoded once: every copy is the same bytes.
    const copy = this.encoder.encode({ ...op, barrier: targets });
    for (const partition of targets) this.enqueueOp(partition, copy, op.position, traceparent);
  }

  /** Queues a watermark behind everything already queued, in every partition. */
  addWatermark(watermark: Watermark): void {
    this.throwIfFailed();
    for (const queue of this.queues) {
      this.seal(queue); // a watermark ends the run of ops
      if (queue.items.length === 0) queue.firstQueuedAt = Date.now();
      queue.items.push({ watermark });
      queue.queuedCount += 1;
      this.pump(queue, true);
    }
    this.scheduleTimer();
  }

  /** True while the buffer is at its bound: the reader should `waitForCapacity()` before more. */
  get full(): boolean {
    return this.buffered >= this.options.maxBufferedOps || this.bufferedByteCount >= this.maxBufferedBytes;
  }

  /** Resolves when the buffer is below its bounds again (back-pressure for the reader). */
  async waitForCapacity(): Promise<void> {
    while (this.full) {
      this.throwIfFailed();
      await new Promise<void>((resolve) => this.capacityWaiters.push(resolve));
    }
    this.throwIfFailed();
  }

  get bufferedOps(): number {
    return this.buffered;
  }

  /** Encoded bytes of the ops queued and in flight. */
  get bufferedBytes(): number {
    return this.bufferedByteCount;
  }

  /** Publishes everything queued now and resolves once it is all stored. */
  async flush(): Promise<void> {
    for (const queue of this.queues) this.pump(queue, true);
    while (this.queues.some((queue) => queue.items.length > 0 || queue.inFlight)) {
      this.throwIfFailed();
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      for (const queue of this.queues) this.pump(queue, true);
    }
    this.throwIfFailed();
  }

  /**
   * Resolves once everything queued before the call is stored. Unlike flush(), it does not
   * wait for what is queued meanwhile, so it ends under a steady stream of changes.
   */
  async stored(): Promise<void> {
    const targets = this.queues.map((queue) => queue.queuedCount);
    // What is queued from now on goes into later messages, so these reach their targets.
    for (const queue of this.queues) this.seal(queue);
    for (const queue of this.queues) this.pump(queue, true);
    while (this.queues.some((queue, i) => queue.storedCount < targets[i])) {
      this.throwIfFailed();
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      // What is left of the target goes out now, not when its message would fill or time out.
      this.queues.forEach((queue, i) => {
        if (queue.storedCount < targets[i]) this.pump(queue, true);
      });
    }
    this.throwIfFailed();
  }

  /** Stops publishing; unpublished ops are dropped (the reader re-reads them from the committed position). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.wake();
  }

  /** Why publishing waits now (the stream is full), undefined while it flows. */
  get pausedBy(): PauseReason | undefined {
    return this.reportedPause;
  }

  /**
   * Holds every message back while the stream's oldest change is older than max_age_s (the
   * reader checks the stream; JetStream's own max_age would delete unapplied changes instead).
   */
  holdForAge(hold: boolean): void {
    if (hold === this.heldForAge) return;
    this.heldForAge = hold;
    this.updatePause();
    if (!hold) for (const queue of this.queues) this.pump(queue, false);
  }

  /** Reports a pause at once, and its end only once messages have gone through for a while (no flapping at the limit). */
  private updatePause(): void {
    const reason: PauseReason | undefined =
      this.refusedAsFull.size > 0 ? 'max_bytes' : this.heldForAge ? 'max_age_s' : undefined;
    if (reason !== undefined) {
      if (this.resumeTimer) clearTimeout(this.resumeTimer);
      this.resumeTimer = undefined;
      if (reason !== this.reportedPause) {
        this.reportedPause = reason;
        this.options.onPause?.(reason);
      }
      return;
    }
    if (this.reportedPause === undefined || this.resumeTimer || this.closed) return;
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = undefined;
      if (this.refusedAsFull.size > 0 || this.heldForAge || this.closed) return;
      this.reportedPause = undefined;
      this.options.onPause?.(undefined);
    }, RESUMED_AFTER_MS);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error(`source ${this.options.source}: publisher is closed`);
  }

  private seal(queue: PartitionQueue): void {
    const last = queue.items[queue.items.length - 1];
    if (last && 'batch' in last) last.sealed = true;
  }

  private enqueueOp(partition: number, op: EncodedOp, position: Position, traceparent: string | undefined): void {
    const queue = this.queues[partition];
    const { maxOps, maxBytes } = this.options;
    let item = queue.items[queue.items.length - 1];
    if (item && 'batch' in item && !item.sealed && item.batch.byteLengthWith(op) > maxBytes) item.sealed = true;
    if (!item || !('batch' in item) || item.sealed) {
      if (queue.items.length === 0) queue.firstQueuedAt = Date.now();
      const capacity = Math.min(maxBytes, Math.max(1024, queue.lastMessageBytes)) + 64;
      item = {
        batch: new BatchBuilder(this.options.source, partition, capacity),
        first: position,
        last: position,
        traceparents: undefined,
        sealed: false,
        counts: new Map(),
      };
      queue.items.push(item);
    }
    // A new message's source and partition fields count with its first op.
    const bytesBefore = item.batch.opCount === 0 ? 0 : item.batch.byteLength;
    item.batch.add(op);
    this.bufferedByteCount += item.batch.byteLength - bytesBefore;
    this.buffered += 1;
    queue.queuedCount += 1;
    item.last = position;
    let kinds = item.counts.get(op.table);
    if (!kinds) item.counts.set(op.table, (kinds = new Map()));
    kinds.set(op.kind, (kinds.get(op.kind) ?? 0) + 1);
    if (traceparent !== undefined) {
      const traceparents = (item.traceparents ??= []);
      // A transaction's ops are contiguous in a partition, so comparing with the last finds each one.
      if (traceparents[traceparents.length - 1] !== traceparent && traceparents.length <= MAX_LINKED_TRACES)
        traceparents.push(traceparent);
    }
    if (item.batch.opCount >= maxOps || item.batch.byteLength >= maxBytes) item.sealed = true;
    this.pump(queue, false);
    this.scheduleTimer();
  }

  private scheduleTimer(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = Date.now();
      for (const queue of this.queues) {
        if (queue.items.length > 0) this.pump(queue, now - queue.firstQueuedAt >= this.options.maxDelayMs);
      }
      if (this.queues.some((queue) => queue.items.length > 0)) this.scheduleTimer();
    }, this.options.maxDelayMs);
  }

  private pump(queue: PartitionQueue, force: boolean): void {
    if (queue.inFlight || queue.items.length === 0 || this.failure || this.closed || this.heldForAge) return;
    const head = queue.items[0];
    if ('batch' in head) {
      const full = head.sealed || queue.items.length > 1;
      const due = Date.now() - queue.firstQueuedAt >= this.options.maxDelayMs;
      if (!full && !due && !force) return;
      head.sealed = true;
    }
    queue.items.shift();
    if (queue.items.length > 0) queue.firstQueuedAt = Date.now();
    void this.send(queue, head);
  }

  private async send(queue: PartitionQueue, item: QueueItem): Promise<void> {
    queue.inFlight = true;
    const subject = partitionSubject(this.options.source, queue.partition);
    const hdrs = headers();
    let payload: Uint8Array;
    let msgID: string;
    let ops = 0;
    if ('batch' in item) {
      hdrs.set(HEADER_KIND, 'data');
      if (item.traceparents) setTraceHeaders(hdrs, item.traceparents);
      ops = item.batch.opCount;
      payload = item.batch.finish();
      queue.lastMessageBytes = payload.length;
      msgID = dataMessageId(this.options.source, queue.partition, item.first, item.last);
    } else {
      hdrs.set(HEADER_KIND, 'watermark');
      payload = encodeWatermark(item.watermark);
      msgID = watermarkMessageId(this.options.source, queue.partition, item.watermark.seq);
    }
    try {
      for (let attempt = 1; ; attempt += 1) {
        if (this.closed) return;
        const startedAt = Date.now();
        try {
          const ack = await this.options.js.publish(subject, payload, {
            msgID,
            headers: hdrs,
            timeout: this.options.publishTimeoutMs ?? 10_000,
          });
          if (ack.duplicate) this.stats.duplicates += 1;
          jetStreamAvailability.succeeded();
          if (this.refusedAsFull.delete(queue.partition)) this.updatePause();
          break;
        } catch (error) {
          if (isStreamFullError(error)) {
            // Discard new: the stream refused the message and keeps every stored one. The same
            // message (same id, so order and exactly-once hold) is offered again until there is room.
            if (!this.refusedAsFull.has(queue.partition)) {
              this.refusedAsFull.add(queue.partition);
              this.updatePause();
            }
            attempt -= 1;
            await sleep(STREAM_FULL_RETRY_MS);
            continue;
          }
          metrics.errors.inc({ service: 'reader', stage: 'publish' });
          jetStreamAvailability.failed(`publish to ${subject}`, error, startedAt);
          if (attempt >= PUBLISH_RETRY.maxAttempts || isPermanentPublishError(error)) throw error;
          this.options.log.warn(
            { partition: queue.partition, attempt, err: describeError(error) },
            'publish failed, retrying with the same message id',
          );
          await sleep(retryDelayMs(PUBLISH_RETRY, attempt));
        }
      }
      if ('batch' in item) {
        queue.storedCount += ops;
        this.stats.messages += 1;
        this.stats.ops += ops;
        this.buffered -= ops;
        this.bufferedByteCount -= payload.length;
        const source = this.options.source;
        metrics.readerMessages.inc({ source });
        metrics.messageOps.observe({ source }, ops);
        for (const [table, kinds] of item.counts) {
          const name = `${table.schema}.${table.table}`;
          for (const [kind, count] of kinds) metrics.readerOps.inc({ source, table: name, kind }, count);
        }
      } else {
        queue.storedCount += 1;
        this.stats.watermarks += 1;
      }
    } catch (error) {
      this.failure = new Error(
        `source ${this.options.source}: publishing to ${subject} failed for good: ${describeError(error)}`,
        { cause: error },
      );
    } finally {
      queue.inFlight = false;
      this.wake();
      this.pump(queue, false);
    }
  }

  private wake(): void {
    const idle = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of idle) resolve();
    if (!this.full || this.failure || this.closed) {
      const waiting = this.capacityWaiters;
      this.capacityWaiters = [];
      for (const resolve of waiting) resolve();
    }
  }
}

function isPermanentPublishError(error: unknown): boolean {
  const text = describeError(error);
  // Larger than the server or the stream takes: retrying the same bytes cannot succeed.
  return /maximum payload|MAX_PAYLOAD|message size exceeds/i.test(text);
}

/** The stream is at its max_bytes (or a message limit) and, with discard new, refused the message. */
export function isStreamFullError(error: unknown): boolean {
  return /maximum bytes exceeded|maximum messages exceeded|resource limits exceeded for account/i.test(
    describeError(error),
  );
}
