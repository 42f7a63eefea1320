// What a test does in place of a reader, imported as `@cdc/change-stream/testing`; production
// code never imports it (it is not in index.ts).
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from '@cdc/service-runtime';
import { ChangePublisher } from './publisher';
import { ensureSourceStream } from './stream-setup';

/**
 * The source's stream and durable consumers as a reader creates them (ensureSourceStream), and a
 * publisher into it with a test's limits: `maxOps` per message, the rest generous.
 */
export async function openTestSource(
  nc: NatsConnection,
  options: {
    readonly source: string;
    readonly partitions: number;
    readonly destinations: readonly string[];
    readonly log: Logger;
    readonly maxOps: number;
    readonly maxBytes?: number;
    readonly maxDelayMs?: number;
  },
): Promise<ChangePublisher> {
  const { source, partitions, log, maxOps } = options;
  await ensureSourceStream(await jetstreamManager(nc), {
    source,
    partitions,
    destinations: options.destinations,
  });
  return new ChangePublisher({
    js: jetstream(nc),
    source,
    partitions,
    log,
    maxOps,
    maxBytes: options.maxBytes ?? 1e6,
    maxDelayMs: options.maxDelayMs ?? 1,
    maxBufferedOps: 1e6,
  });
}
