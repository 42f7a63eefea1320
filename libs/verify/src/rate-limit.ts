import { sleep } from '@cdc/service-runtime';

/**
 * At most `rowsPerSecond` source rows read per second, over every worker: a chunk takes its
 * rows before it is read, and waits when the budget is spent. 0 or undefined: no limit.
 */
export class RowRateLimit {
  private nextFreeAt = 0;

  constructor(private readonly rowsPerSecond: number | undefined) {}

  async take(rows: number, signal?: AbortSignal): Promise<void> {
    if (!this.rowsPerSecond || this.rowsPerSecond <= 0) return;
    const now = Date.now();
    const start = Math.max(now, this.nextFreeAt);
    // Reserve at once (so concurrent chunks queue behind each other), then wait for the slot.
    this.nextFreeAt = start + (rows / this.rowsPerSecond) * 1000;
    if (start > now) await sleep(start - now, signal);
  }
}
