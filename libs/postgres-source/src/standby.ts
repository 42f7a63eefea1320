import { Client } from 'pg';
import { describeError, type Logger } from '@cdc/service-runtime';
import { parseLsn } from './lsn';
import { SourcePreflightError } from './preflight';
import type { CreatedSlot, ReplicationConnection } from './replication-connection';

/** Logical decoding (and slots) on a standby: PostgreSQL 16+. */
export const STANDBY_DECODING_MIN_VERSION = 160000;

export interface StandbyCheckOptions {
  readonly source: string;
  /** The server the reader reads from (`url`). */
  readonly url: string;
  readonly displayUrl: string;
  /** `primary_url`: where what a standby cannot do is done. */
  readonly primaryUrl: string | undefined;
  readonly displayPrimaryUrl: string | undefined;
  /** The source's logical slot: on a `url` that is a primary despite primary_url, it tells a promotion. */
  readonly slot: string;
}

/** What the reader must know about a source that is a standby. */
export interface StandbySource {
  readonly promoted?: false;
  /** The primary: publication changes, the live backfill's markers and reads, the snapshot nudge. */
  readonly primaryUrl: string;
  /** The standby's primary_slot_name is empty: while it is disconnected its feedback is lost. */
  readonly withoutPhysicalSlot: boolean;
}

/**
 * `url` was read as a standby (primary_url set) and is a primary now: it was promoted. Its own
 * logical slot is there (not a copy synced from another server), so everything the reader
 * streamed came from this server's WAL, which the promotion kept: it is read as the primary.
 */
export interface PromotedStandby {
  readonly promoted: true;
}

/**
 * Whether `url` is a standby, and if so whether it can serve a reader: PostgreSQL 16+,
 * `hot_standby_feedback` on (else the primary's vacuum removes catalog rows the slot needs and
 * the slot is invalidated, which costs a new snapshot), and `primary_url` naming its primary
 * (a standby cannot create or alter a publication, nor write the live backfill's markers).
 * Undefined when `url` is a primary. A primary_url given for a primary is refused, unless the
 * primary holds the source's own slot (not synced from elsewhere): a standby promoted since the
 * reader read it (PromotedStandby).
 */
