import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import {
  HEADER_KIND,
  decodeBatch,
  decodeBatchSummary,
  decodeWatermark,
  partitionSubject,
  streamName,
  type ChangeKind,
  type ChangeOp,
  type Watermark,
} from '@cdc/change-envelope';
import { readTraceHeaders, tracingEnabled } from '@cdc/telemetry';
import {
  MalformedMessageError,
  storedBatch,
  type BatchLimits,
  type OpStats,
  type ReceivedBatch,
} from './received-batch';
import { consumerName } from './stream-setup';

// Messages prefetched per partition. 2: a batch forms from these plus what arrives within
// batch.max_wait_ms; 4 kept twice the received bytes for partitions waiting for a destination
// connection without draining faster, 8 only added more (docs/benchmarks.md, "Memory" and
// "Profile").
const BUFFERED_MESSAGES_PER_PARTITION = 2;

/**
 * How long a partition waits without a message before it asks whether the consumer delivered
 * messages this instance never received (see nextBatch), and then at most this often.
 */
const DELIVERY_GAP_CHECK_MS = 5_000;
/** How many stored messages one batch read past such a gap holds at most. */
const DELIVERY_GAP_MESSAGES = 8;

/**
 * Reads one partition's durable consumer with `consume()` (much faster than repeated fetches)
 * and cuts the message flow into batches bounded by op count and by time since the first
 * message of the batch.
 */
export class PartitionConsumer {
  private pending: Promise<IteratorResult<JsMsg>> | undefined;
  private iterator: AsyncIterator<JsMsg> | undefined;
  /** A message that cannot be decoded, met after others in a batch: thrown by the next call. */
  private undecodable: MalformedMessageError | undefined;
  /**
   * The highest stream sequence this instance has received, or read past a delivery gap; at
   * open, what the consumer had delivered before (the applier's catch-up reads that).
   */
  private highestSeen: number;
  /** When a message last arrived, or the delivery gap was last checked. */
  private quietSince = Date.now();
  /**
   * The consumer's delivery sequence of the last message this instance received. It counts every
   * delivery of the durable consumer, to whichever client, so a jump means deliveries this
   * instance never received (see ReceivedBatch.gapBefore).
   */
  private lastDelivery: number | undefined;

  private constructor(
    private readonly messages: ConsumerMessages,
    private readonly jsm: JetStreamManager,
    readonly source: string,
    readonly partition: number,
    private readonly consumer: string,
    deliveredBefore: number,
  ) {
    this.iterator = messages[Symbol.asyncIterator]();
    this.highestSeen = deliveredBefore;
  }

  static async open(
    js: JetStreamClient,
    jsm: JetStreamManager,
    source: string,
    destination: string,
    partition: number,
  ): Promise<PartitionConsumer> {
    const consumer = await js.consumers.get(streamName(source), consumerName(destination, partition));
    // Read before pulling: everything delivered up to here went to an earlier owner.
    const deliveredBefore = (await consumer.info(true)).delivered.stream_seq;
    // Bounded by a few messages (each at most ~750 kB of ops) rather than by bytes.
    const messages = await consumer.consume({ max_messages: BUFFERED_MESSAGES_PER_PARTITION });
    return new PartitionConsumer(
      messages,
      jsm,
      source,
      partition,
      consumerName(destination, partition),
      deliveredBefore,
    );
  }

  /**
   * The partition's messages stored in [fromSeq, beforeSeq), read straight from the stream.
   *
   * Why: a consumer delivers NEW messages before it redelivers the ones an earlier, dead
   * instance had pulled but not acked (those wait for ack_wait). Applying the new ones first
   * would move the checkpoint past the gap, and the ack would acknowledge the gap away. So
   * after a start or a redelivery, the applier reads whatever lies between its checkpoint and
   * the first delivered message, and applies that first.
   */
  async readStored(
    fromSeq: number,
    beforeSeq: number,
    maxMessages = Number.POSITIVE_INFINITY,
  ): Promise<{
    ops: ChangeOp[];
    opStreamSeqs: number[];
    watermark: Watermark | undefined;
    messages: number;
    /** Where a further read goes on: past the last message read, or beforeSeq when none is left. */
    nextSeq: number;
  }> {
    const ops: ChangeOp[] = [];
    const opStreamSeqs: number[] = [];
    let watermark: Watermark | undefined;
    let messages = 0;
    let seq = fromSeq;
    const subject = partitionSubject(this.source, this.partition);
    while (seq < beforeSeq && messages < maxMessages) {
      const stored = await this.jsm.direct.getMessage(streamName(this.source), { seq, next_by_subj: subject });
      if (!stored || stored.seq >= beforeSeq) {
        seq = beforeSeq;
        break;
      }
      messages += 1;
      try {
        if (stored.header?.get(HEADER_KIND) === 'watermark') {
          const mark = decodeWatermark(stored.data);
          if (!watermark || mark.seq > watermark.seq) watermark = mark;
        } else {
          for (const op of decodeBatch(stored.data).ops) {
            ops.push(op);
            opStreamSeqs.push(stored.seq);
          }
        }
      } catch (error) {
        throw new MalformedMessageError(this.source, this.partition, stored.seq, error);
      }
      seq = stored.seq + 1;
    }
    return { ops, opStreamSeqs, watermark, messages, nextSeq: Math.min(seq, beforeSeq) };
  }

