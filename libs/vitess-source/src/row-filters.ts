import type { ChangeOp, Column } from '@cdc/change-envelope';
import {
  compileFilter,
  filterOp,
  FilterSyntaxError,
  FilterTypeError,
  parseFilter,
  renderPostgres,
  type FilterExpression,
  type RowPredicate,
} from '@cdc/row-filter';
import { splitForVStream, tablePatternRules } from './filter-rules';
import type { KeyspaceTable } from './schema';

/** A source filter that cannot apply to its table (does not parse, unknown column, a literal the column cannot hold). One line. */
export class RowFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RowFilterError';
  }
}

/**
 * Each table's filter when the reader last started (KV `filters.<source>`): the text as written
 * and its canonical form (the parsed tree rendered again, so spacing, keyword case and quoting
 * do not count as a change); null for a table without one. `backfill`: the tables being copied
 * again through a changed filter (filter-backfill.ts).
 */
export interface FilterRecord {
  readonly tables: Readonly<Record<string, { readonly text: string; readonly canonical: string } | null>>;
  readonly backfill?: Readonly<Record<string, BackfillState>>;
}

/** A table's copy through a changed filter: pending until the committed watermark's seq is above `copiedBeforeSeq`. */
export interface BackfillState {
  /** The last watermark seq handed out when its copy ended (every later one is placed after the copied rows); absent while not copied. */
  readonly copiedBeforeSeq?: number;
}

/** A table whose filter changed while the reader was stopped: what it was and is (undefined: none). */
export interface FilterChange {
  readonly table: string;
  readonly was: string | undefined;
  readonly now: string | undefined;
}

/** What one VStream session asks vtgate for, and the reader's half of the filters that agrees with it. */
export interface FilterSession {
  /** The session's VStream rules: one `select * from t where ...` per table with a pushed-down filter, then the table patterns. */
  readonly rules: ReadonlyArray<{ readonly match: string; readonly filter?: string }>;
  /** What of one op the reader passes on (filterOp over the part VStream does not evaluate). */
  filter(op: ChangeOp): ChangeOp[];
  /** Per filtered table: what VStream evaluates and what the reader does, for the start-up log. */
  readonly plan: ReadonlyArray<{ table: string; vstream?: string; reader?: string }>;
}

interface TableFilter {
  readonly text: string;
  /** What the reader evaluates; undefined when VStream evaluates all of it. */
  readonly expression: FilterExpression | undefined;
  /** Compiled per column list (a DDL or another shard's FIELD event brings a new one). */
  readonly compiled: WeakMap<readonly Column[], RowPredicate>;
}

/**
 * A Vitess source's row filters (`filters:`, issue 19): pushed down into VStream's rules where
 * its planbuilder can express them (filter-rules.ts), evaluated by the reader with MySQL's
 * rules otherwise (libs/row-filter, dialect mysql), in either case with a publication row
 * filter's semantics (an update leaving the filter is a delete, one entering it an insert).
 */
export class VitessRowFilters {
  constructor(
    private readonly options: {
      readonly source: string;
      readonly keyspace: string;
      /** The filter text of a table, if one applies (config: the first matching pattern). */
      readonly filterOf: (table: string) => string | undefined;
    },
  ) {}

  /** Checks the filter of every table now known: parses, its columns exist, its literals fit. Throws RowFilterError. */
  check(tables: readonly KeyspaceTable[]): void {
    for (const table of tables) {
      const text = this.options.filterOf(table.name);
      if (text === undefined) continue;
      const expression = this.parse(table.name, text);
      this.compile(table.name, text, expression, columnsOf(table), table);
    }
  }

  /** The filters of these tables now, to record and to compare with the last start's (filterChanges). */
  record(tables: readonly KeyspaceTable[]): FilterRecord {
    const record: Record<string, { text: string; canonical: string } | null> = {};
    for (const table of tables) {
      const text = this.options.filterOf(table.name);
      record[table.name] =
        text === undefined ? null : { text, canonical: renderPostgres(this.parse(table.name, text)) };
    }
    return { tables: record };
  }

