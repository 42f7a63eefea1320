import { partitionOf } from '@cdc/change-envelope';
import { parseFilter, renderMysql, renderPostgres } from '@cdc/row-filter';
import {
  keyPartitionedTables,
  mapTable,
  ruleForTable,
  type DestinationConfig,
  type QualifiedName,
  type SourceConfig,
} from '@cdc/config';
import type { RowFilter, SideTable } from './table-queries';
import type { ValueKind } from './value-kind';

/** A source table's column, as the source catalog describes it. */
export interface SourceColumn {
  readonly name: string;
  readonly type: string;
  readonly kind: ValueKind;
  /** Position in the primary key (0-based), or undefined. */
  readonly keyPosition: number | undefined;
}

export interface SourceTableDescription {
  readonly name: QualifiedName;
  readonly columns: readonly SourceColumn[];
  /** Vitess: information_schema's row estimate of one shard (for the progress line's ETA). */
  readonly estimatedRowsPerShard?: number;
}

/** One source table against one destination that receives it: what is compared, on each side. */
export interface TablePlan {
  readonly source: SourceConfig;
  readonly destination: DestinationConfig;
  readonly sourceTable: QualifiedName;
  readonly destinationTable: QualifiedName;
  readonly sourceSide: SideTable;
  readonly destinationSide: SideTable;
  /** Source column names in compared order (for reports). */
  readonly columnNames: readonly string[];
  /** Their source types as the catalog names them (format_type), for casting key texts back (--repair). */
  readonly sourceTypes: readonly string[];
  /** Partitions that carry this table's changes: their applied watermarks must pass a chunk's position. */
  readonly partitions: readonly number[];
  /** What is compared, when it is not simply every row and column. */
  readonly notes: readonly string[];
  /** Set when the table is not compared by design (append-only), and why. */
  readonly skipped?: string;
  /** Set when the table cannot be compared because the destination lacks it (or its key): the copy is not equal. */
  readonly problem?: string;
}

/**
 * Pairs a source table with a destination table: the destination's name for it (`tables`,
 * `schema`), its columns renamed and excluded as the destination's table policy says, the
 * source's own rows of a fan-in table (`source_id`), the current versions of a `history`
 * table. `destinationColumns` are the columns the destination table has (undefined: no table).
 */
export function planTable(
  source: SourceConfig,
  destination: DestinationConfig,
  table: SourceTableDescription,
  destinationColumns: ReadonlySet<string> | undefined,
  destinationEngine: 'postgres' | 'mysql',
): TablePlan {
  const qualified = `${table.name.schema}.${table.name.table}`;
  const destinationTable = mapTable(destination, table.name.schema, table.name.table);
  const policy = destination.tablePolicies?.[qualified];
  const mode = policy?.mode ?? 'clone';
  const notes: string[] = [];
  const byteOrder = destinationEngine !== (source.type === 'postgres' ? 'postgres' : 'mysql');

  // Row filters: the source side reads only the rows the source's and the destination's filters
  // let through, in the source's SQL (a Vitess source's through vtgate: MySQL's rules, which the
  // reader's evaluation follows); transformed columns are not compared.
  const sourceFilters: RowFilter[] = [];
  const transforms = ruleForTable(destination.transforms, table.name.schema, table.name.table) ?? {};
  const sourceFilter = ruleForTable(source.filters, table.name.schema, table.name.table);
  const destinationFilter = ruleForTable(destination.filters, table.name.schema, table.name.table);
  const render = source.type === 'postgres' ? renderPostgres : renderMysql;
  for (const text of [sourceFilter, destinationFilter]) {
    if (text === undefined) continue;
    sourceFilters.push({ sql: render(parseFilter(text)) });
    notes.push(`source rows matching ${JSON.stringify(text)} (filters)`);
  }
  if (destinationFilter !== undefined && source.type !== 'postgres') {
    notes.push(
      "the destination filter is evaluated by the applier with Postgres's rules (text by code point), read here under MySQL's (the columns' collations): text differing in case, accents or trailing spaces may be reported",
    );
  }
  const compared: Array<{ source: SourceColumn; target: string }> = [];
  for (const column of table.columns) {
    if (policy?.exclude.includes(column.name)) {
      notes.push(`column ${column.name} is excluded: not compared`);
      continue;
    }
    const transform = transforms[column.name];
    if (transform !== undefined) {
      if (column.keyPosition !== undefined)
        return unusablePlan({ skipped: `key column ${column.name} is transformed (${transform.kind}): not compared` });
      notes.push(`column ${column.name} is transformed (${transform.kind}): not compared`);
      continue;
    }
    const target = policy?.rename[column.name] ?? column.name;
    if (destinationColumns && !destinationColumns.has(target)) {
      if (column.keyPosition !== undefined)
        return unusablePlan({ problem: `the destination table has no key column ${target}` });
      notes.push(`column ${column.name} is missing at the destination (missing_columns: ignore?): not compared`);
      continue;
    }
    compared.push({ source: column, target });
  }
  for (const [name, transform] of Object.entries(transforms)) {
    if (transform.kind === 'expr' && !table.columns.some((column) => column.name === name)) {
      notes.push(`column ${name} is derived (expr): not compared`);
    }
  }
  const keyed = compared.filter((c) => c.source.keyPosition !== undefined);
  keyed.sort((a, b) => a.source.keyPosition! - b.source.keyPosition!);
  const keyIndexes = keyed.map((c) => compared.indexOf(c));
  const kinds = compared.map((c) => c.source.kind);

  const filters: RowFilter[] = [];
  if (destination.sourceId) {
    const value = destination.sourceId.values[source.name] ?? source.name;
    filters.push({ column: destination.sourceId.column, equals: value });
    notes.push(`rows with ${destination.sourceId.column} = ${value} (source_id)`);
  }
  if (mode === 'history') {
    filters.push({ column: '_cdc_valid_to', isNull: true });
    notes.push('history: the current versions (_cdc_valid_to IS NULL) are compared');
  }
  if (mode === 'append-only')
    return unusablePlan({
      skipped: 'append-only: the table is a log of changes, not a copy of the rows; not compared',
    });
  if (!destinationColumns) return unusablePlan({ problem: 'the destination table does not exist' });
  if (keyIndexes.length === 0) notes.push('no primary key: compared whole, rows as a multiset');

  const keyPartitioned = keyPartitionedTables(source)?.(table.name.schema, table.name.table) ?? false;
  const partitions = keyPartitioned
    ? Array.from({ length: source.partitions }, (_, i) => i)
    : [partitionOf(table.name.schema, table.name.table, source.partitions)];

  return {
    source,
    destination,
    sourceTable: table.name,
    destinationTable,
    sourceSide: {
      name: table.name,
      columns: compared.map((c) => c.source.name),
      kinds,
      keyIndexes,
      filters: sourceFilters,
      byteOrder,
    },
    destinationSide: {
      name: destinationTable,
      columns: compared.map((c) => c.target),
      kinds,
      keyIndexes,
      filters,
      byteOrder,
    },
    columnNames: compared.map((c) => c.source.name),
    sourceTypes: compared.map((c) => c.source.type),
    partitions,
    notes,
  };

  function unusablePlan(why: { skipped: string } | { problem: string }): TablePlan {
    const empty: SideTable = { name: table.name, columns: [], kinds: [], keyIndexes: [], filters: [], byteOrder };
    return {
      source,
      destination,
      sourceTable: table.name,
      destinationTable,
      sourceSide: empty,
      destinationSide: { ...empty, name: destinationTable },
      columnNames: [],
      sourceTypes: [],
      partitions: [],
      notes,
      ...why,
    };
  }
}
