import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { type ChangePublisher, connectService, setUpReaderStream, readPublishedPosition } from '@cdc/change-stream';
import {
  destinationsOfSource,
  findSource,
  keyPartitionedTables,
  redactUrl,
  ruleForTable,
  tableMatches,
  type PipelineConfig,
  type PostgresSourceConfig,
} from '@cdc/config';
import {
  PgChangeDecoder,
  ReplicationConnection,
  SourceCatalog,
  SESSION_OPTIONS,
  changeRowFilters,
  dropSlot,
  ensurePublication,
  filteringHandler,
  formatLsn,
  listCandidateTables,
  pgoutputProtocol,
  preflightSource,
  reconcilePublication,
  RowFilters,
  publicationHoldsRowFilters,
  streamAbortCarriesLsn,
  SlotConfirmation,
  SlotInvalidatedError,
  SlotMissingError,
  TimelineDivergedError,
  verifyTimeline,
  FAILOVER_SLOTS_MIN_VERSION,
  slotMissingError,
  slotStart,
  timelineOf,
  waitForWalPast,
  type SlotStart,
  type SnapshotState as SlotRecord,
  checkStandbySource,
  isInRecovery,
  createSlotOnStandby,
  waitForStandbyReplay,
  takeSnapshot,
  TransactionSpill,
  type PgOutputProtocol,
  type PreflightResult,
  type SourceTable,
} from '@cdc/postgres-source';
import { ProgressStore } from '@cdc/progress';
import { describeError, sleep, withRetry, type Logger } from '@cdc/service-runtime';
import { health, metrics, transactionTracer } from '@cdc/telemetry';
import { answerRepairs } from '@cdc/verify';
import { Client } from 'pg';
import { LiveBackfill, type BackfillHooks, type PendingBackfill } from './live-backfill';
import { checkDestinationRules } from './destination-rules';
import { listenForReloads } from './reload';
import { listLeafPartitions, PartitionWatch, type KnownPartitions } from './partition-watch';
import { choosePrimary, prepareFailover, primaryMoved, PrimaryMovedError, StandbyPromotedError } from './failover';
import { SlotWatch } from './slot-watch';
import { StreamFailureStreak } from './stream-failures';

export interface PostgresReaderOptions {
  readonly config: PipelineConfig;
  readonly source: string;
  readonly signal: AbortSignal;
  readonly log: Logger;
  /**
   * Reads the config file again (SIGHUP, `cdc reload`): the reader takes the source's new
   * `tables` without a restart. Absent: reloads are not offered.
   */
  readonly reloadConfig?: () => PipelineConfig;
  /** Registers a listener for local reload requests (SIGHUP); returns its removal. */
  readonly onReloadSignal?: (listener: () => void) => () => void;
}

/** The reader's record in KV `snapshot.<source>`: the slot's (postgres-source) and its own. */
interface SnapshotState extends SlotRecord {
  /** Tables added while streaming whose existing rows are still being read (live backfill). */
  readonly backfills?: PendingBackfill[];
  /** The leaf partitions of the streamed partitioned tables, as last accounted for (PartitionWatch). */
  readonly partitions?: KnownPartitions;
}

/** Live backfill needs logical decoding messages in pgoutput. */
const MESSAGES_MIN_VERSION = 140000;

/**
 * The Postgres reader: preflight, publication and slot, the initial snapshot on first start,
 * then streaming. Its only durable state is the slot (what the source still has for us) and
 * the committed position in KV (what every destination has); everything in between can be
 * lost in a crash and is read again.
 */
export async function runPostgresReader(options: PostgresReaderOptions): Promise<void> {
  // After a failover (failover_urls) everything starts over on the new primary: its slot, its
  // publication, the live backfill's markers.
  for (;;) {
    try {
      return await readSource(options);
    } catch (error) {
      if (!(error instanceof PrimaryMovedError || error instanceof StandbyPromotedError) || options.signal.aborted)
        throw error;
      options.log.warn({ source: error.source }, error.message);
    }
  }
}

