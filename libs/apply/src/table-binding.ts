import { keyColumnIndexes, type ChangeOp, type TableSchema } from '@cdc/change-envelope';
import type { TableMapper, TargetTable } from './sink';

// What every engine's binding of a source table to its destination table holds, and the rule
// for the key it applies rows by; an engine adds its own columns (how each is written).

/** A source table (one shape) bound to its destination table. */
export interface BoundTable<Column> {
  /** Quoted destination name; ops with the same id write the same destination table. */
  readonly id: string;
  /** Source shape (names, types, key flags); a change inside one segment splits the segment. */
  readonly signature: string;
  /** Destination `schema.table`, for messages. */
  readonly display: string;
  /** Aligned with the source table's columns. */
  readonly columns: readonly Column[];
  /** Source column indexes of the key columns, in key order. */
  readonly keyIndexes: readonly number[];
  /** Rows are identified by key (else: replica identity full, rows match on every column). */
  readonly keyed: boolean;
}

/** How a source table's rows are matched at a destination table with these unique keys. */
export interface BindingKey {
  readonly keyIndexes: number[];
  readonly keyed: boolean;
  /**
   * The key's column names (sorted) when the table is keyed but the destination has no primary
   * key or unique index on exactly those columns (rows could not be applied by key); else undefined.
   */
  readonly unusable: readonly string[] | undefined;
}

export function bindingKey(table: TableSchema, uniqueKeys: readonly (readonly string[])[]): BindingKey {
  const keyIndexes = keyColumnIndexes(table.columns);
  const keyed = table.hasKey && keyIndexes.length > 0;
  if (!keyed) return { keyIndexes, keyed, unusable: undefined };
  const names = keyIndexes.map((index) => table.columns[index].name).sort();
  const usable = uniqueKeys.some(
    (unique) => unique.length === names.length && [...unique].sort().every((name, i) => name === names[i]),
  );
  return { keyIndexes, keyed, unusable: usable ? undefined : names };
}

/**
 * Where an op's table lands. A mapper that throws fails the op: `fail` gets
 * `cannot be mapped to a destination table: <error>` and the error, and returns the engine's
 * ApplyError for the op.
 */
export function mapOpTarget(
  mapTable: TableMapper,
  op: ChangeOp,
  errorText: (error: unknown) => string,
  fail: (what: string, cause: unknown) => Error,
): TargetTable {
  try {
    return mapTable(op.table);
  } catch (error) {
    throw fail(`cannot be mapped to a destination table: ${errorText(error)}`, error);
  }
}
