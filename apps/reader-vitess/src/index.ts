export { runVitessReader, type VitessReaderOptions } from './reader';
export { readRecordedStart, recordStartPosition, StartPositionError, type RecordedStart } from './start-position';
