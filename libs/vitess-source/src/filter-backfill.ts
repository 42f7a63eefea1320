import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import type { binlogdata } from './generated/vitess';
import { laneOf } from './gtid';

/*
 * A row filter changed while the reader was stopped (issue 19), handled as a Postgres source
 * handles it: the table is emptied at the destination and copied again through the new filter
 * while changes stream. VStream copies the tables a VGtid's table_p_ks name, also when it resumes
 * from a position (it catches up to the present, dropping those tables' changes, then copies them
 * through the session's rules and streams them from there: tested against vttestserver), so the
 * reader restarts from its committed VGtid with the table named there (copyAgain), and publishes
 * a truncate of the table just before the first of its events in that session (its FIELD event
 * comes first, also for a copy that finds no row). The truncate travels on a lane of its own
 * (backfillLane) at a wall-clock position: positions order ops only within a lane, so the shards'
 * checkpoints never move, and the applier never skips it as already applied. Until the committed
 * position is a watermark handed out after the copy ended (its seq above the last one handed out
 * then: placed after every copied row in every partition), every start copies the table again
 * from its first row, after a new truncate: the copied rows are then not all at every
 * destination, and a copy from the start supersedes whatever part of them is.
 */

/** The lane a backfill's truncate travels on: not a shard's. */
export function backfillLane(keyspace: string): string {
  return laneOf(keyspace, '(backfill)');
}

/** The start VGtid with these tables' copy (re)started in every shard: each named in table_p_ks without a last key. */
export function copyAgain(start: binlogdata.IVGtid, tables: readonly string[]): binlogdata.IVGtid {
  if (tables.length === 0) return start;
  return {
    ...start,
    shardGtids: (start.shardGtids ?? []).map((shard) => ({
      ...shard,
      tablePKs: [
        ...(shard.tablePKs ?? []).filter((pk) => !tables.includes(pk.tableName ?? '')),
        ...tables.map((tableName) => ({ tableName })),
      ],
    })),
  };
}

/** The truncate that empties the table at the destination before its copy through the new filter. */
export function backfillTruncate(table: TableSchema, keyspace: string, nowUs = Date.now() * 1000): ChangeOp {
  return {
    kind: 'truncate',
    table,
    key: [],
    position: { commit: BigInt(Math.floor(nowUs)), index: 0, lane: backfillLane(keyspace) },
    commitTimeUs: Math.floor(nowUs),
  };
}