export async function checkStandbySource(
  options: StandbyCheckOptions,
): Promise<StandbySource | PromotedStandby | undefined> {
  const fail = (problem: string) => new SourcePreflightError(options.source, problem);
  const client = new Client({ connectionString: options.url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    throw fail(`cannot connect to ${options.displayUrl}: ${describeError(error)}`);
  }
  try {
    const { rows } = await client.query<{
      standby: boolean;
      version: string;
      feedback: string;
      slot: string;
    }>(
      `SELECT pg_is_in_recovery() AS standby, current_setting('server_version_num') AS version,
              current_setting('hot_standby_feedback') AS feedback, current_setting('primary_slot_name') AS slot`,
    );
    const server = rows[0];
    if (!server.standby) {
      if (options.primaryUrl !== undefined && (await holdsOwnSlot(client, options.slot))) return { promoted: true };
      if (options.primaryUrl !== undefined)
        throw fail(
          `primary_url is set but url (${options.displayUrl}) is not a standby: primary_url is for reading from a standby; remove it`,
        );
      return undefined;
    }
    const version = Number(server.version);
    if (version < STANDBY_DECODING_MIN_VERSION)
      throw fail(
        `url (${options.displayUrl}) is a standby of PostgreSQL ${Math.floor(version / 10000)}; logical decoding on a ` +
          'standby needs 16 or later: point url at the primary',
      );
    if (options.primaryUrl === undefined)
      throw fail(
        `url (${options.displayUrl}) is a standby: set primary_url to its primary (the publication is created ` +
          'and changed there, and a live backfill writes its markers there)',
      );
    if (server.feedback !== 'on')
      throw fail(
        `url (${options.displayUrl}) is a standby with hot_standby_feedback off: the primary would remove catalog ` +
          'rows the replication slot needs and the slot would be invalidated; set hot_standby_feedback = on on the standby',
      );
    await checkIsPrimary(options, fail);
    return { primaryUrl: options.primaryUrl, withoutPhysicalSlot: server.slot.trim() === '' };
  } catch (error) {
    if (error instanceof SourcePreflightError) throw error;
    throw fail(`cannot check standby ${options.displayUrl}: ${describeError(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether the server has the logical slot, created there (17+ marks copies synced from a primary). */
async function holdsOwnSlot(client: Client, slot: string): Promise<boolean> {
  const { rows } = await client.query<{ synced: string | null }>(
    `SELECT to_jsonb(s) ->> 'synced' AS synced FROM pg_replication_slots s WHERE slot_name = $1 AND slot_type = 'logical'`,
    [slot],
  );
  return rows.length === 1 && rows[0].synced !== 'true';
}

/** Whether the server at `url` is still in recovery (a standby); false once it is promoted. */
export async function isInRecovery(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
    return rows[0].standby;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkIsPrimary(
  options: StandbyCheckOptions,
  fail: (problem: string) => SourcePreflightError,
): Promise<void> {
  const client = new Client({ connectionString: options.primaryUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
    if (rows[0].standby) throw fail(`primary_url (${options.displayPrimaryUrl}) is a standby too: name the primary`);
  } catch (error) {
    if (error instanceof SourcePreflightError) throw error;
    throw fail(`cannot connect to primary_url (${options.displayPrimaryUrl}): ${describeError(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Waits until the standby has replayed the primary's WAL up to where it is now: what was just
 * done on the primary (a publication created or changed) is then in the standby's catalog, before
 * a slot is created or streamed there.
 */
export async function waitForStandbyReplay(
  standbyUrl: string,
  primaryUrl: string,
  { timeoutMs = 60_000, signal }: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {},
): Promise<void> {
  const primary = new Client({ connectionString: primaryUrl });
  const standby = new Client({ connectionString: standbyUrl });
  await primary.connect();
  try {
    await standby.connect();
    // The insert position: past a commit made with synchronous_commit off too (not yet written).
    const target = parseLsn(
      (await primary.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn')).rows[0].lsn,
    );
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await standby.query<{ lsn: string | null }>('SELECT pg_last_wal_replay_lsn()::text AS lsn');
      if (rows[0].lsn !== null && parseLsn(rows[0].lsn) >= target) return;
      if (signal?.aborted) throw new Error('stopped while waiting for the standby to replay');
      if (Date.now() > deadline)
        throw new Error(
          `the standby has not replayed the primary's WAL up to its position of ${timeoutMs / 1000} s ago ` +
            `(replayed: ${rows[0].lsn ?? 'nothing'}): is it streaming?`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await Promise.all([primary.end().catch(() => undefined), standby.end().catch(() => undefined)]);
  }
}

/**
 * Creates the slot on a standby. The standby builds the slot's starting snapshot from a
 * running-transactions record of the primary's WAL; an idle primary writes none (the
 * background writer logs one only after other WAL), so the creation would wait indefinitely.
 * While it waits the primary is asked for one (pg_log_standby_snapshot, 16+) every second; a
 * refusal (the function is superuser-only unless granted) is logged once and the wait goes on.
 */
export async function createSlotOnStandby(
  connection: ReplicationConnection,
  slot: string,
  primaryUrl: string,
  log: Logger,
): Promise<CreatedSlot> {
  const primary = new Client({ connectionString: primaryUrl });
  primary.on('error', () => undefined);
  await primary.connect();
  let created = false;
  let warned = false;
  const nudge = async () => {
    while (!created) {
      await primary.query('SELECT pg_log_standby_snapshot()').catch((error: unknown) => {
        if (warned) return;
        warned = true;
        log.warn(
          { err: describeError(error) },
          'cannot ask the primary for a running-transactions record (GRANT EXECUTE ON FUNCTION ' +
            'pg_log_standby_snapshot() to the role): the slot on the standby waits until the primary writes one',
        );
      });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  };
  const nudging = nudge();
  try {
    return await connection.createSlot(slot);
  } finally {
    created = true;
    await nudging;
    await primary.end().catch(() => undefined);
  }
}
