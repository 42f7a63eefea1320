import { sleep } from '@cdc/service-runtime';
import type { AppliedPositions } from './applied-position';
import type { Cells, Database } from './database';
import type { RowRateLimit } from './rate-limit';
import { diffRows, type RowDifference, type RowShape } from './row-diff';
import type { SourceReader } from './source-position';
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
  /** Resume: start after this key (canonical texts), the chunks up to it being done. */
  readonly startAfter?: readonly string[];
  /** After each chunk, with the key every chunk up to which is done (resumable from there). */
  readonly onChunk?: (chunk: ChunkOutcome) => Promise<void> | void;
}

export interface ChunkOutcome {
  readonly range: KeyRange;
  readonly rows: number;
  /** The in-database checksums differed, so the chunk's rows were compared one by one. */
  readonly rechecked: boolean;
  readonly differences: readonly RowDifference[];
  /** Every chunk up to and including this key is done; undefined: the whole table (or nothing yet). */
  readonly doneThrough: readonly string[] | undefined;
  readonly tableDone: boolean;
}

export interface TableOutcome {
  readonly rows: number;
  readonly chunks: number;
  readonly rechecked: number;
  readonly differences: RowDifference[];
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
      const result = await compareChunk(options, shape, sourceQueries, destinationQueries, range);
      outcome.rows += result.rows;
      outcome.chunks += 1;
      if (result.rechecked) outcome.rechecked += 1;
      outcome.differences.push(...result.differences);
      const doneThrough = chunks.done(index);
      await options.onChunk?.({ ...result, range, doneThrough, tableDone: false });
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
  await options.onChunk?.({
    range: {},
    rows: 0,
    rechecked: false,
    differences: [],
    doneThrough: undefined,
    tableDone: true,
  });
  return outcome;
}

async function compareChunk(
  options: TableVerifyOptions,
  shape: RowShape,
  sourceQueries: TableQueries,
  destinationQueries: TableQueries,
  range: KeyRange,
): Promise<{ rows: number; rechecked: boolean; differences: RowDifference[] }> {
  const { plan, source, destination, applied } = options;
  await options.rate.take(options.chunkRows, options.signal);
  const first = await source.atPosition((reads) => reads.query(sourceQueries.checksum(range)));
  await applied.waitFor(plan.destination.name, plan.partitions, first.position);
  const [destinationSum] = await destination.query(destinationQueries.checksum(range));
  const [sourceSum] = first.value;
  const rows = Number(sourceSum[0]);
  if (sameChecksum(sourceSum, destinationSum)) return { rows, rechecked: false, differences: [] };

  // The chunk's rows, by value, at a new position.
  const read = await source.atPosition((reads) => reads.query(sourceQueries.rows(range)));
  await applied.waitFor(plan.destination.name, plan.partitions, read.position);
  let differences = diffRows(shape, read.value, await destination.query(destinationQueries.rows(range)));
  for (let round = 0; round < options.rechecks && differences.length > 0; round += 1) {
    await sleep(options.recheckDelayMs, options.signal);
    differences = sourceQueries.keyed
      ? await recheckKeys(options, shape, sourceQueries, destinationQueries, differences)
      : await recheckRange(options, shape, sourceQueries, destinationQueries, range);
  }
  return { rows, rechecked: true, differences };
}

/** The differing keys read again on both sides, at a new position. */
async function recheckKeys(
  options: TableVerifyOptions,
  shape: RowShape,
  sourceQueries: TableQueries,
  destinationQueries: TableQueries,
  differences: readonly RowDifference[],
): Promise<RowDifference[]> {
  const still: RowDifference[] = [];
  for (let start = 0; start < differences.length; start += KEYS_PER_READ) {
    const keys = differences.slice(start, start + KEYS_PER_READ).map((d) => d.key);
    const read = await options.source.atPosition((reads) => reads.query(sourceQueries.rowsByKeys(keys)));
    await options.applied.waitFor(options.plan.destination.name, options.plan.partitions, read.position);
    const destinationRows: Cells[] = await options.destination.query(destinationQueries.rowsByKeys(keys));
    still.push(...diffRows(shape, read.value, destinationRows));
  }
  return still;
}

async function recheckRange(
  options: TableVerifyOptions,
  shape: RowShape,
  sourceQueries: TableQueries,
  destinationQueries: TableQueries,
  range: KeyRange,
): Promise<RowDifference[]> {
  const read = await options.source.atPosition((reads) => reads.query(sourceQueries.rows(range)));
  await options.applied.waitFor(options.plan.destination.name, options.plan.partitions, read.position);
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
 * done, so no chunk is skipped and at most the chunks in flight are compared twice.
 */
class ChunkOrder {
  private readonly ends: Array<readonly string[] | undefined> = [];
  private readonly finished = new Set<number>();
  private next = 0;
  private through: readonly string[] | undefined;

  constructor(startAfter: readonly string[] | undefined) {
    this.through = startAfter;
  }

  add(index: number, upTo: readonly string[] | undefined): void {
    this.ends[index] = upTo;
  }

  done(index: number): readonly string[] | undefined {
    this.finished.add(index);
    while (this.finished.has(this.next)) {
      this.finished.delete(this.next);
      this.through = this.ends[this.next];
      this.next += 1;
    }
    return this.through;
  }
}
