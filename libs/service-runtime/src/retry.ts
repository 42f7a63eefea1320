import type { Logger } from './logger';
import { sleep } from './shutdown';

/**
 * How a call that may fail transiently is retried. Every policy in use, with its values, is
 * listed in one table in this lib's README.md.
 */
export interface RetryPolicy {
  /** Delay after the first failure; it doubles after each further one, up to maxDelayMs. */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Attempts in all, the first included (default: never give up, until the signal aborts). */
  readonly maxAttempts?: number;
  /** Errors for which retrying cannot help (bad config, missing privilege, bad data): rethrown at once. */
  readonly isFatal?: (error: unknown) => boolean;
}

export interface RetryOptions extends RetryPolicy {
  /** What is being attempted, for the log line ("connect to source pg1"). */
  readonly what: string;
  readonly log: Logger;
  /** Ends a wait early; the retry then stops, rethrowing the last error. */
  readonly signal?: AbortSignal;
  /** More fields for the log line of a failure (a function: asked only when an attempt fails). */
  readonly logFields?: Record<string, unknown> | (() => Record<string, unknown>);
  /** Called once per failed attempt, fatal ones included: where a service counts it (cdc_errors_total). */
  readonly countFailure?: (error: unknown) => void;
}

const DEFAULT_INITIAL_DELAY_MS = 200;
const DEFAULT_MAX_DELAY_MS = 10_000;

/**
 * Runs `attempt` until it succeeds, with exponential backoff and jitter (each wait is 50-100%
 * of the doubling delay, so callers that failed together do not retry together) and one log
 * line per failure. Rethrows the last error when it is fatal, when the attempts are used up
 * (after a last line saying so) or when the signal aborts.
 */
export async function withRetry<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      options.countFailure?.(error);
      if (options.isFatal?.(error) || options.signal?.aborted) throw error;
      const fields = typeof options.logFields === 'function' ? options.logFields() : options.logFields;
      if (options.maxAttempts !== undefined && tries >= options.maxAttempts) {
        options.log.warn({ ...fields, attempt: tries, err: describeError(error) }, `${options.what} failed, giving up`);
        throw error;
      }
      const delay = retryDelayMs(options, tries);
      options.log.warn(
        { ...fields, attempt: tries, retryInMs: Math.round(delay), err: describeError(error) },
        `${options.what} failed, retrying`,
      );
      await sleep(delay, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}

/** The wait after failed attempt `tries` (1 for the first): the doubling delay, 50-100% of it at random. */
export function retryDelayMs(policy: RetryPolicy, tries: number): number {
  const initial = policy.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS;
  const max = policy.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  // The exponent is bounded so that a retry running for days does not overflow to Infinity.
  return Math.min(max, initial * 2 ** Math.min(tries - 1, 30)) * (0.5 + Math.random() / 2);
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
