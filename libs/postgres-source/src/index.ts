export { ReplicationConnection, type CreatedSlot, type ReplicationEvent } from './replication-connection';
export { PgChangeDecoder, ChangeDecodeError, type ChangeHandler } from './change-decoder';
export { SourceCatalog, type RelationState } from './catalog';
export { takeSnapshot, type SnapshotOptions } from './snapshot';
export {
  preflightSource,
  ensurePublication,
  dropSlot,
  SourcePreflightError,
  type PreflightOptions,
  type PreflightResult,
  type SourceTable,
} from './preflight';
export { parseLsn, formatLsn } from './lsn';
export { decodePgOutput, PgOutputDecodeError, type PgOutputMessage } from './pgoutput';
export { decodeTextValue, type TypeInfo } from './values';
export { SESSION_OPTIONS } from './session-settings';
