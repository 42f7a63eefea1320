export type { ApplyResult, Checkpoint, Sink, SinkBatch, TableMapper, TargetTable } from './sink';
export { ApplyError } from './sink';
export {
  opsAfterCheckpoint,
  filterAfterCheckpoint,
  encodeCheckpointLanes,
  decodeCheckpointLanes,
  checkpointOfRow,
  type CheckpointRow,
  type FilteredOps,
} from './checkpoint-filter';
export { runPartitionApplier } from './partition-applier';
export {
  PartitionStoppedError,
  type DeadLetter,
  type BatchSource,
  type PartitionApplierOptions,
} from './partition-contract';
export { isDataError } from './dead-letter';
export { Semaphore, ReceiveAheadPermits } from './permits';
export { isRetryable } from './retry-policies';
export {
  diffTableSchemas,
  hasSchemaChanges,
  isWidening,
  parseTypeName,
  SchemaChangeError,
  type SchemaChanges,
  type ParsedType,
} from './schema-change';
export {
  encodeSourceSchema,
  decodeSourceSchema,
  planEvolution,
  isDroppedSince,
  encodeStoredSchema,
  decodeStoredSchema,
  schemasPerTarget,
  type StoredSchema,
  type EvolutionStep,
  type EvolutionPlan,
  type TargetSchemas,
} from './schema-evolution';
export {
  shapeTable,
  shapeOp,
  shapedTableOf,
  isIdentityShaping,
  blankColumns,
  commitTimeText,
  opKindName,
  CDC_COLUMNS,
  ShapingError,
  type TableShaping,
  type ShapedTable,
  type PropagationMode,
  type Origin,
} from './consolidate';
export {
  foldOps,
  opRows,
  isKeyed,
  tableSignature,
  FoldError,
  type ApplyStep,
  type FoldOptions,
  type PartialGroup,
  type RowRef,
} from './fold';
export { applyBatchTransaction, RetryOpByOp, type TransactionAttempt } from './batch-transaction';
export { attemptFailure, prepareSink, DestinationApplyError, type AttemptFailureOf } from './attempt-failure';
export { bindingKey, mapOpTarget, type BoundTable, type BindingKey } from './table-binding';
export { writeInSegments } from './segments';
export {
  describeDestination,
  opFailure,
  renderKey,
  renderOpKey,
  type OpFailure,
  type ValueTextOf,
} from './sink-messages';
export {
  compileTransforms,
  maskEmail,
  maskPhone,
  TransformError,
  type ColumnTransformSpec,
  type TableTransforms,
} from './column-transforms';
export { rowRulesSink, type DestinationRowRules } from './row-rules';
