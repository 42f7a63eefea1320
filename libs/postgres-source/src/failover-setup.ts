import { Client } from 'pg';
import { describeError } from '@cdc/service-runtime';

/** Failover slots (`FAILOVER` on a logical slot, copied to standbys by sync_replication_slots): 17+. */
export const FAILOVER_SLOTS_MIN_VERSION = 170000;

/** What decides whether a standby keeps a copy of the reader's slot (PostgreSQL 17+). */
export interface StandbyFailoverSettings {
  /** The standby's URL, credentials redacted. */
  readonly server: string;
  /** Why it could not be asked; the other fields are then meaningless. */
  readonly unreachable?: string;
  readonly inRecovery: boolean;
  /** null before 17 (no such setting). */
  readonly syncReplicationSlots: string | null;
  readonly hotStandbyFeedback: string;
  readonly primarySlotName: string;
  readonly walLevel: string;
  /** Whether primary_conninfo names a database; undefined when the role may not read it. */
  readonly dbnameInConninfo: boolean | undefined;
}

/**
 * What is missing for the reader's slot to survive a promotion with nothing lost, one phrase
 * per problem; empty when the set-up is complete. On the primary, synchronized_standby_slots
 * must list each standby's physical slot (else the reader may receive, and the destinations
 * apply, changes a standby does not have yet); on each standby, what slot synchronization
 * needs (sync_replication_slots, hot_standby_feedback, primary_slot_name, wal_level logical,
 * dbname in primary_conninfo). A server in failover_urls that is a primary too is named.
 */
export function failoverSetupProblems(
  synchronizedStandbySlots: readonly string[],
  standbys: readonly StandbyFailoverSettings[],
): string[] {
  const problems: string[] = [];
  if (synchronizedStandbySlots.length === 0)
    problems.push(
      'synchronized_standby_slots is empty on the primary (the reader may receive changes a standby does not have yet)',
    );
  for (const standby of standbys) {
    const at = standby.server;
    if (standby.unreachable !== undefined) {
      problems.push(`${at} cannot be reached (${standby.unreachable})`);
      continue;
    }
    if (!standby.inRecovery) {
      problems.push(`${at} is a primary too, not a standby (two primaries: one of them must be rebuilt as a standby)`);
      continue;
    }
    if (standby.syncReplicationSlots !== 'on')
      problems.push(
        `${at}: sync_replication_slots is ${standby.syncReplicationSlots ?? 'unknown'} (the slot is not copied there)`,
      );
    if (standby.hotStandbyFeedback !== 'on') problems.push(`${at}: hot_standby_feedback is off`);
    if (standby.walLevel !== 'logical') problems.push(`${at}: wal_level is ${standby.walLevel}, not logical`);
    if (standby.dbnameInConninfo === false) problems.push(`${at}: primary_conninfo has no dbname`);
    if (standby.primarySlotName.trim() === '') problems.push(`${at}: primary_slot_name is empty`);
    else if (synchronizedStandbySlots.length > 0 && !synchronizedStandbySlots.includes(standby.primarySlotName))
      problems.push(
        `synchronized_standby_slots on the primary does not list "${standby.primarySlotName}", the slot of ${at} ` +
          '(the reader may receive changes that standby does not have yet)',
      );
  }
  return problems;
}

/** The one line the reader logs for an incomplete set-up; undefined when complete. */
export function failoverSetupWarning(source: string, slot: string, problems: readonly string[]): string | undefined {
  if (problems.length === 0) return undefined;
  return (
    `source ${source}: failover set-up incomplete, after a promotion slot "${slot}" may be missing on the new ` +
    `primary or behind what the destinations applied: ${problems.join('; ')} (README, "Standbys and failover")`
  );
}

/** synchronized_standby_slots as a list: comma-separated, optionally double-quoted names. */
export function parseSlotList(setting: string): string[] {
  return setting
    .split(',')
    .map((name) => name.trim().replace(/^"(.*)"$/, '$1'))
    .filter((name) => name !== '');
}