async function readSource(options: PostgresReaderOptions): Promise<void> {
  const configured = findSource(options.config, options.source);
  if (configured.type !== 'postgres')
    throw new Error(`source ${configured.name} is of type ${configured.type}, not postgres`);
  const log = options.log.child({ source: configured.name });
  let source: PostgresSourceConfig = await choosePrimary(configured, log);
  if (source.primaryUrl !== undefined && (source.failoverUrls ?? []).length > 0)
    throw new Error(
      `source ${source.name}: primary_url (reading from a standby) and failover_urls (following the primary) cannot be combined`,
    );
  // Reading from a standby (16+): what it cannot do (the publication, the backfill's markers) is done on primary_url.
  const checked = await checkStandbySource({
    source: source.name,
    url: source.url,
    displayUrl: redactUrl(source.url),
    primaryUrl: source.primaryUrl,
    displayPrimaryUrl: source.primaryUrl === undefined ? undefined : redactUrl(source.primaryUrl),
    slot: source.slot,
  });
  // The standby read was promoted: it is the primary now, and everything is done there.
  const promotion = { adoptTimeline: checked?.promoted === true };
  if (checked?.promoted) {
    log.warn(
      `source ${source.name}: url (${redactUrl(source.url)}) is a primary now, holding this source's slot: the ` +
        `standby was promoted. Reading from it as the primary; primary_url (${redactUrl(source.primaryUrl!)}) is ` +
        'not used any more: remove it from the config',
    );
    const { primaryUrl: _unused, ...asPrimary } = source;
    source = asPrimary;
  }
  const standby = checked?.promoted ? undefined : checked;
  if (standby?.withoutPhysicalSlot)
    log.warn(
      `source ${source.name}: the standby streams without a physical slot (primary_slot_name): while it is ` +
        'disconnected the primary may remove catalog rows the logical slot needs, which invalidates it',
    );
  const destinations = destinationsOfSource(options.config, source.name).map((destination) => destination.name);

  const preflight = await preflightSource({
    source: source.name,
    url: source.url,
    displayUrl: redactUrl(source.url),
    publication: source.publication,
    slot: source.slot,
    tableMatches: (schema, table) => tableMatches(source.tables, schema, table),
    tablePatterns: source.tables,
  });
  log.info(
    { tables: preflight.tables.map((t) => `${t.schema}.${t.table}`), slotExists: preflight.slot.exists },
    'source preflight passed',
  );
  const rowFilters = await checkRowFilters(source, preflight.tables, preflight.serverVersion, log);
  await checkDestinationRules(source, preflight.tables, destinationsOfSource(options.config, source.name), log);

  const component = `reader ${source.name}`;
  const nc = await connectService(options.config.nats, `cdc-reader-${source.name}`, component, log);
  // Ready once streaming (after the initial snapshot, if one is needed).
  health.setReady(`${component}: source`, false);
  try {
    const keyPartitioned = keyPartitionedTables(source);
    const { jsm, progress, limits, newPublisher, watchAge } = await setUpReaderStream(nc, {
      source: source.name,
      partitions: source.partitions,
      destinations,
      nats: options.config.nats,
      publish: source.publish,
      // Enough for a full next message in 8 busy partitions while their previous ones await acks;
      // a larger bound only held more decoded ops (~0.8 kB each on the heap) and did not drain
      // faster (docs/benchmarks.md, "Memory"). It differs from the Vitess reader's on purpose:
      // this one was measured and lowered from 2 x max_ops x partitions in 45cc2b8.
      maxBufferedOps: Math.max(10_000, source.publish.maxOps * 8),
      keyPartitioned,
      openProgress: (replication) => ProgressStore.open(nc, { replication, log, signal: options.signal }),
      log,
      signal: options.signal,
    });
    const stateAtStart = await progress.readSnapshotState<SnapshotState>(source.name);
    const start = slotStart(stateAtStart, preflight.slot.exists, source.slot);
    // Nothing is created or changed on a server that lost the slot (a promoted standby it was not synced to).
    if (start.action === 'stop') throw await missingSlot(source, stateAtStart, progress);
    const alreadyStreaming = start.action === 'stream' || start.action === 'adopt';
    // Before a new snapshot every table joins the publication now; once streaming, tables that
    // joined the config since are added by the reconcile below, with a live backfill.
    // A streaming reader changes row filters below, with a live backfill of the tables changed.
    await ensurePublication(writeUrl(source), source.publication, preflight, {
      addTables: !alreadyStreaming,
      rowFilters,
      syncRowFilters: !alreadyStreaming,
    });
    // The standby must have the publication in its catalog before its slot decodes anything.
    if (standby) await waitForStandbyReplay(source.url, standby.primaryUrl, { signal: options.signal });
    await prepareFailover(source, preflight.serverVersion, preflight.slot.exists, log);
    if (destinations.length === 0)
      log.warn('no destination consumes this source: changes are published but nothing applies them');

    try {
      await snapshotIfNeeded(source, preflight, start, progress, newPublisher, options.signal, log, {
        chunkBytes: limits.maxBytes,
        keyPartitioned,
        rowFilters,
      });
    } catch (error) {
      // A shutdown during the snapshot is a clean stop: the next start takes the snapshot again.
      if (options.signal.aborted) {
        log.info('stopped during the initial snapshot; it starts over on the next run');
        return;
      }
      throw error;
    }

    const state = await progress.readSnapshotState<SnapshotState>(source.name);
    // The backfill and the partition watch write parts of one KV record: one write at a time.
    let stateWrites = Promise.resolve();
    const updateState = (change: (current: SnapshotState) => SnapshotState): Promise<void> => {
      const write = stateWrites.then(async () => {
        const current = (await progress.readSnapshotState<SnapshotState>(source.name)) ?? {
          slot: source.slot,
          status: 'done' as const,
        };
        await progress.writeSnapshotState(source.name, change(current));
      });
      stateWrites = write.catch(() => undefined);
      return write;
    };
    // The live backfill runs until streaming ends for good: a shutdown, or a slot that cannot serve.
    const streamingEnded = new AbortController();
    const endStreaming = () => streamingEnded.abort();
    options.signal.addEventListener('abort', endStreaming, { once: true });
    const backfill = new LiveBackfill({
      source: source.name,
      url: writeUrl(source),
      publication: source.publication,
      chunkRows: Math.min(source.snapshot.chunkRows, 50_000),
      initial: state?.backfills ?? [],
      persist: (pending) => {
        const backfills = pending.map(({ schema, table, lastKey, partition }) => ({
          schema,
          table,
          ...(lastKey ? { lastKey } : {}),
          ...(partition ? { partition } : {}),
        }));
        return updateState((current) => ({ ...current, backfills }) satisfies SnapshotState);
      },
      signal: streamingEnded.signal,
      log,
      rowFilterOf: (schema, table) => rowFilters.of(schema, table)?.sql,
    });
    const partitions = new PartitionWatch({
      source: source.name,
      known: state?.partitions,
      backfill: (attached) => backfill.enqueuePartitions(attached),
      persist: (known) => updateState((current) => ({ ...current, partitions: known }) satisfies SnapshotState),
      log,
    });
    const tables = new TableSet(source, preflight.serverVersion, backfill, partitions, log, rowFilters);
    if (alreadyStreaming && publicationHoldsRowFilters(preflight.serverVersion)) {
      // A changed filter: the destination table is emptied and read again through the new one
      // (the live backfill's truncate first), so rows it no longer matches leave and rows it now
      // matches arrive. Recorded before the publication changes (see changeRowFilters).
      const changed = await changeRowFilters(
        writeUrl(source),
        source.publication,
        preflight.tables,
        rowFilters,
        (tables) => backfill.enqueue(tables),
      );
      if (changed.length > 0) {
        backfill.activate(changed);
        log.info(
          { tables: changed.map((t) => `${t.schema}.${t.table}`) },
          'row filters changed: those destination tables are emptied and backfilled through the new filter',
        );
      }
    }
    const backfillRun = backfill.run();
    const stopReloads = listenForReloads({
      nc,
      source: source.name,
      log,
      signal: options.signal,
      onReloadSignal: options.onReloadSignal,
      reload: options.reloadConfig
        ? async () => {
            const fresh = findSource(options.reloadConfig!(), source.name);
            if (fresh.type !== 'postgres') throw new Error(`source ${source.name} is no longer of type postgres`);
            return tables.reload(fresh);
          }
        : undefined,
    });
    const stopRepairs = answerRepairs(
      nc,
      source.name,
      (request) => backfill.repair(request.schema, request.table, request.keys),
      log,
    );
    const discovery =
      source.tableDiscoveryIntervalS > 0
        ? setInterval(
            () => void tables.reconcile('discovery').catch(() => undefined),
            source.tableDiscoveryIntervalS * 1000,
          )
        : undefined;

    // Reconnecting forever hides a fault every session meets: /healthz fails once it lasts.
    const streak = new StreamFailureStreak(
      `${component}: stream`,
      Math.max(10_000, source.statusIntervalMs * 10),
      health,
    );
    // Reading from a standby: once it is promoted, readSource starts over on it as the primary
    // (primary_url, where the publication and the backfill's markers were written, is not it any more).
    let promoted = false;
    const restart = new AbortController();
    const promotionWatch = standby
      ? setInterval(
          () =>
            void isInRecovery(source.url).then(
              (inRecovery) => {
                if (inRecovery || promoted) return;
                promoted = true;
                restart.abort();
              },
              () => undefined,
            ),
          Math.max(1_000, source.statusIntervalMs * 5),
        )
      : undefined;
    try {
      while (!options.signal.aborted) {
        try {
          streak.started();
          await streamOnce(
            source,
            nc,
            progress,
            newPublisher(),
            AbortSignal.any([options.signal, restart.signal]),
            log,
            {
              watchAge,
              jsm,
              backfill,
              protocol: pgoutputProtocol(preflight.serverVersion, {
                streamInProgress: source.largeTransactions.stream,
              }),
              serverVersion: preflight.serverVersion,
              rowFilters,
              onStreaming: () => void tables.reconcile('start').catch(() => undefined),
              destinations,
              updateState,
              promotion,
            },
          );
          if (promoted) throw new StandbyPromotedError(source.name, source.url);
        } catch (error) {
          health.setReady(`${component}: source`, false);
          if (options.signal.aborted) break;
          if (promoted) throw new StandbyPromotedError(source.name, source.url);
          // Reconnecting cannot help: the slot is gone for good (one line says what to do).
          if (
            error instanceof SlotInvalidatedError ||
            error instanceof SlotMissingError ||
            error instanceof TimelineDivergedError
          )
            throw error;
          // Nor can it when the primary moved: readSource starts over on the new one.
          const primary = await primaryMoved(source, source.url);
          if (primary !== undefined) throw new PrimaryMovedError(source.name, primary);
          metrics.errors.inc({ service: 'reader', stage: 'stream' });
          const failingForMs = streak.failed(describeError(error));
          log.error(
            { err: describeError(error), failingForS: Math.round(failingForMs / 1000) },
            'streaming stopped; reconnecting from the committed position',
          );
          await sleep(1_000, options.signal);
        }
      }
    } finally {
      streak.stop();
      if (promotionWatch) clearInterval(promotionWatch);
      if (discovery) clearInterval(discovery);
      await stopReloads();
      await stopRepairs();
      endStreaming();
      options.signal.removeEventListener('abort', endStreaming);
      await backfillRun;
    }
  } finally {
    health.forget(`${component}:`);
    await nc.drain().catch(() => undefined);
  }
}

