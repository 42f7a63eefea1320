import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from '@cdc/service-runtime';
import { health } from '@cdc/telemetry';
import { jetStreamAvailability } from './jetstream-availability';
import { connectToNats, type NatsConnectOptions } from './nats-connection';

export interface ServiceNatsOptions extends Omit<NatsConnectOptions, 'name'> {
  /** `nats.quorum_lost_alert_s`: how long JetStream writes may fail before the one error line (default 30). */
  readonly quorumLostAlertS?: number;
}

/**
 * A long-running service's NATS connection (a reader, the applier, the coordinator), set up
 * alike in each: connected (connectToNats, named `name` on the server), leader elections ridden
 * through with only a longer outage (lost quorum) worth an error line, and the readiness check
 * `<component>: nats` true while the connection lasts.
 */
export async function connectService(
  nats: ServiceNatsOptions,
  name: string,
  component: string,
  log: Logger,
): Promise<NatsConnection> {
  const nc = await connectToNats({ ...nats, name });
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