  /**
   * The durable consumer's highest delivered stream sequence (to this or any earlier owner) and
   * its ack floor (everything at or below it is acknowledged, so applied).
   */
  async deliveryState(): Promise<{ delivered: number; ackFloor: number }> {
    const info = await this.jsm.consumers.info(streamName(this.source), this.consumer);
    return { delivered: info.delivered.stream_seq, ackFloor: info.ack_floor.stream_seq };
  }

  /**
   * Resolves with the next batch, or undefined when the signal aborted before any message arrived.
   * `holdOpen`: until it resolves, the batch keeps taking messages past max_wait_ms and
   * max_idle_ms (up to max_ops / max_bytes): a batch received while the one before it is applied
   * cannot be applied sooner anyway, so it may as well grow.
   */
  async nextBatch(
    limits: BatchLimits,
    signal: AbortSignal,
    holdOpen?: Promise<unknown>,
  ): Promise<ReceivedBatch | undefined> {
    if (this.undecodable) throw this.undecodable;
    const received: JsMsg[] = [];
    let ops = 0;
    // Snapshot chunks are one op of thousands of rows each: bytes bound a batch of them.
    let bytes = 0;
    const maxBytes = limits.maxBytes ?? Number.POSITIVE_INFINITY;
    let deadline = Number.POSITIVE_INFINITY;
    const readySeqs: number[] = [];
    const byTable: Array<{ table: string; kind: ChangeKind; count: number }> = [];
    const barriers: number[] = [];
    let lastCommitTimeUs = 0;
    let watermark: Watermark | undefined;
    let redelivered = false;
    let gapBefore = false;
    const trace = tracingEnabled() ? { traceparents: [] as string[], decodeStartedAtMs: 0, decodeMs: 0 } : undefined;
    const maxIdleMs = limits.maxIdleMs ?? Number.POSITIVE_INFINITY;
    /** The batch ended because no message came for max_idle_ms. */
    let idle = false;
    let held = holdOpen !== undefined;
    void holdOpen?.then(
      () => (held = false),
      () => (held = false),
    );
    while (ops < limits.maxOps && bytes < maxBytes) {
      // Once the batch has a message: wait for the next one no longer than max_idle_ms (under a
      // backlog the prefetched messages are already here; a live stream's next change is not
      // worth waiting for), and in all no longer than max_wait_ms.
      const untilDeadline = deadline - Date.now();
      const waitMs = received.length === 0 || held ? 1_000 : Math.min(untilDeadline, maxIdleMs);
      if (received.length > 0 && !held && waitMs <= 0) break;
      const next = await this.nextMessage(waitMs, held ? holdOpen : undefined);
      if (next === 'timeout') {
        if (held && !signal.aborted) continue;
        if (received.length > 0) {
          idle = maxIdleMs < untilDeadline;
          break;
        }
        if (signal.aborted) return undefined;
        if (!held && Date.now() - this.quietSince >= DELIVERY_GAP_CHECK_MS) {
          const gap = await this.readDeliveryGap();
          if (gap) return gap;
        }
        continue;
      }
      if (next === 'closed') {
        if (received.length > 0) break;
        return undefined;
      }
      const delivery = next.info.deliverySequence;
      if (this.lastDelivery !== undefined && delivery !== this.lastDelivery + 1) {
        // Deliveries went elsewhere before this message: it starts a batch of its own, so the
        // missing messages can be put in front of it (they may lie between this batch's messages).
        if (received.length > 0) {
          this.pending = Promise.resolve({ done: false, value: next });
          break;
        }
        gapBefore = true;
      }
      this.lastDelivery = delivery;
      this.highestSeen = Math.max(this.highestSeen, next.seq);
      this.quietSince = Date.now();
      const kind = next.headers?.get(HEADER_KIND);
      if (received.length === 0) deadline = Date.now() + limits.maxWaitMs;
      received.push(next);
      if (next.redelivered) redelivered = true;
      const decodeStarted = trace ? performance.now() : 0;
      try {
        if (kind === 'watermark') {
          const mark = decodeWatermark(next.data);
          if (!watermark || mark.seq > watermark.seq) watermark = mark;
        } else {
          // Checked and counted now, decoded when applied (see ReceivedBatch.ops).
          const summary = decodeBatchSummary(next.data);
          for (const index of summary.barriers) barriers.push(ops + index);
          for (const { schema, table, kind, count } of summary.counts) {
            const name = `${schema}.${table}`;
            const entry = byTable.find((counted) => counted.kind === kind && counted.table === name);
            if (entry) entry.count += count;
            else byTable.push({ table: name, kind, count });
          }
          for (let i = 0; i < summary.ops; i += 1) readySeqs.push(next.seq);
          if (summary.ops > 0) lastCommitTimeUs = summary.lastCommitTimeUs;
          ops += summary.ops;
          bytes += next.data.length;
        }
      } catch (error) {
        const malformed = new MalformedMessageError(this.source, this.partition, next.seq, error);
        if (received.length === 1) throw malformed;
        // The messages before it are fine: they apply (and are acked) first, then the partition stops on this one.
        received.pop();
        this.undecodable = malformed;
        break;
      }
      if (trace) {
        if (trace.decodeStartedAtMs === 0) trace.decodeStartedAtMs = performance.timeOrigin + decodeStarted;
        trace.decodeMs += performance.now() - decodeStarted;
        readTraceHeaders(next.headers, trace.traceparents);
      }
      if (signal.aborted) break;
    }
    const last = received[received.length - 1];
    const opStats: OpStats = { count: ops, lastCommitTimeUs, byTable, barriers };
    // The ops are decoded on the first read (the sink's, once the batch has a destination
    // connection), held strongly until releaseOps() and weakly after. The received bytes stay
    // until the ack, so ops that were collected are decoded again, identically, if asked for.
    let strong: ChangeOp[] | undefined;
    let weak: WeakRef<ChangeOp[]> | undefined;
    let released = false;
    const decodeAll = (): ChangeOp[] => {
      const all: ChangeOp[] = [];
      for (const message of received) {
        if (message.headers?.get(HEADER_KIND) === 'watermark') continue;
        for (const op of decodeBatch(message.data).ops) all.push(op);
      }
      return all;
    };
    return {
      get ops(): ChangeOp[] {
        if (strong) return strong;
        let all = weak?.deref();
        if (all === undefined) {
          all = decodeAll();
          if (released) weak = new WeakRef(all);
          else strong = all;
        }
        return all;
      },
      releaseOps: () => {
        released = true;
        if (strong === undefined) return;
        weak = new WeakRef(strong);
        strong = undefined;
      },
      opStats,
      opStreamSeqs: readySeqs,
      watermark,
      messages: received.length,
      backlog: !idle,
      firstStreamSeq: received[0].seq,
      lastStreamSeq: last.seq,
      redelivered,
      ...(gapBefore ? { gapBefore } : {}),
      trace,
      // AckPolicy.All: acking the last message acknowledges the whole batch in one round trip.
      ack: async () => {
        await last.ackAck();
      },
      working: () => {
        for (const message of received) message.working();
      },
    };
  }

