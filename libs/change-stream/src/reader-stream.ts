import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from '@cdc/service-runtime';
import { ChangePublisher, type PauseReason, type PublisherLimits } from './publisher';
import { Replication } from './replication';
import { messageMaxBytes } from './service-connection';
import { readerPauseReporter, watchStreamAge, type StreamLimits } from './stream-limits';
import { setUpSourceStream } from './stream-setup';

/** Where a reader records whether it is paused (the progress store's `writeReaderState`). */
export interface ReaderStateStore {
  writeReaderState(source: string, state: { paused: PauseReason | null; since: string }): Promise<void>;
}

export interface ReaderStreamOptions<P extends ReaderStateStore> {
  readonly source: string;
  readonly partitions: number;
  /** Destinations that consume this source: their durable consumers are created with the stream. */
  readonly destinations: readonly string[];
  /** `nats.replicas`, `nats.max_bytes`, `nats.max_age_s`. */
  readonly nats: { readonly replicas?: number; readonly maxBytes?: number; readonly maxAgeS?: number };
  /** The source's `publish` settings (`max_bytes` is kept below the server's max_payload). */
  readonly publish: {
    readonly maxOps: number;
    readonly maxBytes: number;
    readonly maxDelayMs: number;
    readonly maxBufferedBytes?: number;
  };
  /** Unpublished ops buffered before the reader waits: each reader sizes it (see its call). */
  readonly maxBufferedOps: number;
  /** Tables spread over the partitions by key (`partition_by: key`). */
  readonly keyPartitioned?: (schema: string, table: string) => boolean;
  /** Opens the progress store (it builds on this lib, so the reader passes it in). */
  readonly openProgress: (replication: Replication) => Promise<P>;
  readonly log: Logger;
  readonly signal: AbortSignal;
}

/** A reader's JetStream side, set up: its stream, progress store and publishers. */
export interface ReaderStream<P> {
  readonly jsm: JetStreamManager;
  readonly replication: Replication;
  readonly progress: P;
  readonly limits: PublisherLimits;
  readonly streamLimits: StreamLimits;
  /** A publisher that pauses on a full stream and reports it (log, gauge, reader state in KV). */
  newPublisher(): ChangePublisher;
  /** Holds `publisher` while the stream's oldest change is older than `nats.max_age_s`; its stop, or undefined when unset. */
  watchAge(publisher: ChangePublisher, intervalMs: number): (() => void) | undefined;
}

/**
 * The stream set-up every reader shares: the source's stream and its consumers (`nats.replicas`
 * copies), the progress store, the publisher limits and the stream-full pause reporter; it
 * warns when no destination consumes the source.
 * Start-up rides through a leader election too (each step is idempotent).
 */
export async function setUpReaderStream<P extends ReaderStateStore>(
  nc: NatsConnection,
  options: ReaderStreamOptions<P>,
): Promise<ReaderStream<P>> {
  const { source, log } = options;
  const jsm = await jetstreamManager(nc);
  const replication = Replication.of(nc, options.nats.replicas, log);
  await setUpSourceStream(
    jsm,
    {
      source,
      partitions: options.partitions,
      destinations: options.destinations,
      replication,
      maxBytes: options.nats.maxBytes,
    },
    { log, signal: options.signal },
  );
  // Said once here for every reader: a source without consumers is allowed, but rarely meant.
  if (options.destinations.length === 0)
    log.warn('no destination consumes this source: changes are published but nothing applies them');
  const progress = await options.openProgress(replication);
  const limits: PublisherLimits = {
    maxOps: options.publish.maxOps,
    maxBytes: messageMaxBytes(options.publish.maxBytes, nc),
    maxDelayMs: options.publish.maxDelayMs,
    maxBufferedOps: options.maxBufferedOps,
    maxBufferedBytes: options.publish.maxBufferedBytes,
  };
  const streamLimits: StreamLimits = { maxBytes: options.nats.maxBytes, maxAgeS: options.nats.maxAgeS };
  // A full stream pauses publishing; the reader then stops reading (see ChangePublisher.onPause).
  const onPause = readerPauseReporter(source, streamLimits, log, (paused) =>
    progress.writeReaderState(source, { paused: paused ?? null, since: new Date().toISOString() }),
  );
  return {
    jsm,
    replication,
    progress,
    limits,
    streamLimits,
    newPublisher: () =>
      new ChangePublisher({
        js: jetstream(nc),
        source,
        partitions: options.partitions,
        log,
        ...limits,
        keyPartitioned: options.keyPartitioned,
        onPause,
      }),
    watchAge: (publisher, intervalMs) => {
      const maxAgeS = streamLimits.maxAgeS;
      return maxAgeS === undefined ? undefined : watchStreamAge(jsm, source, maxAgeS, publisher, intervalMs, log);
    },
  };
}
