import { Client } from 'pg';
import { connectToNats } from '@cdc/change-stream';
import { findSource, redactUrl, type PipelineConfig } from '@cdc/config';
import { findPrimary, readSlotHealth, requestResnapshot } from '@cdc/postgres-source';
import { ProgressStore } from '@cdc/progress';
import { describeError } from '@cdc/service-runtime';
import { UsageError } from './command-line';

/**
 * `cdc resnapshot`: starts a Postgres source over. It drops the replication slot and records
 * the request in the progress KV: the reader's next start creates a new slot and copies every
 * table again (each destination table emptied first), which is what a slot the server
 * invalidated, or a promoted standby without the slot, leaves as the only way on (without the
 * request a reader never replaces a missing slot: it would skip changes). A usable slot is
 * dropped only with --force (its changes would otherwise still flow), and never while a reader
 * streams from it.
 */
export async function resnapshotCommand(
  config: PipelineConfig,
  sourceName: string,
  force: boolean,
  out: (line: string) => void,
): Promise<number> {
  const source = findSource(config, sourceName);
  if (source.type !== 'postgres')
    throw new UsageError(
      `cdc resnapshot: source ${source.name} is a ${source.type} source; only Postgres sources have a slot`,
    );
  // With failover_urls: the primary's slot (the one the reader would use).
  const failover = source.failoverUrls ?? [];
  const url = failover.length > 0 ? ((await findPrimary([source.url, ...failover])) ?? source.url) : source.url;
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    out(`error: source ${source.name}: cannot connect to ${redactUrl(url)}: ${describeError(error)}`);
    return 1;
  }
  try {
    const health = await readSlotHealth(client, source.slot);
    if (!health) {
      await recordRequest(config, source.name, source.slot);
      out(
        `source ${source.name}: there is no slot "${source.slot}" on ${redactUrl(url)}; recorded: the reader's next ` +
          'start takes a new initial snapshot (every table copied again, each destination table emptied first)',
      );
      return 0;
    }
    if (health.active) {
      out(
        `error: source ${source.name}: slot "${source.slot}" is in use by server process ${health.activePid}: stop the reader first`,
      );
      return 1;
    }
    if (!health.invalidated && !force) {
      out(
        `error: source ${source.name}: slot "${source.slot}" is usable (the reader can go on from it); ` +
          `add --force to drop it and copy every table again anyway`,
      );
      return 1;
    }
    // Dropped only if still inactive: a reader that started meanwhile keeps its slot.
    const dropped = await client.query(
      'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active',
      [source.slot],
    );
    if (dropped.rowCount !== 1) {
      out(`error: source ${source.name}: slot "${source.slot}" came into use meanwhile: stop the reader first`);
      return 1;
    }
    await recordRequest(config, source.name, source.slot);
    out(
      `source ${source.name}: dropped ${health.invalidated ? `invalidated (${health.invalidated}) ` : ''}slot "${source.slot}"; ` +
        `the reader's next start takes a new initial snapshot (every table copied again, each destination table emptied first)`,
    );
    return 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** After the slot is gone: a reader that finds no slot takes a new snapshot only when asked to. */
async function recordRequest(config: PipelineConfig, source: string, slot: string): Promise<void> {
  try {
    const nc = await connectToNats({ ...config.nats, name: 'cdc-resnapshot' });
    try {
      await requestResnapshot(await ProgressStore.open(nc), source, slot);
    } finally {
      await nc.drain().catch(() => undefined);
    }
  } catch (error) {
    throw new Error(
      `source ${source}: slot "${slot}" is gone but the request for a new snapshot could not be recorded in NATS ` +
        `(${describeError(error)}); run cdc resnapshot again once NATS is reachable`,
      { cause: error },
    );
  }
}
