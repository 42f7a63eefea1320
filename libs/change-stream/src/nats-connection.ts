import { readFileSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { credsAuthenticator, nkeyAuthenticator, type Authenticator, type NatsConnection } from '@nats-io/nats-core';
import { describeError } from '@cdc/service-runtime';

export interface NatsConnectOptions {
  readonly url: string | readonly string[];
  readonly user?: string;
  readonly password?: string;
  readonly token?: string;
  /** NKey seed of the user ("SU..."). */
  readonly nkeySeed?: string;
  /** Path of a .creds file (JWT + seed). */
  readonly credsFile?: string;
  readonly tls?: { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string };
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
  let authenticator: Authenticator | undefined;
  if (options.nkeySeed !== undefined) authenticator = nkeyAuthenticator(new TextEncoder().encode(options.nkeySeed));
  // Read at every (re)connect, so a rotated creds file is picked up without a restart.
  if (options.credsFile !== undefined) {
    const file = options.credsFile;
    authenticator = credsAuthenticator(() => readFileSync(file));
  }
  try {
    return await connect({
      servers,
      name: options.name,
      user: options.user,
      pass: options.password,
      token: options.token,
      ...(authenticator ? { authenticator } : {}),
      ...(options.tls ? { tls: { ...options.tls } } : {}),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      timeout: 5_000,
    });
  } catch (error) {
    throw new NatsUnreachableError(servers, error);
  }
}
