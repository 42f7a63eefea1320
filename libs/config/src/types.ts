/**
 * The typed configuration produced by `parseConfig`/`loadConfig`, inferred from the schema
 * (schema.ts and the files beside it). Keys are camelCase here and snake_case in YAML
 * (`status_interval_ms` -> `statusIntervalMs`). Parsing fills in every default; the few keys
 * marked optional below are optional only for configs built in code (tests, tools), which may
 * leave them to each service's own default.
 */
import type * as z from 'zod';
import type { destination, mysqlDestination, postgresDestination, TablePolicy } from './destination-schema';
import type { coordinator, nats } from './schema';
import type { postgresSource, vitessSource } from './source-schema';
import type { mysqlTls, natsTls } from './tls-schema';

type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** T with the keys K optional. */
type Loosen<T, K extends PropertyKey> = Simplify<Omit<T, K> & Partial<Pick<T, Extract<keyof T, K>>>>;

type PublishOf<T> = T extends { publish: infer P } ? P : never;
type BatchOf<T> = T extends { batch: infer B } ? B : never;

export type PublishConfig = Loosen<PublishOf<z.output<typeof postgresSource>>, 'maxBufferedBytes'>;
export type BatchConfig = Loosen<BatchOf<z.output<typeof postgresDestination>>, 'maxIdleMs'>;

export type NatsConfig = Loosen<z.output<typeof nats>, 'replicas' | 'quorumLostAlertS'>;
export type NatsTlsConfig = z.output<ReturnType<typeof natsTls>>;
/** TLS to a MySQL/MariaDB server (`tls:` on a mysql destination, `mysql_tls:` on a Vitess source). */
export type MysqlTlsConfig = z.output<ReturnType<typeof mysqlTls>>;

type Source<T> = Loosen<Omit<T, 'publish'> & { publish: PublishConfig }, 'partitionByKey' | 'failoverUrls'>;
export type PostgresSourceConfig = Source<z.output<typeof postgresSource>>;
export type VitessSourceConfig = Source<z.output<typeof vitessSource>>;
/** Discriminated on `type`. */
export type SourceConfig = PostgresSourceConfig | VitessSourceConfig;
export type SourceType = SourceConfig['type'];
/** Fields every source type has. */
export type SourceCommonConfig = Pick<SourceConfig, 'name' | 'tables' | 'partitions' | 'partitionByKey' | 'publish'>;
export type SnapshotConfig = PostgresSourceConfig['snapshot'];
export type VitessTabletType = VitessSourceConfig['tabletType'];
export type VitessStartMode = VitessSourceConfig['start'];

type Destination<T> = Loosen<Omit<T, 'batch'> & { batch: BatchConfig }, 'missingColumns' | 'tablePolicies'>;
export type PostgresDestinationConfig = Destination<z.output<typeof postgresDestination>>;
export type MysqlDestinationConfig = Destination<z.output<typeof mysqlDestination>>;
/** Discriminated on `type`. */
export type DestinationConfig = PostgresDestinationConfig | MysqlDestinationConfig;
export type DestinationType = z.output<typeof destination>['type'];
/** Fields every destination type has. */
export type DestinationCommonConfig = Omit<PostgresDestinationConfig, 'type' | 'url'>;
export type MembershipConfig = DestinationConfig['membership'];
export type OnErrorPolicy = DestinationConfig['onError'];
export type UnrepresentablePolicy = MysqlDestinationConfig['unrepresentable'];
export type MissingColumnsPolicy = NonNullable<DestinationConfig['missingColumns']>;
export type SourceIdConfig = NonNullable<PostgresDestinationConfig['sourceId']>;
export type { TablePolicy };
export type PropagationMode = TablePolicy['mode'];
export type DeletesPolicy = TablePolicy['deletes'];

export type CoordinatorConfig = z.output<typeof coordinator>;

export interface PipelineConfig {
  nats: NatsConfig;
  sources: SourceConfig[];
  destinations: DestinationConfig[];
  coordinator: CoordinatorConfig;
}
