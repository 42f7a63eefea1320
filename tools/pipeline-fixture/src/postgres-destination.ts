// The Postgres destination side: a throw-away server (no logical decoding) with database
// "replica", the destination entry that writes it, and a query connection for the test's reads.
import pg from 'pg';
import { startPostgres, type PostgresServer } from '@cdc/testenv';
import type { DestinationEntry } from './config';
import { COMPARE_OPTIONS, reconnectingQuery, type Query } from './postgres-connection';

export interface PostgresDestinationOptions {
  /** PostgreSQL major of the server (tools/testenv; default: Debian's 15). */
  readonly version?: number;
  readonly batch?: DestinationEntry['batch'];
  readonly extra?: string;
}

export interface PostgresDestination {
  readonly server: PostgresServer;
  readonly url: string;
  readonly entry: DestinationEntry;
  readonly query: Query;
  close(): Promise<void>;
}

export async function startPostgresDestination(options: PostgresDestinationOptions): Promise<PostgresDestination> {
  const server = await startPostgres({ name: 'e2e-dest', logical: false, version: options.version });
  const url = await server.createDatabase('replica');
  const connection = reconnectingQuery(url);
  await connection.query('SELECT 1');
  return {
    server,
    url,
    entry: { name: 'replica', type: 'postgres', url, batch: options.batch, extra: options.extra },
    query: connection.query,
    async close() {
      await connection.close();
      await server.destroy();
    },
  };
}

export interface SharedPostgresDestinationOptions {
  /** The destination's name in the config. */
  readonly name: string;
  /** The database to write into. */
  readonly url: string;
  /** The destination's `schema`, when set. */
  readonly schema?: string;
}

export interface SharedPostgresDestination {
  readonly entry: DestinationEntry;
  /** The test's connection; every value comes back as Postgres's text. */
  readonly client: pg.Client;
  close(): Promise<void>;
}

/** A destination database on a server the test shares between pipelines (not stopped here). */
export async function openSharedPostgresDestination(
  options: SharedPostgresDestinationOptions,
): Promise<SharedPostgresDestination> {
  const client = new pg.Client({
    connectionString: options.url,
    options: COMPARE_OPTIONS,
    types: { getTypeParser: () => (value: string) => value },
  });
  await client.connect();
  return {
    entry: { name: options.name, type: 'postgres', url: options.url, schema: options.schema },
    client,
    close: () => client.end().catch(() => undefined),
  };
}
