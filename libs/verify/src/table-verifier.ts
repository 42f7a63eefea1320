import { sleep } from '@cdc/service-runtime';
import type { AppliedPositions } from './applied-position';
import type { Cells, Database } from './database';
import type { RowRateLimit } from './rate-limit';
import { diffRows, type RowDifference, type RowShape } from './row-diff';
import type { SourcePosition, SourceReader } from './source-position';
import type { TablePlan } from './table-plan';
import { TableQueries, type KeyRange } from './table-queries';

export interface TableVerifyOptions {
  readonly plan: TablePlan;
  readonly source: SourceReader;
  readonly destination: Database;
  readonly applied: AppliedPositions;
  readonly chunkRows: number;
  /** Chunks compared at once for this table. */
  readonly parallelism: number;
  /** Rounds a differing row is read again (at a later position) before it counts as a difference. */
  readonly rechecks: number;
  readonly recheckDelayMs: number;
  readonly rate: RowRateLimit;
  readonly signal?: AbortSignal;
  /** Resume: start after this key (canonical texts), the chunks up to it being compared already. */
  readonly startAfter?: readonly string[];
  /** After each chunk, as it finishes (chunks finish out of order). */
  readonly onChunk?: (chunk: ChunkOutcome) => void;
  /**
   * Whenever the run of chunks compared without a gap from the start grows: what the chunks it
   * grew by hold, and the key through which it now reaches (a run resumed after that key
   * compares nothing twice and skips nothing).
   */
  readonly onSettled?: (settled: SettledChunks) => Promise<void> | void;
}

export interface ChunkOutcome {
  readonly range: KeyRange;
  readonly rows: number;
  /** The in-database checksums differed, so the chunk's rows were compared one by one. */
  readonly rechecked: boolean;
  readonly differences: readonly RowDifference[];
  readonly seconds: number;
  /** Of `seconds`, waiting for the destination to apply the chunk's source positions. */
  readonly waitSeconds: number;
}

export interface TableOutcome {
  readonly rows: number;
  readonly chunks: number;
  readonly rechecked: number;
  readonly differences: RowDifference[];
}

/** Chunks that joined the gap-free run from where this run started, summed. */
export interface SettledChunks extends TableOutcome {
  /** Every chunk up to and including this key is compared; undefined with `complete`: the whole table. */
  readonly doneThrough: readonly string[] | undefined;
  /** The last chunk (open-ended) is among them: the table is done. */
  readonly complete: boolean;
}

/** Keys read again in one statement. */
const KEYS_PER_READ = 1_000;

export class ChunkError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'ChunkError';
  }
}

/**
 * Compares one table in key-range chunks, `parallelism` at a time. Per chunk: the source's
 * checksum in a snapshot, the wait until the destination applied that snapshot's position,
 * the destination's checksum. Equal checksums: the chunk is equal. Otherwise the chunk's rows
 * are compared by value at a new position, and the keys that still differ are read again
 * `rechecks` times: a row the stream changed between the two reads converges, a real
 * difference stays.
 */
