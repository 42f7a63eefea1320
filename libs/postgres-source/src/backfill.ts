import { Client, escapeIdentifier } from 'pg';
import type { Value } from '@cdc/change-envelope';
import type { RelationState } from './catalog';
import { parseLsn } from './lsn';
import { decodeTextValue } from './values';

/**
 * Live backfill of one table while the stream keeps flowing (a table added to the publication
 * at run time). Watermark-based, as in Netflix's DBLog: for each chunk the reader writes a LOW
 * marker into the WAL, reads the chunk with a plain query, writes a HIGH marker. In the
 * stream, every key of the table changed between LOW and HIGH is dropped from the chunk (the
 * stream carries a newer state of it), and the rest is published at HIGH's place in the
 * stream: before every change committed after it, after every change committed before it.
 * Nothing is locked and the stream never waits for the read.
 */
export const BACKFILL_MESSAGE_PREFIX = 'cdc.backfill';

export interface BackfillMarker {
  /** Unique per chunk and reader run: markers of an earlier run, read again after a restart, match nothing. */
  readonly id: string;
  readonly phase: 'low' | 'high';
}

export function decodeBackfillMarker(content: Uint8Array): BackfillMarker | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(content).toString('utf8')) as Partial<BackfillMarker>;
    if (typeof parsed.id === 'string' && (parsed.phase === 'low' || parsed.phase === 'high'))
      return { id: parsed.id, phase: parsed.phase };
  } catch {
    // Not ours: another tool's message under the same prefix.
  }
  return undefined;
}

/** Writes a marker into the WAL (non-transactional: it is decoded at once, in WAL order). Returns its end LSN. */
export async function emitBackfillMarker(client: Client, marker: BackfillMarker): Promise<bigint> {
  const result = await client.query<{ lsn: string }>('SELECT pg_logical_emit_message(false, $1, $2)::text AS lsn', [
    BACKFILL_MESSAGE_PREFIX,
    JSON.stringify(marker),
  ]);
  return parseLsn(result.rows[0].lsn);
}

/**
 * The commit value for rows published at a marker. A marker's LSN is the END of its WAL record;
 * a commit record may start right there, so the rows take the LSN one below: above every
 * transaction committed before the marker, below every one committed after it.
 */
export function markerCommit(markerLsn: bigint): bigint {
  return markerLsn - 1n;
}

export interface KeyChunk {
  /** Rows in key order, aligned with the relation's columns. */
  readonly rows: Value[][];
  /** The key columns of the last row, as text (the next chunk starts after it); undefined when empty. */
  readonly lastKey: ReadonlyArray<string | null> | undefined;
}

const TEXT_PARSERS = { getTypeParser: () => (value: string) => value };

/**
 * Reads up to `limit` rows with keys after `afterKey`, in key order (a keyset page over the
 * primary key's index). A table without a key is read whole.
 */
export async function readKeyChunk(
  client: Client,
  relation: RelationState,
  afterKey: ReadonlyArray<string | null> | undefined,
  limit: number,
  /** The table's row filter as SQL rendered from its parsed expression (RowFilters): only matching rows. */
  filter?: string,
): Promise<KeyChunk> {
  const { select, keyColumns } = selectOf(relation);
  let text = select;
  const values: unknown[] = [];
  const conditions = filter === undefined ? [] : [`(${filter})`];
  if (keyColumns.length > 0) {
    if (afterKey) {
      // Untyped parameters take the key columns' types from the row comparison.
      const params = afterKey.map((value, i) => {
        values.push(value);
        return `$${i + 1}`;
      });
      conditions.push(`(${keyColumns.join(', ')}) > (${params.join(', ')})`);
    }
    if (conditions.length > 0) text += ` WHERE ${conditions.join(' AND ')}`;
    values.push(limit);
    text += ` ORDER BY ${keyColumns.join(', ')} LIMIT $${values.length}`;
  } else if (conditions.length > 0) {
    text += ` WHERE ${conditions.join(' AND ')}`;
  }
  return queryRows(client, relation, text, values);
}

/** `SELECT <every column> FROM <table>` and the quoted key columns, every identifier quoted. */
function selectOf(relation: RelationState): { select: string; keyColumns: string[] } {
  const columns = relation.schema.columns.map((column) => escapeIdentifier(column.name));
  const target = `${escapeIdentifier(relation.schema.schema)}.${escapeIdentifier(relation.schema.table)}`;
  return {
    select: `SELECT ${columns.join(', ')} FROM ${target}`,
    keyColumns: relation.keyIndexes.map((i) => columns[i]),
  };
}

/** Runs a SELECT of every column, decoding the text cells; lastKey is the last row's key (keyed tables). */
async function queryRows(client: Client, relation: RelationState, text: string, values: unknown[]): Promise<KeyChunk> {
  const result = await client.query<Array<string | null>>({ text, values, rowMode: 'array', types: TEXT_PARSERS });
  const rows = result.rows.map((raw) => raw.map((cell, i) => decodeTextValue(cell, relation.types[i])));
  const last = result.rows.at(-1);
  return {
    rows,
    lastKey: last && relation.keyIndexes.length > 0 ? relation.keyIndexes.map((i) => last[i]) : undefined,
  };
}

