import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Client } from 'pg';
import { connectToNats, readPartitionBacklog } from '@cdc/change-stream';
import { streamName, type Position } from '@cdc/change-envelope';
import {
  destinationsOfSource,
  redactUrl,
  type PipelineConfig,
  type PostgresSourceConfig,
  type SourceConfig,
} from '@cdc/config';
import {
  findPrimary,
  formatLsn,
  inspectTimeline,
  parseLsn,
  ReplicationConnection,
  readSlotHealth,
  readStandbySlot,
  SlotInvalidatedError,
  slotWalWarning,
  type SnapshotState,
  type StandbySlot,
} from '@cdc/postgres-source';
import { decodeVgtid, formatVgtid, readRecordedStart, type RecordedStart } from '@cdc/vitess-source';
import { ProgressStore, readDestinationsPosition } from '@cdc/progress';
import { openMembers, readMembers } from '@cdc/applier-group';
import type { NatsConnection } from '@nats-io/nats-core';
import { describeError } from '@cdc/service-runtime';

export interface PartitionStatus {
  destination: string;
  partition: number;
  pendingMessages: number | null;
  unackedMessages: number | null;
  lastAppliedWatermark: number | null;
  lastAppliedPosition: string | null;
  lastAppliedAt: string | null;
  /** Source commit time of the oldest op the destination has not applied (null: nothing waits, or unknown). */
  oldestUnappliedCommitAt: string | null;
  /** Now minus that commit time, in seconds (0 when nothing waits; null when the consumer does not exist yet). */
  oldestUnappliedAgeSeconds: number | null;
  /** The applier instance that holds the partition now (from the group's members bucket). */
  owner: string | null;
}

export interface SourceStatus {
  source: string;
  type: SourceConfig['type'];
  committedSeq: number | null;
  committedPosition: string | null;
  slot: {
    name: string;
    active: boolean;
    confirmedFlush: string | null;
    lagBytes: string | null;
    /** WAL the slot makes the source keep, and the most it may (max_slot_wal_keep_size; null: no limit). */
    retainedBytes?: number | null;
    maxRetainedBytes?: number | null;
    walStatus?: string | null;
    /** Why the server invalidated the slot (the pipeline must take a new snapshot); null while usable. */
    invalidated?: string | null;
    /** The slot nears max_slot_wal_keep_size, or was invalidated: one line saying what to do. */
    problem?: string | null;
  } | null;
  sourceError?: string;
  /**
   * The server's timeline against the one the destinations' positions are on (what the reader
   * checks before it streams); null: not checked (no slot).
   */
  timeline?: {
    /** The server's timeline now; null when it could not be asked (`error`). */
    server: number | null;
    /** The timeline the destinations' positions are on, as the reader recorded it; null: none recorded yet. */
    destinations: number | null;
    /** The server lacks transactions the destinations hold: the line the reader stops with (null: it does not). */
    diverged: string | null;
    error?: string;
  } | null;
  /** With failover_urls: the slot on each server other than the primary, as a promotion of it would find it. */
  standbys?: StandbySlot[];
  partitions: PartitionStatus[];
  /** Per live applier instance of each destination of this source: how many of this source's partitions it holds. */
  appliers: ApplierStatus[];
  /** The source's stream: what it holds against its limits (null: not created yet, or NATS trouble). */
  streamUsage?: {
    name: string;
    messages: number;
    bytes: number;
    maxBytes: number | null;
    oldestAgeSeconds: number;
  } | null;
  /** The reader stops reading its source while its stream is full (nats.max_bytes / nats.max_age_s). */
  readerPaused?: { reason: 'max_bytes' | 'max_age_s'; since: string } | null;
  /** A Vitess reader's shards as it last recorded them (every 2 s while it streams); null: none recorded yet. */
  vitess?: VitessShardStatus | null;
  /**
   * A Vitess source with nothing committed yet: where its reader's first start streams (or
   * streamed) from, recorded by `cdc start-at` or by the reader; null: none recorded.
   */
  startPosition?: RecordedStart | null;
}

export interface VitessShardStatus {
  readonly keyspace: string;
  /** When the reader recorded this; `ageSeconds` old now (a stopped reader stops recording). */
  readonly recordedAt: string;
  readonly ageSeconds: number;
  /** Per shard streamed: the source time of the last event read, and how far behind that was when recorded. */
  readonly shards: ReadonlyArray<{ shard: string; lastEventAt: string | null; behindSeconds: number | null }>;
  /** Reshards the reader has passed (it moved to the new shards), oldest first. */
  readonly reshards: ReadonlyArray<{ from: string; to: string; at: string }>;
}

export interface ApplierStatus {
  destination: string;
  instance: string;
  ownedPartitions: number;
}

/** What the timeline check reads besides the source: the pipeline's records and its streams. */
interface PipelineState {
  readonly progress: ProgressStore;
  readonly jsm: JetStreamManager;
  readonly destinations: readonly string[];
}

