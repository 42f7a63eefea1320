import type { NatsConnection } from '@nats-io/nats-core';
import { describeError, withRetry, type Logger, type RetryPolicy } from '@cdc/service-runtime';
import { health } from '@cdc/telemetry';
import { jetStreamAvailability } from './jetstream-availability';
import { connectToNats, NatsUnreachableError, type NatsConnectOptions } from './nats-connection';

/**
 * A service started while NATS is down (or restarting) waits for it, as one that loses it
 * later does: only NATS that cannot be reached is waited for (NatsUnreachableError.transient).
 */
export const NATS_START_RETRY: RetryPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 5_000,
  isFatal: (error) => !(error instanceof NatsUnreachableError && error.transient),
};

export interface ServiceNatsOptions extends Omit<NatsConnectOptions, 'name'> {
  /** `nats.quorum_lost_alert_s`: how long JetStream writes may fail before the one error line (default 30). */
  readonly quorumLostAlertS?: number;
}

/**
 * A long-running service's NATS connection (a reader, the applier, the coordinator), set up
 * alike in each: connected (connectToNats, named `name` on the server), leader elections ridden
 * through with only a longer outage (lost quorum) worth an error line, and the readiness check
 * `<component>: nats` true while the connection lasts. NATS not reachable yet is waited for
 * (NATS_START_RETRY: one line that it waits, then a line per attempt); undefined when `signal`
 * ended the wait (a stop during start-up is a clean stop). A malformed URL, refused credentials
 * or an unsuitable server is the one-line error at once.
 */
export async function connectService(
  nats: ServiceNatsOptions,
  name: string,
  component: string,
  log: Logger,
  signal?: AbortSignal,
): Promise<NatsConnection | undefined> {
  health.setReady(`${component}: nats`, false);
  let waiting: readonly string[] | undefined;
  let nc: NatsConnection;
  try {
    nc = await withRetry(() => connectToNats({ ...nats, name }), {
      ...NATS_START_RETRY,
      what: 'connect to NATS',
      log,
      signal,
      countFailure: (error) => {
        if (waiting || !(error instanceof NatsUnreachableError) || !error.transient) return;
        waiting = error.servers;
        log.warn(
          { err: describeError(error.cause) },
          `waiting for NATS at ${waiting.join(', ')}: ${component} starts once it answers (/readyz is false meanwhile)`,
        );
      },
    });
  } catch (error) {
    if (signal?.aborted) return undefined;
    throw error;
  }
  if (waiting) log.info(`connected to NATS at ${waiting.join(', ')}`);
  jetStreamAvailability.configure({ alertAfterMs: (nats.quorumLostAlertS ?? 30) * 1000, log });
  health.setReady(`${component}: nats`, true);
  void nc.closed().then(() => health.setReady(`${component}: nats`, false));
  return nc;
}

/** Leaves room under the server's max_payload (NATS's default 1 MiB) for the schemas and headers. */
const PAYLOAD_HEADROOM = 0.75;

/** The largest message a reader publishes: its `publish.max_bytes`, within what the server takes. */
export function messageMaxBytes(configured: number, nc: NatsConnection): number {
  const maxPayload = nc.info?.max_payload ?? 1_048_576;
  return Math.min(configured, Math.floor(maxPayload * PAYLOAD_HEADROOM));
}
