// The Vitess-source pipeline: a keyspace of a shared cluster → JetStream → a Postgres database
// (and, when asked, a MariaDB one) on shared servers, the services spawned from dist/cdc.cjs.
// Many run side by side on one cluster, so destroy() stops only what the pipeline opened.
import type mysql from 'mysql2/promise';
import type pg from 'pg';
import type { NatsCluster, NatsServer, PostgresServer, VitessCluster } from '@cdc/testenv';
import { openSharedMysqlDestination } from './mysql-destination';
import { createPipeline, type Pipeline } from './pipeline';
import { openSharedPostgresDestination } from './postgres-destination';
import { openVitessSource } from './vitess-source';

export interface VitessPipeline extends Pipeline {
  /** The source's name. */
  readonly name: string;
  readonly keyspace: string;
  readonly vtgate: mysql.Pool;
  readonly destination: pg.Client;
  /** The MariaDB destination (`my_<name>`), when the pipeline has one. */
  readonly mysqlDestination?: { readonly pool: mysql.Pool; readonly database: string };
  /** The Postgres destination database's URL. */
  readonly destinationUrl: string;
  /** The destination schema the tables land in (default: the keyspace's name). */
  readonly destinationSchema: string;
}

export interface VitessPipelineOptions {
  readonly name: string;
  /** The shared vttestserver cluster, or a multi-process one (startVitessCluster). */
  readonly cluster: Pick<VitessCluster, 'grpcAddress' | 'mysqlUrl'>;
  /** One server, or a cluster (every server's URL goes into the config). */
  readonly nats: NatsServer | Pick<NatsCluster, 'urls'>;
  /** nats.replicas (default: the product's, 1). */
  readonly natsReplicas?: number;
  readonly postgres: PostgresServer;
  readonly keyspace: string;
  readonly tables: readonly string[];
  readonly sourceExtra?: string;
  /** mysql:// URL of a MariaDB database: a second destination `my_<name>` writes every table there. */
  readonly mysqlDestinationUrl?: string;
  /** An existing Postgres database to write into (default: a new one, dst_<name>). */
  readonly destinationUrl?: string;
  /** The Postgres destination's name (default pg_<name>); the applier's default destination. */
  readonly destinationName?: string;
  /** The destination's `schema`: where every table lands (default: a schema named after the keyspace). */
  readonly destinationSchema?: string;
}

export async function startVitessPipeline(options: VitessPipelineOptions): Promise<VitessPipeline> {
  const destinationUrl = options.destinationUrl ?? (await options.postgres.createDatabase(`dst_${options.name}`));
  const destination = await openSharedPostgresDestination({
    name: options.destinationName ?? `pg_${options.name}`,
    url: destinationUrl,
    schema: options.destinationSchema,
  });
  const mysqlDestination = options.mysqlDestinationUrl
    ? openSharedMysqlDestination(`my_${options.name}`, options.mysqlDestinationUrl)
    : undefined;
  const source = openVitessSource(options);
  const pipeline = createPipeline({
    name: `vitess-${options.name}`,
    nats: { urls: 'url' in options.nats ? options.nats.url : options.nats.urls, replicas: options.natsReplicas },
    source: source.entry,
    sourceExtra: options.sourceExtra,
    destinations: mysqlDestination ? [destination.entry, mysqlDestination.entry] : [destination.entry],
    close: [destination.close, source.close, async () => mysqlDestination?.close()],
  });
  return {
    ...pipeline,
    name: options.name,
    keyspace: options.keyspace,
    vtgate: source.vtgate,
    destination: destination.client,
    ...(mysqlDestination
      ? { mysqlDestination: { pool: mysqlDestination.pool, database: mysqlDestination.database } }
      : {}),
    destinationUrl,
    destinationSchema: options.destinationSchema ?? options.keyspace,
  };
}
