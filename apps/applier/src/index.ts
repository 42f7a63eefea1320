export { runApplier, type ApplierOptions } from './applier';
export {
  listDestinationDeadLetters,
  replayDeadLetters,
  type DeadLetterEntry,
  type ReplayOutcome,
} from './dead-letters';
