import { connectToNats } from '@cdc/change-stream';
import {
  destinationsOfSource,
  findDestination,
  findSource,
  mapTable,
  type DestinationConfig,
  type PipelineConfig,
  type SourceConfig,
} from '@cdc/config';
import { ProgressStore } from '@cdc/progress';
import type { NatsConnection } from '@nats-io/nats-core';
import { AppliedPositions } from './applied-position';
import { describePostgresSourceTables, describeVitessSourceTables, destinationColumnNames } from './catalog';
import { MysqlDatabase, PostgresDatabase, type Database } from './database';
import { RowRateLimit } from './rate-limit';
import { requestRepair, type RepairSummary } from './repair';
import type { RowDifference } from './row-diff';
import { postgresSourceReader, type SourceReader } from './source-position';
import { VitessPositions, vitessSourceReader } from './vitess-position';
import { planTable, type SourceTableDescription, type TablePlan } from './table-plan';
import { verifyTable, type ChunkOutcome } from './table-verifier';

/** vttablet's default result limit (queryserver-config-max-result-size): a chunk's rows must fit in one answer per shard. */
const VITESS_MAX_CHUNK_ROWS = 10_000;

const VITESS_REPAIR =
  'repair is Postgres-only for now: the Vitess reader cannot send rows again through the pipeline yet; nothing was sent';

export interface VerifyOptions {
  readonly config: PipelineConfig;
  /** Only this source (default: every source that has a destination). */
  readonly source?: string;
  /** Only this destination (default: every destination of each source). */
  readonly destination?: string;
  /** Only source tables matching these patterns (as in the config's `tables`). */
  readonly tables?: readonly string[];
  /** Rows per chunk (default 10,000). */
  readonly chunkRows?: number;
  /** Chunks compared at once per table (default 4). */
  readonly parallelism?: number;
  /** Source rows read per second at most (default: no limit). */
  readonly maxRowsPerSecond?: number;
  /** Rounds a differing row is read again before it is reported (default 3). */
  readonly rechecks?: number;
  readonly recheckDelayMs?: number;
  /** Longest wait for a destination to apply a chunk's source position (default 120 s). */
  readonly waitTimeoutMs?: number;
  /** Keys listed per table in the report (counts are always exact; default 1000). */
  readonly maxListedKeys?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: VerifyProgress) => void;
  /**
   * Ask each source's running reader to send the differing rows again through the pipeline,
   * after each table (never writes to a destination). The report says what was sent; run
   * verify again to see the destinations caught up.
   */
  readonly repair?: boolean;
  /** Longest wait for a reader's answer to one repair request (default 120 s). */
  readonly repairTimeoutMs?: number;
}

export interface VerifyProgress {
  readonly table: string;
  readonly destination: string;
  readonly rowsDone: number;
  /** The source's estimate of the table's rows (planner statistics). */
  readonly rowsEstimated: number;
  readonly differences: number;
}

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

export interface VerifyReport {
  readonly equal: boolean;
  readonly tables: readonly TableReport[];
  readonly seconds: number;
}

/**
 * Compares every selected source table with every destination that receives it, while
 * replication runs; see README.md. Throws on errors (unreachable server, a destination that
 * does not catch up); differences are in the report.
 */
export async function runVerify(options: VerifyOptions): Promise<VerifyReport> {
  const started = Date.now();
  const sources = selectSources(options);
  const nc = await connectToNats({ ...options.config.nats, name: 'cdc-verify' });
  const reports: TableReport[] = [];
  try {
    const store = await ProgressStore.open(nc);
    for (const { source, destinations } of sources) {
      reports.push(...(await verifySource(options, source, destinations, store, nc)));
    }
  } finally {
    await closeNats(nc);
  }
  return {
    equal: reports.every((report) => report.status !== 'different'),
    tables: reports,
    seconds: (Date.now() - started) / 1000,
  };
}

function selectSources(options: VerifyOptions): Array<{ source: SourceConfig; destinations: DestinationConfig[] }> {
  const { config } = options;
  const sources = options.source ? [findSource(config, options.source)] : config.sources;
  const only = options.destination ? findDestination(config, options.destination) : undefined;
  return sources
    .map((source) => ({
      source,
      destinations: destinationsOfSource(config, source.name).filter((d) => !only || d.name === only.name),
    }))
    .filter((entry) => entry.destinations.length > 0);
}

