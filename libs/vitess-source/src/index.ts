export { VStreamClient, VStreamError, type BindValue, type VStreamRequest, type VEvent } from './vstream-client';
export { VStreamDecoder, ddlTable, type VStreamDecoderHandlers, type VStreamDecoderOptions } from './vstream-decoder';
export { backfillTruncate, backfillLane, copyAgain } from './filter-backfill';
export { gtidOrdinal, laneOf, encodeVgtid, decodeVgtid, formatVgtid, parseVgtid } from './gtid';
export { columnDecoderFor, decodeRow, enumLabels, RowDecodeError, type ColumnDecoder } from './row-values';
export { readKeyspaceSchema, KeyspaceSchemaError, type KeyspaceTable, type KeyspaceColumn } from './schema';
export { KeyspaceSchema } from './keyspace-schema';
export {
  encodeStartState,
  readRecordedStart,
  readStartPosition,
  recordStartPosition,
  StartPositionError,
  type RecordedStart,
  type RecordedStartPosition,
  type StartRecorder,
} from './start-position';
export { tablePatternRules, splitForVStream, type VStreamFilterSplit } from './filter-rules';
export {
  VitessRowFilters,
  RowFilterError,
  type BackfillState,
  type FilterChange,
  type FilterRecord,
  type FilterSession,
} from './row-filters';
export type { binlogdata } from './generated/vitess';
export { VitessPositions } from './current-position';
export { VitessRepairs, repairLane, type RepairPublisher, type VitessRepairOutcome } from './repair';
