import { redactUrl, tableMatches, type VitessSourceConfig } from '@cdc/config';
import { ipHostToCheck, ipIdentityCheck, mysqlSslOptions } from '@cdc/mysql-sink';
import { describeError, type Logger } from '@cdc/service-runtime';
import { KeyspaceSchema, readKeyspaceSchema } from '@cdc/vitess-source';
import type { SslOptions } from 'mysql2';

/**
 * The source's schema read through vtgate's MySQL port (TLS settings read once, here), re-read
 * by KeyspaceSchema when a table is unknown or changed.
 */
export function keyspaceSchemaOf(source: VitessSourceConfig, log: Logger): KeyspaceSchema {
  let ssl: SslOptions | undefined;
  /** For an IP host the certificate must name (mysql2 alone does not check it). */
  let checkConnection: ((connection: unknown) => Error | undefined) | undefined;
  try {
    ssl = source.mysqlTls !== undefined ? mysqlSslOptions(source.mysqlTls, 'mysql_tls') : undefined;
    const ipHost = source.mysqlTls !== undefined ? ipHostToCheck(source.mysql, source.mysqlTls) : undefined;
    checkConnection = ipHost !== undefined ? ipIdentityCheck(ipHost) : undefined;
  } catch (error) {
    throw new Error(`source ${source.name}: ${describeError(error)}`, { cause: error });
  }
  const read = () =>
    readKeyspaceSchema({
      url: source.mysql,
      displayUrl: redactUrl(source.mysql),
      ...(ssl !== undefined ? { ssl } : {}),
      ...(checkConnection !== undefined ? { checkConnection } : {}),
      keyspace: source.keyspace,
      tableMatches: (table) => tableMatches(source.tables, source.keyspace, table),
    });
  return new KeyspaceSchema(read, log);
}