  /**
   * The tables both records know whose filter differs (added, removed or changed). A table only
   * one record knows is no change: new to the patterns, or gone from the keyspace.
   */
  changes(before: FilterRecord, now: FilterRecord): FilterChange[] {
    return Object.entries(now.tables)
      .filter(
        ([table, filter]) =>
          table in before.tables && (before.tables[table]?.canonical ?? null) !== (filter?.canonical ?? null),
      )
      .map(([table, filter]) => ({ table, was: before.tables[table]?.text, now: filter?.text }));
  }

  /**
   * One VStream session's rules and op filter, from the tables known when it starts: a table
   * created later is matched by its pattern rule and filtered whole by the reader.
   */
  session(
    tables: ReadonlyMap<string, KeyspaceTable>,
    tablePatterns: readonly string[],
    /** The table's current description (its collations), for a table first seen in the stream. */
    tableOf: (name: string) => KeyspaceTable | undefined,
  ): FilterSession {
    const rules: Array<{ match: string; filter?: string }> = [];
    const plan: Array<{ table: string; vstream?: string; reader?: string }> = [];
    const byTable = new Map<string, TableFilter | null>();
    for (const table of tables.values()) {
      const text = this.options.filterOf(table.name);
      if (text === undefined) continue;
      const split = splitForVStream(table.name, this.parse(table.name, text), columnsOf(table));
      // An exact-match rule must come before the patterns: VStream takes a table's first matching rule.
      if (split.rule) rules.push(split.rule);
      byTable.set(table.name, { text, expression: split.remainder, compiled: new WeakMap() });
      plan.push({
        table: table.name,
        ...(split.rule ? { vstream: split.rule.filter } : {}),
        ...(split.remainder ? { reader: renderPostgres(split.remainder) } : {}),
      });
    }
    rules.push(...tablePatternRules(tablePatterns));
    const filterOf = (name: string): TableFilter | null => {
      let filter = byTable.get(name);
      if (filter === undefined) {
        const text = this.options.filterOf(name);
        filter = text === undefined ? null : { text, expression: this.parse(name, text), compiled: new WeakMap() };
        byTable.set(name, filter);
      }
      return filter;
    };
    return {
      rules,
      plan,
      filter: (op) => {
        if (op.kind === 'ddl' || op.kind === 'truncate') return [op];
        const filter = filterOf(op.table.table);
        if (filter === null || filter.expression === undefined) return [op];
        let predicate = filter.compiled.get(op.table.columns);
        if (predicate === undefined) {
          predicate = this.compile(
            op.table.table,
            filter.text,
            filter.expression,
            op.table.columns,
            tableOf(op.table.table),
          );
          filter.compiled.set(op.table.columns, predicate);
        }
        return filterOp(op, predicate);
      },
    };
  }

  private fail(table: string, text: string, problem: string): RowFilterError {
    return new RowFilterError(
      `source ${this.options.source}, table ${this.options.keyspace}.${table}: filter ${JSON.stringify(text)} ${problem}; fix the filter in the config and restart the reader`,
    );
  }

  private parse(table: string, text: string): FilterExpression {
    try {
      return parseFilter(text);
    } catch (error) {
      if (error instanceof FilterSyntaxError) throw this.fail(table, text, error.message);
      throw error;
    }
  }

  private compile(
    table: string,
    text: string,
    expression: FilterExpression,
    columns: readonly Column[],
    described: KeyspaceTable | undefined,
  ): RowPredicate {
    const collations = new Map(
      (described?.columns ?? []).map((column) => [column.name.toLowerCase(), column.collation] as const),
    );
    try {
      return compileFilter(expression, columns, {
        dialect: 'mysql',
        collationOf: (column) => collations.get(column.toLowerCase()),
      });
    } catch (error) {
      if (error instanceof FilterTypeError) throw this.fail(table, text, error.message);
      throw error;
    }
  }
}

/** A table's columns as information_schema describes them, typed as the stream's (type oid 0: a MySQL type name). */
function columnsOf(table: KeyspaceTable): Column[] {
  return table.columns.map((column) => ({
    name: column.name,
    type: column.json ? 'json' : column.columnType,
    key: table.primaryKey.includes(column.name),
    nullable: column.nullable,
    typeOid: 0,
    elementTypeOid: 0,
  }));
}