async function verifySource(
  options: VerifyOptions,
  source: SourceConfig,
  destinations: readonly DestinationConfig[],
  store: ProgressStore,
  nc: NatsConnection,
): Promise<TableReport[]> {
  const parallelism = options.parallelism ?? 4;
  const reader = openSource(source, parallelism);
  const reports: TableReport[] = [];
  try {
    const tables =
      source.type === 'vitess'
        ? await describeVitessSourceTables(source, options.tables)
        : await describePostgresSourceTables(reader.database, source.tables, options.tables);
    const applied = new AppliedPositions(store, source.name, {
      timeoutMs: options.waitTimeoutMs ?? 120_000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const rate = new RowRateLimit(options.maxRowsPerSecond);
    for (const destination of destinations) {
      const database = openDestination(destination, parallelism);
      try {
        for (const table of tables) {
          const plan = planTable(
            source,
            destination,
            table,
            await destinationColumnNames(database, mapTable(destination, table.name.schema, table.name.table)),
            database.dialect.engine,
          );
          const report = await verifyPlannedTable(
            options,
            plan,
            table,
            reader,
            database,
            applied,
            rate,
            parallelism,
            nc,
          );
          reports.push(report);
        }
      } finally {
        await database.close().catch(() => undefined);
      }
    }
  } finally {
    await reader.close().catch(() => undefined);
  }
  return reports;
}

async function verifyPlannedTable(
  options: VerifyOptions,
  plan: TablePlan,
  table: SourceTableDescription,
  reader: SourceReader,
  database: Database,
  applied: AppliedPositions,
  rate: RowRateLimit,
  parallelism: number,
  nc: NatsConnection,
): Promise<TableReport> {
  const started = Date.now();
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
  const empty = {
    rows: 0,
    chunks: 0,
    rechecked: 0,
    missing: 0,
    extra: 0,
    different: 0,
    differences: [],
    rowsPerSecond: 0,
  };
  if (plan.skipped) return { ...base, ...empty, status: 'skipped', seconds: 0, reason: plan.skipped };
  if (plan.problem) return { ...base, ...empty, status: 'different', seconds: 0, reason: plan.problem };
  const rowsEstimated = await reader.estimateRows(table);
  let rowsDone = 0;
  let found = 0;
  const onChunk = (chunk: ChunkOutcome) => {
    rowsDone += chunk.rows;
    found += chunk.differences.length;
    options.onProgress?.({
      table: base.table,
      destination: base.destination,
      rowsDone,
      rowsEstimated,
      differences: found,
    });
  };
  const outcome = await verifyTable({
    plan,
    source: reader,
    destination: database,
    applied,
    chunkRows,
    parallelism,
    rechecks: options.rechecks ?? 3,
    recheckDelayMs: options.recheckDelayMs ?? 500,
    rate,
    onChunk,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let repair: TableReport['repair'];
  if (options.repair && outcome.differences.length > 0)
    repair =
      plan.source.type !== 'postgres'
        ? { notRepaired: VITESS_REPAIR }
        : plan.sourceSide.keyIndexes.length === 0
          ? { notRepaired: 'the table has no primary key: rows cannot be sent again by key' }
          : await requestRepair(nc, reader, plan, outcome.differences, options.repairTimeoutMs ?? 120_000);
  const seconds = (Date.now() - started) / 1000;
  const count = (kind: RowDifference['kind']) => outcome.differences.filter((d) => d.kind === kind).length;
  return {
    ...base,
    status: outcome.differences.length > 0 ? 'different' : 'equal',
    rows: outcome.rows,
    chunks: outcome.chunks,
    rechecked: outcome.rechecked,
    missing: count('missing'),
    extra: count('extra'),
    different: count('different'),
    differences: outcome.differences.slice(0, options.maxListedKeys ?? 1_000),
    seconds,
    rowsPerSecond: Math.round(outcome.rows / Math.max(seconds, 0.001)),
    ...(repair ? { repair } : {}),
  };
}

function openSource(source: SourceConfig, parallelism: number): SourceReader {
  if (source.type === 'postgres')
    return postgresSourceReader(new PostgresDatabase(source.url, parallelism + 1, `cdc-verify-${source.name}`));
  // Through vtgate the whole keyspace is read: a reader limited to some shards has only their rows.
  if (source.shards.length > 0)
    throw new Error(
      `source ${source.name}: verify reads every shard of keyspace ${source.keyspace} through vtgate; ` +
        `a source limited to shards ${source.shards.join(', ')} is not supported yet`,
    );
  return vitessSourceReader(
    new MysqlDatabase(source.mysql, parallelism + 1, source.mysqlTls),
    new VitessPositions(source.vtgate, source.keyspace),
  );
}

function openDestination(destination: DestinationConfig, parallelism: number): Database {
  if (destination.type === 'postgres')
    return new PostgresDatabase(destination.url, parallelism, `cdc-verify-${destination.name}`);
  return new MysqlDatabase(destination.url, parallelism, destination.tls);
}

async function closeNats(nc: NatsConnection): Promise<void> {
  await nc.close().catch(() => undefined);
}
