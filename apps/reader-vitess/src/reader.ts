import { connectService, setUpReaderStream } from '@cdc/change-stream';
import { destinationsOfSource, findSource, keyPartitionedTables, ruleForTable, type PipelineConfig } from '@cdc/config';
import { ProgressStore } from '@cdc/progress';
import { describeError, sleep, withRetry, type Logger } from '@cdc/service-runtime';
import { health, readerStreamingComponent } from '@cdc/telemetry';
import {
  VStreamClient,
  RowDecodeError,
  VitessPositions,
  VitessRepairs,
  RowFilterError,
  VitessRowFilters,
  type KeyspaceTable,
} from '@cdc/vitess-source';
import { answerRepairs } from '@cdc/verify';
import { recordFilters } from './filter-record';
import { keyspaceSchemaOf } from './keyspace-schema';
import { PositionLostError } from './position-lost';
import { ReshardStopError, ShardsGoneError } from './reshard';
import { startPosition } from './start-position';
import { streamFrom } from './vstream-session';

export interface VitessReaderOptions {
  readonly config: PipelineConfig;
  readonly source: string;
  readonly signal: AbortSignal;
  readonly log: Logger;
}

/**
 * The Vitess reader: reads the keyspace's schema through vtgate's MySQL port, then runs
 * VStream from the committed VGtid (or, on the very first start, a copy of the tables or the
 * current position) and publishes the changes. Its only durable state is the committed VGtid in
 * KV; after any failure it resumes from there and the appliers skip what they already have.
 */
export async function runVitessReader(options: VitessReaderOptions): Promise<void> {
  const source = findSource(options.config, options.source);
  if (source.type !== 'vitess') throw new Error(`source ${source.name} is of type ${source.type}, not vitess`);
  const log = options.log.child({ source: source.name, keyspace: source.keyspace });
  // Not ready until the VStream delivers (see streamFrom); nats once connected.
  health.setReady(readerStreamingComponent(source.name), false);
  const destinations = destinationsOfSource(options.config, source.name).map((destination) => destination.name);
  const schema = keyspaceSchemaOf(source, log);
  // vtgate may be restarting, or not see a shard's new primary yet right after a reshard's
  // switch ("no healthy tablet available"): the first read is retried like any transient failure.
  let tables: KeyspaceTable[];
  try {
    tables = await withRetry(() => schema.refresh(), {
      what: `reading the schema of keyspace ${source.keyspace} through vtgate`,
      log,
      signal: options.signal,
      initialDelayMs: 500,
      maxDelayMs: 10_000,
      isFatal: isConfigurationError,
    });
  } catch (error) {
    if (options.signal.aborted) return;
    throw error;
  }
  // A filter that cannot apply to its table is one line now, not a failure at its first row.
  const rowFilters = new VitessRowFilters({
    source: source.name,
    keyspace: source.keyspace,
    filterOf: (table) => ruleForTable(source.filters, source.keyspace, table),
  });
  rowFilters.check(tables);
  if (tables.length === 0) {
    log.warn(
      { tables: source.tables },
      'no table of the keyspace matches the table patterns yet: streaming tables that appear later',
    );
  } else {
    log.info({ tables: tables.map((table) => table.name) }, 'keyspace schema read');
  }

  const nc = await connectService(
    options.config.nats,
    `cdc-reader-${source.name}`,
    `reader ${source.name}`,
    log,
    options.signal,
  );
  // Stopped while waiting for NATS: a clean stop.
  if (!nc) return;
  try {
    const { progress, newPublisher, watchAge } = await setUpReaderStream(nc, {
      source: source.name,
      partitions: source.partitions,
      destinations,
      nats: options.config.nats,
      publish: source.publish,
      // Differs from the Postgres reader's max(10000, max_ops x 8) on purpose: that one was
      // measured and lowered in 45cc2b8; this one is kept as it was written (456b9d5).
      maxBufferedOps: Math.max(10_000, source.publish.maxOps * source.partitions * 2),
      keyPartitioned: keyPartitionedTables(source),
      openProgress: (replication) => ProgressStore.open(nc, { replication, log, signal: options.signal }),
      log,
      signal: options.signal,
    });
    const filterBackfill = await recordFilters(source, tables, rowFilters, progress, log);
    const client = new VStreamClient(source.vtgate);
    const positions = new VitessPositions(source.vtgate, source.keyspace);
    // cdc verify --repair: rows read again through vtgate, published in the stream's order (repair.ts).
    const repairs = new VitessRepairs({
      source: source.name,
      keyspace: source.keyspace,
      client,
      currentPosition: (signal) => positions.current(signal),
      lookupTable: (table) => schema.lookup(table),
    });
    const stopRepairs = answerRepairs(
      nc,
      source.name,
      async (request) => {
        const outcome = await repairs.repair(request.schema, request.table, request.keys, options.signal);
        log.info(
          { table: `${request.schema}.${request.table}`, ...outcome },
          `repair of ${request.schema}.${request.table}: rows sent again through the pipeline`,
        );
        return outcome;
      },
      log,
    );
    try {
      while (!options.signal.aborted) {
        const publisher = newPublisher();
        const stopAgeWatch = watchAge(publisher, 1_000);
        repairs.attach(publisher);
        try {
          const { start, backfill } = await filterBackfill.plan(await startPosition(source, progress, log));
          await streamFrom(start, {
            backfill,
            source,
            client,
            publisher,
            progress,
            schema,
            repairs,
            rowFilters,
            signal: options.signal,
            log,
          });
        } catch (error) {
          if (options.signal.aborted) break;
          // Deterministic: reading the same row again fails the same way, so stop with the reason.
          if (
            error instanceof ReshardStopError ||
            error instanceof ShardsGoneError ||
            error instanceof PositionLostError ||
            error instanceof RowDecodeError ||
            error instanceof RowFilterError
          )
            throw error;
          log.error({ err: describeError(error) }, 'reader failed; resuming from the committed VGtid');
          await sleep(1_000, options.signal);
        } finally {
          repairs.detach();
          stopAgeWatch?.();
          publisher.close();
          log.info({ published: publisher.stats }, 'publishing session ended');
        }
      }
    } finally {
      await stopRepairs();
      positions.close();
      client.close();
    }
  } finally {
    await nc.drain().catch(() => undefined);
  }
}

/** Start-up failures that retrying cannot fix: refused credentials, a keyspace vtgate does not have. */
function isConfigurationError(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { errno?: unknown; code?: unknown } | undefined) : undefined;
  // ER_DBACCESS_DENIED_ERROR, ER_ACCESS_DENIED_ERROR, ER_BAD_DB_ERROR
  if (cause?.errno === 1044 || cause?.errno === 1045 || cause?.errno === 1049) return true;
  // TLS: a certificate that does not verify (mysql2 reports the code of Node's TLS layer).
  return typeof cause?.code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_|ERR_TLS|ERR_SSL/.test(cause.code);
}
