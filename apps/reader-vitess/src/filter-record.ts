import type { VitessSourceConfig } from '@cdc/config';
import type { ProgressStore } from '@cdc/progress';
import { describeError, type Logger } from '@cdc/service-runtime';
import {
  copyAgain,
  type BackfillState,
  type FilterRecord,
  type KeyspaceTable,
  type VitessRowFilters,
  type binlogdata,
} from '@cdc/vitess-source';

/** The tables a stream copies again through a changed filter, and what it reports of them. */
export interface FilterBackfillSession {
  readonly tables: ReadonlySet<string>;
  /** The copies ended (every shard's copy phase is over). */
  copied(): void;
}

/**
 * Records every table's filter in KV at each start and, once the source has a position
 * (committed, or its first start's), compares it with the last start's: a table whose filter
 * changed while the reader was stopped is backfilled as on a Postgres source (filter-backfill.ts
 * in libs/vitess-source): emptied at the destination and copied again through the new filter
 * while changes stream. The pending copies are in the record too, so a crash before the
 * committed position passes a copy's end copies the table again.
 */
export async function recordFilters(
  source: VitessSourceConfig,
  tables: readonly KeyspaceTable[],
  rowFilters: VitessRowFilters,
  progress: ProgressStore,
  log: Logger,
): Promise<{ plan(start: binlogdata.IVGtid): Promise<{ start: binlogdata.IVGtid; backfill: FilterBackfillSession }> }> {
  const now = rowFilters.record(tables);
  const before = await progress.readFilterRecord<FilterRecord>(source.name);
  const started =
    before !== undefined &&
    ((await progress.readCommitted(source.name)) !== undefined ||
      (await progress.readSnapshotState(source.name)) !== undefined);
  const backfill: Record<string, BackfillState> = { ...(before?.backfill ?? {}) };
  for (const change of started ? rowFilters.changes(before, now) : []) {
    const show = (text: string | undefined) => (text === undefined ? 'none' : JSON.stringify(text));
    log.warn(
      { table: `${source.keyspace}.${change.table}`, was: change.was ?? null, now: change.now ?? null },
      `row filter of ${source.keyspace}.${change.table} changed (was ${show(change.was)}, now ${show(change.now)}): ` +
        'the destination table is emptied and copied again through the new filter while changes stream',
    );
    backfill[change.table] = {};
  }
  // A table the last start knew and this one does not (gone from the keyspace for now) keeps its record.
  let record: FilterRecord = {
    tables: { ...(before?.tables ?? {}), ...now.tables },
    ...(Object.keys(backfill).length > 0 ? { backfill } : {}),
  };
  const write = async (next: FilterRecord) => {
    await progress.writeFilterRecord(source.name, next);
    record = next;
  };
  if (JSON.stringify(record) !== JSON.stringify(before)) await write(record);
  return {
    async plan(start) {
      const pending = { ...(record.backfill ?? {}) };
      const resolved = (start.shardGtids ?? []).every((shard) => shard.shard && shard.gtid && shard.gtid !== 'current');
      const committed = await progress.readCommitted(source.name);
      for (const [table, state] of Object.entries(pending)) {
        // No position yet (a first copy reads every table through the current filters), or the
        // committed watermark was handed out after the copy ended: done.
        const done =
          !resolved ||
          (state.copiedBeforeSeq !== undefined && committed !== undefined && committed.seq > state.copiedBeforeSeq);
        if (done) {
          delete pending[table];
          if (resolved)
            log.info(
              { table: `${source.keyspace}.${table}` },
              `backfill through the changed filter of ${source.keyspace}.${table} done`,
            );
        }
      }
      if (JSON.stringify(pending) !== JSON.stringify(record.backfill ?? {})) {
        await write({ tables: record.tables, ...(Object.keys(pending).length > 0 ? { backfill: pending } : {}) });
      }
      const names = Object.keys(pending);
      if (names.length > 0) {
        log.info(
          { tables: names.map((table) => `${source.keyspace}.${table}`) },
          'copying again through their changed filters (from their first row; the destination tables emptied first)',
        );
      }
      return {
        start: copyAgain(start, names),
        backfill: {
          tables: new Set(names),
          copied() {
            void (async () => {
              const copiedBeforeSeq = await progress.lastWatermarkSeq(source.name);
              const next = Object.fromEntries(names.map((table) => [table, { copiedBeforeSeq }]));
              await write({ ...record, backfill: { ...(record.backfill ?? {}), ...next } });
              log.info(
                { tables: names.map((table) => `${source.keyspace}.${table}`), copiedBeforeSeq },
                'copied again through their changed filters',
              );
            })().catch((error: unknown) =>
              log.warn(
                { err: describeError(error) },
                'cannot record the end of a backfill: the next start copies again',
              ),
            );
          },
        },
      };
    },
  };
}
