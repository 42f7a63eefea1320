export type { ApplyResult, Checkpoint, Sink, SinkBatch, TableMapper, TargetTable } from './sink';
export { ApplyError } from './sink';
export { opsAfterCheckpoint } from './checkpoint-filter';
