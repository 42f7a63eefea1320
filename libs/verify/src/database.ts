import mysql from 'mysql2/promise';
import { Pool, type PoolClient } from 'pg';
import type { MysqlTlsConfig } from '@cdc/config';
import { mysqlPoolOptions } from '@cdc/mysql-sink';
import { mysqlDialect, postgresDialect, type Dialect } from './dialect';
import type { Statement } from './table-queries';

export type Cells = Array<string | null>;

/** A pooled connection to one side; rows come back as text cells (every statement selects text). */
export interface Database {
  readonly dialect: Dialect;
  query(statement: Statement): Promise<Cells[]>;
  close(): Promise<void>;
}

/**
 * Fixed output settings: the canonical expressions pick their formats, but a text cast of an
 * 'other' value (interval, array) must print the same on both Postgres sides; floats print
 * their shortest exact text.
 */
const POSTGRES_SESSION =
  '-c DateStyle=ISO -c TimeZone=UTC -c IntervalStyle=postgres -c extra_float_digits=1 -c bytea_output=hex -c client_encoding=UTF8';

const TEXT_CELLS = { getTypeParser: () => (value: string) => value };

export class PostgresDatabase implements Database {
  readonly dialect = postgresDialect;
  private readonly pool: Pool;

  constructor(url: string, size: number, applicationName: string) {
    this.pool = new Pool({
      connectionString: url,
      max: size,
      options: POSTGRES_SESSION,
      application_name: applicationName,
    });
    // An idle connection that breaks is dropped by the pool; the next query opens another.
    this.pool.on('error', () => undefined);
  }

  async query(statement: Statement): Promise<Cells[]> {
    const result = await this.pool.query<Cells>({ ...statement, rowMode: 'array', types: TEXT_CELLS });
    return result.rows;
  }

  /** One connection for a transaction (the source's snapshot reads). */
  async connect(): Promise<PostgresSession> {
    return new PostgresSession(await this.pool.connect());
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export class PostgresSession {
  readonly dialect = postgresDialect;
  constructor(private readonly client: PoolClient) {}

  async query(statement: Statement): Promise<Cells[]> {
    const result = await this.client.query<Cells>({ ...statement, rowMode: 'array', types: TEXT_CELLS });
    return result.rows;
  }

  release(broken = false): void {
    this.client.release(broken);
  }
}

export class MysqlDatabase implements Database {
  readonly dialect = mysqlDialect;
  private readonly pool: mysql.Pool;

  constructor(url: string, size: number, tls: MysqlTlsConfig | undefined) {
    this.pool = mysql.createPool(mysqlPoolOptions(url, size, tls));
    // TIMESTAMP columns print in UTC; GROUP_CONCAT is not used, so its limit does not matter.
    this.pool.on('connection', (connection) => {
      connection.query("SET SESSION time_zone = '+00:00'");
    });
  }

  async query(statement: Statement): Promise<Cells[]> {
    const [rows] = await this.pool.query({ sql: statement.text, values: statement.values, rowsAsArray: true });
    return (rows as unknown[][]).map((row) => row.map(cellText));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Every verify statement selects text; a driver that still hands back a Buffer gets it decoded. */
function cellText(cell: unknown): string | null {
  if (cell === null || cell === undefined) return null;
  if (Buffer.isBuffer(cell)) return cell.toString('utf8');
  return String(cell);
}
