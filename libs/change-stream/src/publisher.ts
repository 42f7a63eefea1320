import { headers } from '@nats-io/nats-core';
import type { JetStreamClient } from '@nats-io/jetstream';
import {
  HEADER_KIND,
  dataMessageId,
  encodeBatch,
  encodeWatermark,
  partitionOf,
  partitionOfKey,
  partitionSubject,
  watermarkMessageId,
  type ChangeOp,
  type TableSchema,
  type Value,
  type Watermark,
} from '@cdc/change-envelope';
import { describeError, sleep, type Logger } from '@cdc/service-runtime';
import { MAX_LINKED_TRACES, countOps, metrics, setTraceHeaders } from '@cdc/telemetry';

export interface PublisherLimits {
  /** Ops per message at most. */
  readonly maxOps: number;
  /** Approximate encoded bytes per message at most (kept below the server's max_payload). */
  readonly maxBytes: number;
  /** How long a partition's first unpublished op may wait for more ops to share its message. */
  readonly maxDelayMs: number;
  /** Unpublished ops buffered over all partitions before `waitForCapacity` makes the reader wait. */
  readonly maxBufferedOps: number;
}

export interface ChangePublisherOptions extends PublisherLimits {
  readonly js: JetStreamClient;
  readonly source: string;
  readonly partitions: number;
  readonly log: Logger;
  /** Publish timeout per message; a timed-out message is retried with the same id (de-duplicated). */
  readonly publishTimeoutMs?: number;
  /** Tables whose rows are spread over the partitions by key (`partition_by: key`); absent: none. */
  readonly keyPartitioned?: (schema: string, table: string) => boolean;
}

/** A key-partitioned table's key columns, by index into its columns. */
type Route = number | { readonly keyIndexes: readonly number[] };

type QueueItem =
  { readonly op: ChangeOp; readonly bytes: number; readonly traceparent?: string } | { readonly watermark: Watermark };

interface PartitionQueue {
  readonly partition: number;
  items: QueueItem[];
  firstQueuedAt: number;
  inFlight: boolean;
  /** Items ever queued, and ever stored: `stored()` waits for the second to reach the first. */
  queuedCount: number;
  storedCount: number;
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
 */
export class ChangePublisher {
  private readonly queues: PartitionQueue[];
  private buffered = 0;
  private failure: Error | undefined;
  private idleWaiters: Array<() => void> = [];
  private capacityWaiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Readers reuse one schema object per table version, so the hash is computed once per table. */
  private readonly routeByTable = new WeakMap<ChangeOp['table'], Route>();
  readonly stats: PublisherStats = { messages: 0, ops: 0, watermarks: 0, duplicates: 0 };
  /** Set by the first traced op: only then does cutting a message look for traceparents. */
  private traced = false;

  constructor(private readonly options: ChangePublisherOptions) {
    this.queues = Array.from({ length: options.partitions }, (_, partition) => ({
      partition,
      items: [],
      firstQueuedAt: 0,
      inFlight: false,
      queuedCount: 0,
      storedCount: 0,
    }));
  }

  /**
   * Queues one op on its table's partition. Throws if an earlier publish failed for good.
   * `traceparent` is the op's source transaction span (only when tracing is on and sampled).
   */
  add(op: ChangeOp, traceparent?: string): void {
    this.throwIfFailed();
    let route = this.routeByTable.get(op.table);
    if (route === undefined) {
      route = this.routeOf(op.table);
      this.routeByTable.set(op.table, route);
    }
    if (typeof route === 'number') this.enqueueOp(route, op, traceparent);
    else this.addByKey(op, route.keyIndexes, traceparent);
  }

  private enqueueOp(partition: number, op: ChangeOp, traceparent: string | undefined): void {
    if (traceparent === undefined) this.enqueue(this.queues[partition], { op, bytes: estimateBytes(op) });
    else {
      this.traced = true;
      this.enqueue(this.queues[partition], { op, bytes: estimateBytes(op), traceparent });
    }
  }

  private routeOf(table: TableSchema): Route {
    const byTable = partitionOf(table.schema, table.table, this.options.partitions);
    if (!this.options.keyPartitioned?.(table.schema, table.table)) return byTable;
    const keyIndexes = table.columns.flatMap((column, i) => (column.key ? [i] : []));
    if (!table.hasKey || keyIndexes.length === 0) {
      // Without a key, rows have no identity to hash that survives an update.
      this.options.log.warn(
        { table: `${table.schema}.${table.table}`, partition: byTable },
        'partition_by: key ignored for a table without a primary key: the table stays in one partition',
      );
      return byTable;
    }
    return { keyIndexes };
  }

