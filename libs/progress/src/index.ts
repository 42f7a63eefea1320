export { computeCommitted, type CommittedPosition, type PartitionProgress } from './committed';
export { ProgressStore, type ProgressStoreOptions } from './progress-store';
