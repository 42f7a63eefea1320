import type { NatsConnection } from '@nats-io/nats-core';
import type { AppliedPositions } from './applied-position';
import type { Database } from './database';
import type { RowRateLimit } from './rate-limit';
import { repairRefusal, requestRepair, type RepairSummary } from './repair';
import type { VerifyRunStore, TableProgress } from './resume-store';
import type { DifferenceKind, RowDifference } from './row-diff';
import type { SourceReader } from './source-position';
import type { SourceTableDescription, TablePlan } from './table-plan';
import { verifyTable, type ChunkOutcome, type SettledChunks } from './table-verifier';
import { recordChunk, recordTableEnd } from './verify-metrics';
import type { VerifyOptions } from './verify';

export type TableStatus = 'equal' | 'different' | 'skipped';

export interface TableReport {
  readonly source: string;
  readonly destination: string;
  /** Source table, `schema.table`. */
  readonly table: string;
  readonly destinationTable: string;
  readonly status: TableStatus;
  readonly rows: number;
  readonly chunks: number;
  /** Chunks whose checksums differed, so their rows were compared one by one. */
  readonly rechecked: number;
  readonly missing: number;
  readonly extra: number;
  readonly different: number;
  /** Up to maxListedKeys differences, with their keys. */
  readonly differences: readonly RowDifference[];
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly notes: readonly string[];
  /** skipped: why; different: a problem found before any row was compared (no destination table). */
  readonly reason?: string;
  /** --repair: what the reader sent again through the pipeline, or why nothing was. */
  readonly repair?: RepairSummary | { readonly notRepaired: string };
}

/** What comparing the tables of one source with one destination shares. */
export interface TableContext {
  readonly options: VerifyOptions;
  readonly reader: SourceReader;
  readonly database: Database;
  readonly applied: AppliedPositions;
  readonly rate: RowRateLimit;
  readonly parallelism: number;
  readonly nc: NatsConnection;
  readonly runs: VerifyRunStore<TableReport>;
  /** Set when this run goes on with an interrupted one (--resume): when that one started. */
  readonly resumedFrom?: string;
}

/** vttablet's default result limit (queryserver-config-max-result-size): a chunk's rows must fit in one answer per shard. */
const VITESS_MAX_CHUNK_ROWS = 10_000;

/** How often, at most, a table's progress is stored for --resume. */
const SAVE_INTERVAL_MS = 1_000;

/**
 * One planned table: compared (or taken from the interrupted run being resumed, or continued
 * after the key it reached), repaired when asked, reported, and its progress stored as it goes.
 */