/**
 * Reads the rows with these keys (rows since deleted are left out), in key order: rows the
 * stream changed during a chunk with only part of their new image (unchanged TOAST values),
 * which the destination may not hold, are read again this way.
 */
export async function readKeys(
  client: Client,
  relation: RelationState,
  keys: ReadonlyArray<readonly Value[]>,
  filter?: string,
): Promise<KeyChunk> {
  const { select, keyColumns } = selectOf(relation);
  if (keyColumns.length === 0 || keys.length === 0) return { rows: [], lastKey: undefined };
  const values: unknown[] = [];
  const tuples = keys.map((key) => {
    const params = key.map((value) => {
      values.push(keyParameter(value));
      return `$${values.length}`;
    });
    return `(${params.join(', ')})`;
  });
  const filtered = filter === undefined ? '' : ` AND (${filter})`;
  const text = `${select} WHERE (${keyColumns.join(', ')}) IN (${tuples.join(', ')})${filtered} ORDER BY ${keyColumns.join(', ')}`;
  return queryRows(client, relation, text, values);
}

/** A key value as a query parameter (the column's type is inferred from the comparison). */
function keyParameter(value: Value): unknown {
  switch (value.kind) {
    case 'null':
    case 'unchanged':
      return null;
    case 'bytes':
      return Buffer.from(value.value);
    case 'array':
      return value.value.map(keyParameter);
    default:
      return value.value;
  }
}

/** A snapshot's horizon in 32-bit xids (what pgoutput's BEGIN carries). */
export interface SnapshotXids {
  readonly xmax: number;
  /** In progress when the snapshot was taken (all below xmax). */
  readonly inProgress: ReadonlySet<number>;
}

/** Whether a transaction that has committed is visible to the snapshot (xid arithmetic modulo 2^32). */
export function visibleIn(snapshot: SnapshotXids, xid: number): boolean {
  return ((xid - snapshot.xmax) | 0) < 0 && !snapshot.inProgress.has(xid);
}

/**
 * Reads a chunk in a snapshot that sees every transaction the stream delivered before the LOW
 * marker. WAL order and visibility order differ: a transaction's commit record can precede the
 * marker while the transaction is still invisible to new snapshots (its backend has not left
 * the proc array yet: a slow fsync, a synchronous standby). Such a transaction is neither in
 * the chunk nor among the changes collected after LOW, and its change would be overwritten by
 * the chunk's older image. So the snapshot is retaken until `invisibleDelivered` (the
 * transactions the stream delivered that the snapshot cannot see) is empty.
 */
export async function readKeyChunkConsistent(
  client: Client,
  relation: RelationState,
  afterKey: ReadonlyArray<string | null> | undefined,
  limit: number,
  invisibleDelivered: (snapshot: SnapshotXids) => number[],
  options: { readonly maxWaitMs?: number; readonly table?: string; readonly filter?: string } = {},
): Promise<KeyChunk & { readonly retries: number }> {
  return readConsistent(
    client,
    relation,
    () => readKeyChunk(client, relation, afterKey, limit, options.filter),
    invisibleDelivered,
    options,
  );
}

/** readKeys in a snapshot that sees every transaction the stream delivered (see readKeyChunkConsistent). */
export async function readKeysConsistent(
  client: Client,
  relation: RelationState,
  keys: ReadonlyArray<readonly Value[]>,
  invisibleDelivered: (snapshot: SnapshotXids) => number[],
  options: { readonly maxWaitMs?: number; readonly table?: string; readonly filter?: string } = {},
): Promise<KeyChunk & { readonly retries: number }> {
  return readConsistent(
    client,
    relation,
    () => readKeys(client, relation, keys, options.filter),
    invisibleDelivered,
    options,
  );
}

async function readConsistent(
  client: Client,
  relation: RelationState,
  read: () => Promise<KeyChunk>,
  invisibleDelivered: (snapshot: SnapshotXids) => number[],
  options: { readonly maxWaitMs?: number; readonly table?: string },
): Promise<KeyChunk & { readonly retries: number }> {
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  const deadline = Date.now() + maxWaitMs;
  for (let retries = 0; ; retries += 1) {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      // The first statement fixes the transaction's snapshot; the chunk is read in it.
      const snapshot = await client.query<{ xmax: string; xip: string[] | null }>(
        `SELECT pg_snapshot_xmax(s)::text AS xmax, ARRAY(SELECT pg_snapshot_xip(s)::text) AS xip
           FROM pg_current_snapshot() AS s`,
      );
      const low32 = (text: string) => Number(BigInt(text) & 0xffffffffn);
      const racing = invisibleDelivered({
        xmax: low32(snapshot.rows[0].xmax),
        inProgress: new Set((snapshot.rows[0].xip ?? []).map(low32)),
      });
      if (racing.length === 0) {
        const chunk = await read();
        await client.query('COMMIT');
        return { ...chunk, retries };
      }
      await client.query('ROLLBACK');
      if (Date.now() > deadline)
        throw new Error(
          `backfill of ${options.table ?? relation.schema.table}: transactions ${racing.slice(0, 5).join(', ')} ` +
            `committed in the WAL but stayed invisible for ${maxWaitMs} ms (a stuck synchronous standby?)`,
        );
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, 1 + retries)));
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
