import { type ChangePublisher, connectService, setUpReaderStream } from '@cdc/change-stream';
import {
  destinationsOfSource,
  findSource,
  keyPartitionedTables,
  redactUrl,
  ruleForTable,
  tableMatches,
  type PipelineConfig,
  type VitessSourceConfig,
} from '@cdc/config';
import { ProgressStore } from '@cdc/progress';
import { ipHostToCheck, ipIdentityCheck, mysqlSslOptions } from '@cdc/mysql-sink';
import type { SslOptions } from 'mysql2';
import { describeError, sleep, withRetry, type Logger } from '@cdc/service-runtime';
import { health, readerStreamingComponent, transactionTracer } from '@cdc/telemetry';
import {
  KeyspaceSchema,
  VStreamClient,
  VStreamDecoder,
  VStreamError,
  RowDecodeError,
  VitessPositions,
  VitessRepairs,
  RowFilterError,
  VitessRowFilters,
  decodeVgtid,
  encodeVgtid,
  formatVgtid,
  readKeyspaceSchema,
  backfillTruncate,
  copyAgain,
  type BackfillState,
  type FilterRecord,
  type KeyspaceTable,
  encodeStartState,
  readStartPosition,
  type binlogdata,
} from '@cdc/vitess-source';
import { answerRepairs } from '@cdc/verify';
import { CopyProgress } from './copy-progress';
import { ReshardStopError, ShardsGoneError, journalSeen, shardsGone, shardsOf } from './reshard';
import { PositionLostError, PositionLostWatch, positionLost } from './position-lost';
import { ShardActivity } from './shard-activity';

export interface VitessReaderOptions {
  readonly config: PipelineConfig;
  readonly source: string;
  readonly signal: AbortSignal;
  readonly log: Logger;
}

/** How often the reader records its shards' state (KV `shards.<source>`, the lag gauges). */
const SHARD_REPORT_MS = 2_000;

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

  const nc = await connectService(options.config.nats, `cdc-reader-${source.name}`, `reader ${source.name}`, log);
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
    if (destinations.length === 0)
      log.warn('no destination consumes this source: changes are published but nothing applies them');
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

/** The tables a stream copies again through a changed filter, and what it reports of them. */
interface FilterBackfillSession {
  readonly tables: ReadonlySet<string>;
  /** The copies ended (every shard's copy phase is over). */
  copied(): void;
}

/**
 * Records every table's filter in KV at each start and, once the source has a position
 * (committed, or its first start's), compares it with the last start's: a table whose filter
 * changed while the reader was stopped is backfilled as on a Postgres source (filter-backfill.ts
 * in libs/vitess-source): emptied at the destination and copied again through the new filter
 * while changes stream. The pending copies are in the record too, so a crash before the
 * committed position passes a copy's end copies the table again.
 */
