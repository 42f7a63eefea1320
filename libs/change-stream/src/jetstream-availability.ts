import { describeError, withRetry, type Logger } from '@cdc/service-runtime';
import { metrics } from '@cdc/telemetry';

/**
 * What JetStream answers while a stream or the meta group has no leader: a timeout, no responders
 * (nats.js reports those as "jetstream is not enabled"), or an explicit "temporarily unavailable".
 * Errors that retrying cannot mend (permissions, bad requests) are not outages.
 */
const UNAVAILABLE =
  /timeout|timed out|no responders|jetstream is not enabled|503|temporarily unavailable|offline|no leader|leadership|not current|disconnect|connection closed/i;

export function isJetStreamUnavailable(error: unknown): boolean {
  return UNAVAILABLE.test(describeError(error));
}

export interface AvailabilityOptions {
  /** How long writes may keep failing before the one error line (`nats.quorum_lost_alert_s`). */
  readonly alertAfterMs: number;
  readonly log: Logger;
  readonly now?: () => number;
}

/**
 * Tracks whether this process's JetStream writes go through. A leader election makes them fail
 * for a few seconds (the services retry and go on); failures that last longer than
 * `alertAfterMs` mean the cluster lost quorum (a majority of a stream's copies, or of the
 * servers, is down), and deserve one clear error line, not a warning per retry. One more line
 * says when writes go through again. Every service reports its JetStream writes here: the
 * reader's publishes, the KV writes of progress, commits and applier heartbeats.
 */
export class JetStreamAvailability {
  private since: number | undefined;
  private lastFailure = '';
  private alerted = false;
  private timer: NodeJS.Timeout | undefined;
  private options: AvailabilityOptions | undefined;

  /** Starts alerting (until then failures are only tracked); a later call replaces the options. */
  configure(options: AvailabilityOptions): void {
    this.options = options;
    if (this.since !== undefined) this.schedule();
  }

  /**
   * A JetStream operation failed; only failures that mean "no leader, no quorum" count.
   * `startedAtMs`: when the failed attempt began (a timeout reports its outage that much late).
   */
  failed(operation: string, error: unknown, startedAtMs?: number): void {
    if (!isJetStreamUnavailable(error)) return;
    this.lastFailure = `${operation}: ${describeError(error)}`;
    if (this.since === undefined) {
      this.since = Math.min(startedAtMs ?? Number.POSITIVE_INFINITY, this.now());
      this.schedule();
    }
  }

  /** A JetStream write went through: an outage, if any, is over. */
  succeeded(): void {
    if (this.since === undefined) return;
    const lastedMs = this.now() - this.since;
    if (this.alerted)
      this.options?.log.info(
        { unavailableForS: Math.round(lastedMs / 1000) },
        `NATS JetStream accepts writes again after ${Math.round(lastedMs / 1000)} s`,
      );
    this.since = undefined;
    this.alerted = false;
    metrics.jetstreamUnavailableSeconds.set(0);
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** How long writes have been failing, 0 when they go through. */
  get unavailableForMs(): number {
    return this.since === undefined ? 0 : this.now() - this.since;
  }

  /** Logs the alert once the outage has lasted `alertAfterMs`; called every second during one. */
  check(): void {
    if (this.since === undefined || !this.options) return;
    const forMs = this.now() - this.since;
    metrics.jetstreamUnavailableSeconds.set(forMs / 1000);
    if (this.alerted || forMs < this.options.alertAfterMs) return;
    this.alerted = true;
    const seconds = Math.round(forMs / 1000);
    this.options.log.error(
      { unavailableForS: seconds, lastFailure: this.lastFailure },
      `NATS JetStream has refused or timed out every write for ${seconds} s (last: ${this.lastFailure}): ` +
        "the cluster has likely lost quorum (a majority of its servers, or of a stream's replicas, is down); " +
        'nothing is lost, the service keeps retrying and goes on once a majority is back',
    );
  }

  /** Stops the timer (tests, shutdown). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer || !this.options) return;
    this.timer = setInterval(() => this.check(), Math.min(1_000, this.options.alertAfterMs));
    this.timer.unref();
  }

  private now(): number {
    return (this.options?.now ?? Date.now)();
  }
}

/** The process's tracker: every service of a process (`cdc up`) shares the same JetStream. */
export const jetStreamAvailability = new JetStreamAvailability();

export interface JetStreamRetryOptions {
  readonly log: Logger;
  readonly signal?: AbortSignal;
  /** Attempts before the error goes to the caller (default 20: about half a minute with the backoff). */
  readonly maxAttempts?: number;
}

/**
 * Runs one JetStream write (a KV put, a publish) through a leader election: errors that mean
 * "no leader right now" are retried with backoff, a log line each, and reported to the
 * process's availability tracker; other errors go to the caller at once. Only for writes that
 * may be repeated: KV puts of a whole value, publishes with a message id.
 */
export async function withJetStreamRetry<T>(
  what: string,
  attempt: () => Promise<T>,
  options: JetStreamRetryOptions,
): Promise<T> {
  return withRetry(
    async () => {
      const startedAt = Date.now();
      try {
        const result = await attempt();
        jetStreamAvailability.succeeded();
        return result;
      } catch (error) {
        jetStreamAvailability.failed(what, error, startedAt);
        throw error;
      }
    },
    {
      what,
      log: options.log,
      signal: options.signal,
      initialDelayMs: 200,
      maxDelayMs: 2_000,
      maxAttempts: options.maxAttempts ?? 20,
      isFatal: (error) => !isJetStreamUnavailable(error),
    },
  );
}
