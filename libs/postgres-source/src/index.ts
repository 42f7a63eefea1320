export { ReplicationConnection, type CreatedSlot, type ReplicationEvent } from './replication-connection';
export { PgChangeDecoder, ChangeDecodeError, type ChangeHandler, type ChangeDecoderOptions } from './change-decoder';
export {
  pgoutputProtocol,
  startReplicationOptions,
  streamAbortCarriesLsn,
  type PgOutputProtocol,
  type ProtocolChoice,
} from './protocol';
export { TransactionSpill, TransactionSpillError, type SpillStats } from './transaction-spill';
export {
  readSlotHealth,
  retainedRatio,
  slotHealthSql,
  slotWalWarning,
  SlotInvalidatedError,
  SlotMissingError,
  SLOT_WAL_WARN_RATIO,
  type MissingSlot,
  type SlotHealth,
} from './slot-health';
export { SourceCatalog, type RelationState } from './catalog';
export { takeSnapshot, describeSourceTable, type SnapshotOptions } from './snapshot';
export {
  BACKFILL_MESSAGE_PREFIX,
  decodeBackfillMarker,
  emitBackfillMarker,
  markerCommit,
  readKeyChunk,
  readKeyChunkConsistent,
  readKeys,
  readKeysConsistent,
  visibleIn,
  type BackfillMarker,
  type KeyChunk,
  type SnapshotXids,
} from './backfill';
export {
  reconcilePublication,
  ensurePublication,
  changeRowFilters,
  type PublicationChanges,
  type PublicationReconcileOptions,
} from './publication';
export {
  preflightSource,
  dropSlot,
  listCandidateTables,
  unusableReason,
  SourcePreflightError,
  type PreflightOptions,
  type PreflightResult,
  type SourceTable,
} from './preflight';
export { parseLsn, formatLsn } from './lsn';
export { SlotConfirmation } from './slot-confirmation';
export { findPrimaries, findPrimary } from './primary';
export {
  requestResnapshot,
  slotMissingError,
  slotStart,
  timelineOf,
  waitForWalPast,
  type SlotStart,
  type SnapshotState,
} from './slot-start';
export {
  checkTimeline,
  parseTimelineHistory,
  readTimelineHistory,
  TimelineDivergedError,
  inspectTimeline,
  verifyTimeline,
  type TimelineCheck,
  type TimelineQuestion,
  type TimelineSwitch,
} from './timeline';
export {
  conninfoHasDbname,
  failoverSetupProblems,
  failoverSetupWarning,
  FAILOVER_SLOTS_MIN_VERSION,
  parseSlotList,
  readStandbyFailoverSettings,
  readStandbySlot,
  type StandbyFailoverSettings,
  type StandbySlot,
} from './failover-setup';
export {
  checkStandbySource,
  createSlotOnStandby,
  isInRecovery,
  waitForStandbyReplay,
  STANDBY_DECODING_MIN_VERSION,
  type PromotedStandby,
  type StandbySource,
} from './standby';
export { decodePgOutput, PgOutputDecodeError, type PgOutputMessage } from './pgoutput';
export { decodeTextValue, type TypeInfo } from './values';
export { SESSION_OPTIONS } from './session-settings';
export { filteringHandler, publicationHoldsRowFilters, RowFilters, type TableRowFilter } from './row-filters';
