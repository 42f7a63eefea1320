/**
 * How close the replication slot is to being invalidated, and whether it was.
 *
 * A slot makes the server keep WAL from its restart_lsn on. With max_slot_wal_keep_size set, a
 * checkpoint invalidates a slot that holds more than that, and everything after its confirmed
 * position is gone for it: the pipeline can only start over with a new snapshot. What
 * pg_replication_slots says about it differs by version:
 *
 * - 13+: wal_status (reserved, extended, unreserved, lost) and safe_wal_size;
 * - 16: conflicting, true for every invalidation of a logical slot (wal_status is 'lost' too), so
 *   the reason is only known on a primary, where recovery conflicts cannot happen;
 * - 17+: invalidation_reason (wal_removed, rows_removed, wal_level_insufficient; 18 adds
 *   idle_timeout), and failover/synced for failover slots.
 */
import type { Client } from 'pg';
import { FAILOVER_SLOTS_MIN_VERSION } from './failover-setup';
import { formatLsn, parseLsn } from './lsn';

export interface SlotHealth {
  readonly slot: string;
  readonly active: boolean;
  readonly activePid: number | null;
  /** 13+: reserved | extended | unreserved | lost. */
  readonly walStatus: string | null;
  /** WAL the slot holds: the server's WAL position (replay position on a standby) minus restart_lsn. */
  readonly retainedBytes: number | null;
  /** max_slot_wal_keep_size in bytes; null when unlimited (-1). */
  readonly maxRetainedBytes: number | null;
  /** Why the server invalidated the slot (wal_removed, rows_removed, ...); null while usable. */
  readonly invalidated: string | null;
  readonly confirmedFlush: bigint | null;
  /** 17+: the slot is synchronized to standbys for failover. */
  readonly failover: boolean;
}

/** At this share of max_slot_wal_keep_size the reader, cdc status and the console warn. */
export const SLOT_WAL_WARN_RATIO = 0.8;

/** The query for one slot's health on a server of this version (columns differ by version). */
export function slotHealthSql(serverVersionNum: number): string {
  const reason =
    serverVersionNum >= 170000
      ? 's.invalidation_reason'
      : serverVersionNum >= 160000
        ? // 16 says conflicting (and wal_status lost) for every kind of invalidation; only a standby has conflicts.
          `CASE WHEN s.wal_status = 'lost' OR s.conflicting THEN
             CASE WHEN pg_is_in_recovery() THEN 'wal_removed, rows_removed or wal_level_insufficient' ELSE 'wal_removed' END END`
        : `CASE WHEN s.wal_status = 'lost' THEN 'wal_removed' END`;
  const failover = serverVersionNum >= FAILOVER_SLOTS_MIN_VERSION ? 's.failover' : 'false';
  return `SELECT s.active, s.active_pid, s.wal_status, s.confirmed_flush_lsn::text AS confirmed,
                 pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END,
                                 s.restart_lsn)::int8::text AS retained,
                 pg_size_bytes(current_setting('max_slot_wal_keep_size'))::text AS max_retained,
                 ${reason} AS invalidated, ${failover} AS failover
            FROM pg_replication_slots s WHERE s.slot_name = $1`;
}

/** The slot's health, or undefined when there is no such slot. */
export async function readSlotHealth(
  client: Client,
  slot: string,
  serverVersionNum?: number,
): Promise<SlotHealth | undefined> {
  const version =
    serverVersionNum ??
    Number((await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0].v);
  const result = await client.query<{
    active: boolean;
    active_pid: number | null;
    wal_status: string | null;
    confirmed: string | null;
    retained: string | null;
    max_retained: string;
    invalidated: string | null;
    failover: boolean;
  }>(slotHealthSql(version), [slot]);
  const row = result.rows[0];
  if (!row) return undefined;
  const max = Number(row.max_retained);
  return {
    slot,
    active: row.active,
    activePid: row.active_pid,
    walStatus: row.wal_status,
    retainedBytes: row.retained === null ? null : Number(row.retained),
    maxRetainedBytes: max < 0 ? null : max,
    invalidated: row.invalidated,
    confirmedFlush: row.confirmed ? parseLsn(row.confirmed) : null,
    failover: row.failover === true,
  };
}

