// Small statistics for benchmark results: nearest-rank percentiles and time buckets.

/** Nearest-rank percentile (q in [0, 1]) of unsorted values; NaN for no values. */
export function percentile(values: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new Error(`percentile: q must be within [0, 1], got ${q}`);
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export interface Sample {
  /** Seconds since the start of the measurement. */
  readonly t: number;
  readonly value: number;
}

export interface Bucket {
  /** Start of the bucket, seconds. */
  readonly t: number;
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** Percentiles per time bucket of `seconds`, empty buckets left out: lag over time. */
export function bucketPercentiles(samples: readonly Sample[], seconds: number): Bucket[] {
  if (!(seconds > 0)) throw new Error(`bucketPercentiles: bucket width must be > 0, got ${seconds}`);
  const groups = new Map<number, number[]>();
  for (const s of samples) {
    const key = Math.floor(s.t / seconds);
    const group = groups.get(key);
    if (group) group.push(s.value);
    else groups.set(key, [s.value]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([key, values]) => ({
      t: key * seconds,
      count: values.length,
      p50: percentile(values, 0.5),
      p95: percentile(values, 0.95),
      p99: percentile(values, 0.99),
    }));
}