  /**
   * Routes an op of a table partitioned by key. Rows go to their key's partition. An op whose
   * effect spans partitions is copied into each of them with `barrier` set (the destination
   * applies it once all of them have reached it): a TRUNCATE into every partition, an UPDATE
   * that changes the key into the old key's and the new key's partitions, so the row's later
   * changes (under its new key) cannot overtake its move.
   */
  private addByKey(op: ChangeOp, keyIndexes: readonly number[], traceparent: string | undefined): void {
    const { schema, table } = op.table;
    const partitions = this.options.partitions;
    const partitionOfRow = (row: readonly Value[]) =>
      partitionOfKey(
        schema,
        table,
        keyIndexes.map((i) => row[i]),
        partitions,
      );
    const partitionOfOldKey = () =>
      op.key.length > 0
        ? partitionOfKey(schema, table, op.key, partitions)
        : partitionOfRow(op.before ?? op.after ?? []);
    const copyTo = (targets: number[]) => {
      const copy: ChangeOp = { ...op, barrier: targets };
      for (const partition of targets) this.enqueueOp(partition, copy, traceparent);
    };
    switch (op.kind) {
      case 'truncate':
        copyTo(Array.from({ length: partitions }, (_, i) => i));
        return;
      case 'ddl':
        this.enqueueOp(partitionOf(schema, table, partitions), op, traceparent);
        return;
      case 'delete':
        this.enqueueOp(partitionOfOldKey(), op, traceparent);
        return;
      case 'update': {
        const from = partitionOfOldKey();
        const newKey = op.after && keyIndexes.every((i) => op.after![i] && op.after![i].kind !== 'unchanged');
        const to = newKey ? partitionOfRow(op.after!) : from;
        if (from === to) this.enqueueOp(from, op, traceparent);
        else copyTo(from < to ? [from, to] : [to, from]);
        return;
      }
      default:
        // insert, snapshot-row
        this.enqueueOp(op.after ? partitionOfRow(op.after) : partitionOfOldKey(), op, traceparent);
    }
  }

  /** Queues a watermark behind everything already queued, in every partition. */
  addWatermark(watermark: Watermark): void {
    this.throwIfFailed();
    for (const queue of this.queues) this.enqueue(queue, { watermark });
  }

  /** Resolves when the buffer is below its bound again (back-pressure for the reader). */
  async waitForCapacity(): Promise<void> {
    while (this.buffered >= this.options.maxBufferedOps) {
      this.throwIfFailed();
      await new Promise<void>((resolve) => this.capacityWaiters.push(resolve));
    }
    this.throwIfFailed();
  }

  get bufferedOps(): number {
    return this.buffered;
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
    this.wake();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error(`source ${this.options.source}: publisher is closed`);
  }

  private enqueue(queue: PartitionQueue, item: QueueItem): void {
    if (queue.items.length === 0) queue.firstQueuedAt = Date.now();
    queue.items.push(item);
    queue.queuedCount += 1;
    if ('op' in item) this.buffered += 1;
    this.pump(queue, 'watermark' in item);
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
    if (queue.inFlight || queue.items.length === 0 || this.failure || this.closed) return;
    const head = queue.items[0];
    if ('watermark' in head) {
      queue.items.shift();
      void this.send(queue, { watermark: head.watermark });
      return;
    }
    // Take the leading run of ops, up to the limits; a watermark ends the run.
    let count = 0;
    let bytes = 0;
    while (count < queue.items.length && count < this.options.maxOps) {
      const item = queue.items[count];
      if ('watermark' in item) break;
      if (count > 0 && bytes + item.bytes > this.options.maxBytes) break;
      bytes += item.bytes;
      count += 1;
    }
    const full = count >= this.options.maxOps || bytes >= this.options.maxBytes || count < queue.items.length;
    const due = Date.now() - queue.firstQueuedAt >= this.options.maxDelayMs;
    if (!full && !due && !force) return;
    const items = queue.items.splice(0, count) as Array<{ op: ChangeOp; traceparent?: string }>;
    const ops = items.map((item) => item.op);
    if (queue.items.length > 0) queue.firstQueuedAt = Date.now();
    void this.send(queue, { ops, traceparents: this.traced ? distinctTraceparents(items) : undefined });
  }

