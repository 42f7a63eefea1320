import type { ChangePublisher } from '@cdc/change-stream';
import type { PostgresSourceConfig } from '@cdc/config';
import {
  ReplicationConnection,
  SESSION_OPTIONS,
  dropSlot,
  formatLsn,
  FAILOVER_SLOTS_MIN_VERSION,
  waitForWalPast,
  createSlotOnStandby,
  takeSnapshot,
  type RowFilters,
  type SlotStart,
  type PreflightResult,
} from '@cdc/postgres-source';
import type { ProgressStore } from '@cdc/progress';
import type { Logger } from '@cdc/service-runtime';
import { Client } from 'pg';
import { listLeafPartitions, type KnownPartitions } from './partition-watch';
import type { SnapshotState } from './snapshot-state';
import { writeUrl } from './write-url';

export async function snapshotIfNeeded(
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