/** Whether a libpq connection string (key=value or URI) names a database. */
export function conninfoHasDbname(conninfo: string): boolean {
  const text = conninfo.trim();
  if (/^postgres(ql)?:\/\//.test(text)) {
    try {
      const url = new URL(text);
      return url.pathname.length > 1 || url.searchParams.has('dbname');
    } catch {
      return /[?&]dbname=/.test(text);
    }
  }
  return /(?:^|\s)dbname\s*=\s*(?:'(?:[^'\\]|\\.)+'|[^\s']+)/.test(text);
}

/** Asks a standby for the settings slot synchronization depends on. */
export async function readStandbyFailoverSettings(url: string, server: string): Promise<StandbyFailoverSettings> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000, query_timeout: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{
      standby: boolean;
      sync: string | null;
      feedback: string;
      slot: string;
      wal_level: string;
      conninfo: string | null;
    }>(
      // primary_conninfo is hidden from pg_settings for a role without pg_read_all_settings: no row, not an error.
      `SELECT pg_is_in_recovery() AS standby, current_setting('sync_replication_slots', true) AS sync,
              current_setting('hot_standby_feedback') AS feedback, current_setting('primary_slot_name') AS slot,
              current_setting('wal_level') AS wal_level,
              (SELECT setting FROM pg_settings WHERE name = 'primary_conninfo') AS conninfo`,
    );
    const row = rows[0];
    return {
      server,
      inRecovery: row.standby,
      syncReplicationSlots: row.sync,
      hotStandbyFeedback: row.feedback,
      primarySlotName: row.slot,
      walLevel: row.wal_level,
      dbnameInConninfo: row.conninfo === null ? undefined : conninfoHasDbname(row.conninfo),
    };
  } catch (error) {
    return {
      server,
      unreachable: describeError(error),
      inRecovery: false,
      syncReplicationSlots: null,
      hotStandbyFeedback: '',
      primarySlotName: '',
      walLevel: '',
      dbnameInConninfo: undefined,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether a standby holds a copy of the reader's slot that a promotion would keep (17+). */
export interface StandbySlot {
  /** The standby's URL, credentials redacted. */
  readonly server: string;
  /**
   * synced: a synced, persistent copy (usable once promoted); temporary: being synced but not
   * caught up (dropped at a promotion); missing: none (also every standby before 17); unknown:
   * the server could not be asked (`error` says why), or it is not a standby.
   */
  readonly state: 'synced' | 'temporary' | 'missing' | 'unknown';
  readonly confirmedFlush: string | null;
  readonly error?: string;
}

/** The reader's slot on one standby, as a promotion of it would find it. */
export async function readStandbySlot(url: string, server: string, slot: string): Promise<StandbySlot> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000, query_timeout: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows: about } = await client.query<{ standby: boolean; version: string }>(
      `SELECT pg_is_in_recovery() AS standby, current_setting('server_version_num') AS version`,
    );
    if (!about[0].standby) return { server, state: 'unknown', confirmedFlush: null, error: 'not a standby' };
    if (Number(about[0].version) < FAILOVER_SLOTS_MIN_VERSION)
      return { server, state: 'missing', confirmedFlush: null };
    const { rows } = await client.query<{ synced: boolean; temporary: boolean; confirmed: string | null }>(
      `SELECT synced, temporary, confirmed_flush_lsn::text AS confirmed FROM pg_replication_slots WHERE slot_name = $1`,
      [slot],
    );
    const row = rows[0];
    if (!row || !row.synced) return { server, state: 'missing', confirmedFlush: null };
    return { server, state: row.temporary ? 'temporary' : 'synced', confirmedFlush: row.confirmed };
  } catch (error) {
    return { server, state: 'unknown', confirmedFlush: null, error: describeError(error) };
  } finally {
    await client.end().catch(() => undefined);
  }
}
