// The MariaDB destination side: a throw-away server with database "replica" (every table lands
// there: the entry's `schema`), the destination entry that writes it, and the test's connection.
import mysql from 'mysql2/promise';
import { startMariadb, type MariadbOptions, type MariadbServer } from '@cdc/testenv';
import type { DestinationEntry } from './config';
import type { Query } from './postgres-connection';

export interface MysqlDestinationOptions {
  /** How the server runs (TLS, extra arguments). */
  readonly mariadb?: Omit<MariadbOptions, 'name'>;
  /** The URL the services use for database "replica" (default root's); the test's own connection stays root. */
  readonly serviceUrl?: (server: MariadbServer) => Promise<string>;
  readonly batch?: DestinationEntry['batch'];
  readonly extra?: string;
}

export interface MysqlDestination {
  readonly server: MariadbServer;
  /** Root's URL of database "replica". */
  readonly url: string;
  readonly entry: DestinationEntry;
  readonly query: Query;
  close(): Promise<void>;
}

export async function startMysqlDestination(options: MysqlDestinationOptions): Promise<MysqlDestination> {
  const server = await startMariadb({ name: 'e2e-dest', ...options.mariadb });
  const url = await server.createDatabase('replica');
  const serviceUrl = options.serviceUrl ? await options.serviceUrl(server) : url;
  const connection = await mysql.createConnection({
    uri: url,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    timezone: 'Z',
  });
  return {
    server,
    url,
    entry: {
      name: 'replica',
      type: 'mysql',
      url: serviceUrl,
      schema: 'replica',
      batch: options.batch,
      extra: options.extra,
    },
    async query(sql, params) {
      const [rows] = await connection.query(sql, params);
      return rows as Record<string, unknown>[];
    },
    async close() {
      await connection.end().catch(() => undefined);
      await server.destroy();
    },
  };
}

export interface SharedMysqlDestination {
  readonly entry: DestinationEntry;
  readonly pool: mysql.Pool;
  /** The database every table lands in (the entry's `schema`). */
  readonly database: string;
  close(): Promise<void>;
}

/** A MariaDB database a test made on a server it shares (not stopped here), as destination `name`. */
export function openSharedMysqlDestination(name: string, url: string): SharedMysqlDestination {
  const database = new URL(url).pathname.slice(1);
  const pool = mysql.createPool({
    uri: url,
    connectionLimit: 2,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  return {
    entry: { name, type: 'mysql', url, schema: database },
    pool,
    database,
    close: () => pool.end().catch(() => undefined),
  };
}
