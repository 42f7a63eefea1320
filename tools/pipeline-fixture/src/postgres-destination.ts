// The Postgres destination side: a throw-away server (no logical decoding) with database
// "replica", the destination entry that writes it, and a query connection for the test's reads.
import { startPostgres, type PostgresServer } from '@cdc/testenv';
import type { DestinationEntry } from './config';
import { reconnectingQuery, type Query } from './postgres-connection';

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
