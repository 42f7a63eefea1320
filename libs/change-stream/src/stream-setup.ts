import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamInfo,
} from '@nats-io/jetstream';
import { partitionSubject, sourceSubjects, streamName } from '@cdc/change-envelope';
import { Replication } from './replication';
import { withJetStreamRetry, type JetStreamRetryOptions } from './jetstream-availability';

const PARTITIONS_METADATA_KEY = 'cdc_partitions';

/** Changing a source's partition count would move tables between partitions mid-stream and break per-table order. */
export class PartitionCountMismatchError extends Error {
  constructor(source: string, stored: number, configured: number) {
    super(
      `source ${source}: stream ${streamName(source)} was created with ${stored} partitions but the config says ${configured}; ` +
        `changing the partition count of a running source is not supported (drain the stream and recreate it to change it)`,
    );
    this.name = 'PartitionCountMismatchError';
  }
}

export interface SourceStreamOptions {
  readonly source: string;
  readonly partitions: number;
  /** Destinations that consume this source: their durable consumers are created with the stream. */
  readonly destinations: readonly string[];
  /** Copies of the stream and its consumers (`nats.replicas`); default one. */
  readonly replication?: Replication;
  /** The stream's byte limit (`nats.max_bytes`): at it JetStream refuses new messages (never drops stored ones). */
  readonly maxBytes?: number;
}

/**
 * Creates (or checks) the source's stream and one durable consumer per destination and partition.
 *
 * Interest retention deletes a message once every destination acked it, so the stream holds
 * only unapplied changes. That is only safe because the consumers exist before the first
 * publish: a message published with no interest would be dropped, so the reader calls this
 * before it reads anything.
 */
/**
 * ensureSourceStream at a service's start-up, ridden through a JetStream leader election (each
 * step is idempotent): what the reader and the applier both do before they publish or consume.
 */
export function setUpSourceStream(
  jsm: JetStreamManager,
  options: SourceStreamOptions,
  retry: JetStreamRetryOptions,
): Promise<void> {
  return withJetStreamRetry(
    `set up stream ${streamName(options.source)}`,
    () => ensureSourceStream(jsm, options),
    retry,
  );
}

export async function ensureSourceStream(jsm: JetStreamManager, options: SourceStreamOptions): Promise<void> {
  const name = streamName(options.source);
  const replication = options.replication ?? Replication.single();
  let existing: StreamInfo | undefined;
  try {
    existing = await jsm.streams.info(name);
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== 10059) throw error;
  }
  if (existing) {
    const stored = Number(existing.config.metadata?.[PARTITIONS_METADATA_KEY]);
    if (Number.isFinite(stored) && stored !== options.partitions) {
      throw new PartitionCountMismatchError(options.source, stored, options.partitions);
    }
    const maxBytes = options.maxBytes ?? -1;
    if (!existing.config.allow_direct || (existing.config.max_bytes ?? -1) !== maxBytes)
      existing = await jsm.streams.update(name, { ...existing.config, allow_direct: true, max_bytes: maxBytes });
    await replication.reconcile(jsm, existing);
  } else {
    await replication.addStream(jsm, {
      name,
      subjects: [sourceSubjects(options.source)],
      retention: RetentionPolicy.Interest,
      storage: StorageType.File,
      discard: DiscardPolicy.New,
      duplicate_window: 2 * 60 * 1_000_000_000,
      // Appliers read a partition's unacknowledged messages directly after a restart (see PartitionConsumer).
      allow_direct: true,
      metadata: { [PARTITIONS_METADATA_KEY]: String(options.partitions) },
      // Discard new: a full stream refuses the next message (the reader waits) instead of dropping stored ones.
      max_bytes: options.maxBytes ?? -1,
    });
  }
  for (const destination of options.destinations) {
    for (let partition = 0; partition < options.partitions; partition += 1) {
      await ensurePartitionConsumer(jsm, options.source, destination, partition);
    }
  }
}

export function consumerName(destination: string, partition: number): string {
  return `${destination}_p${partition}`;
}

export async function ensurePartitionConsumer(
  jsm: JetStreamManager,
  source: string,
  destination: string,
  partition: number,
): Promise<string> {
  const durable = consumerName(destination, partition);
  const stream = streamName(source);
  try {
    await jsm.consumers.info(stream, durable);
    return durable;
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== 10014) throw error;
  }
  await jsm.consumers.add(stream, {
    durable_name: durable,
    // No num_replicas: the consumer has as many copies as its stream, and follows it when the stream is scaled.
    filter_subject: partitionSubject(source, partition),
    ack_policy: AckPolicy.All,
    deliver_policy: DeliverPolicy.All,
    // A batch is acked after the destination commit; a slow commit must not trigger redelivery storms.
    ack_wait: 120 * 1_000_000_000,
    max_ack_pending: 20_000,
  });
  return durable;
}

/** Seconds since the oldest message still in the source's stream was stored (0 when it is empty). */
export async function oldestMessageAgeS(jsm: JetStreamManager, source: string): Promise<number> {
  const { state } = await jsm.streams.info(streamName(source));
  if (state.messages === 0 || !state.first_ts) return 0;
  return Math.max(0, (Date.now() - Date.parse(state.first_ts)) / 1000);
}