  /**
   * Messages the consumer delivered that this instance never received: the server it was
   * connected to went down with them on the way (a NATS server killed or restarted). JetStream
   * sends them again only after ack_wait (minutes), so with nothing new arriving the partition
   * would stand still that long. Read straight from the stream instead, as a batch of their own
   * (storedBatch).
   */
  private async readDeliveryGap(): Promise<ReceivedBatch | undefined> {
    this.quietSince = Date.now();
    const { delivered } = await this.deliveryState();
    if (delivered <= this.highestSeen) return undefined;
    const from = this.highestSeen + 1;
    const stored = await this.readStored(from, delivered + 1, DELIVERY_GAP_MESSAGES);
    this.highestSeen = stored.nextSeq - 1;
    if (stored.messages === 0) return undefined;
    return storedBatch(stored, from, stored.nextSeq - 1, stored.nextSeq <= delivered);
  }

  /** The next message, or 'timeout' after waitMs (or once `wake` settles; the message waited for stays due). */
  private async nextMessage(waitMs: number, wake?: Promise<unknown>): Promise<JsMsg | 'timeout' | 'closed'> {
    if (!this.iterator) return 'closed';
    this.pending ??= this.iterator.next();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, waitMs));
    });
    const woken = wake?.then(
      () => 'timeout' as const,
      () => 'timeout' as const,
    );
    const result = await Promise.race(woken ? [this.pending, timeout, woken] : [this.pending, timeout]);
    clearTimeout(timer);
    if (result === 'timeout') return 'timeout';
    this.pending = undefined;
    if (result.done) {
      this.iterator = undefined;
      return 'closed';
    }
    return result.value;
  }

  /** Stops pulling. Buffered, unapplied messages stay unacked and come again (never lost). */
  async close(): Promise<void> {
    // close() would wait for the buffered messages to be consumed; nobody will consume them.
    this.messages.stop();
    this.iterator = undefined;
  }
}