export async function verifyTable(options: TableVerifyOptions): Promise<TableOutcome> {
  const { plan } = options;
  const sourceQueries = new TableQueries(options.source.database.dialect, plan.sourceSide);
  const destinationQueries = new TableQueries(options.destination.dialect, plan.destinationSide);
  const shape: RowShape = {
    columnNames: plan.columnNames,
    kinds: plan.sourceSide.kinds,
    keyIndexes: plan.sourceSide.keyIndexes,
  };
  const table = `${plan.sourceTable.schema}.${plan.sourceTable.table}`;
  const outcome: { -readonly [K in keyof TableOutcome]: TableOutcome[K] } = {
    rows: 0,
    chunks: 0,
    rechecked: 0,
    differences: [],
  };
  const chunks = new ChunkOrder(options.startAfter);
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;

  const runChunk = async (index: number, range: KeyRange) => {
    try {
      const started = performance.now();
      const result = await compareChunk(options, shape, sourceQueries, destinationQueries, range);
      const chunk: ChunkOutcome = { ...result, range, seconds: (performance.now() - started) / 1000 };
      outcome.rows += chunk.rows;
      outcome.chunks += 1;
      if (chunk.rechecked) outcome.rechecked += 1;
      outcome.differences.push(...chunk.differences);
      options.onChunk?.(chunk);
      const settled = chunks.done(index, chunk);
      if (settled) await options.onSettled?.(settled);
    } catch (error) {
      failure ??= new ChunkError(
        `source ${plan.source.name}, table ${table}, destination ${plan.destination.name}, chunk ${describeRange(range)}: ${
          error instanceof Error ? error.message : String(error)
        }`,
        error,
      );
    }
  };

  let after = options.startAfter;
  for (let index = 0; failure === undefined && !options.signal?.aborted; index += 1) {
    let upTo: readonly string[] | undefined;
    if (sourceQueries.keyed) {
      const [bound] = await options.source.database.query(sourceQueries.boundary(after, options.chunkRows));
      upTo = bound?.map((cell) => cell ?? '');
    }
    const range: KeyRange = { ...(after ? { after } : {}), ...(upTo ? { upTo } : {}) };
    chunks.add(index, upTo);
    const running: Promise<void> = runChunk(index, range).finally(() => inFlight.delete(running));
    inFlight.add(running);
    if (inFlight.size >= options.parallelism) await Promise.race(inFlight);
    if (!upTo) break;
    after = upTo;
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  if (options.signal?.aborted) throw options.signal.reason ?? new Error('verify stopped');
  return outcome;
}

async function compareChunk(
  options: TableVerifyOptions,
  shape: RowShape,
  sourceQueries: TableQueries,
  destinationQueries: TableQueries,
  range: KeyRange,
): Promise<{ rows: number; rechecked: boolean; differences: RowDifference[]; waitSeconds: number }> {
  const { source, destination } = options;
  const waits = new WaitClock(options);
  await options.rate.take(options.chunkRows, options.signal);
  const first = await source.atPosition((reads) => reads.query(sourceQueries.checksum(range)));
  await waits.waitFor(first.position);
  const [destinationSum] = await destination.query(destinationQueries.checksum(range));
  const [sourceSum] = first.value;
  const rows = Number(sourceSum[0]);
  if (sameChecksum(sourceSum, destinationSum))
    return { rows, rechecked: false, differences: [], waitSeconds: waits.seconds };

  // The chunk's rows, by value, at a new position.
  const read = await source.atPosition((reads) => reads.query(sourceQueries.rows(range)));
  await waits.waitFor(read.position);
  let differences = diffRows(shape, read.value, await destination.query(destinationQueries.rows(range)));
  for (let round = 0; round < options.rechecks && differences.length > 0; round += 1) {
    await sleep(options.recheckDelayMs, options.signal);
    differences = sourceQueries.keyed
      ? await recheckKeys(options, waits, shape, sourceQueries, destinationQueries, differences)
      : await recheckRange(options, waits, shape, sourceQueries, destinationQueries, range);
  }
  return { rows, rechecked: true, differences, waitSeconds: waits.seconds };
}

/** The chunk's waits for the destination, timed. */
class WaitClock {
  seconds = 0;
  constructor(private readonly options: TableVerifyOptions) {}

  async waitFor(position: SourcePosition): Promise<void> {
    const started = performance.now();
    try {
      await this.options.applied.waitFor(this.options.plan.destination.name, this.options.plan.partitions, position);
    } finally {
      this.seconds += (performance.now() - started) / 1000;
    }
  }
}

/** The differing keys read again on both sides, at a new position. */
async function recheckKeys(
  options: TableVerifyOptions,
  waits: WaitClock,
  shape: RowShape,
  sourceQueries: TableQueries,
  destinationQueries: TableQueries,
  differences: readonly RowDifference[],
): Promise<RowDifference[]> {
  const still: RowDifference[] = [];
  for (let start = 0; start < differences.length; start += KEYS_PER_READ) {
    const keys = differences.slice(start, start + KEYS_PER_READ).map((d) => d.key);
    const read = await options.source.atPosition((reads) => reads.query(sourceQueries.rowsByKeys(keys)));
    await waits.waitFor(read.position);
    const destinationRows: Cells[] = await options.destination.query(destinationQueries.rowsByKeys(keys));
    still.push(...diffRows(shape, read.value, destinationRows));
  }
  return still;
}

async function recheckRange(
  options: TableVerifyOptions,
  waits: WaitClock,
  shape: RowShape,
  sourceQueries: TableQueries,
  destinationQueries: TableQueries,
  range: KeyRange,
): Promise<RowDifference[]> {
  const read = await options.source.atPosition((reads) => reads.query(sourceQueries.rows(range)));
  await waits.waitFor(read.position);
  return diffRows(shape, read.value, await options.destination.query(destinationQueries.rows(range)));
}

function sameChecksum(left: Cells, right: Cells | undefined): boolean {
  return right !== undefined && left.length === right.length && left.every((cell, i) => cell === right[i]);
}

function describeRange(range: KeyRange): string {
  const key = (k: readonly string[] | undefined) => (k ? `(${k.join(', ')})` : undefined);
  return `${key(range.after) ?? 'start'}..${key(range.upTo) ?? 'end'}`;
}

/**
 * Chunks finish out of order; a run resumes after the last key up to which every chunk is
 * done, so no chunk is skipped and at most the chunks in flight are compared twice. Their
 * outcomes are held until the chunks before them are done, so what is settled is exactly what
 * lies before that key.
 */
class ChunkOrder {
  private readonly ends: Array<readonly string[] | undefined> = [];
  private readonly finished = new Map<number, ChunkOutcome>();
  private next = 0;

  constructor(private doneThrough: readonly string[] | undefined) {}

  add(index: number, upTo: readonly string[] | undefined): void {
    this.ends[index] = upTo;
  }

  /** A chunk is done; returns the chunks that joined the gap-free run, if any did. */
  done(index: number, outcome: ChunkOutcome): SettledChunks | undefined {
    this.finished.set(index, outcome);
    const settled = { rows: 0, chunks: 0, rechecked: 0, differences: [] as RowDifference[], complete: false };
    for (let chunk = this.finished.get(this.next); chunk; chunk = this.finished.get(this.next)) {
      this.finished.delete(this.next);
      settled.rows += chunk.rows;
      settled.chunks += 1;
      if (chunk.rechecked) settled.rechecked += 1;
      settled.differences.push(...chunk.differences);
      this.doneThrough = this.ends[this.next];
      settled.complete = this.doneThrough === undefined;
      this.next += 1;
    }
    return settled.chunks === 0 ? undefined : { ...settled, doneThrough: this.doneThrough };
  }
}
