import { setFlagsFromString } from 'node:v8';

/** Old-generation growth the services run with: V8 lets the heap grow to 1.6 times what survived the last full GC. */
export const SERVICE_HEAP_GROWING_PERCENT = 60;

/**
 * Caps how far V8 lets a service's old generation grow between full collections (every
 * service, at start: cdc's main.ts).
 *
 * Why: on a machine with a few GiB or more, V8 lets the old generation grow to up to 4 times
 * what survived the last full collection before it collects again. The applier's live heap in
 * a drain is small (20-30 MB: the batches being planned, the prefetched messages are outside
 * the heap) but it promotes steadily (each batch's statements and the rows of the batches in
 * flight outlive a young-generation collection), so most of its peak RSS was garbage waiting
 * for the next full collection (docs/benchmarks.md, "Profile"). A factor of 1.6 keeps the peak
 * near 1.6 times the live heap for more, short, full collections (live heap ~25 MB): at
 * `--scale 1` 193 MiB peak RSS against 209 with a factor of 2, for ~10% more applier CPU.
 * The reader is the same story while it reads a large streamed transaction back at its commit
 * and publishes it (decoded ops, encoded messages: garbage at a high rate over a small live
 * set): a 5,000,000-row transaction peaked at 176 MiB against 232 without the limit
 * (tools/bench/src/large-transaction.ts --bundle, one round; docs/benchmarks.md).
 *
 * The flag is V8's own (`--heap-growing-percent`); it is read at every collection, so setting
 * it at start-up works. A value given on the command line wins (then false is returned).
 */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg))) return false;
  setFlagsFromString(`--heap-growing-percent=${SERVICE_HEAP_GROWING_PERCENT}`);
  return true;
}
