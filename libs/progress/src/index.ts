export { computeCommitted, type CommittedPosition, type PartitionProgress } from './committed';
export { ProgressStore } from './progress-store';
