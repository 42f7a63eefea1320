export {
  runVerify,
  type TableReport,
  type TableStatus,
  type VerifyOptions,
  type VerifyProgress,
  type VerifyReport,
} from './verify';
export { renderReport, renderProgress } from './report';
export { DestinationBehindError } from './applied-position';
export { ChunkError } from './table-verifier';
export type { RowDifference, DifferenceKind } from './row-diff';
export { repairSubject, type RepairReply, type RepairRequest } from './repair-protocol';
export { answerRepairs, type RepairOutcome } from './repair-listener';
