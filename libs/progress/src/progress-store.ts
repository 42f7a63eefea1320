import type { NatsConnection } from '@nats-io/nats-core';
import type { KV } from '@nats-io/kv';
import type { Position } from '@cdc/change-envelope';
import { kvKeys, openBucket, withJetStreamRetry, type Replication } from '@cdc/change-stream';
import type { Logger } from '@cdc/service-runtime';
import type { CommittedPosition, PartitionProgress } from './committed';

const BUCKET = 'cdc_progress';

interface StoredPosition {
  commit: string;
  index: number;
  token?: string;
}

function storePosition(position: Position): StoredPosition {
  return {
    commit: position.commit.toString(),
    index: position.index,
    ...(position.token?.length ? { token: Buffer.from(position.token).toString('base64') } : {}),
  };
}

function loadPosition(stored: StoredPosition): Position {
  return {
    commit: BigInt(stored.commit),
    index: stored.index,
    ...(stored.token ? { token: new Uint8Array(Buffer.from(stored.token, 'base64')) } : {}),
  };
}

/**
 * The pipeline's shared state in one JetStream KV bucket:
 *   progress.<source>.<destination>.<partition>  written by appliers after their commit
 *   committed.<source>                           written by the coordinator
 *   watermark-seq.<source>                       last watermark seq a reader handed out
 *   snapshot.<source>                            the reader's initial-snapshot state
 *   reader.<source>                              whether the reader pauses (its stream is full), for `cdc status`
 *   shards.<source>                              a Vitess reader's shards, their last event time, reshards passed
 *   filters.<source>                             a Vitess reader's row filters at its last start, and pending backfills through changed ones
 * Values are small JSON documents, readable with `nats kv get`.
 */
/** What a reader says about itself: paused while its stream is full (nats.max_bytes / nats.max_age_s). */
export interface ReaderState {
  readonly paused: 'max_bytes' | 'max_age_s' | null;
  /** ISO time of the last change of `paused`. */
  readonly since: string;
}

/**
 * What a Vitess reader says about its shards (written every few seconds while it streams): the
 * shards it streams and the source time of the last event it read from each (so `at` minus that
 * is how far behind the reader is on that shard), and the reshards it has passed. Operators
 * wait for every reader to have passed a reshard's switch before they `Complete` it.
 */
export interface ShardState {
  readonly keyspace: string;
  /** When the reader wrote this (ISO). */
  readonly at: string;
  readonly shards: ReadonlyArray<{ readonly shard: string; readonly lastEventAt: string | null }>;
  /** Oldest first; the last few only. */
  readonly reshards: ReadonlyArray<{ readonly from: string; readonly to: string; readonly at: string }>;
}

export interface ProgressStoreOptions {
  /** Copies of the bucket when it is created (or scaled); one when absent. */
  readonly replication?: Replication;
  /** Opening and writes are retried through a JetStream leader election, with this log; absent: tried once. */
  readonly log?: Logger;
  /** Stops retrying the opening (a service shutting down). */
  readonly signal?: AbortSignal;
}

export class ProgressStore {
  private constructor(
    private readonly kv: KV,
    private readonly log: Logger | undefined,
  ) {}

  static async open(nc: NatsConnection, options: ProgressStoreOptions = {}): Promise<ProgressStore> {
    const open = () => openBucket(nc, BUCKET, { history: 1 }, options.replication);
    const kv = options.log
      ? await withJetStreamRetry(`open the KV bucket ${BUCKET}`, open, { log: options.log, signal: options.signal })
      : await open();
    return new ProgressStore(kv, options.log);
  }

  /** A whole-value put may be repeated, so it rides through a stream leader change. */
  private async put(key: string, value: string): Promise<void> {
    if (!this.log) {
      await this.kv.put(key, value);
      return;
    }
    await withJetStreamRetry(`KV put ${BUCKET} ${key}`, () => this.kv.put(key, value), { log: this.log });
  }

  async recordProgress(progress: PartitionProgress): Promise<void> {
    await this.put(
      `progress.${progress.source}.${progress.destination}.${progress.partition}`,
      JSON.stringify({ ...progress, position: storePosition(progress.position) }),
    );
  }

  async readProgress(source: string): Promise<PartitionProgress[]> {
    const entries: PartitionProgress[] = [];
    for (const key of await kvKeys(this.kv, `progress.${source}.>`)) {
      const entry = await this.kv.get(key);
      if (!entry || entry.operation !== 'PUT') continue;
      const stored = entry.json<PartitionProgress & { position: StoredPosition }>();
      entries.push({ ...stored, position: loadPosition(stored.position) });
    }
    return entries;
  }

  async writeCommitted(committed: CommittedPosition): Promise<void> {
    await this.put(
      `committed.${committed.source}`,
      JSON.stringify({ ...committed, position: storePosition(committed.position) }),
    );
  }

  async readCommitted(source: string): Promise<CommittedPosition | undefined> {
    const entry = await this.kv.get(`committed.${source}`);
    if (!entry || entry.operation !== 'PUT') return undefined;
    const stored = entry.json<CommittedPosition & { position: StoredPosition }>();
    return { ...stored, position: loadPosition(stored.position) };
  }

  /**
   * Hands out the next watermark seq, persisted BEFORE the watermark is published so a
   * restarted reader never reuses a seq for a different position.
   */
  /** The last watermark seq handed out (0: none yet). */
  async lastWatermarkSeq(source: string): Promise<number> {
    const entry = await this.kv.get(`watermark-seq.${source}`);
    return entry && entry.operation === 'PUT' ? Number(entry.string()) : 0;
  }

  async nextWatermarkSeq(source: string, atLeast = 0): Promise<number> {
    const next = Math.max((await this.lastWatermarkSeq(source)) + 1, atLeast);
    await this.put(`watermark-seq.${source}`, String(next));
    return next;
  }

  async writeReaderState(source: string, state: ReaderState): Promise<void> {
    await this.put(`reader.${source}`, JSON.stringify(state));
  }

  async readReaderState(source: string): Promise<ReaderState | undefined> {
    const entry = await this.kv.get(`reader.${source}`);
    return entry && entry.operation === 'PUT' ? entry.json<ReaderState>() : undefined;
  }

  async writeShardState(source: string, state: ShardState): Promise<void> {
    await this.put(`shards.${source}`, JSON.stringify(state));
  }

  async readShardState(source: string): Promise<ShardState | undefined> {
    const entry = await this.kv.get(`shards.${source}`);
    return entry && entry.operation === 'PUT' ? entry.json<ShardState>() : undefined;
  }

  async readFilterRecord<T>(source: string): Promise<T | undefined> {
    const entry = await this.kv.get(`filters.${source}`);
    return entry && entry.operation === 'PUT' ? entry.json<T>() : undefined;
  }

  async writeFilterRecord(source: string, record: unknown): Promise<void> {
    await this.put(`filters.${source}`, JSON.stringify(record));
  }

  async readSnapshotState<T>(source: string): Promise<T | undefined> {
    const entry = await this.kv.get(`snapshot.${source}`);
    return entry && entry.operation === 'PUT' ? entry.json<T>() : undefined;
  }

  async writeSnapshotState(source: string, state: unknown): Promise<void> {
    await this.put(`snapshot.${source}`, JSON.stringify(state));
  }

  async deleteSnapshotState(source: string): Promise<void> {
    await this.kv.delete(`snapshot.${source}`);
  }
}
