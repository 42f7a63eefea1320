import type { Logger } from './logger';
import { sleep } from './shutdown';

export interface RetryOptions {
  /** What is being attempted, for the log line ("connect to source pg1"). */
  readonly what: string;
  readonly log: Logger;
  readonly signal?: AbortSignal;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Give up after this many attempts (default: never, until the signal aborts). */
  readonly maxAttempts?: number;
  /** Errors for which retrying cannot help (bad config, missing privilege): rethrown at once. */
  readonly isFatal?: (error: unknown) => boolean;
}

/** Runs `attempt` until it succeeds, with exponential backoff and jitter and one log line per failure. */
export async function withRetry<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const initial = options.initialDelayMs ?? 200;
  const max = options.maxDelayMs ?? 10_000;
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (options.isFatal?.(error) || options.signal?.aborted) throw error;
      if (options.maxAttempts !== undefined && tries >= options.maxAttempts) throw error;
      const delay = Math.min(max, initial * 2 ** (tries - 1)) * (0.5 + Math.random() / 2);
      options.log.warn(
        { attempt: tries, retryInMs: Math.round(delay), err: describeError(error) },
        `${options.what} failed, retrying`,
      );
      await sleep(delay, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}

export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(describeError).join('; ');
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return code && !error.message.includes(String(code))
      ? `${error.message} (${String(code)})`
      : error.message || error.name;
  }
  return String(error);
}
