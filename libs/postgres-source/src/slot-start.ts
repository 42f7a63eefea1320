import type { ProgressStore } from '@cdc/progress';
import { describeError, sleep, type Logger } from '@cdc/service-runtime';
import { Client } from 'pg';
import { formatLsn, parseLsn } from './lsn';
import type { ReplicationConnection } from './replication-connection';
import { SlotMissingError } from './slot-health';

/**
 * A Postgres reader's record of its slot and initial snapshot (KV `snapshot.<source>`); the
 * reader keeps more in the same record (its live backfill, the partitions it knows).
 */
export interface SnapshotState {
  readonly slot: string;
  /** `resnapshot`: cdc resnapshot asked for a new initial snapshot (the slot is dropped or missing). */
  readonly status: 'in-progress' | 'done' | 'resnapshot';
  readonly consistentPoint?: string;
  /** The server's timeline when the slot was created: a higher one later means a promotion since. */
  readonly timeline?: number;
  /**
   * The server's timeline the reader last started streaming on (`timeline` until then): the
   * destinations' positions are on it. A server on another one is checked first (verifyTimeline).
   */
  readonly streamTimeline?: number;
}

/** What the reader does with its slot at start. */
export type SlotStart =
  /** The slot it streamed from: stream on. */
  | { readonly action: 'stream' }
  /** A slot it has no record of (made by hand, or the KV was reset): trusted, streamed from. */
  | { readonly action: 'adopt' }
  /** A slot whose snapshot did not finish, or was asked for again: dropped, then a new snapshot. */
  | { readonly action: 'retake' }
  /** No slot, and nothing streamed from it that a new one would skip: a new slot and snapshot. */
  | { readonly action: 'snapshot'; readonly reason: 'first start' | 'unfinished' | 'requested' | 'slot renamed' }
  /** No slot, though the source streamed from it: a new slot would skip changes. */
  | { readonly action: 'stop' };

/**
 * The one rule for a missing slot: a slot this source streamed from (its snapshot done) never
 * silently becomes a new slot, which would start at the server's current position and skip
 * whatever the old one still held: after a promotion to a standby it was not synced to, after a
 * drop by hand. Only cdc resnapshot (status `resnapshot`) turns that into a new snapshot.
 */
export function slotStart(state: SnapshotState | undefined, slotExists: boolean, slot: string): SlotStart {
  if (slotExists) {
    if (state === undefined) return { action: 'adopt' };
    return state.status === 'done' && state.slot === slot ? { action: 'stream' } : { action: 'retake' };
  }
  if (state === undefined) return { action: 'snapshot', reason: 'first start' };
  if (state.status === 'in-progress') return { action: 'snapshot', reason: 'unfinished' };
  if (state.status === 'resnapshot') return { action: 'snapshot', reason: 'requested' };
  // The config names another slot than the one streamed from: a deliberate start over.
  if (state.slot !== slot) return { action: 'snapshot', reason: 'slot renamed' };
  return { action: 'stop' };
}

/** Records cdc resnapshot's request: the reader's next start takes a new initial snapshot. */
export async function requestResnapshot(progress: ProgressStore, source: string, slot: string): Promise<void> {
  await progress.writeSnapshotState(source, { slot, status: 'resnapshot' } satisfies SnapshotState);
}

/**
 * The one line for a slot that is missing (SlotMissingError), with what is known: the server's
 * timeline now (IDENTIFY_SYSTEM on a replication connection; undefined when it could not be
 * asked) against the slot's (a promotion since), and the committed position.
 */
export async function slotMissingError(missing: {
  readonly source: string;
  readonly slot: string;
  readonly server: string;
  readonly state: SnapshotState | undefined;
  readonly timeline: number | undefined;
  readonly progress: ProgressStore;
}): Promise<SlotMissingError> {
  const committed = await missing.progress.readCommitted(missing.source).catch(() => undefined);
  return new SlotMissingError({
    source: missing.source,
    slot: missing.slot,
    server: missing.server,
    ...(committed ? { committed: formatLsn(committed.position.commit) } : {}),
    ...(missing.timeline !== undefined ? { timeline: missing.timeline } : {}),
    ...(missing.state?.timeline !== undefined ? { slotTimeline: missing.state.timeline } : {}),
  });
}

/** The server's timeline now, or undefined when it cannot be asked. */
export async function timelineOf(connection: ReplicationConnection): Promise<number | undefined> {
  return connection.identifySystem().then(
    (system) => system.timeline,
    () => undefined,
  );
}

/**
 * Waits until the server's WAL is past `committed` (what the destinations applied) before a new
 * slot is created there. A new snapshot's rows sit just before the slot's consistent point, and
 * the appliers skip whatever is not newer than their checkpoint: on a promoted standby that had
 * not received the old primary's last transactions, the WAL restarts below positions the
 * destinations already hold, and a snapshot taken there would be skipped. Writes on the source
 * move it; meanwhile the reader moves it itself each second (a logical message and a WAL switch
 * on the primary, which jumps to the next 16 MB segment; refusals are logged once).
 */
export async function waitForWalPast(options: {
  /** The server the slot is created on (its replay position when it is a standby). */
  readonly url: string;
  /** Its primary (the same server unless reading from a standby): where WAL is written. */
  readonly writeUrl: string;
  readonly committed: bigint;
  readonly log: Logger;
  readonly signal: AbortSignal;
}): Promise<void> {
  const { log, signal } = options;
  const server = new Client({ connectionString: options.url });
  const primary = options.writeUrl === options.url ? server : new Client({ connectionString: options.writeUrl });
  await server.connect();
  try {
    if (primary !== server) await primary.connect();
    let said = false;
    let refused = false;
    while (!signal.aborted) {
      const { rows } = await server.query<{ lsn: string }>(
        `SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END)::text AS lsn`,
      );
      const now = parseLsn(rows[0].lsn);
      if (now > options.committed + 1n) return;
      if (!said) {
        said = true;
        log.warn(
          { wal: rows[0].lsn, committed: formatLsn(options.committed) },
          `the server's WAL (${rows[0].lsn}) is behind what the destinations applied (${formatLsn(options.committed)}, ` +
            'from before a failover): waiting for it to pass before the new slot is created, so the new snapshot ' +
            'sorts after what the destinations hold',
        );
      }
      try {
        await primary.query(`SELECT pg_logical_emit_message(false, 'cdc.wal', '')`);
        await primary.query('SELECT pg_switch_wal()');
      } catch (error) {
        if (!refused)
          log.warn(
            { err: describeError(error) },
            'cannot move the WAL on (pg_logical_emit_message, pg_switch_wal): waiting for writes on the source',
          );
        refused = true;
      }
      await sleep(1_000, signal);
    }
    throw new Error('stopped while waiting for the WAL to pass the committed position');
  } finally {
    if (primary !== server) await primary.end().catch(() => undefined);
    await server.end().catch(() => undefined);
  }
}
