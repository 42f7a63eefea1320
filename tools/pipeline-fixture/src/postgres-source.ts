// The Postgres source side: a throw-away server (and its standby, when asked) with database
// "shop", the source entry that reads it, and a query connection for the test's writes.
import { startPostgres, startStandby, type PostgresServer, type StandbyOptions } from '@cdc/testenv';
import type { SourceEntry } from './config';
import { reconnectingQuery, type Query } from './postgres-connection';

export interface PostgresSourceOptions {
  readonly tables: readonly string[];
  readonly partitions?: number;
  /** PostgreSQL major of the server (tools/testenv; default: Debian's 15). */
  readonly version?: number;
  /** Extra postgresql.conf settings (e.g. logical_decoding_work_mem). */
  readonly settings?: Record<string, string>;
  /** A hot standby of the source (tools/testenv startStandby), given to the reader as failover_urls. */
  readonly standby?: StandbyOptions;
  /** A hot standby (16+) the reader reads from: the entry's url is the standby's, primary_url the primary's. */
  readonly readFromStandby?: StandbyOptions;
}

export interface PostgresSource {
  readonly server: PostgresServer;
  readonly standby?: PostgresServer;
  /** The primary's URL of database "shop". */
  readonly url: string;
  readonly entry: SourceEntry;
  /** Runs on the primary. */
  readonly query: Query;
  close(): Promise<void>;
}

export async function startPostgresSource(options: PostgresSourceOptions): Promise<PostgresSource> {
  const server = await startPostgres({ name: 'e2e-source', version: options.version, settings: options.settings });
  const url = await server.createDatabase('shop');
  const standbyOptions = options.standby ?? options.readFromStandby;
  const standby = standbyOptions ? await startStandby(server, standbyOptions) : undefined;
  const readsStandby = standby !== undefined && options.readFromStandby !== undefined;
  const connection = reconnectingQuery(url);
  await connection.query('SELECT 1');
  return {
    server,
    ...(standby ? { standby } : {}),
    url,
    entry: {
      name: 'shop',
      type: 'postgres',
      settings: {
        url: readsStandby ? standby.url('shop') : url,
        primary_url: readsStandby ? url : undefined,
        failover_urls: standby && options.standby ? [standby.url('shop')] : undefined,
        status_interval_ms: 200,
      },
      tables: options.tables,
      partitions: options.partitions,
    },
    query: connection.query,
    async close() {
      await connection.close();
      await Promise.all([server.destroy(), standby?.destroy()]);
    },
  };
}
