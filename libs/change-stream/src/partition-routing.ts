import {
  keyColumnIndexes,
  partitionOf,
  partitionOfKey,
  type ChangeOp,
  type TableSchema,
  type Value,
} from '@cdc/change-envelope';
import type { Logger } from '@cdc/service-runtime';

/** Where a table's ops go: its one partition, or by key (the table's key columns, by index into its columns). */
export type Route = number | { readonly keyIndexes: readonly number[] };

/** A table's route: by key when `keyPartitioned` says so and the table has a key, else its table's partition. */
export function routeOf(
  table: TableSchema,
  partitions: number,
  keyPartitioned: ((schema: string, table: string) => boolean) | undefined,
  log: Logger,
): Route {
  const byTable = partitionOf(table.schema, table.table, partitions);
  if (!keyPartitioned?.(table.schema, table.table)) return byTable;
  const keyIndexes = keyColumnIndexes(table.columns);
  if (!table.hasKey || keyIndexes.length === 0) {
    // Without a key, rows have no identity to hash that survives an update.
    log.warn(
      { table: `${table.schema}.${table.table}`, partition: byTable },
      'partition_by: key ignored for a table without a primary key: the table stays in one partition',
    );
    return byTable;
  }
  return { keyIndexes };
}

/**
 * The partitions of an op of a table partitioned by key: a number for the one partition its
 * row goes to (its key's), an array (in partition order) when its effect spans partitions and
 * it is copied into each of them with `barrier` set (the destination applies it once all of
 * them have reached it): a TRUNCATE into every partition, an UPDATE that changes the key into
 * the old key's and the new key's partitions, so the row's later changes (under its new key)
 * cannot overtake its move.
 */
export function partitionsByKey(op: ChangeOp, keyIndexes: readonly number[], partitions: number): number | number[] {
  const { schema, table } = op.table;
  const partitionOfRow = (row: readonly Value[]) =>
    partitionOfKey(
      schema,
      table,
      keyIndexes.map((i) => row[i]),
      partitions,
    );
  const partitionOfOldKey = () =>
    op.key.length > 0 ? partitionOfKey(schema, table, op.key, partitions) : partitionOfRow(op.before ?? op.after ?? []);
  switch (op.kind) {
    case 'truncate':
      return Array.from({ length: partitions }, (_, i) => i);
    case 'ddl':
      return partitionOf(schema, table, partitions);
    case 'delete':
      return partitionOfOldKey();
    case 'update': {
      const from = partitionOfOldKey();
      const newKey = op.after && keyIndexes.every((i) => op.after![i] && op.after![i].kind !== 'unchanged');
      const to = newKey ? partitionOfRow(op.after!) : from;
      if (from === to) return from;
      return from < to ? [from, to] : [to, from];
    }
    default:
      // insert, snapshot-row
      return op.after ? partitionOfRow(op.after) : partitionOfOldKey();
  }
}