async function snapshotIfNeeded(
  source: PostgresSourceConfig,
  preflight: PreflightResult,
  start: SlotStart,
  progress: ProgressStore,
  newPublisher: () => ChangePublisher,
  signal: AbortSignal,
  log: Logger,
  bulk: {
    readonly chunkBytes: number;
    readonly keyPartitioned: ((schema: string, table: string) => boolean) | undefined;
    readonly rowFilters: RowFilters;
  },
): Promise<void> {
  switch (start.action) {
    case 'stream':
      return;
    case 'adopt':
      log.warn(
        { slot: source.slot },
        'slot exists without snapshot state: streaming from it without an initial snapshot',
      );
      await progress.writeSnapshotState(source.name, { slot: source.slot, status: 'done' } satisfies SnapshotState);
      return;
    case 'retake':
      log.warn(
        { slot: source.slot },
        'previous initial snapshot did not finish (or a new one was asked for): dropping the slot and starting the snapshot again',
      );
      await dropSlot(source.url, source.slot);
      break;
    case 'snapshot':
      if (start.reason === 'requested')
        log.info({ slot: source.slot }, 'a new initial snapshot was asked for (cdc resnapshot): taking it');
      else if (start.reason === 'slot renamed')
        log.warn({ slot: source.slot }, 'the config names a new replication slot: taking a new initial snapshot');
      break;
    case 'stop':
      // readSource stops before this (missingSlot).
      throw new Error(`source ${source.name}: replication slot "${source.slot}" is missing`);
  }
  // After a failover the new slot must start past what the destinations applied (see waitForWalPast).
  const committed = await progress.readCommitted(source.name);
  if (committed)
    await waitForWalPast({
      url: source.url,
      writeUrl: writeUrl(source),
      committed: committed.position.commit,
      log,
      signal,
    });
  // Listed before the slot: a partition attached during the snapshot is then read twice (by the
  // snapshot and by PartitionWatch), never missed.
  const partitions = await partitionsAtSnapshot(source.url, preflight.tables);

  const connection = new ReplicationConnection(source.url, `cdc-reader-${source.name}`);
  await connection.connect();
  try {
    // Recorded with the slot: a higher timeline where the slot is later missing means a promotion since.
    const { timeline } = await connection.identifySystem();
    await progress.writeSnapshotState(source.name, {
      slot: source.slot,
      status: 'in-progress',
      timeline,
    } satisfies SnapshotState);
    // A failover slot (17+) is synced to standbys and usable on the one promoted. On a standby
    // (no failover slots there) the creation waits for the primary's running transactions.
    const created =
      source.primaryUrl !== undefined
        ? await createSlotOnStandby(connection, source.slot, source.primaryUrl, log)
        : await connection.createSlot(source.slot, {
            failover: preflight.serverVersion >= FAILOVER_SLOTS_MIN_VERSION,
          });
    log.info({ slot: created.slot, consistentPoint: formatLsn(created.consistentPoint) }, 'replication slot created');
    const publisher = newPublisher();
    try {
      if (source.snapshot.enabled) {
        await takeSnapshot({
          source: source.name,
          url: source.url,
          snapshotName: created.snapshotName,
          tables: preflight.tables,
          // Snapshot rows sort before every streamed change: those commit at or after the consistent point.
          commit: created.consistentPoint - 1n,
          parallelism: source.snapshot.parallelism,
          chunkRows: source.snapshot.chunkRows,
          // One 'rows' op per message, with room left for the table's schema.
          chunkBytes: Math.floor(bulk.chunkBytes * 0.9),
          ...(bulk.keyPartitioned ? { perRow: (table) => bulk.keyPartitioned!(table.schema, table.table) } : {}),
          rowFilter: (table) => bulk.rowFilters.of(table.schema, table.table)?.sql,
          log,
          signal,
          emit: (op) => {
            publisher.add(op);
            if (publisher.full) return publisher.waitForCapacity();
          },
        });
      }
      await publisher.flush();
      const seq = await progress.nextWatermarkSeq(source.name);
      publisher.addWatermark({
        source: source.name,
        seq,
        position: { commit: created.consistentPoint, index: 0 },
        timeUs: Date.now() * 1000,
      });
      await publisher.flush();
    } finally {
      publisher.close();
    }
    await progress.writeSnapshotState(source.name, {
      slot: source.slot,
      status: 'done',
      timeline,
      consistentPoint: formatLsn(created.consistentPoint),
      partitions,
    } satisfies SnapshotState);
    log.info('initial snapshot published');
  } finally {
    await connection.close();
  }
}

