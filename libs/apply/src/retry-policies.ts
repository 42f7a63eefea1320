import type { RetryPolicy } from '@cdc/service-runtime';

/**
 * How the applier retries the calls that may fail transiently (withRetry, libs/service-runtime;
 * every policy's values are in the table of its README.md).
 */

/** A batch's transaction, and the checkpoint reads of a barrier: connection trouble and conflicts pass later. */
export const DESTINATION_RETRY: RetryPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  isFatal: (error) => !isRetryable(error),
};

/** A barrier's checkpoint reads: polled again soon, so they back off less far than a transaction. */
export const CHECKPOINT_READ_RETRY: RetryPolicy = { ...DESTINATION_RETRY, maxDelayMs: 10_000 };

/** Storing a dead letter: the checkpoint may not pass the op before it is stored, so never given up. */
export const DEAD_LETTER_RETRY: RetryPolicy = { initialDelayMs: 500, maxDelayMs: 30_000 };

/**
 * The ack after a commit: given up after a few tries, because a committed batch that stays
 * unacked is redelivered and skipped by the checkpoint.
 */
export const ACK_RETRY: RetryPolicy = { initialDelayMs: 200, maxDelayMs: 1_000, maxAttempts: 5 };

/**
 * A watermark's progress in KV: a few tries (at most ~2.75 s) before the next watermark must do
 * it. Given up then: progress only ever lags, and a later watermark records a later position.
 */
export const PROGRESS_RETRY: RetryPolicy = { initialDelayMs: 250, maxDelayMs: 1_000, maxAttempts: 5 };

/** Connection trouble and conflicts are worth retrying; data and schema errors are not. */
export function isRetryable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (/^(08|53|57|58|40001|40P01|55P03|XX)/.test(code)) return true;
      if (/^(ECONN|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN)/.test(code)) return true;
      if (/^[0-9A-Z]{5}$/.test(code)) return false;
    }
    const message = (current as { message?: unknown }).message;
    if (
      typeof message === 'string' &&
      /Connection terminated|connection.*(closed|ended)|closed connection|not queryable|timeout|no responders|disconnect/i.test(
        message,
      )
    )
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
