import { connectService, setUpReaderStream } from '@cdc/change-stream';
import {
  destinationsOfSource,
  findSource,
  keyPartitionedTables,
  redactUrl,
  tableMatches,
  type PipelineConfig,
  type PostgresSourceConfig,
} from '@cdc/config';
import {
  ReplicationConnection,
  ensurePublication,
  changeRowFilters,
  pgoutputProtocol,
  preflightSource,
  publicationHoldsRowFilters,
  SlotInvalidatedError,
  SlotMissingError,
  TimelineDivergedError,
  slotMissingError,
  slotStart,
  timelineOf,
  checkStandbySource,
  isInRecovery,
  waitForStandbyReplay,
} from '@cdc/postgres-source';
import { ProgressStore } from '@cdc/progress';
import { describeError, sleep, type Logger } from '@cdc/service-runtime';
import { health, metrics } from '@cdc/telemetry';
import { answerRepairs } from '@cdc/verify';
import { LiveBackfill } from './live-backfill';
import { checkDestinationRules } from './destination-rules';
import { listenForReloads } from './reload';
import { PartitionWatch } from './partition-watch';
import { choosePrimary, prepareFailover, primaryMoved, PrimaryMovedError, StandbyPromotedError } from './failover';
import { snapshotIfNeeded } from './initial-snapshot';
import type { SnapshotState } from './snapshot-state';
import { streamOnce } from './streaming-session';
import { StreamFailureStreak } from './stream-failures';
import { checkRowFilters, TableSet } from './table-set';
import { writeUrl } from './write-url';

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
  const nc = await connectService(options.config.nats, `cdc-reader-${source.name}`, component, log, options.signal);
  // Stopped while waiting for NATS: a clean stop.
  if (!nc) return;
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
