export { computeCommitted, type CommittedPosition, type PartitionProgress } from './committed';
export { ProgressStore, type ProgressStoreOptions, type ReaderState, type ShardState } from './progress-store';
export { readDestinationsPosition } from './destinations-position';
