import { redactUrl, type PostgresSourceConfig } from '@cdc/config';
import {
  failoverSetupProblems,
  failoverSetupWarning,
  findPrimaries,
  FAILOVER_SLOTS_MIN_VERSION,
  parseSlotList,
  readSlotHealth,
  readStandbyFailoverSettings,
  ReplicationConnection,
} from '@cdc/postgres-source';
import { describeError, type Logger } from '@cdc/service-runtime';
import { Client } from 'pg';

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

/** The standby the reader read (primary_url) was promoted: the reader starts over on it as the primary. */
export class StandbyPromotedError extends Error {
  constructor(
    readonly source: string,
    readonly url: string,
  ) {
    super(
      `source ${source}: the standby ${redactUrl(url)} was promoted: reading from it as the primary, from its slot`,
    );
    this.name = 'StandbyPromotedError';
  }
}

function serversOf(source: PostgresSourceConfig): string[] {
  return [source.url, ...(source.failoverUrls ?? [])];
}

/**
 * The source as the reader reads it: `url` itself without failover_urls; else `url` becomes
 * whichever of them is the primary now (`url` when none is, so the preflight names what cannot
 * be reached) and failover_urls the others, so every configured server stays a candidate for
 * the next promotion.
 */
export async function choosePrimary(source: PostgresSourceConfig, log: Logger): Promise<PostgresSourceConfig> {
  if ((source.failoverUrls ?? []).length === 0) return source;
  const servers = serversOf(source);
  const primaries = await findPrimaries(servers);
  // A primary that was failed over and came back as a primary: which one is current is not guessed.
  if (primaries.length > 1)
    throw new Error(
      `source ${source.name}: ${primaries.map(redactUrl).join(' and ')} are all primaries (a failed-over primary ` +
        'came back as a primary, its data diverged at the promotion); the reader does not guess which is current: ' +
        'rebuild the old one as a standby of the new one (or take it out of url/failover_urls) and start the reader again',
    );
  let primary = primaries[0];
  if (primary === undefined) {
    log.warn(
      { servers: servers.map(redactUrl) },
      `source ${source.name}: no primary among url and failover_urls; trying url`,
    );
    primary = source.url;
  } else if (primary !== source.url)
    log.info({ primary: redactUrl(primary) }, 'reading from the primary among failover_urls');
  const chosen = primary;
  return { ...source, url: chosen, failoverUrls: servers.filter((url) => url !== chosen) };
}

/** After a streaming failure: the primary's URL when it is now another server than `current`. */
export async function primaryMoved(source: PostgresSourceConfig, current: string): Promise<string | undefined> {
  if ((source.failoverUrls ?? []).length === 0) return undefined;
  const primaries = await findPrimaries(serversOf(source)).catch((): string[] => []);
  // Still a primary: a passing fault. Two others: readSource's choosePrimary refuses them.
  return primaries.length === 0 || primaries.includes(current) ? undefined : primaries[0];
}

/**
 * With failover_urls, the slot should survive a promotion. On 17+ it is made a failover slot
 * (new slots are created so; an existing one is altered), and what a promotion would need and
 * lacks is said in one line: the primary holding logical changes back until its standbys have
 * them (synchronized_standby_slots: without it a promoted standby may lack transactions the
 * destinations already applied), and each standby syncing the slot. Before 17 a slot does not
 * survive a promotion: the reader would stop on the new primary (SlotMissingError), said now.
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
        `promotion the new primary has no slot "${source.slot}", and the reader stops there until a new initial ` +
        `snapshot is asked for (cdc resnapshot --config <file> --source ${source.name})`,
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
    // The servers other than the one read now: the standbys a promotion would pick from.
    const standbys = await Promise.all(
      serversOf(source)
        .filter((url) => url !== source.url)
        .map((url) => readStandbyFailoverSettings(url, redactUrl(url))),
    );
    const warning = failoverSetupWarning(
      source.name,
      source.slot,
      failoverSetupProblems(parseSlotList(rows[0].slots), standbys),
    );
    if (warning) log.warn(warning);
    else
      log.info(
        { standbys: standbys.map((s) => s.server) },
        'failover set-up complete: the standbys sync the slot and the primary waits for them',
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