async function recordFilters(
  source: VitessSourceConfig,
  tables: readonly KeyspaceTable[],
  rowFilters: VitessRowFilters,
  progress: ProgressStore,
  log: Logger,
): Promise<{ plan(start: binlogdata.IVGtid): Promise<{ start: binlogdata.IVGtid; backfill: FilterBackfillSession }> }> {
  const now = rowFilters.record(tables);
  const before = await progress.readFilterRecord<FilterRecord>(source.name);
  const started =
    before !== undefined &&
    ((await progress.readCommitted(source.name)) !== undefined ||
      (await progress.readSnapshotState(source.name)) !== undefined);
  const backfill: Record<string, BackfillState> = { ...(before?.backfill ?? {}) };
  for (const change of started ? rowFilters.changes(before, now) : []) {
    const show = (text: string | undefined) => (text === undefined ? 'none' : JSON.stringify(text));
    log.warn(
      { table: `${source.keyspace}.${change.table}`, was: change.was ?? null, now: change.now ?? null },
      `row filter of ${source.keyspace}.${change.table} changed (was ${show(change.was)}, now ${show(change.now)}): ` +
        'the destination table is emptied and copied again through the new filter while changes stream',
    );
    backfill[change.table] = {};
  }
  // A table the last start knew and this one does not (gone from the keyspace for now) keeps its record.
  let record: FilterRecord = {
    tables: { ...(before?.tables ?? {}), ...now.tables },
    ...(Object.keys(backfill).length > 0 ? { backfill } : {}),
  };
  const write = async (next: FilterRecord) => {
    await progress.writeFilterRecord(source.name, next);
    record = next;
  };
  if (JSON.stringify(record) !== JSON.stringify(before)) await write(record);
  return {
    async plan(start) {
      const pending = { ...(record.backfill ?? {}) };
      const resolved = (start.shardGtids ?? []).every((shard) => shard.shard && shard.gtid && shard.gtid !== 'current');
      const committed = await progress.readCommitted(source.name);
      for (const [table, state] of Object.entries(pending)) {
        // No position yet (a first copy reads every table through the current filters), or the
        // committed watermark was handed out after the copy ended: done.
        const done =
          !resolved ||
          (state.copiedBeforeSeq !== undefined && committed !== undefined && committed.seq > state.copiedBeforeSeq);
        if (done) {
          delete pending[table];
          if (resolved)
            log.info(
              { table: `${source.keyspace}.${table}` },
              `backfill through the changed filter of ${source.keyspace}.${table} done`,
            );
        }
      }
      if (JSON.stringify(pending) !== JSON.stringify(record.backfill ?? {})) {
        await write({ tables: record.tables, ...(Object.keys(pending).length > 0 ? { backfill: pending } : {}) });
      }
      const names = Object.keys(pending);
      if (names.length > 0) {
        log.info(
          { tables: names.map((table) => `${source.keyspace}.${table}`) },
          'copying again through their changed filters (from their first row; the destination tables emptied first)',
        );
      }
      return {
        start: copyAgain(start, names),
        backfill: {
          tables: new Set(names),
          copied() {
            void (async () => {
              const copiedBeforeSeq = await progress.lastWatermarkSeq(source.name);
              const next = Object.fromEntries(names.map((table) => [table, { copiedBeforeSeq }]));
              await write({ ...record, backfill: { ...(record.backfill ?? {}), ...next } });
              log.info(
                { tables: names.map((table) => `${source.keyspace}.${table}`), copiedBeforeSeq },
                'copied again through their changed filters',
              );
            })().catch((error: unknown) =>
              log.warn(
                { err: describeError(error) },
                'cannot record the end of a backfill: the next start copies again',
              ),
            );
          },
        },
      };
    },
  };
}

/** The committed VGtid; else the recorded start (the first start's, or `cdc start-at`'s); else a new copy or "current" start. */
async function startPosition(
  source: VitessSourceConfig,
  progress: ProgressStore,
  log: Logger,
): Promise<binlogdata.IVGtid> {
  const committed = await progress.readCommitted(source.name);
  if (committed?.position.token?.length) {
    const vgtid = decodeVgtid(committed.position.token);
    log.info({ vgtid: formatVgtid(vgtid) }, 'resuming from the committed VGtid');
    return vgtid;
  }
  const recorded = await readStartPosition(progress, source.name);
  if (recorded) {
    const { vgtid } = recorded;
    log.info(
      { vgtid: formatVgtid(vgtid) },
      'nothing committed yet: starting from the recorded start position (the first start, or cdc start-at)',
    );
    return vgtid;
  }
  const gtid = source.start === 'copy' ? '' : 'current';
  log.info(
    { start: source.start, shards: source.shards.length > 0 ? source.shards : 'all' },
    source.start === 'copy' ? 'first start: copying the tables, then streaming' : 'first start: streaming from now',
  );
  return {
    shardGtids:
      source.shards.length > 0
        ? source.shards.map((shard) => ({ keyspace: source.keyspace, shard, gtid }))
        : [{ keyspace: source.keyspace, gtid }],
  };
}

