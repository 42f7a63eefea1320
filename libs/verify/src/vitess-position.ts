import {
  decodeVgtid,
  formatVgtid,
  gtidOrdinal,
  laneOf,
  type VitessPositions,
  type binlogdata,
} from '@cdc/vitess-source';
import type { MysqlDatabase } from './database';
import type { SourcePosition, SourceReader } from './source-position';
import type { SourceTableDescription } from './table-plan';

/**
 * Whether a destination partition's applied watermark (its VGtid, as the Vitess reader's
 * watermarks carry it) includes every change of a source read at `read`: on every shard the
 * read names, the applied GTID is at or past the read's (positions compare only within a shard,
 * by gtidOrdinal, as the appliers' per-lane checkpoints do) and the shard's copy phase is over
 * (a shard still copying has not delivered the rows past its last copied key). A shard the
 * applied VGtid does not name (a reshard in between) has not been reached.
 */
export function vgtidReached(read: binlogdata.IVGtid, appliedToken: Uint8Array | undefined): boolean {
  if (!appliedToken?.length) return false;
  const applied = new Map(
    (decodeVgtid(appliedToken).shardGtids ?? []).map((shard) => [
      laneOf(shard.keyspace ?? '', shard.shard ?? ''),
      shard,
    ]),
  );
  return (read.shardGtids ?? []).every((shard) => {
    const reached = applied.get(laneOf(shard.keyspace ?? '', shard.shard ?? ''));
    if (!reached?.gtid || reached.gtid === 'current' || (reached.tablePKs?.length ?? 0) > 0) return false;
    return gtidOrdinal(reached.gtid) >= gtidOrdinal(shard.gtid ?? '');
  });
}

export function vgtidPosition(vgtid: binlogdata.IVGtid): SourcePosition {
  return { label: formatVgtid(vgtid), reachedBy: (applied) => vgtidReached(vgtid, applied.token) };
}

/**
 * A Vitess source read through vtgate's MySQL port: each statement is one scatter query (every
 * shard's part a consistent read of its own), and the position is every shard's current GTID
 * read AFTER it. A transaction the read saw committed on its shard before that, so the position
 * covers it; the destination may hold later changes too (a row changed in between is
 * rechecked, never reported at once).
 */
export function vitessSourceReader(database: MysqlDatabase, positions: VitessPositions): SourceReader {
  let shards: number | undefined;
  return {
    database,
    async atPosition(read) {
      const value = await read(database);
      const vgtid = await positions.current();
      shards = vgtid.shardGtids?.length ?? shards;
      return { value, position: vgtidPosition(vgtid) };
    },
    async estimateRows(table: SourceTableDescription) {
      shards ??= (await positions.current()).shardGtids?.length ?? 1;
      return (table.estimatedRowsPerShard ?? 0) * shards;
    },
    async close() {
      positions.close();
      await database.close();
    },
  };
}