/** retained / max_slot_wal_keep_size, or null when unlimited or unknown. */
export function retainedRatio(health: SlotHealth): number | null {
  if (health.maxRetainedBytes === null || health.retainedBytes === null || health.maxRetainedBytes === 0) return null;
  return health.retainedBytes / health.maxRetainedBytes;
}

/** One line when the slot nears invalidation (SLOT_WAL_WARN_RATIO, or the server says 'unreserved'); else undefined. */
export function slotWalWarning(source: string, health: SlotHealth): string | undefined {
  if (health.invalidated) return undefined;
  const ratio = retainedRatio(health);
  const near = (ratio !== null && ratio >= SLOT_WAL_WARN_RATIO) || health.walStatus === 'unreserved';
  if (!near) return undefined;
  const held =
    ratio === null
      ? `WAL beyond what the server reserves (wal_status unreserved)`
      : `${mib(health.retainedBytes!)} of WAL, ${Math.round(ratio * 100)}% of max_slot_wal_keep_size (${mib(health.maxRetainedBytes!)})`;
  return (
    `source ${source}: replication slot "${health.slot}" holds ${held}; at the limit the server invalidates it ` +
    `and the pipeline must take a new snapshot: let the appliers catch up (cdc status) or raise max_slot_wal_keep_size`
  );
}

/** The slot is gone for good: what happened and what to do, in one line. */
export class SlotInvalidatedError extends Error {
  constructor(source: string, health: SlotHealth) {
    const why =
      health.invalidated === 'wal_removed'
        ? `wal_removed: it held more WAL than max_slot_wal_keep_size${health.maxRetainedBytes === null ? '' : ` (${mib(health.maxRetainedBytes)})`}`
        : health.invalidated;
    super(
      `source ${source}: replication slot "${health.slot}" was invalidated by the server (${why}); the changes after ` +
        `${health.confirmedFlush === null ? 'its confirmed position' : formatLsn(health.confirmedFlush)} cannot be read from it any more, ` +
        `so replication cannot continue. Take a new initial snapshot: cdc resnapshot --config <file> --source ${source} ` +
        `(drops the slot; the reader's next start copies every table again)`,
    );
    this.name = 'SlotInvalidatedError';
  }
}

/** Where the missing slot was looked for, and what is known about how it went missing. */
export interface MissingSlot {
  readonly source: string;
  readonly slot: string;
  /** The server looked at (credentials redacted). */
  readonly server: string;
  /** The last position every destination committed; undefined when unknown. */
  readonly committed?: string;
  /** The server's timeline now, and where the slot was created: a higher one now means a promotion since. */
  readonly timeline?: number;
  readonly slotTimeline?: number;
}

/**
 * The slot this source has streamed from is not on the server it reads now: dropped, or the
 * server is a promoted standby the slot was not synced to (before 17 none is). A new slot there
 * would start at the server's current position and skip whatever happened between, so the
 * reader stops: one line, with the way on.
 */
export class SlotMissingError extends Error {
  constructor(missing: MissingSlot) {
    const promoted =
      missing.timeline !== undefined && missing.slotTimeline !== undefined && missing.timeline > missing.slotTimeline;
    const why = promoted
      ? `a standby promoted since the slot was created (timeline ${missing.slotTimeline} -> ${missing.timeline}) that did ` +
        'not have the slot synced (failover slots need PostgreSQL 17+ on both, sync_replication_slots = on on the ' +
        'standby, and the slot synced and persistent there before the promotion)'
      : 'the slot was dropped, or the server is a promoted standby it was not synced to';
    super(
      `source ${missing.source}: replication slot "${missing.slot}" does not exist on ${missing.server} although this ` +
        `source has streamed from it (${why}); the changes after ${missing.committed ?? 'the committed position'} cannot be ` +
        'read, and a new slot would skip them, so the reader stops. Take a new initial snapshot: cdc resnapshot ' +
        `--config <file> --source ${missing.source} (the reader's next start copies every table again)`,
    );
    this.name = 'SlotMissingError';
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(bytes < 10 * 1_048_576 ? 1 : 0)} MiB`;
}
