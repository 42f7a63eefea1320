export {
  ensureSourceStream,
  setUpSourceStream,
  ensurePartitionConsumer,
  consumerName,
  oldestMessageAgeS,
  PartitionCountMismatchError,
} from './stream-setup';
export type { SourceStreamOptions } from './stream-setup';
export { Replication, ReplicasUnavailableError, openBucket } from './replication';
export { kvKeys } from './kv-keys';
export {
  JetStreamAvailability,
  jetStreamAvailability,
  isJetStreamUnavailable,
  withJetStreamRetry,
  type AvailabilityOptions,
  type JetStreamRetryOptions,
} from './jetstream-availability';
export { readerPauseReporter, watchStreamAge, type StreamLimits } from './stream-limits';
export { setUpReaderStream, type ReaderStream, type ReaderStreamOptions, type ReaderStateStore } from './reader-stream';
export { readPartitionBacklog, type PartitionBacklog } from './backlog';
export { readPublishedPosition } from './published';
export {
  ChangePublisher,
  isStreamFullError,
  type ChangePublisherOptions,
  type PauseReason,
  type PublisherLimits,
  type PublisherStats,
} from './publisher';
export { PartitionConsumer } from './partition-consumer';
export {
  MalformedMessageError,
  storedBatch,
  type ReceivedBatch,
  type BatchLimits,
  type BatchTraceInfo,
  type OpStats,
} from './received-batch';
export { connectService, messageMaxBytes, type ServiceNatsOptions } from './service-connection';
export {
  connectToNats,
  NatsUnreachableError,
  NatsServerUnsuitableError,
  type NatsConnectOptions,
} from './nats-connection';
export { RELOAD_SUBJECT, requestReload, type ReloadRequest, type ReloadReply } from './control';
export {
  DEAD_LETTER_STREAM,
  deadLetterSubject,
  ensureDeadLetterStream,
  publishDeadLetter,
  listDeadLetters,
  removeDeadLetter,
  type DeadLetterRecord,
  type StoredDeadLetter,
} from './dead-letter';