/** The replication slot's state at the source; a failure is shown, not thrown. */
async function readSlot(source: PostgresSourceConfig, status: SourceStatus, pipeline: PipelineState): Promise<void> {
  // With failover_urls the slot that matters is the primary's (the reader follows it).
  const failover = source.failoverUrls ?? [];
  const url = failover.length > 0 ? ((await findPrimary([source.url, ...failover])) ?? source.url) : source.url;
  if (failover.length > 0)
    status.standbys = await Promise.all(
      [source.url, ...failover]
        .filter((server) => server !== url)
        .map((server) => readStandbySlot(server, redactUrl(server), source.slot)),
    );
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    const slot = await client.query<{ active: boolean; confirmed: string | null; lag: string | null }>(
      // A standby (a reader reading from it, primary_url) has no current WAL position: its replay position.
      `SELECT active, confirmed_flush_lsn::text AS confirmed,
              (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END
                 - confirmed_flush_lsn)::text AS lag
         FROM pg_replication_slots WHERE slot_name = $1`,
      [source.slot],
    );
    const row = slot.rows[0];
    const health = row ? await readSlotHealth(client, source.slot) : undefined;
    if (row) {
      // A standby read through primary_url and promoted since: its own slot served every position,
      // so the reader takes its new timeline as is (no check to show).
      const [{ recovery }] = (await client.query<{ recovery: boolean }>('SELECT pg_is_in_recovery() AS recovery')).rows;
      const adopted = source.primaryUrl !== undefined && !recovery;
      status.timeline = await readTimeline(source, url, row.confirmed, adopted, pipeline);
    }
    status.slot =
      row && health
        ? {
            name: source.slot,
            active: row.active,
            confirmedFlush: row.confirmed,
            lagBytes: row.lag,
            retainedBytes: health.retainedBytes,
            maxRetainedBytes: health.maxRetainedBytes,
            walStatus: health.walStatus,
            invalidated: health.invalidated,
            problem: health.invalidated
              ? new SlotInvalidatedError(source.name, health).message
              : (slotWalWarning(source.name, health) ?? null),
          }
        : null;
  } catch (error) {
    status.sourceError = `${redactUrl(source.url)}: ${describeError(error)}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The reader's timeline check (inspectTimeline) against the server it would stream from: a
 * promoted standby that lacks what the destinations hold stops the reader; status says so first.
 */
async function readTimeline(
  source: PostgresSourceConfig,
  url: string,
  confirmedFlush: string | null,
  adopted: boolean,
  pipeline: PipelineState,
): Promise<NonNullable<SourceStatus['timeline']>> {
  const state = await pipeline.progress.readSnapshotState<SnapshotState>(source.name).catch(() => undefined);
  const recorded = state?.streamTimeline ?? state?.timeline;
  const connection = new ReplicationConnection(url, `cdc-status-${source.name}`);
  let connected = false;
  try {
    await connection.connect();
    connected = true;
    const { timeline, diverged } = await inspectTimeline({
      source: source.name,
      slot: source.slot,
      server: redactUrl(url),
      connection,
      known: adopted ? undefined : recorded,
      applied: () => readDestinationsPosition(pipeline.progress, pipeline.jsm, source, pipeline.destinations),
      confirmedFlush: confirmedFlush === null ? undefined : parseLsn(confirmedFlush),
    });
    return { server: timeline, destinations: recorded ?? null, diverged: diverged?.message ?? null };
  } catch (error) {
    return { server: null, destinations: recorded ?? null, diverged: null, error: describeError(error) };
  } finally {
    // Not awaited unless connected: ending a client whose socket never opened may never end.
    if (connected) await connection.close();
    else void connection.close();
  }
}

/** A position as its source spells it: an LSN for Postgres, the VGtid per shard for Vitess. */
function formatPosition(source: SourceConfig, position: Position): string {
  if (source.type === 'vitess') {
    if (!position.token?.length) return 'none yet';
    try {
      return formatVgtid(decodeVgtid(position.token));
    } catch {
      return `(undecodable VGtid, ${position.token.length} bytes)`;
    }
  }
  return formatLsn(position.commit);
}

interface Members {
  /** "destination\0source/partition" -> instance id */
  readonly owners: Map<string, string>;
  /** destination -> live instance ids and the partition keys ("source/partition") each holds */
  readonly instances: Map<string, Array<{ id: string; owned: readonly string[] }>>;
}

/** Which applier instances are alive per destination and which partitions each holds. */
async function readOwners(nc: NatsConnection, config: PipelineConfig): Promise<Members> {
  const owners = new Map<string, string>();
  const instances = new Map<string, Array<{ id: string; owned: readonly string[] }>>();
  try {
    const kv = await openMembers(nc);
    for (const destination of config.destinations) {
      const live = await readMembers(kv, destination.name, destination.membership.ttlMs);
      instances.set(
        destination.name,
        live.map((member) => ({ id: member.id, owned: member.owned })),
      );
      for (const member of live) {
        for (const key of member.owned) owners.set(`${destination.name}\u0000${key}`, member.id);
      }
    }
  } catch {
    // no applier has run yet: no bucket
  }
  return { owners, instances };
}

/** Gathers what `cdc status` shows; every part degrades to an error note instead of failing the command. */
export async function collectStatus(config: PipelineConfig): Promise<SourceStatus[]> {
  const nc = await connectToNats({ ...config.nats, name: 'cdc-status' });
  try {
    const jsm = await jetstreamManager(nc);
    const progress = await ProgressStore.open(nc);
    const { owners, instances } = await readOwners(nc, config);
    const result: SourceStatus[] = [];
    for (const source of config.sources) {
      const committed = await progress.readCommitted(source.name);
      const entries = await progress.readProgress(source.name);
      const status: SourceStatus = {
        source: source.name,
        type: source.type,
        committedSeq: committed?.seq ?? null,
        committedPosition: committed ? formatPosition(source, committed.position) : null,
        slot: null,
        partitions: [],
        appliers: [],
      };
      if (source.type === 'postgres')
        await readSlot(source, status, {
          progress,
          jsm,
          destinations: destinationsOfSource(config, source.name).map((destination) => destination.name),
        });
      if (source.type === 'vitess') {
        status.vitess = await readShards(progress, source.name);
        if (!committed) status.startPosition = await readRecordedStart(progress, source.name).catch(() => null);
      }
      await readStream(jsm, progress, source.name, status);
      for (const destination of destinationsOfSource(config, source.name)) {
        for (let partition = 0; partition < source.partitions; partition += 1) {
          const entry = entries.find((e) => e.destination === destination.name && e.partition === partition);
          let pending: number | null = null;
          let unacked: number | null = null;
          let oldestMs: number | null = null;
          let known = false;
          try {
            const backlog = await readPartitionBacklog(jsm, source.name, destination.name, partition);
            if (backlog) {
              known = true;
              pending = backlog.pendingMessages;
              unacked = backlog.unackedMessages;
              oldestMs = backlog.oldestUnappliedCommitMs;
            }
          } catch {
            // NATS trouble mid-way: shown as unknown
          }
          status.partitions.push({
            destination: destination.name,
            partition,
            pendingMessages: pending,
            unackedMessages: unacked,
            lastAppliedWatermark: entry?.seq ?? null,
            lastAppliedPosition: entry ? formatPosition(source, entry.position) : null,
            lastAppliedAt: entry ? new Date(entry.appliedAtMs).toISOString() : null,
            oldestUnappliedCommitAt: oldestMs === null ? null : new Date(oldestMs).toISOString(),
            oldestUnappliedAgeSeconds: !known
              ? null
              : oldestMs === null
                ? 0
                : Math.max(0, (Date.now() - oldestMs) / 1000),
            owner: owners.get(`${destination.name}\u0000${source.name}/${partition}`) ?? null,
          });
        }
      }
      for (const destination of destinationsOfSource(config, source.name)) {
        for (const member of instances.get(destination.name) ?? []) {
          status.appliers.push({
            destination: destination.name,
            instance: member.id,
            ownedPartitions: member.owned.filter((key) => key.startsWith(`${source.name}/`)).length,
          });
        }
      }
      result.push(status);
    }
    return result;
  } finally {
    await nc.close();
  }
}

/** A Vitess reader's record of its shards (null when none yet or unreadable: NATS trouble shows elsewhere). */
async function readShards(progress: ProgressStore, source: string): Promise<VitessShardStatus | null> {
  const state = await progress.readShardState(source).catch(() => undefined);
  if (!state) return null;
  const at = Date.parse(state.at);
  return {
    keyspace: state.keyspace,
    recordedAt: state.at,
    ageSeconds: Math.max(0, (Date.now() - at) / 1000),
    shards: state.shards.map(({ shard, lastEventAt }) => ({
      shard,
      lastEventAt,
      behindSeconds: lastEventAt === null ? null : Math.max(0, (at - Date.parse(lastEventAt)) / 1000),
    })),
    reshards: state.reshards,
  };
}

/** The stream's fill level and whether the reader pauses for it; NATS trouble leaves them unknown. */
async function readStream(
  jsm: JetStreamManager,
  progress: ProgressStore,
  source: string,
  status: SourceStatus,
): Promise<void> {
  try {
    const info = await jsm.streams.info(streamName(source));
    const { state, config } = info;
    status.streamUsage = {
      name: config.name,
      messages: state.messages,
      bytes: state.bytes,
      maxBytes: config.max_bytes && config.max_bytes > 0 ? config.max_bytes : null,
      oldestAgeSeconds:
        state.messages > 0 && state.first_ts ? Math.max(0, (Date.now() - Date.parse(state.first_ts)) / 1000) : 0,
    };
    const reader = await progress.readReaderState(source);
    status.readerPaused = reader?.paused ? { reason: reader.paused, since: reader.since } : null;
  } catch {
    status.streamUsage = null;
  }
}

// main.ts prints what collectStatus returns with renderStatus (status-text.ts).
export { renderStatus } from './status-text';
