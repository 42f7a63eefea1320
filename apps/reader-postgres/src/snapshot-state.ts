import type { SnapshotState as SlotRecord } from '@cdc/postgres-source';
import type { PendingBackfill } from './pending-backfill';
import type { KnownPartitions } from './partition-watch';

/** The reader's record in KV `snapshot.<source>`: the slot's (postgres-source) and its own. */
export interface SnapshotState extends SlotRecord {
  /** Tables added while streaming whose existing rows are still being read (live backfill). */
  readonly backfills?: PendingBackfill[];
  /** The leaf partitions of the streamed partitioned tables, as last accounted for (PartitionWatch). */
  readonly partitions?: KnownPartitions;
}
