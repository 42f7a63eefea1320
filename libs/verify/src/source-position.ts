import type { Position } from '@cdc/change-envelope';
import type { Cells, Database, PostgresDatabase } from './database';
import type { SourceTableDescription } from './table-plan';
import type { Statement } from './table-queries';

/** Where a source read stood: the destination must have applied this much before its side is read. */
export interface SourcePosition {
  /** For messages: an LSN, a VGtid. */
  readonly label: string;
  /** Whether a partition's applied watermark position includes every change this read saw. */
  reachedBy(applied: Position): boolean;
}

/** Reads that run in one snapshot of the source, and the position that snapshot corresponds to. */
export interface SnapshotReads {
  query(statement: Statement): Promise<Cells[]>;
}

export interface SourceReader {
  /** Plain reads (catalog, chunk boundaries): no snapshot needed. */
  readonly database: Database;
  /** Runs `read` in one consistent snapshot; returns its result and the snapshot's position. */
  atPosition<T>(read: (reads: SnapshotReads) => Promise<T>): Promise<{ value: T; position: SourcePosition }>;
  /** The source's estimate of a table's rows (statistics; for the progress line's ETA). */
  estimateRows(table: SourceTableDescription): Promise<number>;
  close(): Promise<void>;
}

/**
 * Postgres: a REPEATABLE READ snapshot, then the WAL insert position. Every transaction the
 * snapshot sees wrote its commit record before the snapshot was taken, so before that
 * position; a partition whose applied watermark is at or past it has applied all of them (and
 * perhaps later ones: a row changed in between is rechecked, never reported at once).
 */
export function postgresSourceReader(database: PostgresDatabase): SourceReader {
  return {
    database,
    async atPosition(read) {
      const session = await database.connect();
      let broken = false;
      try {
        await session.query({ text: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', values: [] });
        const value = await read(session);
        const [[lsn]] = await session.query({
          text: 'SELECT pg_catalog.pg_current_wal_insert_lsn()::text',
          values: [],
        });
        await session.query({ text: 'COMMIT', values: [] });
        const commit = parseLsn(lsn!);
        return { value, position: { label: lsn!, reachedBy: (applied) => applied.commit >= commit } };
      } catch (error) {
        broken = true;
        throw error;
      } finally {
        if (broken) await session.query({ text: 'ROLLBACK', values: [] }).catch(() => undefined);
        session.release(broken);
      }
    },
    async estimateRows(table) {
      const [row] = await database.query({
        text: `SELECT GREATEST(reltuples, 0)::int8::text FROM pg_catalog.pg_class
                WHERE oid = pg_catalog.to_regclass(pg_catalog.format('%I.%I', $1::text, $2::text))`,
        values: [table.name.schema, table.name.table],
      });
      return Number(row?.[0] ?? 0);
    },
    close: () => database.close(),
  };
}

function parseLsn(text: string): bigint {
  const [high, low] = text.split('/');
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}
