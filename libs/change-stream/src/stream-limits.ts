import type { JetStreamManager } from '@nats-io/jetstream';
import { streamName } from '@cdc/change-envelope';
import { describeError, type Logger } from '@cdc/service-runtime';
import { metrics } from '@cdc/telemetry';
import type { ChangePublisher, PauseReason } from './publisher';
import { oldestMessageAgeS } from './stream-setup';

export interface StreamLimits {
  /** `nats.max_bytes` */
  readonly maxBytes?: number;
  /** `nats.max_age_s` */
  readonly maxAgeS?: number;
}

const REASONS: readonly PauseReason[] = ['max_bytes', 'max_age_s'];

/**
 * What a reader does when its publisher pauses for a full stream and goes on again: one log
 * line each way, the `cdc_reader_paused` gauge, and `persist` (the reader's state in KV, for
 * `cdc status`; its failure is logged, not thrown: it must not stop the reader).
 */
export function readerPauseReporter(
  source: string,
  limits: StreamLimits,
  log: Logger,
  persist: (paused: PauseReason | undefined) => Promise<void>,
): (paused: PauseReason | undefined) => void {
  const stream = streamName(source);
  let pausedAt = 0;
  let current: PauseReason | undefined;
  for (const reason of REASONS) metrics.readerPaused.set({ source, reason }, 0);
  return (paused) => {
    if (paused === current) return;
    if (current) metrics.readerPaused.set({ source, reason: current }, 0);
    if (paused) {
      metrics.readerPaused.set({ source, reason: paused }, 1);
      pausedAt = Date.now();
      const limit =
        paused === 'max_bytes'
          ? `max_bytes ${limits.maxBytes ?? '?'} reached`
          : `a change older than max_age_s ${limits.maxAgeS ?? '?'}`;
      log.warn(
        { stream, reason: paused },
        `stream ${stream} is full (${limit}): reading the source paused until the appliers drain it; the source keeps the changes, nothing is dropped`,
      );
    } else {
      const seconds = Math.round((Date.now() - pausedAt) / 1000);
      log.info(
        { stream, pausedForS: seconds },
        `stream ${stream} has room again: reading the source resumed after ${seconds} s`,
      );
    }
    current = paused;
    void persist(paused).catch((error) =>
      log.warn({ err: describeError(error) }, 'cannot record the reader state for cdc status'),
    );
  };
}

/**
 * Holds the publisher's messages while the oldest change in the source's stream is older than
 * `maxAgeS`. JetStream's own max_age would delete it whether it was applied or not; here the
 * reader waits instead, and the source keeps what follows. Returns the watch's stop.
 */
export function watchStreamAge(
  jsm: JetStreamManager,
  source: string,
  maxAgeS: number,
  publisher: ChangePublisher,
  intervalMs: number,
  log: Logger,
): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    oldestMessageAgeS(jsm, source)
      .then((age) => publisher.holdForAge(age > maxAgeS))
      .catch((error) => log.warn({ err: describeError(error) }, 'cannot read the age of the stream'))
      .finally(() => (busy = false));
  }, intervalMs);
  return () => clearInterval(timer);
}
