import type { PoolOptions } from 'mysql2';
import { mysqlSslOptions, type MysqlTlsOptions } from './tls';

/**
 * The driver settings of every pool to a MySQL/MariaDB destination (the sink's and cdc verify's,
 * so both read a value the same way): big numbers and dates as the server's text, utf8mb4 with
 * its binary collation, one statement per call, TLS as configured.
 */
export function mysqlPoolOptions(url: string, connectionLimit: number, tls: MysqlTlsOptions | undefined): PoolOptions {
  return {
    uri: url,
    connectionLimit,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    charset: 'utf8mb4_bin',
    multipleStatements: false,
    connectTimeout: 10_000,
    ...(tls !== undefined ? { ssl: mysqlSslOptions(tls) } : {}),
  };
}
