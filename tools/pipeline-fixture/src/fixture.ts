// The Postgres-source pipeline, to a Postgres or a MariaDB destination: source, destination and
// NATS servers of its own (tools/testenv), the services spawned from dist/cdc.cjs (pipeline.ts).
import {
  startNats,
  startNatsCluster,
  type MariadbServer,
  type NatsCluster,
  type NatsServer,
  type PostgresServer,
  type StandbyOptions,
} from '@cdc/testenv';
import type { DestinationEntry, NatsSettings } from './config';
import { startMysqlDestination, type MysqlDestinationOptions } from './mysql-destination';
import { createPipeline, type Pipeline } from './pipeline';
import type { Query } from './postgres-connection';
import { startPostgresDestination } from './postgres-destination';
import { startPostgresSource } from './postgres-source';

export interface PipelineFixture<Destination = PostgresServer> extends Pipeline {
  readonly source: PostgresServer;
  /** With `sourceStandby`: the source's hot standby, listed in the source's failover_urls; with `readFromStandby`: the one the reader reads. */
  readonly standby?: PostgresServer;
  readonly destination: Destination;
  /** The NATS server; with `cluster`, the cluster's first server. */
  readonly nats: NatsServer;
  /** The NATS cluster, when the fixture was started with `cluster`. */
  readonly natsCluster?: NatsCluster;
  readonly sourceUrl: string;
  /** The test's own URL of the destination database (the services may use another: `serviceUrl`). */
  readonly destinationUrl: string;
  readonly sourceQuery: Query;
  readonly destinationQuery: Query;
}

export type MysqlPipelineFixture = PipelineFixture<MariadbServer>;

export interface FixtureOptions {
  readonly destination?: 'postgres';
  readonly tables: readonly string[];
  readonly partitions?: number;
  /** Extra YAML for the destination entry (indented by the caller). */
  readonly destinationExtra?: string;
  /** The destination's `batch` settings besides max_wait_ms (20), e.g. `{ max_bytes: 4096 }`. */
  readonly destinationBatch?: Readonly<Record<string, number>>;
  /** Extra YAML for the source entry (indented by the caller). */
  readonly sourceExtra?: string;
  /** Extra YAML for the `nats` entry (indented by the caller). */
  readonly natsExtra?: string;
  /** PostgreSQL majors of the source and destination servers (tools/testenv; default: Debian's 15). */
  readonly sourceVersion?: number;
  readonly destinationVersion?: number;
  /** Extra postgresql.conf settings of the source server (e.g. logical_decoding_work_mem). */
  readonly sourceSettings?: Record<string, string>;
  /** A hot standby of the source (tools/testenv startStandby), given to the reader as failover_urls. */
  readonly sourceStandby?: StandbyOptions;
  /**
   * A hot standby of the source (16+) that the reader reads from: the source's url is the
   * standby's, primary_url the primary's. sourceQuery still writes to the primary.
   */
  readonly readFromStandby?: StandbyOptions;
  /** Run on a 3-server NATS cluster with `nats.replicas` set to this (the services get every server's URL). */
  readonly cluster?: { readonly replicas: number };
}

/** The same pipeline into a MariaDB database "replica" (the entry's `schema`). */
export interface MysqlFixtureOptions
  extends
    Omit<FixtureOptions, 'destination' | 'destinationVersion'>,
    Pick<MysqlDestinationOptions, 'mariadb' | 'serviceUrl'> {
  readonly destination: 'mysql';
}

/** What the fixture needs of a destination side (postgres-destination.ts, mysql-destination.ts). */
interface DestinationSide<Server> {
  readonly server: Server;
  readonly url: string;
  readonly entry: DestinationEntry;
  readonly query: Query;
  close(): Promise<void>;
}

function startDestination(
  options: FixtureOptions | MysqlFixtureOptions,
): Promise<DestinationSide<PostgresServer | MariadbServer>> {
  const common = { batch: options.destinationBatch, extra: options.destinationExtra };
  return options.destination === 'mysql'
    ? startMysqlDestination({ ...common, mariadb: options.mariadb, serviceUrl: options.serviceUrl })
    : startPostgresDestination({ ...common, version: options.destinationVersion });
}

async function startNatsSide(
  options: FixtureOptions | MysqlFixtureOptions,
): Promise<{ nats: NatsServer; natsCluster?: NatsCluster; settings: NatsSettings; close(): Promise<void> }> {
  if (options.cluster) {
    const natsCluster = await startNatsCluster({ name: 'e2e' });
    return {
      nats: natsCluster.servers[0],
      natsCluster,
      settings: { urls: natsCluster.urls, replicas: options.cluster.replicas, extra: options.natsExtra },
      close: () => natsCluster.destroy(),
    };
  }
  const nats = await startNats({ name: 'e2e-nats' });
  return { nats, settings: { urls: nats.url, extra: options.natsExtra }, close: () => nats.destroy() };
}

export function startPipelineFixture(options: FixtureOptions): Promise<PipelineFixture>;
export function startPipelineFixture(options: MysqlFixtureOptions): Promise<MysqlPipelineFixture>;
export async function startPipelineFixture(
  options: FixtureOptions | MysqlFixtureOptions,
): Promise<PipelineFixture<PostgresServer | MariadbServer>> {
  const [source, destination, nats] = await Promise.all([
    startPostgresSource({
      tables: options.tables,
      partitions: options.partitions,
      version: options.sourceVersion,
      settings: options.sourceSettings,
      standby: options.sourceStandby,
      readFromStandby: options.readFromStandby,
    }),
    startDestination(options),
    startNatsSide(options),
  ]);
  const pipeline = createPipeline({
    name: 'e2e',
    nats: nats.settings,
    source: source.entry,
    sourceExtra: options.sourceExtra,
    destinations: [destination.entry],
    close: [source.close, destination.close, nats.close],
  });
  return {
    ...pipeline,
    source: source.server,
    ...(source.standby ? { standby: source.standby } : {}),
    destination: destination.server,
    nats: nats.nats,
    ...(nats.natsCluster ? { natsCluster: nats.natsCluster } : {}),
    sourceUrl: source.url,
    destinationUrl: destination.url,
    sourceQuery: source.query,
    destinationQuery: destination.query,
  };
}
