import {
  hasUnchangedValue,
  keyColumnIndexes,
  keyText,
  newKeyOf,
  type ChangeOp,
  type Value,
} from '@cdc/change-envelope';

/** A table that still needs (part of) its backfill; persisted with the reader's snapshot state. */
export interface PendingBackfill {
  readonly schema: string;
  readonly table: string;
  /** Key of the last row published, as text; absent until the first chunk is stored. */
  lastKey?: Array<string | null>;
  /**
   * Only the rows of this partition of the table (one attached with its rows): read from it,
   * published as the table's rows, with no truncate first (the table's other rows stay).
   */
  readonly partition?: BackfillPartition;
}

/** A leaf partition, by oid: the backfill stops if it leaves the table meanwhile. */
export interface BackfillPartition {
  readonly oid: number;
  readonly schema: string;
  readonly table: string;
}

/** Whether a pending entry is the backfill of this table (and this partition of it). */
export function sameBackfill(entry: PendingBackfill, other: PendingBackfill): boolean {
  return entry.schema === other.schema && entry.table === other.table && entry.partition?.oid === other.partition?.oid;
}

export function backfillName(entry: PendingBackfill): string {
  const table = `${entry.schema}.${entry.table}`;
  return entry.partition ? `${table} (partition ${entry.partition.schema}.${entry.partition.table})` : table;
}

export interface Entry extends PendingBackfill {
  /**
   * The table is in the publication, so the stream carries its changes: only then may a chunk
   * be read (a row changed after the read but before the table joined would be lost).
   */
  ready: boolean;
  /**
   * Keys to read again, by keyText: the stream sent these rows only as a partial image (an
   * update with unchanged TOAST values), which the destination applies as an UPDATE of the row
   * it holds, and it may hold none (see Chunk.partialKeys).
   */
  readonly refetch: Map<string, Refetch>;
  /** Refetched rows published but not yet stored in JetStream: they still hold the slot (flushLimit). */
  readonly unstored: Map<string, Refetch>;
}

/**
 * A key to read again, and the commit of the update that asked for it (its ops' position: the
 * commit record's start LSN). Kept in memory only, so the slot must not confirm past that
 * commit until the row is stored (see LiveBackfill.flushLimit).
 */
export interface Refetch {
  readonly key: Value[];
  readonly commit: bigint;
}

/** Records a key to read again; a key asked for twice keeps the earlier commit (the one to replay). */
export function addRefetch(keys: Map<string, Refetch>, text: string, key: Value[], commit: bigint): void {
  const known = keys.get(text);
  if (!known || commit < known.commit) keys.set(text, { key, commit });
}

export function newEntry(pending: PendingBackfill, ready: boolean): Entry {
  return { ...pending, ready, refetch: new Map(), unstored: new Map() };
}

/** An update whose new row lacks values (unchanged TOAST): the destination applies it only to a row it holds. */
export function isPartialUpdate(op: ChangeOp): boolean {
  return op.kind === 'update' && hasUnchangedValue(op);
}

/**
 * An update moving a row of a table pending a backfill to another key, without its unchanged
 * TOAST values: the destination applies it only if it holds the old row, which it does not
 * when that row's chunk is still to come (or the update fell into its chunk). The new key is
 * read again after the table's next chunk, whichever chunk its range belongs to.
 *
 * Watched for every pending table whose backfill has begun, not only while a chunk runs: a
 * restarted reader replays such an update (LiveBackfill.flushLimit) before it resumes the table. A table
 * whose first chunk has not begun needs nothing: that chunk's truncate supersedes the update
 * and the chunks read every key. Keys past lastKey are not told apart (Postgres orders keys
 * by type and collation, which keyText does not): reading one early is redundant, not wrong.
 */
export function watchKeyChange(pending: readonly Entry[], active: Entry | undefined, op: ChangeOp): void {
  // Cheapest checks first: this runs for every streamed op.
  if (pending.length === 0 || op.kind !== 'update' || !op.table.hasKey) return;
  // The table's backfill that has begun (a partitioned table may have several, one per partition).
  const entry = pending.find(
    (e) => e.schema === op.table.schema && e.table === op.table.table && (e.lastKey !== undefined || active === e),
  );
  if (!entry || !isPartialUpdate(op)) return;
  const newKey = newKeyOf(keyColumnIndexes(op.table.columns), op);
  const text = keyText(newKey);
  if (text !== keyText(op.key)) addRefetch(entry.refetch, text, newKey, op.position.commit);
}
