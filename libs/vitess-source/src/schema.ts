import mysql from 'mysql2/promise';
import type { SslOptions } from 'mysql2';

export interface KeyspaceColumn {
  readonly name: string;
  /** MySQL's full column type, e.g. "int(10) unsigned", "enum('a','b')". */
  readonly columnType: string;
  readonly nullable: boolean;
  /** MariaDB JSON (LONGTEXT with a json_valid() check) or MySQL JSON. */
  readonly json: boolean;
  /** A text column's collation (information_schema's COLLATION_NAME), for the reader's row filters. */
  readonly collation?: string;
}

export interface KeyspaceTable {
  readonly name: string;
  readonly columns: readonly KeyspaceColumn[];
  /** Primary key column names in key order; empty for a table without one. */
  readonly primaryKey: readonly string[];
  /** information_schema's row estimate for one shard (vtgate answers from the first shard). */
  readonly estimatedRowsPerShard: number;
}

/** Reading the keyspace's schema through vtgate's MySQL port failed; says which source and where. */
export class KeyspaceSchemaError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyspaceSchemaError';
  }
}

interface ColumnRow {
  table_name: string;
  column_name: string;
  column_type: string;
  is_nullable: string;
  data_type: string;
  collation_name: string | null;
}

/**
 * The keyspace's tables, read through vtgate's MySQL port (vtgate routes information_schema
 * queries to a shard and rewrites the keyspace name to the shard's database), like ReadySet's
 * Vitess connector does before its copy: destination tables can then be created with their real
 * types before the first row arrives.
 */
export async function readKeyspaceSchema(options: {
  readonly url: string;
  readonly displayUrl: string;
  readonly keyspace: string;
  readonly tableMatches: (table: string) => boolean;
  /** mysql2's `ssl` option for vtgate's MySQL port (see mysqlSslOptions in @cdc/mysql-sink). */
  readonly ssl?: SslOptions;
  /** A check of the new connection (mysql2's core connection); an error closes it and fails the read. */
  readonly checkConnection?: (connection: unknown) => Error | undefined;
}): Promise<KeyspaceTable[]> {
  const where = `keyspace ${options.keyspace} through vtgate's MySQL port ${options.displayUrl}`;
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection({
      uri: options.url,
      connectTimeout: 10_000,
      supportBigNumbers: true,
      ...(options.ssl !== undefined ? { ssl: options.ssl } : {}),
    });
  } catch (error) {
    throw new KeyspaceSchemaError(`cannot connect to ${where}: ${messageOf(error)}`, { cause: error });
  }
  // The promise wrapper keeps mysql2's core connection (with the socket) in `.connection`, untyped.
  const problem = options.checkConnection?.((connection as unknown as { connection?: unknown }).connection);
  if (problem !== undefined) {
    connection.destroy();
    throw new KeyspaceSchemaError(`cannot connect to ${where}: ${problem.message}`, { cause: problem });
  }
  try {
    // Column names are spelled in upper case: MySQL 8 returns them so, MariaDB in lower case.
    const [columns] = await connection.query<(ColumnRow & mysql.RowDataPacket)[]>(
      `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, COLUMN_TYPE AS column_type,
              IS_NULLABLE AS is_nullable, DATA_TYPE AS data_type, COLLATION_NAME AS collation_name
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
      [options.keyspace],
    );
    const [keys] = await connection.query<mysql.RowDataPacket[]>(
      `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name
         FROM information_schema.KEY_COLUMN_USAGE
        WHERE TABLE_SCHEMA = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY TABLE_NAME, ORDINAL_POSITION`,
      [options.keyspace],
    );
    const [estimates] = await connection.query<mysql.RowDataPacket[]>(
      `SELECT TABLE_NAME AS table_name, TABLE_ROWS AS table_rows FROM information_schema.TABLES
        WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'`,
      [options.keyspace],
    );
    const jsonColumns = await readMariadbJsonColumns(connection, options.keyspace);
    const baseTables = new Map<string, number>(
      estimates.map((row) => [String(row.table_name), Number(row.table_rows ?? 0)]),
    );
    const tables = new Map<string, { columns: KeyspaceColumn[]; primaryKey: string[] }>();
    for (const row of columns) {
      if (!baseTables.has(row.table_name) || !options.tableMatches(row.table_name)) continue;
      let table = tables.get(row.table_name);
      if (!table) tables.set(row.table_name, (table = { columns: [], primaryKey: [] }));
      table.columns.push({
        name: row.column_name,
        columnType: row.column_type,
        nullable: row.is_nullable === 'YES',
        json: row.data_type === 'json' || jsonColumns.has(`${row.table_name}.${row.column_name}`),
        ...(row.collation_name ? { collation: row.collation_name } : {}),
      });
    }
    for (const row of keys) tables.get(String(row.table_name))?.primaryKey.push(String(row.column_name));
    return [...tables].map(([name, table]) => ({
      name,
      columns: table.columns,
      primaryKey: table.primaryKey,
      estimatedRowsPerShard: baseTables.get(name) ?? 0,
    }));
  } catch (error) {
    throw new KeyspaceSchemaError(`cannot read the schema of ${where}: ${messageOf(error)}`, { cause: error });
  } finally {
    await connection.end().catch(() => undefined);
  }
}

/**
 * MariaDB's JSON type is LONGTEXT plus a CHECK (json_valid(`col`)) constraint named after the
 * column. vtgate's information_schema.CHECK_CONSTRAINTS has no TABLE_NAME, so the checks are
 * matched to tables through TABLE_CONSTRAINTS by name.
 */
async function readMariadbJsonColumns(connection: mysql.Connection, keyspace: string): Promise<Set<string>> {
  try {
    const [checks] = await connection.query<mysql.RowDataPacket[]>(
      `SELECT CONSTRAINT_NAME AS constraint_name, CHECK_CLAUSE AS check_clause
         FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?`,
      [keyspace],
    );
    const jsonChecks = new Map<string, string>();
    for (const row of checks) {
      const match = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(String(row.check_clause ?? ''));
      if (match) jsonChecks.set(String(row.constraint_name), match[1].replace(/``/g, '`'));
    }
    if (jsonChecks.size === 0) return new Set();
    const [owners] = await connection.query<mysql.RowDataPacket[]>(
      `SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name
         FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = ? AND CONSTRAINT_TYPE = 'CHECK'`,
      [keyspace],
    );
    const result = new Set<string>();
    for (const row of owners) {
      const column = jsonChecks.get(String(row.constraint_name));
      if (column !== undefined) result.add(`${row.table_name}.${column}`);
    }
    return result;
  } catch {
    return new Set(); // MySQL before 8.0.16 has no CHECK_CONSTRAINTS, and no JSON-as-LONGTEXT either
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
