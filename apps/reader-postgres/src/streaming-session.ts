import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { ChangePublisher } from '@cdc/change-stream';
import { redactUrl, type PostgresSourceConfig } from '@cdc/config';
import {
  PgChangeDecoder,
  ReplicationConnection,
  SourceCatalog,
  SESSION_OPTIONS,
  filteringHandler,
  formatLsn,
  publicationHoldsRowFilters,
  RowFilters,
  streamAbortCarriesLsn,
  SlotConfirmation,
  verifyTimeline,
  slotMissingError,
  timelineOf,
  TransactionSpill,
  type PgOutputProtocol,
} from '@cdc/postgres-source';
import { readDestinationsPosition, type ProgressStore } from '@cdc/progress';
import { describeError, withRetry, type Logger } from '@cdc/service-runtime';
import { health, metrics, transactionTracer } from '@cdc/telemetry';
import { Client } from 'pg';
import type { BackfillHooks, LiveBackfill } from './live-backfill';
import { SlotWatch } from './slot-watch';
import type { SnapshotState } from './snapshot-state';

export async function streamOnce(
  source: PostgresSourceConfig,
  nc: NatsConnection,
  progress: ProgressStore,
  publisher: ChangePublisher,
  signal: AbortSignal,
  log: Logger,
  live: {
    backfill: LiveBackfill;
    protocol: PgOutputProtocol;
    serverVersion: number;
    /** Row filters the publication cannot hold (before 15) are evaluated here, op by op. */
    rowFilters: RowFilters;
    onStreaming: () => void;
    /** The destinations of this source (their applied positions, for verifyTimeline). */
    destinations: readonly string[];
    updateState: (change: (current: SnapshotState) => SnapshotState) => Promise<void>;
    /**
     * `adoptTimeline`: url is the standby the reader read, promoted since: its own slot served
     * every position the destinations hold, from its own WAL, so its new timeline is taken as is.
     */
    promotion: { adoptTimeline: boolean };
    /** nats.max_age_s: publishing waits while the stream's oldest change is older (undefined: unset). */
    watchAge: (publisher: ChangePublisher, intervalMs: number) => (() => void) | undefined;
    jsm: JetStreamManager;
  },
): Promise<void> {
  // pg clients cannot connect twice, not even after a failed attempt: each attempt makes new ones.
  const { catalogClient, connection } = await withRetry(
    async () => {
      const catalogClient = new Client({
        connectionString: source.url,
        options: SESSION_OPTIONS,
        application_name: `cdc-catalog-${source.name}`,
      });
      const connection = new ReplicationConnection(source.url, `cdc-reader-${source.name}`);
      try {
        await catalogClient.connect();
        await connection.connect();
      } catch (error) {
        // Not awaited: ending a client whose socket never opened may wait for an 'end' that never comes.
        void catalogClient.end().catch(() => undefined);
        void connection.close();
        throw error;
      }
      return { catalogClient, connection };
    },
    { what: `connect to source ${source.name} (${redactUrl(source.url)})`, log, signal, maxAttempts: 3 },
  );
  connection.onError((error) => log.warn({ err: describeError(error) }, 'replication connection error'));
  catalogClient.on('error', (error) => log.warn({ err: describeError(error) }, 'catalog connection error'));
  // An invalidated slot cannot serve this session: stop with one line instead of reconnecting forever.
  const slotWatch = new SlotWatch({
    source: source.name,
    slot: source.slot,
    client: catalogClient,
    serverVersion: live.serverVersion,
    log,
    intervalMs: Math.max(1_000, source.statusIntervalMs * 5),
    onInvalidated: (error) => {
      failure ??= error;
      void connection.close();
    },
  });
  // Large transactions arrive while they run and wait on disk for their commit (streaming).
  let spill: TransactionSpill | undefined;
  try {
    // Gone since it was last streamed (dropped, or url now a promoted standby without it): never a new one.
    const health = await slotWatch.check();
    const state = await progress.readSnapshotState<SnapshotState>(source.name);
    if (health === undefined) {
      throw await slotMissingError({
        source: source.name,
        slot: source.slot,
        server: redactUrl(source.url),
        state,
        timeline: await timelineOf(connection),
        progress,
      });
    }
    // A promoted standby (or a server that followed one) may lack what the destinations applied.
    await verifyTimeline({
      source: source.name,
      slot: source.slot,
      server: redactUrl(source.url),
      connection,
      known: live.promotion.adoptTimeline ? undefined : (state?.streamTimeline ?? state?.timeline),
      applied: () => readDestinationsPosition(progress, live.jsm, source, live.destinations),
      confirmedFlush: health.confirmedFlush ?? undefined,
      record: async (timeline) => {
        await live.updateState((current) => ({ ...current, streamTimeline: timeline }) satisfies SnapshotState);
        live.promotion.adoptTimeline = false;
        log.info({ timeline }, 'streaming on this server timeline');
      },
    });
    if (live.protocol.streaming !== 'off')
      spill = TransactionSpill.open(source.largeTransactions.spillDir, source.name);
  } catch (error) {
    void catalogClient.end().catch(() => undefined);
    await connection.close();
    throw error;
  }

  let received = 0n;
  // What the slot may confirm: committed, streamed, held by the live backfill (its own module).
  const slot = new SlotConfirmation(() => live.backfill.flushLimit());
  let watermarked: bigint = 0n;
  let watermarkBusy = false;
  let failure: unknown;

  const component = `reader ${source.name}`;
  // Undefined when tracing is off: then the op callback below does no tracing work at all.
  const transactions = transactionTracer(source.name, 'postgresql');
  const transactionCount = metrics.readerTransactions.labels(source.name);
  const sendStatus = (replyRequested = false) => {
    try {
      const flush = slot.position();
      connection.sendStatus(received, flush, replyRequested);
      slot.sent(flush);
    } catch (error) {
      failure ??= error;
    }
  };

  const emitWatermark = async () => {
    const position = slot.streamed;
    if (watermarkBusy || !position || position.commit <= watermarked) return;
    watermarkBusy = true;
    try {
      const seq = await progress.nextWatermarkSeq(source.name);
      publisher.addWatermark({ source: source.name, seq, position, timeUs: Date.now() * 1000 });
      watermarked = position.commit;
    } catch (error) {
      // NATS unreachable (the seq lives in its KV): the watermark is tried again at the next
      // interval. Ending the session instead would not bring NATS back, and would read the WAL
      // again from the committed position once it is (a seq skipped by a lost reply is harmless).
      log.warn(
        { err: describeError(error), position: formatLsn(position.commit) },
        'cannot number the next watermark; trying again at the next interval',
      );
    } finally {
      watermarkBusy = false;
    }
  };

  const refreshCommitted = async () => {
    try {
      const committed = await progress.readCommitted(source.name);
      if (committed) slot.commit(committed.position.commit);
      if (slot.changed) sendStatus();
      metrics.lagBytes.set({ source: source.name }, received > slot.committed ? Number(received - slot.committed) : 0);
      if (spill) {
        metrics.streamedTransactions.set({ source: source.name }, spill.stats.transactions);
        metrics.streamedTransactionBytes.set({ source: source.name }, spill.stats.bytes);
      }
      health.beat(`${component}: status loop`, Math.max(60_000, source.statusIntervalMs * 10));
    } catch (error) {
      log.warn({ err: describeError(error) }, 'cannot read the committed position');
    }
  };

  slotWatch.start();
  const watermarkTimer = setInterval(() => void emitWatermark(), source.publish.watermarkIntervalMs);
  const statusTimer = setInterval(() => {
    // The last known position goes out at once: a slow or unreachable NATS (which is also when
    // reading is paused for back-pressure) must not hold back the reply the walsender waits for.
    sendStatus();
    void refreshCommitted();
  }, source.statusIntervalMs);
  const stopAgeWatch = live.watchAge(publisher, Math.max(1_000, source.statusIntervalMs));
  const stop = () => void connection.close();
  signal.addEventListener('abort', stop, { once: true });
  // A stop requested while connecting above has already fired its event: act on it now.
  if (signal.aborted) stop();

  const initial = await progress.readCommitted(source.name);
  if (initial) slot.commit(initial.position.commit);
  const catalog = new SourceCatalog(catalogClient);
  const hooks: BackfillHooks = live.backfill.attach(publisher);
  const inReader = publicationHoldsRowFilters(live.serverVersion) ? RowFilters.NONE : live.rowFilters;
  const decoder = new PgChangeDecoder(
    source.name,
    catalog,
    filteringHandler(
      {
        message: hooks.message,
        op: (op) => {
          hooks.op(op);
          publisher.add(op, transactions?.op(op.table));
          // While this waits, the replication socket is paused (ReplicationConnection); the status
          // timer below keeps answering the walsender, so a long wait does not time the slot out.
          if (publisher.full) return publisher.waitForCapacity();
        },
        commit: (position, _commitTimeUs, xid) => {
          hooks.commit(xid);
          slot.handOver(position);
          transactions?.commit(formatLsn(position.commit));
          transactionCount.inc();
        },
        idle: (walEnd) => slot.idle(walEnd),
        received: (walEnd, replyRequested) => {
          if (walEnd > received) received = walEnd;
          if (replyRequested) sendStatus();
        },
      },
      inReader,
    ),
    { spill, abortInfo: streamAbortCarriesLsn(live.protocol) },
  );

  log.info(
    { slot: source.slot, publication: source.publication, committed: formatLsn(slot.committed) },
    'streaming changes',
  );
  health.setReady(`${component}: source`, true);
  health.beat(`${component}: status loop`, Math.max(60_000, source.statusIntervalMs * 10));
  live.onStreaming();
  try {
    await connection.stream(
      source.slot,
      source.publication,
      0n,
      (event) => {
        if (failure) throw failure;
        return decoder.handle(event);
      },
      live.protocol,
    );
    if (failure) throw failure;
  } finally {
    live.backfill.detach();
    slotWatch.stop();
    clearInterval(watermarkTimer);
    clearInterval(statusTimer);
    stopAgeWatch?.();
    transactions?.abandon('streaming session ended mid-transaction');
    signal.removeEventListener('abort', stop);
    publisher.close();
    await connection.close();
    await spill?.close();
    await catalogClient.end().catch(() => undefined);
    log.info({ published: publisher.stats }, 'streaming session ended');
  }
}