interface StreamContext {
  readonly source: VitessSourceConfig;
  readonly client: VStreamClient;
  readonly publisher: ChangePublisher;
  readonly progress: ProgressStore;
  readonly schema: KeyspaceSchema;
  readonly repairs: VitessRepairs;
  readonly rowFilters: VitessRowFilters;
  /** Tables copied again through a changed filter in this stream: a truncate goes before their first op. */
  readonly backfill: FilterBackfillSession;
  readonly signal: AbortSignal;
  readonly log: Logger;
}

/**
 * Streams until stopped. vtgate going away is handled here: the call is retried with backoff
 * from the last resumable VGtid seen, because everything before it is already in the
 * publisher's hands. A publishing failure is thrown to the caller, which starts over from the
 * committed VGtid.
 */
async function streamFrom(start: binlogdata.IVGtid, ctx: StreamContext): Promise<void> {
  const { source, publisher, progress, log } = ctx;
  let resumable: binlogdata.IVGtid = start;
  /** The shards the last resumable VGtid names, to log when a reshard moves the stream to others. */
  let streamedShards = hasUnresolvedShard(start) ? undefined : shardsOf(start);
  let resumableChanged = false;
  let startRecorded = !hasUnresolvedShard(start) && start.shardGtids!.every((shard) => shard.gtid !== '');
  let watermarkBusy = false;
  let lastToken: Uint8Array | undefined;
  let failure: unknown;
  const copy = new CopyProgress(ctx.schema, log, () => Math.max(1, resumable.shardGtids?.length ?? 1));
  /** Tables of ctx.backfill whose truncate is published: once per stream, before the first of their events. */
  const truncated = new Set<string>();
  // The shard set, each shard's last event time and the reshards passed, for `cdc status` and metrics.
  const shardActivity = new ShardActivity(source.name, source.keyspace);
  shardActivity.restore(await progress.readShardState(source.name).catch(() => undefined));
  if (!hasUnresolvedShard(start)) shardActivity.streaming(start);
  // Undefined when tracing is off: then the op callback below does no tracing work at all.
  const transactions = transactionTracer(source.name, 'vitess');
  // One span per shard transaction (VStream delivers a shard's transaction whole, at its COMMIT).
  const transaction = transactions
    ? (lane: string, gtid: string) => transactions.commit(gtid, { 'cdc.lane': lane })
    : undefined;

  const emitWatermark = async () => {
    if (watermarkBusy || !resumableChanged || hasUnresolvedShard(resumable)) return;
    watermarkBusy = true;
    const vgtid = resumable;
    resumableChanged = false;
    try {
      const token = encodeVgtid(vgtid);
      // Heartbeats repeat the same VGtid while idle: one watermark for it is enough.
      if (lastToken !== undefined && Buffer.compare(lastToken, token) === 0) return;
      if (!startRecorded) {
        // The first start's position, so a crash before anything is committed does not lose it.
        await progress.writeSnapshotState(source.name, encodeStartState(token, 'reader'));
        startRecorded = true;
      }
      const seq = await progress.nextWatermarkSeq(source.name);
      publisher.addWatermark({
        source: source.name,
        seq,
        position: { commit: 0n, index: 0, token },
        timeUs: Date.now() * 1000,
      });
      lastToken = token;
    } catch (error) {
      failure ??= error;
    } finally {
      watermarkBusy = false;
    }
  };
  /**
   * stop_on_reshard: everything before the journal is published and a last watermark carries
   * the resume point just before the journal transaction (the decoder never offers one past
   * it), so the committed VGtid ends exactly there and a reader restarted without the option
   * reads the journal again and follows the new shards.
   */
  const stopBeforeJournal = async (stop: ReshardStopError): Promise<never> => {
    while (watermarkBusy) await sleep(10);
    resumableChanged = true;
    await emitWatermark();
    await publisher.flush();
    log.error({ vgtid: formatVgtid(resumable) }, `${stop.message}; the last position published is before the journal`);
    throw stop;
  };
  const watermarkTimer = setInterval(() => void emitWatermark(), source.publish.watermarkIntervalMs);
  const progressTimer = setInterval(() => copy.report(false), 5_000);
  // Best effort: a failed write shows an older record in `cdc status`, it never stops the stream.
  const shardTimer = setInterval(() => void shardActivity.report(progress).catch(() => undefined), SHARD_REPORT_MS);
  let backoffMs = source.reconnect.initialMs;
  const lostPosition = new PositionLostWatch();
  const tablePatterns = source.tables.map((pattern) => pattern.slice(pattern.indexOf('.') + 1));
  let loggedPlan = '';
  try {
    while (!ctx.signal.aborted) {
      // The rules and the reader's half of the filters agree per session (tables known at its start).
      const filters = ctx.rowFilters.session(ctx.schema.known, tablePatterns, (table) => ctx.schema.known.get(table));
      const planText = JSON.stringify(filters.plan);
      if (filters.plan.length > 0 && planText !== loggedPlan) {
        log.info(
          { filters: filters.plan },
          'row filters: pushed down into VStream where it can evaluate them, else by the reader',
        );
        loggedPlan = planText;
      }
      const decoder = new VStreamDecoder({
        source: source.name,
        keyspace: source.keyspace,
        start: resumable,
        lookupTable: (table) => ctx.schema.lookup(table),
        handlers: {
          op: (op) => {
            if (failure) throw failure;
            if (op.kind === 'snapshot-row') copy.count(op.table.table);
            else if (op.kind === 'rows') copy.count(op.table.table, op.rows ?? 0);
            if (op.kind === 'ddl') {
              ctx.schema.invalidate(op.table.table);
              log.info({ table: op.table.table, lane: op.position.lane, ddl: op.ddl }, 'DDL');
            }
            // Copy-phase chunks are not source transactions: only streamed changes get a span.
            const copied = op.kind === 'snapshot-row' || op.kind === 'rows';
            for (const passed of filters.filter(op))
              publisher.add(passed, copied ? undefined : transactions?.op(op.table));
            ctx.repairs.observe(op);
            if (publisher.full) return publisher.waitForCapacity();
          },
          resumable: (vgtid) => {
            const shards = shardsOf(vgtid);
            if (streamedShards !== undefined && shards !== streamedShards) {
              log.info(
                { oldShards: streamedShards, newShards: shards, vgtid: formatVgtid(vgtid) },
                `passed a reshard of keyspace ${source.keyspace}: streaming shards ${shards} (was ${streamedShards})`,
              );
              shardActivity.passed(streamedShards, shards);
            }
            if (shards !== streamedShards) shardActivity.streaming(vgtid);
            streamedShards = shards;
            resumable = vgtid;
            resumableChanged = true;
          },
          ...(transaction ? { transaction } : {}),
          copyCompleted: (lane) => {
            copy.completed(lane);
            if (lane === undefined && ctx.backfill.tables.size > 0) ctx.backfill.copied();
          },
          fields: (table) => {
            if (!ctx.backfill.tables.has(table.table) || truncated.has(table.table)) return;
            truncated.add(table.table);
            // Before the table's first event in this stream (its FIELD comes first): whatever the
            // destination holds of it, and what earlier sessions published, is superseded by the copy.
            publisher.add(backfillTruncate(table, source.keyspace));
            log.info(
              { table: `${source.keyspace}.${table.table}` },
              `${source.keyspace}.${table.table}: truncate published, copying it again through its filter`,
            );
          },
          journal: (journal, lane) => {
            const seen = journalSeen(source.keyspace, journal, lane);
            if (source.stopOnReshard) {
              failure ??= new ReshardStopError(
                `${seen.message}; stopping because stop_on_reshard is set (resume by restarting without it, or re-copy)`,
              );
            } else {
              log.info(seen.fields, `${seen.message}; following the new shards`);
            }
          },
        },
      });
      log.info({ vgtid: formatVgtid(resumable), vtgate: source.vtgate }, 'VStream starting');
      let streaming = false;
      try {
        for await (const events of ctx.client.stream(
          {
            tabletType: source.tabletType,
            vgtid: resumable,
            rules: filters.rules,
            heartbeatIntervalS: source.heartbeatIntervalS,
            stopOnReshard: source.stopOnReshard,
          },
          ctx.signal,
        )) {
          if (failure) throw failure;
          if (!streaming) health.setReady(readerStreamingComponent(source.name), (streaming = true));
          shardActivity.seen(events);
          await decoder.handle(events);
          // Between two transactions: a repair's rows sit after every op delivered, before the next.
          if (ctx.repairs.waiting && !decoder.inTransaction) await ctx.repairs.publishReady(publisher);
          backoffMs = source.reconnect.initialMs;
          lostPosition.streamed();
        }
        if (failure) throw failure;
        if (ctx.signal.aborted) break;
        log.warn({ vtgate: source.vtgate }, 'vtgate ended the VStream; reconnecting');
      } catch (error) {
        if (failure instanceof ReshardStopError) await stopBeforeJournal(failure);
        if (failure && error === failure) throw error;
        if (ctx.signal.aborted) break;
        if (!(error instanceof VStreamError)) throw error;
        if (error.missingShard !== undefined) throw shardsGone(source, error.missingShard, resumable, error);
        if (error.positionLost && lostPosition.refused()) throw positionLost(source, resumable, error);
        log.warn(
          { err: error.message, retryInMs: backoffMs, vgtid: formatVgtid(resumable) },
          'VStream interrupted; reconnecting from the last complete transaction',
        );
      }
      // Reconnecting: not ready until the next session delivers.
      health.setReady(readerStreamingComponent(source.name), false);
      await sleep(backoffMs, ctx.signal);
      backoffMs = Math.min(backoffMs * 2, source.reconnect.maxMs);
    }
  } finally {
    clearInterval(watermarkTimer);
    clearInterval(progressTimer);
    clearInterval(shardTimer);
    await shardActivity.report(progress).catch(() => undefined);
    transactions?.abandon('VStream session ended mid-transaction');
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

/** "current" is a request, not a position: a watermark must never carry it. */
function hasUnresolvedShard(vgtid: binlogdata.IVGtid): boolean {
  return (vgtid.shardGtids ?? []).some((shard) => shard.gtid === 'current' || !shard.shard);
}

/**
 * The source's schema read through vtgate's MySQL port (TLS settings read once, here), re-read
 * by KeyspaceSchema when a table is unknown or changed.
 */
function keyspaceSchemaOf(source: VitessSourceConfig, log: Logger): KeyspaceSchema {
  let ssl: SslOptions | undefined;
  /** For an IP host the certificate must name (mysql2 alone does not check it). */
  let checkConnection: ((connection: unknown) => Error | undefined) | undefined;
  try {
    ssl = source.mysqlTls !== undefined ? mysqlSslOptions(source.mysqlTls, 'mysql_tls') : undefined;
    const ipHost = source.mysqlTls !== undefined ? ipHostToCheck(source.mysql, source.mysqlTls) : undefined;
    checkConnection = ipHost !== undefined ? ipIdentityCheck(ipHost) : undefined;
  } catch (error) {
    throw new Error(`source ${source.name}: ${describeError(error)}`, { cause: error });
  }
  const read = () =>
    readKeyspaceSchema({
      url: source.mysql,
      displayUrl: redactUrl(source.mysql),
      ...(ssl !== undefined ? { ssl } : {}),
      ...(checkConnection !== undefined ? { checkConnection } : {}),
      keyspace: source.keyspace,
      tableMatches: (table) => tableMatches(source.tables, source.keyspace, table),
    });
  return new KeyspaceSchema(read, log);
}
