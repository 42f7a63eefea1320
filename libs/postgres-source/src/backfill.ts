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
): Promise<KeyChunk> {
  const columns = relation.schema.columns.map((column) => escapeIdentifier(column.name));
  const target = `${escapeIdentifier(relation.schema.schema)}.${escapeIdentifier(relation.schema.table)}`;
  const keyColumns = relation.keyIndexes.map((index) => columns[index]);
  let text = `SELECT ${columns.join(', ')} FROM ${target}`;
  const values: unknown[] = [];
  if (keyColumns.length > 0) {
    if (afterKey) {
      // Untyped parameters take the key columns' types from the row comparison.
      const params = afterKey.map((value, i) => {
        values.push(value);
        return `$${i + 1}`;
      });
      text += ` WHERE (${keyColumns.join(', ')}) > (${params.join(', ')})`;
    }
    values.push(limit);
    text += ` ORDER BY ${keyColumns.join(', ')} LIMIT $${values.length}`;
  }
  const result = await client.query<Array<string | null>>({ text, values, rowMode: 'array', types: TEXT_PARSERS });
  const rows = result.rows.map((raw) => raw.map((cell, i) => decodeTextValue(cell, relation.types[i])));
  const last = result.rows.at(-1);
  return { rows, lastKey: last && keyColumns.length > 0 ? relation.keyIndexes.map((i) => last[i]) : undefined };
}

/** A stable text for a row key, to match keys from the stream with keys read by a query. */
export function keyText(values: readonly Value[]): string {
  return JSON.stringify(values, (_name, value: unknown) =>
    value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value,
  );
}
