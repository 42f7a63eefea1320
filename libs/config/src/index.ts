export { ConfigError } from './error';
export { effectiveConfig } from './effective';
export { configJsonSchema } from './json-schema';
export { loadConfig, parseConfig } from './load';
export { destinationsOfSource, findDestination, findSource, keyPartitionedTables } from './lookup';
export { mapTable, ruleForTable, tableMatches, type QualifiedName } from './tables';
export { redactUrl } from './url';
export type { ColumnTransform, TransformKind } from './row-rules-schema';
export type {
  BatchConfig,
  CoordinatorConfig,
  DestinationCommonConfig,
  DestinationConfig,
  DestinationType,
  DeletesPolicy,
  MissingColumnsPolicy,
  PropagationMode,
  SourceIdConfig,
  TablePolicy,
  MysqlDestinationConfig,
  MysqlTlsConfig,
  MembershipConfig,
  NatsConfig,
  NatsTlsConfig,
  PipelineConfig,
  PostgresDestinationConfig,
  PostgresSourceConfig,
  PublishConfig,
  SnapshotConfig,
  SourceCommonConfig,
  SourceConfig,
  SourceType,
  UnrepresentablePolicy,
  OnErrorPolicy,
  VitessSourceConfig,
  VitessStartMode,
  VitessTabletType,
} from './types';
