export { runVitessReader, type VitessReaderOptions } from './reader';
export { recordStartPosition, StartPositionError } from './start-position';