async function streamOnce(
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
      applied: () => destinationsPosition(progress, live.jsm, source, live.destinations),
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
      failure ??= error;
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

/**
 * The tables the reader streams: the config's patterns, kept equal to the publication. New
 * matches (a table created at the source, or patterns changed by a reload) join the
 * publication with a live backfill; tables no longer matched leave it.
 */
class TableSet {
  private patterns: readonly string[];
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly source: PostgresSourceConfig,
    private readonly serverVersion: number,
    private readonly backfill: LiveBackfill,
    private readonly partitions: PartitionWatch,
    private readonly log: Logger,
    /** The source's row filters; those of tables added while streaming are merged in. */
    private readonly rowFilters: RowFilters,
  ) {
    this.patterns = source.tables;
  }

  /** Takes a reloaded config's tables; other changed keys are reported as needing a restart. */
  async reload(fresh: PostgresSourceConfig): Promise<string> {
    const ignored = (Object.keys(fresh) as Array<keyof PostgresSourceConfig>).filter(
      (key) => key !== 'tables' && JSON.stringify(fresh[key]) !== JSON.stringify(this.source[key]),
    );
    if (ignored.length > 0)
      this.log.warn(
        { keys: ignored },
        `config reload: ${ignored.join(', ')} changed; those take effect after a restart`,
      );
    this.patterns = fresh.tables;
    await this.reconcile('reload');
    return `tables ${JSON.stringify(fresh.tables)}; backfilling: ${JSON.stringify(this.backfill.pendingTables)}`;
  }

  /** One reconcile at a time; a request during one runs once more after it. */
  async reconcile(reason: string): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.reconcileOnce(reason);
        } catch (error) {
          metrics.errors.inc({ service: 'reader', stage: 'tables' });
          this.log.error({ err: describeError(error), reason }, "cannot update the publication's tables");
          throw error;
        }
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async reconcileOnce(reason: string): Promise<void> {
    const live = this.serverVersion >= MESSAGES_MIN_VERSION;
    const changes = await reconcilePublication({
      source: this.source.name,
      url: writeUrl(this.source),
      publication: this.source.publication,
      tableMatches: (schema, table) => tableMatches(this.patterns, schema, table),
      beforeAdd: async (tables) => {
        if (!live)
          throw new Error(
            `tables ${tables.map((t) => `${t.schema}.${t.table}`).join(', ')} match the config but PostgreSQL ` +
              `${this.serverVersion} cannot backfill them live (needs 14 or later); restart the reader with a new slot to snapshot them`,
          );
        await this.backfill.enqueue(tables);
      },
      rowFiltersOf: async (tables) => {
        // The stream (before 15) and the live backfill read filters from the one set.
        const added = await checkRowFilters(this.source, tables, this.serverVersion, this.log);
        this.rowFilters.merge(added);
        return publicationHoldsRowFilters(this.serverVersion) ? added : RowFilters.NONE;
      },
    });
    this.backfill.activate(changes.added);
    for (const { table, reason: why } of changes.unusable)
      this.log.error({ table }, `table ${table} matches the config but is left out: ${why}`);
    if (changes.added.length > 0)
      this.log.info(
        { tables: changes.added.map((t) => `${t.schema}.${t.table}`), reason },
        'tables added to the publication; backfilling them while streaming',
      );
    if (changes.removed.length > 0) {
      await this.backfill.forget(changes.removed);
      this.log.info(
        { tables: changes.removed.map((t) => `${t.schema}.${t.table}`), reason },
        'tables removed from the publication (the destination keeps their rows)',
      );
    }
    await this.checkPartitions(live);
  }

  /** Partitions attached with rows are backfilled; ATTACH and DETACH write no row changes. */
  private async checkPartitions(live: boolean): Promise<void> {
    const client = new Client({
      connectionString: writeUrl(this.source),
      options: SESSION_OPTIONS,
      application_name: `cdc-partitions-${this.source.name}`,
    });
    await client.connect();
    try {
      const roots = (await listCandidateTables(client)).filter(
        (t) => t.partitioned && tableMatches(this.patterns, t.schema, t.table),
      );
      await this.partitions.check(client, roots, live);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** The leaf partitions of the snapshot's partitioned tables, recorded with the snapshot. */
async function partitionsAtSnapshot(url: string, tables: PreflightResult['tables']): Promise<KnownPartitions> {
  const roots = tables.filter((table) => table.partitioned);
  if (roots.length === 0) return {};
  const client = new Client({ connectionString: url, options: SESSION_OPTIONS });
  await client.connect();
  try {
    const leaves = await listLeafPartitions(client, roots);
    return Object.fromEntries([...leaves].map(([oid, partitions]) => [String(oid), partitions]));
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The source's row filters (`filters`), checked against its tables (columns, types, replica
 * identity): pushed into the publication and the snapshot on 15+, evaluated here before.
 */
async function checkRowFilters(
  source: PostgresSourceConfig,
  tables: readonly SourceTable[],
  serverVersion: number,
  log: Logger,
): Promise<RowFilters> {
  const filters = await RowFilters.check({
    source: source.name,
    url: source.url,
    tables,
    filterOf: (schema, table) => ruleForTable(source.filters, schema, table),
    serverVersion,
  });
  const pushedDown = publicationHoldsRowFilters(serverVersion);
  if (filters.size > 0)
    log.info(
      { pushedDown },
      pushedDown
        ? 'row filters pushed down into the publication and the snapshot'
        : `row filters evaluated in the reader (PostgreSQL ${serverVersion} has no publication row filters)`,
    );
  return filters;
}

/**
 * The highest position the destinations of the source hold or will hold: what they applied
 * (their progress records, the committed position) and what waits for them in the stream (a
 * failover comes while the appliers still apply what the old primary sent). A server the reader
 * moves to must have all of it.
 */
async function destinationsPosition(
  progress: ProgressStore,
  jsm: JetStreamManager,
  source: PostgresSourceConfig,
  destinations: readonly string[],
): Promise<bigint | undefined> {
  let highest = await readPublishedPosition(jsm, source.name, source.partitions);
  const committed = (await progress.readCommitted(source.name))?.position.commit;
  const applied = (await progress.readProgress(source.name))
    .filter((entry) => destinations.includes(entry.destination))
    .map((entry) => entry.position.commit);
  for (const position of [committed, ...applied])
    if (position !== undefined && (highest === undefined || position > highest)) highest = position;
  return highest;
}

/** The slot this source streamed from is not on the server it reads (SlotMissingError's one line). */
async function missingSlot(
  source: PostgresSourceConfig,
  state: SnapshotState | undefined,
  progress: ProgressStore,
): Promise<SlotMissingError> {
  const connection = new ReplicationConnection(source.url, `cdc-reader-${source.name}`);
  let timeline: number | undefined;
  try {
    await connection.connect();
    timeline = await timelineOf(connection);
    await connection.close();
  } catch {
    // Said without the timeline. Not awaited: ending a client whose socket never opened may never end.
    void connection.close();
  }
  return slotMissingError({
    source: source.name,
    slot: source.slot,
    server: redactUrl(source.url),
    state,
    timeline,
    progress,
  });
}

/**
 * Where the publication is changed and the live backfill writes its markers and reads: the
 * source itself, or its primary when the reader reads from a standby (primary_url; the
 * standby check refuses primary_url for a source that is a primary, and drops it for the
 * standby promoted since).
 */
function writeUrl(source: PostgresSourceConfig): string {
  return source.primaryUrl ?? source.url;
}
