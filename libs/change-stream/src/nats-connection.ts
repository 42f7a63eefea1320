import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { describeError } from '@cdc/service-runtime';

export interface NatsConnectOptions {
  readonly url: string | readonly string[];
  readonly user?: string;
  readonly password?: string;
  readonly token?: string;
  /** Connection name shown by the server (`nats server report connections`). */
  readonly name: string;
}

export class NatsUnreachableError extends Error {
  constructor(servers: readonly string[], cause: unknown) {
    super(`cannot connect to NATS at ${servers.join(', ')}: ${describeError(cause)}`, { cause });
    this.name = 'NatsUnreachableError';
  }
}

/** Connects with reconnects forever once connected: a NATS restart pauses services, it does not stop them. */
export async function connectToNats(options: NatsConnectOptions): Promise<NatsConnection> {
  const servers = typeof options.url === 'string' ? [options.url] : [...options.url];
  try {
    return await connect({
      servers,
      name: options.name,
      user: options.user,
      pass: options.password,
      token: options.token,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      timeout: 5_000,
    });
  } catch (error) {
    throw new NatsUnreachableError(servers, error);
  }
}
