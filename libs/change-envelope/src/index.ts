export type { Value, ValueKind, TextualKind } from './value';
export { NULL_VALUE, UNCHANGED_VALUE, isNull, isUnchanged } from './value';
export type { ChangeBatch, ChangeKind, ChangeOp, Column, OpText, Position, TableSchema, Watermark } from './change';
export { comparePositions, keyColumnIndexes, keyColumns, positionText, qualifiedName } from './change';
export { fnv1a32, partitionOf, partitionOfKey } from './partition';
export {
  HEADER_KIND,
  HEADER_MSG_ID,
  type MessageKind,
  assertSourceName,
  dataMessageId,
  partitionSubject,
  sourceSubjects,
  streamName,
  watermarkMessageId,
} from './subjects';
export { EnvelopeDecodeError, decodeBatch, decodeWatermark, encodeBatch, encodeWatermark } from './codec';
export { decodeBatchSummary, type BatchSummary } from './batch-summary';
export { BatchBuilder, OpEncoder, type EncodedOp } from './batch-writer';
/** A minimal protobuf reader (also for other protobuf messages read on a hot path, e.g. VStream's). */
export { WireReader } from './wire-reader';
export {
  UNCHANGED_FIELD,
  RowTextWriter,
  RowTextError,
  arrayLiteral,
  fieldEnds,
  fieldText,
  floatText,
  formatColumnKind,
  isNullField,
  isUnchangedField,
  parseColumnKind,
  rowTextOfValues,
  toHex,
  unescapeField,
  valueOfText,
  valueText,
  valuesOfRowText,
  writeValueField,
  type ColumnKind,
} from './row-text';
export {
  columnKindOf,
  columnKinds,
  expandRows,
  hasUnchangedValue,
  lastPositionOf,
  plainOp,
  postgresKindOfOid,
  tableKeyIndexes,
  textOp,
  type TextOpFields,
} from './text-op';
export { changedKeyTexts, keyText, newKeyOf, settleRead, type SettledRead } from './read-while-streaming';
