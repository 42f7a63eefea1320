import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import { compileFilter, filterOp, FilterTypeError, parseFilter, type RowPredicate } from '@cdc/row-filter';
import { compileTransforms, TransformError, type ColumnTransformSpec, type TableTransforms } from './column-transforms';
import type { Sink } from './sink';

/** A destination's own row filters and column transforms (config: `filters`, `transforms`, `transform_key`). */
export interface DestinationRowRules {
  readonly destination: string;
  /** The filter text for a source table, if one applies. */
  readonly filterOf: (schema: string, table: string) => string | undefined;
  /** The column transforms for a source table, if any apply. */
  readonly transformsOf: (schema: string, table: string) => Readonly<Record<string, ColumnTransformSpec>> | undefined;
  readonly transformKey?: string;
}

interface TableRules {
  readonly predicate: RowPredicate | undefined;
  readonly transforms: TableTransforms | undefined;
}

/**
 * The sink with the destination's filters and transforms in front: every op of a batch is
 * filtered (filterOp: an update leaving the filter becomes a delete, one entering it an insert)
 * and transformed once, before the engine sees it, so the destination never receives a row
 * outside its filter or a clear value of a transformed column. A filter or transform that
 * cannot apply to a table (unknown column, wrong type, a key column) stops the partition with
 * one line naming destination, source, table and column; retrying cannot help.
 */
export function rowRulesSink(sink: Sink, rules: DestinationRowRules): Sink {
  // Compiled per source and table schema object (a schema change brings a new object).
  const compiled = new WeakMap<TableSchema, Map<string, TableRules>>();
  const rulesOf = (source: string, table: TableSchema): TableRules => {
    let perSource = compiled.get(table);
    if (perSource === undefined) compiled.set(table, (perSource = new Map()));
    let found = perSource.get(source);
    if (found === undefined) {
      found = compile(rules, source, table);
      perSource.set(source, found);
    }
    return found;
  };
  return {
    readCheckpoint: (source, partition) => sink.readCheckpoint(source, partition),
    close: () => sink.close(),
    applyBatch: async (batch) => {
      const ops: ChangeOp[] = [];
      for (const op of batch.ops) {
        if (op.kind === 'ddl') {
          ops.push(op);
          continue;
        }
        const { predicate, transforms } = rulesOf(batch.source, op.table);
        const passed = predicate === undefined ? [op] : filterOp(op, predicate);
        for (const kept of passed) {
          if (transforms === undefined) ops.push(kept);
          else ops.push(...transforms.apply(kept));
        }
      }
      return sink.applyBatch({ ...batch, ops });
    },
  };
}

function compile(rules: DestinationRowRules, source: string, table: TableSchema): TableRules {
  const where = `destination ${rules.destination}, source ${source}`;
  const text = rules.filterOf(table.schema, table.table);
  let predicate: RowPredicate | undefined;
  if (text !== undefined) {
    try {
      predicate = compileFilter(parseFilter(text), table.columns);
    } catch (error) {
      if (error instanceof FilterTypeError || (error instanceof Error && error.name === 'FilterSyntaxError')) {
        throw new TransformError(
          `${where}, table ${table.schema}.${table.table}: filter ${JSON.stringify(text)}: ${error.message}`,
        );
      }
      throw error;
    }
  }
  const columns = rules.transformsOf(table.schema, table.table);
  const transforms =
    columns === undefined || Object.keys(columns).length === 0
      ? undefined
      : compileTransforms(table, columns, rules.transformKey, where);
  return { predicate, transforms };
}