export async function compareTable(
  context: TableContext,
  plan: TablePlan,
  table: SourceTableDescription,
): Promise<TableReport> {
  const { options, runs } = context;
  const started = Date.now();
  const maxListed = options.maxListedKeys ?? 1_000;
  let chunkRows = options.chunkRows ?? 10_000;
  const notes = [...plan.notes];
  if (plan.source.type === 'vitess' && chunkRows > VITESS_MAX_CHUNK_ROWS) {
    chunkRows = VITESS_MAX_CHUNK_ROWS;
    notes.push(`chunks of ${VITESS_MAX_CHUNK_ROWS} rows: a vttablet returns at most 10,000 rows per query by default`);
  }
  const base = {
    source: plan.source.name,
    destination: plan.destination.name,
    table: `${plan.sourceTable.schema}.${plan.sourceTable.table}`,
    destinationTable: `${plan.destinationTable.schema}.${plan.destinationTable.table}`,
    notes,
  };
  const empty = { rows: 0, chunks: 0, rechecked: 0, missing: 0, extra: 0, different: 0, differences: [] };
  if (plan.skipped) return { ...base, ...empty, status: 'skipped', seconds: 0, rowsPerSecond: 0, reason: plan.skipped };
  if (plan.problem)
    return { ...base, ...empty, status: 'different', seconds: 0, rowsPerSecond: 0, reason: plan.problem };

  const state = await runs.table(base.source, base.destination, base.table);
  if (state?.done)
    return {
      ...state.report,
      notes: [...state.report.notes, `compared by the interrupted run started ${context.resumedFrom}: not again`],
    };
  const earlier = state?.progress;
  if (earlier)
    notes.push(
      `resumed after key (${earlier.doneThrough.join(', ')}): the ${earlier.rows} rows up to it were compared ` +
        `by the interrupted run started ${context.resumedFrom}`,
    );

  const labels = { source: base.source, destination: base.destination, table: base.table };
  const rowsEstimated = await context.reader.estimateRows(table);
  let rowsDone = earlier?.rows ?? 0;
  let found = earlier ? totalOf(earlier.counts) : 0;
  const onChunk = (chunk: ChunkOutcome) => {
    recordChunk(labels, chunk, chunk.seconds, chunk.waitSeconds);
    rowsDone += chunk.rows;
    found += chunk.differences.length;
    options.onProgress?.({ ...labels, rowsDone, rowsEstimated, differences: found });
  };
  let progress = earlier;
  let saved = earlier;
  let savedAt = 0;
  const save = async () => {
    if (!progress || progress === saved) return;
    saved = progress;
    savedAt = Date.now();
    await runs.saveProgress(base.source, base.destination, base.table, progress);
  };
  const onSettled = async (settled: SettledChunks) => {
    const spent = (earlier?.seconds ?? 0) + (Date.now() - started) / 1000;
    progress = addSettled(progress, settled, maxListed, spent);
    if (!settled.complete && Date.now() - savedAt >= SAVE_INTERVAL_MS) await save();
  };
  let outcome: Awaited<ReturnType<typeof verifyTable>>;
  try {
    outcome = await verifyTable({
      plan,
      source: context.reader,
      destination: context.database,
      applied: context.applied,
      chunkRows,
      parallelism: context.parallelism,
      rechecks: options.rechecks ?? 3,
      recheckDelayMs: options.recheckDelayMs ?? 500,
      rate: context.rate,
      onChunk,
      onSettled,
      ...(earlier ? { startAfter: earlier.doneThrough } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    // Stopped or failed: what is settled since the last save is kept for --resume.
    await save().catch(() => undefined);
    throw error;
  }

  const counts = addCounts(earlier?.counts ?? NO_DIFFERENCES, outcome.differences);
  const differences = [...(earlier?.differences ?? []), ...outcome.differences];
  const unlisted = earlier ? totalOf(earlier.counts) - earlier.differences.length : 0;
  let repair: TableReport['repair'];
  if (options.repair && differences.length > 0) {
    const refusal = repairRefusal(plan);
    repair =
      refusal !== undefined
        ? { notRepaired: refusal }
        : await requestRepair(context.nc, context.reader, plan, differences, options.repairTimeoutMs ?? 120_000);
    if (unlisted > 0 && !('notRepaired' in repair))
      notes.push(`${unlisted} differences found before the resume were not kept, so not repaired: run --repair again`);
  }
  const seconds = (earlier?.seconds ?? 0) + (Date.now() - started) / 1000;
  const rows = (earlier?.rows ?? 0) + outcome.rows;
  const report: TableReport = {
    ...base,
    status: totalOf(counts) > 0 ? 'different' : 'equal',
    rows,
    chunks: (earlier?.chunks ?? 0) + outcome.chunks,
    rechecked: (earlier?.rechecked ?? 0) + outcome.rechecked,
    ...counts,
    differences: differences.slice(0, maxListed),
    seconds,
    rowsPerSecond: Math.round(rows / Math.max(seconds, 0.001)),
    ...(repair ? { repair } : {}),
  };
  recordTableEnd(labels, report.status === 'equal');
  await runs.saveDone(base.source, base.destination, base.table, report);
  return report;
}

const NO_DIFFERENCES: Readonly<Record<DifferenceKind, number>> = { missing: 0, extra: 0, different: 0 };

function addCounts(
  counts: Readonly<Record<DifferenceKind, number>>,
  differences: readonly RowDifference[],
): Record<DifferenceKind, number> {
  const sum = { ...counts };
  for (const difference of differences) sum[difference.kind] += 1;
  return sum;
}

function totalOf(counts: Readonly<Record<DifferenceKind, number>>): number {
  return counts.missing + counts.extra + counts.different;
}

/** The stored progress with the newly settled chunks added (their differences listed up to `maxListed`). */
function addSettled(
  previous: TableProgress | undefined,
  settled: SettledChunks,
  maxListed: number,
  seconds: number,
): TableProgress | undefined {
  // No key: the open-ended last chunk settled, the table is done (stored as such by the caller).
  if (settled.doneThrough === undefined) return previous;
  return {
    doneThrough: settled.doneThrough,
    rows: (previous?.rows ?? 0) + settled.rows,
    chunks: (previous?.chunks ?? 0) + settled.chunks,
    rechecked: (previous?.rechecked ?? 0) + settled.rechecked,
    counts: addCounts(previous?.counts ?? NO_DIFFERENCES, settled.differences),
    differences: [...(previous?.differences ?? []), ...settled.differences].slice(0, maxListed),
    seconds,
  };
}