  private async send(
    queue: PartitionQueue,
    message: { ops: ChangeOp[]; traceparents?: string[] } | { watermark: Watermark },
  ): Promise<void> {
    queue.inFlight = true;
    const subject = partitionSubject(this.options.source, queue.partition);
    const hdrs = headers();
    let payload: Uint8Array;
    let msgID: string;
    if ('ops' in message) {
      hdrs.set(HEADER_KIND, 'data');
      const { ops } = message;
      if (message.traceparents) setTraceHeaders(hdrs, message.traceparents);
      payload = encodeBatch({ source: this.options.source, partition: queue.partition, ops });
      msgID = dataMessageId(this.options.source, queue.partition, ops[0].position, ops[ops.length - 1].position);
    } else {
      hdrs.set(HEADER_KIND, 'watermark');
      payload = encodeWatermark(message.watermark);
      msgID = watermarkMessageId(this.options.source, queue.partition, message.watermark.seq);
    }
    try {
      for (let attempt = 1; ; attempt += 1) {
        if (this.closed) return;
        try {
          const ack = await this.options.js.publish(subject, payload, {
            msgID,
            headers: hdrs,
            timeout: this.options.publishTimeoutMs ?? 10_000,
          });
          if (ack.duplicate) this.stats.duplicates += 1;
          break;
        } catch (error) {
          metrics.errors.inc({ service: 'reader', stage: 'publish' });
          if (attempt >= 30 || isPermanentPublishError(error)) throw error;
          this.options.log.warn(
            { partition: queue.partition, attempt, err: describeError(error) },
            'publish failed, retrying with the same message id',
          );
          await sleep(Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)));
        }
      }
      queue.storedCount += 'ops' in message ? message.ops.length : 1;
      if ('ops' in message) {
        this.stats.messages += 1;
        this.stats.ops += message.ops.length;
        this.buffered -= message.ops.length;
        const source = this.options.source;
        metrics.readerMessages.inc({ source });
        metrics.messageOps.observe({ source }, message.ops.length);
        countOps(message.ops, (table, kind, count) => metrics.readerOps.inc({ source, table, kind }, count));
      } else {
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
    if (this.buffered < this.options.maxBufferedOps || this.failure || this.closed) {
      const waiting = this.capacityWaiters;
      this.capacityWaiters = [];
      for (const resolve of waiting) resolve();
    }
  }
}

/**
 * The message's traced transactions in source order, at most the ones its headers carry. A
 * transaction's ops are contiguous in a partition's queue, so comparing with the previous one
 * finds every distinct transaction.
 */
function distinctTraceparents(items: ReadonlyArray<{ traceparent?: string }>): string[] {
  const traceparents: string[] = [];
  let last: string | undefined;
  for (const { traceparent } of items) {
    if (traceparent === undefined || traceparent === last) continue;
    last = traceparent;
    traceparents.push(traceparent);
    if (traceparents.length > MAX_LINKED_TRACES) break;
  }
  return traceparents;
}

function isPermanentPublishError(error: unknown): boolean {
  const text = describeError(error);
  // Too large or rejected by the stream's limits: retrying the same bytes cannot succeed.
  return /maximum payload|MAX_PAYLOAD|message size exceeds|maximum bytes|maximum messages/i.test(text);
}

/** A cheap upper-bound guess of an op's encoded size, so messages stay under max_payload. */
function estimateBytes(op: ChangeOp): number {
  let bytes = 48;
  for (const values of [op.key, op.before, op.after]) {
    if (!values) continue;
    for (const value of values) bytes += valueBytes(value);
  }
  return bytes;
}

function valueBytes(value: ChangeOp['key'][number]): number {
  switch (value.kind) {
    case 'bytes':
      return value.value.length + 6;
    case 'array':
      return value.value.reduce((sum, element) => sum + valueBytes(element), 6);
    case 'null':
    case 'unchanged':
    case 'boolean':
      return 3;
    case 'float':
      return 10;
    default:
      return typeof value.value === 'string' ? value.value.length * 3 + 6 : 12;
  }
}
