import type { Value } from './value';

/**
 * Where an op sits in its source. Ops of one partition and one lane are totally ordered by
 * (commit, index); positions of different lanes (shards of a Vitess keyspace) do not compare.
 */
export interface Position {
  /**
   * Postgres: LSN where the transaction's commit record starts (BEGIN's final_lsn; a restarted
   * slot replays the transaction while confirmed_flush_lsn is at or below it). Snapshot rows:
   * the slot's consistent point.
   */
  readonly commit: bigint;
  /** Op index inside the transaction (snapshot: a per-source row counter). */
  readonly index: number;
  /** Opaque source position (a Vitess VGtid); empty for Postgres. */
  readonly token?: Uint8Array;
  /** Ordering lane: a Vitess "keyspace/shard"; absent (the single lane '') for Postgres. */
  readonly lane?: string;
}

export interface Column {
  readonly name: string;
  /** Source type name as the source spells it, e.g. "int8", "numeric(10,2)". */
  readonly type: string;
  readonly key: boolean;
  readonly nullable: boolean;
  readonly typeOid: number;
  readonly elementTypeOid: number;
  /**
   * How the column's values are typed when rows travel as text (see row-text.ts, ColumnKind):
   * a Value kind such as "integer" or "timestamptz", or "array:<element kind>". Every source
   * sets it; absent only in messages from before rows travelled as text.
   */
  readonly valueKind?: string;
}

export interface TableSchema {
  readonly schema: string;
  readonly table: string;
  readonly columns: readonly Column[];
  /** False for tables without a primary key (replica identity full): rows match on every column. */
  readonly hasKey: boolean;
}

/** 'rows': many snapshot rows of one table at one position, as COPY text (a bulk chunk). */
export type ChangeKind = 'insert' | 'update' | 'delete' | 'truncate' | 'ddl' | 'snapshot-row' | 'rows';

/**
 * An op's rows as Postgres COPY text (row-text.ts), when the op travels as text: the row's
 * values are never turned into objects on the way unless something asks for `key`, `before`
 * or `after` (decoded from this text on first use).
 */
export interface OpText {
  /** The old key columns only, in key order: the source sent just the old key (a key change). */
  readonly key?: Uint8Array;
  /** The whole old row (replica identity full). */
  readonly before?: Uint8Array;
  /** The new row (one line, no newline); for a 'rows' op its rows, each ending in a newline. */
  readonly after?: Uint8Array;
}

export interface ChangeOp {
  readonly kind: ChangeKind;
  readonly table: TableSchema;
  /** Identity of the changed row (old key for update/delete), in key-column order. */
  readonly key: readonly Value[];
  /** Old row aligned with table.columns, when the source sent one (replica identity full). */
  readonly before?: readonly Value[];
  /** New row aligned with table.columns (insert, update, snapshot-row). */
  readonly after?: readonly Value[];
  readonly position: Position;
  /** Source commit time in microseconds since the Unix epoch. */
  readonly commitTimeUs: number;
  /** Statement text for ddl ops. */
  readonly ddl?: string;
  /**
   * Only on an op copied into several partitions of a table partitioned by key (a TRUNCATE
   * into all of them, an UPDATE moving a row into the two involved): those partitions, sorted.
   * The destination applies it once every listed partition has applied all its earlier ops, by
   * the first listed partition; the others pass over it (see libs/apply, barriers).
   */
  readonly barrier?: readonly number[];
  /** The rows as COPY text (see OpText); `key`, `before` and `after` are then decoded from it when read. */
  readonly text?: OpText;
  /** A 'rows' op: how many rows its text holds. */
  readonly rows?: number;
  /**
   * A 'rows' op of an initial snapshot: the source's truncate of the table for this snapshot
   * came first and nothing else of the table comes between, so the rows are new to a destination
   * that applied that truncate (it may load them without looking for existing keys).
   */
  readonly intoEmpty?: boolean;
}

/** One JetStream data message: consecutive ops of one partition in source order. */
export interface ChangeBatch {
  readonly source: string;
  readonly partition: number;
  readonly ops: readonly ChangeOp[];
}

/** Every op up to `position` has been durably published; `seq` is what gets compared. */
export interface Watermark {
  readonly source: string;
  readonly seq: number;
  readonly position: Position;
  readonly timeUs: number;
}

/** Orders two positions of the same lane (see Position). */
export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  return a.index - b.index;
}

/** A position for messages, logs and dead-letter records: `lane@commit:index`, `commit:index` without a lane. */
export function positionText(position: Position): string {
  return `${position.lane ? `${position.lane}@` : ''}${position.commit}:${position.index}`;
}

export function qualifiedName(table: Pick<TableSchema, 'schema' | 'table'>): string {
  return `${table.schema}.${table.table}`;
}

export function keyColumns(table: TableSchema): Column[] {
  return table.columns.filter((column) => column.key);
}

/** Positions of the key columns among `columns`, in column order. */
export function keyColumnIndexes(columns: readonly Column[]): number[] {
  return columns.flatMap((column, index) => (column.key ? [index] : []));
}
