export { computeCommitted, type CommittedPosition, type PartitionProgress } from './committed';
export { ProgressStore, type ProgressStoreOptions, type ReaderState } from './progress-store';
