import { connectToNats, Replication } from '@cdc/change-stream';
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
import { createLogger } from '@cdc/service-runtime';
import type { NatsConnection } from '@nats-io/nats-core';
import { AppliedPositions } from './applied-position';
import { describePostgresSourceTables, describeVitessSourceTables, destinationColumnNames } from './catalog';
import { MysqlDatabase, PostgresDatabase, type Database } from './database';
import { RowRateLimit } from './rate-limit';
import { VerifyRunStore } from './resume-store';
import { postgresSourceReader, type SourceReader } from './source-position';
import { compareTable, type TableContext, type TableReport } from './table-report';
import { planTable } from './table-plan';
import { vitessSourceReader } from './vitess-position';
import { VitessPositions } from '@cdc/vitess-source';

export type { TableReport, TableStatus } from './table-report';

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
  /**
   * Go on with the interrupted run of the same selection (source, destination, tables): tables
   * it finished are reported from it, the table it was in continues after the key it reached.
   * Without it a run starts over. Either way progress is stored as the run goes (resume-store.ts).
   */
  readonly resume?: boolean;
}

export interface VerifyProgress {
  readonly table: string;
  readonly destination: string;
  readonly rowsDone: number;
  /** The source's estimate of the table's rows (planner statistics). */
  readonly rowsEstimated: number;
  readonly differences: number;
}

export interface VerifyReport {
  readonly equal: boolean;
  readonly tables: readonly TableReport[];
  readonly seconds: number;
  /** --resume went on with an interrupted run: when that one started. */
  readonly resumedFrom?: string;
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
  let resumedFrom: string | undefined;
  try {
    const store = await ProgressStore.open(nc);
    const replication = Replication.of(nc, options.config.nats.replicas, createLogger('verify'));
    const runs = await VerifyRunStore.open<TableReport>(
      nc,
      { ...pick(options, 'source', 'destination'), ...(options.tables ? { tables: options.tables } : {}) },
      replication,
    );
    ({ resumedFrom } = await runs.begin(options.resume === true));
    for (const { source, destinations } of sources) {
      const shared = { options, nc, runs, ...(resumedFrom ? { resumedFrom } : {}) };
      reports.push(...(await verifySource(shared, source, destinations, store)));
    }
    // Interrupted runs keep what they stored; a finished one leaves nothing to resume.
    await runs.finish();
  } finally {
    await closeNats(nc);
  }
  return {
    equal: reports.every((report) => report.status !== 'different'),
    tables: reports,
    seconds: (Date.now() - started) / 1000,
    ...(resumedFrom ? { resumedFrom } : {}),
  };
}

function pick(options: VerifyOptions, ...names: Array<'source' | 'destination'>): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (options[name] ? [[name, options[name]]] : [])));
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
  shared: Pick<TableContext, 'options' | 'nc' | 'runs' | 'resumedFrom'>,
  source: SourceConfig,
  destinations: readonly DestinationConfig[],
  store: ProgressStore,
): Promise<TableReport[]> {
  const { options } = shared;
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
      const context: TableContext = { ...shared, reader, database, applied, rate, parallelism };
      try {
        for (const table of tables) {
          const columns = await destinationColumnNames(
            database,
            mapTable(destination, table.name.schema, table.name.table),
          );
          const plan = planTable(source, destination, table, columns, database.dialect.engine);
          reports.push(await compareTable(context, plan, table));
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
