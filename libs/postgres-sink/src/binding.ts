import { createHash } from 'node:crypto';
import type { TableSchema } from '@cdc/change-envelope';
import type { FieldMode } from './encode';

/** A source column bound to the destination column of the same name. */
export interface BoundColumn {
  readonly name: string;
  /** Quoted identifier. */
  readonly sql: string;
  /** `"name":` for the JSON rows. */
  readonly jsonKey: string;
  readonly mode: FieldMode;
  /** The destination type has a btree equality; otherwise rows are compared as text. */
  readonly comparable: boolean;
  /** What values are cast to (see TargetColumn.typeSql). */
  readonly typeSql: string;
}

/** A source table as written to one destination table; built from the destination catalog. */
export interface TableBinding {
  /** Quoted destination name; ops with the same id write the same destination table. */
  readonly id: string;
  /** Source shape (names, types, key flags); a change inside one segment splits the segment. */
  readonly signature: string;
  /** Destination `schema.table`, for messages. */
  readonly display: string;
  /** Aligned with the source table's columns. */
  readonly columns: readonly BoundColumn[];
  /** Source column indexes of the key columns, in key order. */
  readonly keyIndexes: readonly number[];
  /** Rows are identified by key (else: replica identity full, rows match on every column). */
  readonly keyed: boolean;
  /** SQL text per statement shape. */
  readonly sqlCache: Map<string, string>;
}

export function keyIndexesOf(table: TableSchema): number[] {
  const indexes: number[] = [];
  table.columns.forEach((column, index) => {
    if (column.key) indexes.push(index);
  });
  return indexes;
}

const names = new Map<string, string>();

/** Name of the prepared statement for a SQL text: a short hash, so plans are cached per connection. */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = 'cdc_' + createHash('sha256').update(text).digest('hex').slice(0, 24);
    if (names.size > 10_000) names.clear();
    names.set(text, name);
  }
  return name;
}
