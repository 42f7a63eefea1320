/** A counting semaphore: at most `size` holders at once (how many partitions apply at once). */
export class Semaphore {
  private active = 0;
  private waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    // A released slot passes straight to the next waiter, so nobody can slip in between.
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}

/**
 * Lets a partition receive its next batch from JetStream while its current one is applied, so
 * the destination does not wait for the batch to be received (up to batch.max_wait_ms) between
 * two transactions: the gap that matters when one busy table (one partition) carries the load.
 * Each permit holds one more batch in memory, so the applier gives out few (one).
 */
export class ReceiveAheadPermits {
  constructor(private free: number) {}

  tryTake(): boolean {
    if (this.free <= 0) return false;
    this.free -= 1;
    return true;
  }

  give(): void {
    this.free += 1;
  }
}
