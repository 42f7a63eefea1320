import { redactUrl, type PostgresSourceConfig } from '@cdc/config';
import { findPrimary, readSlotHealth, ReplicationConnection } from '@cdc/postgres-source';
import { describeError, type Logger } from '@cdc/service-runtime';
import { Client } from 'pg';

/** Failover slots (`FAILOVER` on the slot, synced to standbys by sync_replication_slots). */
export const FAILOVER_SLOTS_MIN_VERSION = 170000;

/** The source's primary moved to another of its servers: the reader starts over there. */
export class PrimaryMovedError extends Error {
  constructor(
    readonly source: string,
    readonly url: string,
  ) {
    super(`source ${source}: the primary is now ${redactUrl(url)}: reading from it, from the slot it has`);
    this.name = 'PrimaryMovedError';
  }
}

function serversOf(source: PostgresSourceConfig): string[] {
  return [source.url, ...(source.failoverUrls ?? [])];
}

/**
 * The URL to read from: `url` itself without failover_urls; else whichever of them is the
 * primary now (`url` when none is, so the preflight names what cannot be reached).
 */
export async function choosePrimary(source: PostgresSourceConfig, log: Logger): Promise<string> {
  if ((source.failoverUrls ?? []).length === 0) return source.url;
  const primary = await findPrimary(serversOf(source));
  if (primary === undefined) {
    log.warn(
      { servers: serversOf(source).map(redactUrl) },
      `source ${source.name}: no primary among url and failover_urls; trying url`,
    );
    return source.url;
  }
  if (primary !== source.url) log.info({ primary: redactUrl(primary) }, 'reading from the primary among failover_urls');
  return primary;
}

/** After a streaming failure: the primary's URL when it is now another server than `current`. */
export async function primaryMoved(source: PostgresSourceConfig, current: string): Promise<string | undefined> {
  if ((source.failoverUrls ?? []).length === 0) return undefined;
  const primary = await findPrimary(serversOf(source)).catch(() => undefined);
  return primary !== undefined && primary !== current ? primary : undefined;
}

/**
 * With failover_urls, the slot should survive a promotion. On 17+ it is made a failover slot
 * (new slots are created so; an existing one is altered), and the primary should hold logical
 * changes back until its standbys have them (synchronized_standby_slots): without that, a
 * promoted standby may lack transactions the destinations already applied. Before 17 a slot
 * does not survive a promotion: the reader takes a new snapshot on the new primary. Both are said.
 */
export async function prepareFailover(
  source: PostgresSourceConfig,
  serverVersion: number,
  slotExists: boolean,
  log: Logger,
): Promise<void> {
  if ((source.failoverUrls ?? []).length === 0) return;
  if (serverVersion < FAILOVER_SLOTS_MIN_VERSION) {
    log.warn(
      `source ${source.name}: PostgreSQL ${Math.floor(serverVersion / 10000)} has no failover slots (17+): after a ` +
        `promotion the new primary has no slot "${source.slot}" and the reader takes a new initial snapshot there`,
    );
    return;
  }
  const client = new Client({ connectionString: source.url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const health = slotExists ? await readSlotHealth(client, source.slot, serverVersion) : undefined;
    if (health && !health.failover) {
      const connection = new ReplicationConnection(source.url, `cdc-reader-${source.name}`);
      await connection.connect();
      try {
        await connection.setFailover(source.slot);
        log.info({ slot: source.slot }, 'replication slot made a failover slot (synced to standbys)');
      } finally {
        await connection.close();
      }
    }
    const { rows } = await client.query<{ slots: string }>(
      `SELECT current_setting('synchronized_standby_slots') AS slots`,
    );
    if (rows[0].slots.trim() === '')
      log.warn(
        `source ${source.name}: synchronized_standby_slots is empty on the primary: the reader may receive changes a ` +
          `standby does not have yet, and after its promotion the destinations would hold transactions the new primary lacks; ` +
          `set it to the standbys' physical slots (docs: README, "Standbys and failover")`,
      );
  } catch (error) {
    throw new Error(
      `source ${source.name}: cannot prepare slot "${source.slot}" for failover: ${describeError(error)}`,
      {
        cause: error,
      },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
