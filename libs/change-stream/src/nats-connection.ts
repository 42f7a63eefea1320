import { readFileSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import {
  credsAuthenticator,
  errors,
  nkeyAuthenticator,
  type Authenticator,
  type NatsConnection,
} from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
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
  /**
   * Nothing answered (refused, reset, timed out, a name that does not resolve yet): NATS may
   * be starting. False for what waiting cannot change: a malformed URL, refused credentials, TLS.
   */
  readonly transient: boolean;

  constructor(
    /** The servers tried, without credentials. */
    readonly servers: readonly string[],
    cause: unknown,
  ) {
    super(`cannot connect to NATS at ${servers.join(', ')}: ${describeError(cause)}`, { cause });
    this.name = 'NatsUnreachableError';
    this.transient = nothingAnswered(cause);
  }
}

/** Network errors of a server that is down or not there yet (Node's codes, in the cause chain). */
const NOTHING_ANSWERED = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

function nothingAnswered(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) {
    if (e instanceof errors.TimeoutError) return true;
    if (e instanceof errors.ConnectionError && e.message === 'connection refused') return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NOTHING_ANSWERED.has(code)) return true;
  }
  return false;
}

/** A server that answers but cannot carry the pipeline: too old, or JetStream off. */
export class NatsServerUnsuitableError extends Error {
  constructor(servers: readonly string[], problem: string) {
    super(`NATS at ${servers.join(', ')}: ${problem}`);
    this.name = 'NatsServerUnsuitableError';
  }
}

/** Stream metadata, per-message TTLs in KV and the consumer features used need nats-server 2.10. */
const MIN_SERVER_VERSION = [2, 10];

/**
 * Connects with reconnects forever once connected: a NATS restart pauses services, it does not
 * stop them. Checks, once, that the server is recent enough and has JetStream.
 */
export async function connectToNats(options: NatsConnectOptions): Promise<NatsConnection> {
  const given = typeof options.url === 'string' ? [options.url] : [...options.url];
  // nats.js ignores credentials in a server URL: take them as the user/password (or token)
  // options, and keep them out of the URLs that error messages print.
  const servers = given.map(withoutCredentials);
  const fromUrl = given.map(credentialsOf).find((found) => found !== undefined);
  const nc = await connectOnly({ ...fromUrl, ...definedOnly(options), url: servers, name: options.name }, servers);
  try {
    const version = nc.info?.version ?? '';
    const [major, minor] = version.split('.').map(Number);
    if (major < MIN_SERVER_VERSION[0] || (major === MIN_SERVER_VERSION[0] && minor < MIN_SERVER_VERSION[1]))
      throw new NatsServerUnsuitableError(
        servers,
        `nats-server ${version} is too old: cdc needs ${MIN_SERVER_VERSION.join('.')} or later`,
      );
    try {
      await jetstreamManager(nc);
    } catch (error) {
      const text = describeError(error);
      if (/not enabled|no responders|503/i.test(text))
        throw new NatsServerUnsuitableError(
          servers,
          `JetStream is not enabled for this account or server (${text}): start nats-server with -js, or add "jetstream {}" to its config`,
        );
      throw error;
    }
    return nc;
  } catch (error) {
    await nc.close().catch(() => undefined);
    throw error;
  }
}

function credentialsOf(url: string): { user?: string; password?: string; token?: string } | undefined {
  const parsed = parseServerUrl(url);
  if (!parsed || (!parsed.username && !parsed.password)) return undefined;
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  return password ? { user, password } : { token: user };
}

function withoutCredentials(url: string): string {
  const parsed = parseServerUrl(url);
  if (!parsed || (!parsed.username && !parsed.password)) return url;
  parsed.username = '';
  parsed.password = '';
  return parsed.toString().replace(/\/$/, '');
}

function parseServerUrl(url: string): URL | undefined {
  try {
    return new URL(url.includes('://') ? url : `nats://${url}`);
  } catch {
    return undefined;
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

async function connectOnly(options: NatsConnectOptions, servers: string[]): Promise<NatsConnection> {
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
      // Otherwise every request (each JetStream publish, each batch's ack) builds an Error and a
      // timeout Error up front, for their stack traces: ~5% of the reader's CPU in a live stream
      // (profile in docs/benchmarks.md). Our errors name their source, partition and step instead.
      noAsyncTraces: true,
    });
  } catch (error) {
    throw new NatsUnreachableError(servers, error);
  }
}
