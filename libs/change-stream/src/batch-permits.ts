/**
 * How many partitions of one applier may hold a formed, unapplied batch at once.
 *
 * Why: an applier drains many partitions but applies only `concurrency` batches at a time.
 * Without a bound every other busy partition takes its next batch (up to batch.max_ops ops)
 * out of its consumer, whose prefetch then refills: in a drain that doubled the received bytes
 * held per partition, and when batches were decoded on arrival it was most of the applier's
 * heap (docs/benchmarks.md, "Profile"). A partition waiting for a permit leaves its messages
 * in the consumer's prefetch.
 *
 * A permit is taken before the first data message of a batch is taken in and given back when
 * the batch is handled (or when it starts waiting at a barrier, which may wait for partitions
 * that need a permit themselves). A batch is never split for lack of a permit, so a message
 * of any size flows.
 */
export class BatchPermits {
  private held = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`batch permits must be a positive integer, got ${size}`);
  }

  /** Permits in use now (for tests and metrics). */
  get inUse(): number {
    return this.held;
  }

  /** Resolves true with a permit held, or false (no permit) once the signal aborts. */
  async acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    if (this.held < this.size) {
      this.held += 1;
      return true;
    }
    return new Promise<boolean>((resolve) => {
      const grant = () => {
        signal.removeEventListener('abort', abort);
        resolve(true);
      };
      const abort = () => {
        const at = this.waiting.indexOf(grant);
        if (at >= 0) this.waiting.splice(at, 1);
        resolve(false);
      };
      this.waiting.push(grant);
      signal.addEventListener('abort', abort, { once: true });
    });
  }

  release(): void {
    // A released permit passes straight to the next waiter, so nobody can slip in between.
    const next = this.waiting.shift();
    if (next) next();
    else this.held -= 1;
  }
}
