import type { Logger } from '@cdc/service-runtime';
import type { KeyspaceSchema } from '@cdc/vitess-source';

/** Progress output of the VStream Copy phase: rows per table, rows/s, and an ETA from information_schema's estimates. */
export class CopyProgress {
  private readonly rows = new Map<string, number>();
  private total = 0;
  private readonly startedAt = Date.now();
  private lastTotal = 0;
  private lastAt = Date.now();
  private readonly completedLanes = new Set<string>();
  private done = false;

  constructor(
    private readonly schema: KeyspaceSchema,
    private readonly log: Logger,
    private readonly shardCount: () => number,
  ) {}

  count(table: string, rows = 1): void {
    this.rows.set(table, (this.rows.get(table) ?? 0) + rows);
    this.total += rows;
  }

  completed(lane: string | undefined): void {
    if (lane !== undefined) {
      this.completedLanes.add(lane);
      this.log.info({ lane, rows: this.total }, 'copy phase of shard complete');
      return;
    }
    if (this.done) return;
    this.done = true;
    this.report(true);
  }

  report(final: boolean): void {
    if (this.total === this.lastTotal && !final) return;
    const now = Date.now();
    const rate = ((this.total - this.lastTotal) * 1000) / Math.max(1, now - this.lastAt);
    this.lastTotal = this.total;
    this.lastAt = now;
    const lanes = Math.max(1, this.completedLanes.size);
    const estimate =
      [...this.schema.known.values()].reduce((sum, table) => sum + table.estimatedRowsPerShard, 0) * lanes;
    const remaining = Math.max(0, estimate - this.total);
    const tables = Object.fromEntries(this.rows);
    if (final) {
      const seconds = (now - this.startedAt) / 1000;
      this.log.info(
        {
          tables,
          rows: this.total,
          seconds: Math.round(seconds),
          rowsPerSecond: Math.round(this.total / Math.max(seconds, 0.001)),
        },
        'copy phase complete: streaming changes',
      );
      return;
    }
    this.log.info(
      {
        tables,
        rows: this.total,
        rowsPerSecond: Math.round(rate),
        etaSeconds: rate > 0 && estimate > 0 ? Math.round(remaining / rate) : null,
      },
      'copying',
    );
  }
}
