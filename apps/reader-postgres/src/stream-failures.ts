/** What the streak reports to: the process's health (libs/telemetry), or a test double. */
export interface LoopHealth {
  fail(loop: string, reason: string): void;
  recover(loop: string): void;
}

/**
 * The reader reconnects after every streaming failure, forever: right for a blip, wrong for a
 * fault that every new session meets again (a dropped publication, a revoked grant). Each such
 * session starts streaming and beats its status loop before it fails, so nothing else notices.
 * This watch marks the loop failed (/healthz 503, so a supervisor restarts or alerts) once the
 * failures have gone on for `unhealthyAfterMs` without a session lasting that long, and
 * recovers it once a session does.
 */
export class StreamFailureStreak {
  private failingSince: number | undefined;
  private sessionStartedAt = 0;
  private recoverTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly loop: string,
    private readonly unhealthyAfterMs: number,
    private readonly health: LoopHealth,
    private readonly now: () => number = Date.now,
  ) {}

  /** A streaming session starts; if it lasts unhealthyAfterMs, the streak is over. */
  started(): void {
    this.sessionStartedAt = this.now();
    clearTimeout(this.recoverTimer);
    this.recoverTimer = setTimeout(() => this.recover(), this.unhealthyAfterMs);
    this.recoverTimer.unref();
  }

  /** The session failed; returns how long the streak has lasted, in ms. */
  failed(reason: string): number {
    clearTimeout(this.recoverTimer);
    const now = this.now();
    // A session that lasted the threshold was healthy: a new streak starts with this failure.
    if (this.failingSince === undefined || now - this.sessionStartedAt >= this.unhealthyAfterMs)
      this.failingSince = now;
    const streakMs = now - this.failingSince;
    if (streakMs >= this.unhealthyAfterMs)
      this.health.fail(
        this.loop,
        `streaming has failed again and again for ${Math.round(streakMs / 1000)} s: ${reason}`,
      );
    return streakMs;
  }

  stop(): void {
    clearTimeout(this.recoverTimer);
  }

  private recover(): void {
    this.failingSince = undefined;
    this.health.recover(this.loop);
  }
}
