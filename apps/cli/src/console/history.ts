/** One sample of a source's counters, taken by the console every few seconds. */
export interface Sample {
  /** ms since the epoch */
  readonly at: number;
  /** Messages in the source's stream so far (its last sequence number): what the reader published. */
  readonly published: number | null;
  /** Per destination: messages its appliers acked (applied), summed over the partitions' consumers. */
  readonly applied: Readonly<Record<string, number | null>>;
  /** Slot lag in bytes (Postgres sources). */
  readonly lagBytes: number | null;
  /** Per "destination table": rows the destination holds, for copy progress. */
  readonly copiedRows: Readonly<Record<string, number>>;
}

/** A point of the throughput chart: rates over the interval that ends at `at`. */
export interface RatePoint {
  readonly at: number;
  readonly publishedPerSecond: number | null;
  readonly appliedPerSecond: number | null;
  readonly lagBytes: number | null;
}

/**
 * The last minutes of samples per source, in memory (the console keeps no state of its own:
 * a restarted console starts a new chart).
 */
export class SampleHistory {
  private readonly samples = new Map<string, Sample[]>();

  constructor(private readonly keepMs = 10 * 60_000) {}

  add(source: string, sample: Sample): void {
    const list = this.samples.get(source) ?? [];
    list.push(sample);
    while (list.length > 0 && list[0].at < sample.at - this.keepMs) list.shift();
    this.samples.set(source, list);
  }

  of(source: string): readonly Sample[] {
    return this.samples.get(source) ?? [];
  }

  /** Rates between consecutive samples; applied counts summed over destinations. */
  rates(source: string): RatePoint[] {
    const list = this.of(source);
    const points: RatePoint[] = [];
    for (let i = 1; i < list.length; i += 1) {
      const before = list[i - 1];
      const after = list[i];
      const seconds = (after.at - before.at) / 1000;
      points.push({
        at: after.at,
        publishedPerSecond: rate(before.published, after.published, seconds),
        appliedPerSecond: rate(sumOf(before.applied), sumOf(after.applied), seconds),
        lagBytes: after.lagBytes,
      });
    }
    return points;
  }

  /**
   * Rows per second a destination table has been growing by, over the last `windowMs` (for
   * the copy's ETA); null without two samples in the window.
   */
  copyRate(source: string, table: string, now: number, windowMs = 30_000): number | null {
    const list = this.of(source).filter((s) => s.at >= now - windowMs && s.copiedRows[table] !== undefined);
    if (list.length < 2) return null;
    const first = list[0];
    const last = list[list.length - 1];
    const seconds = (last.at - first.at) / 1000;
    return seconds > 0 ? Math.max(0, (last.copiedRows[table] - first.copiedRows[table]) / seconds) : null;
  }
}

function rate(before: number | null, after: number | null, seconds: number): number | null {
  if (before === null || after === null || seconds <= 0) return null;
  // A counter that went back (stream recreated, consumer reset) gives no rate for that interval.
  return after >= before ? (after - before) / seconds : null;
}

function sumOf(values: Readonly<Record<string, number | null>>): number | null {
  let total = 0;
  for (const value of Object.values(values)) {
    if (value === null) return null;
    total += value;
  }
  return total;
}
