import type { ChangePublisher } from '@cdc/change-stream';
import type { VitessSourceConfig } from '@cdc/config';
import type { ProgressStore } from '@cdc/progress';
import { sleep, type Logger } from '@cdc/service-runtime';
import { health, readerStreamingComponent, transactionTracer } from '@cdc/telemetry';
import {
  VStreamDecoder,
  VStreamError,
  encodeVgtid,
  formatVgtid,
  backfillTruncate,
  encodeStartState,
  type KeyspaceSchema,
  type VStreamClient,
  type VitessRepairs,
  type VitessRowFilters,
  type binlogdata,
} from '@cdc/vitess-source';
import { CopyProgress } from './copy-progress';
import type { FilterBackfillSession } from './filter-record';
import { PositionLostWatch, positionLost } from './position-lost';
import { ReshardStopError, journalSeen, shardsGone, shardsOf } from './reshard';
import { ShardActivity } from './shard-activity';

/** How often the reader records its shards' state (KV `shards.<source>`, the lag gauges). */
const SHARD_REPORT_MS = 2_000;

export interface StreamContext {
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
export async function streamFrom(start: binlogdata.IVGtid, ctx: StreamContext): Promise<void> {
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

/** "current" is a request, not a position: a watermark must never carry it. */
function hasUnresolvedShard(vgtid: binlogdata.IVGtid): boolean {
  return (vgtid.shardGtids ?? []).some((shard) => shard.gtid === 'current' || !shard.shard);
}
