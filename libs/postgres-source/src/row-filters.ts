import { Client } from 'pg';
import type { ChangeOp } from '@cdc/change-envelope';
import {
  columnsOf,
  compileFilter,
  filterOp,
  FilterSyntaxError,
  FilterTypeError,
  parseFilter,
  renderPostgres,
  type RowPredicate,
} from '@cdc/row-filter';
import { SourceCatalog } from './catalog';
import type { ChangeHandler } from './change-decoder';
import type { SourceTable } from './preflight';
import { SourcePreflightError } from './preflight';
import { describeSourceTable } from './snapshot';

/** Publication row filters (`CREATE PUBLICATION ... TABLE t WHERE (...)`) exist from PostgreSQL 15. */
const ROW_FILTER_MIN_VERSION = 150000;

/**
 * Where a source's row filters are applied, the one rule every step asks (preflight, the
 * publication, the snapshot, the stream, tables added and filters changed while streaming):
 * in the publication and the snapshot from PostgreSQL 15 (`server_version_num`), before that
 * by the reader, op by op.
 *
 * CDC_BENCH_ROW_FILTERS_IN_READER=1 makes a 15+ server take the 14 path. It is for tools/bench
 * only (what the publication's filter saves, measured against the same filter in the reader on
 * one server) and deliberately not a config option: on 15+ the publication filter is faster and
 * judges updates by their old row too, and the one thing the reader path allows (a filter on
 * columns outside the replica identity) is better had with REPLICA IDENTITY FULL.
 */
export function publicationHoldsRowFilters(serverVersion: number): boolean {
  if (process.env.CDC_BENCH_ROW_FILTERS_IN_READER === '1') return false;
  return serverVersion >= ROW_FILTER_MIN_VERSION;
}

/** One table's filter, checked against the source's catalog. */
export interface TableRowFilter {
  readonly schema: string;
  readonly table: string;
  /** As configured. */
  readonly text: string;
  /** Rendered from the parsed expression (render.ts): what the publication and the snapshot use. */
  readonly sql: string;
  readonly predicate: RowPredicate;
}

/** The filters of a source's tables, by "schema\0table"; empty when none is configured. */
export class RowFilters {
  private constructor(private readonly byTable: Map<string, TableRowFilter>) {}

  /** No filter (never merged into: a fresh `RowFilters.empty()` is for that). */
  static readonly NONE: RowFilters = new RowFilters(new Map());

  /** A set to merge checked filters into (tables added while streaming). */
  static empty(): RowFilters {
    return new RowFilters(new Map());
  }

  /** Takes the filters of `other` (tables added later): what holds this object sees them from now on. */
  merge(other: RowFilters): void {
    if (this === RowFilters.NONE) throw new Error('RowFilters.NONE cannot be merged into');
    for (const [key, filter] of other.byTable) this.byTable.set(key, filter);
  }

  /**
   * Checks every configured filter against the tables it applies to, once at start: it parses,
   * every column exists, literals fit the column types, and (on 15+, where the publication
   * carries it) the columns are in the table's replica identity: Postgres refuses an UPDATE or
   * DELETE of a published table whose row filter reads other columns, so a filter outside it
   * would break the source's own writes. Throws SourcePreflightError naming source, table, column.
   */
  static async check(options: {
    readonly source: string;
    readonly url: string;
    readonly tables: readonly SourceTable[];
    /** The filter text of a table, if one applies (config: the first matching pattern). */
    readonly filterOf: (schema: string, table: string) => string | undefined;
    readonly serverVersion: number;
  }): Promise<RowFilters> {
    const wanted = options.tables.flatMap((table) => {
      const text = options.filterOf(table.schema, table.table);
      return text === undefined ? [] : [{ table, text }];
    });
    if (wanted.length === 0) return RowFilters.empty();
    const client = new Client({ connectionString: options.url, application_name: `cdc-filters-${options.source}` });
    await client.connect();
    try {
      const catalog = new SourceCatalog(client);
      const byTable = new Map<string, TableRowFilter>();
      for (const { table, text } of wanted) {
        const name = `${table.schema}.${table.table}`;
        const fail = (problem: string) =>
          new SourcePreflightError(options.source, `table ${name}: filter ${JSON.stringify(text)}: ${problem}`);
        let expression;
        try {
          expression = parseFilter(text);
        } catch (error) {
          if (error instanceof FilterSyntaxError) throw fail(error.message);
          throw error;
        }
        const relation = await describeSourceTable(client, catalog, table);
        let predicate: RowPredicate;
        try {
          predicate = compileFilter(expression, relation.schema.columns);
        } catch (error) {
          if (error instanceof FilterTypeError) throw fail(error.message);
          throw error;
        }
        if (publicationHoldsRowFilters(options.serverVersion)) {
          const identity = await replicaIdentityColumns(client, table);
          const outside = columnsOf(expression).filter((column) => identity !== 'all' && !identity.includes(column));
          if (outside.length > 0) {
            throw fail(
              `column ${outside.map((c) => JSON.stringify(c)).join(', ')} ${outside.length > 1 ? 'are' : 'is'} not in the table's replica identity, ` +
                `and PostgreSQL refuses UPDATE and DELETE on a table whose publication row filter reads such a column: ` +
                `ALTER TABLE ${name} REPLICA IDENTITY FULL (or an identity index covering the column), or filter on key columns`,
            );
          }
        }
        byTable.set(`${table.schema}\u0000${table.table}`, {
          schema: table.schema,
          table: table.table,
          text,
          sql: renderPostgres(expression),
          predicate,
        });
      }
      return new RowFilters(byTable);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  get size(): number {
    return this.byTable.size;
  }

  of(schema: string, table: string): TableRowFilter | undefined {
    return this.byTable.get(`${schema}\u0000${table}`);
  }

  /** `t WHERE (...)` for a publication's table list: the filtered table with its rendered filter. */
  publicationEntry(quotedTable: string, schema: string, table: string): string {
    const filter = this.of(schema, table);
    return filter === undefined ? quotedTable : `${quotedTable} WHERE (${filter.sql})`;
  }
}

/** The columns of the table's replica identity ('all' for REPLICA IDENTITY FULL). */
async function replicaIdentityColumns(client: Client, table: SourceTable): Promise<string[] | 'all'> {
  if (table.replicaIdentity === 'f') return 'all';
  const result = await client.query<{ name: string }>(
    `SELECT a.attname AS name
       FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = $1::oid AND (CASE $2::text WHEN 'd' THEN i.indisprimary WHEN 'i' THEN i.indisreplident ELSE false END)`,
    [table.relationId, table.replicaIdentity],
  );
  return result.rows.map((row) => row.name);
}

/**
 * A handler that passes on what of each op passes its table's filter (filterOp: an update out
 * of the filter becomes a delete, into it an insert), for a server whose publication cannot
 * filter (before 15). Everything else goes through untouched.
 */
export function filteringHandler(handler: ChangeHandler, filters: RowFilters): ChangeHandler {
  // NONE never changes; another set may gain filters of tables added while streaming.
  if (filters === RowFilters.NONE) return handler;
  const forward = (ops: ChangeOp[]): void | Promise<void> => {
    if (ops.length === 0) return;
    if (ops.length === 1) return handler.op(ops[0]);
    return ops.reduce<Promise<void>>(async (previous, op) => {
      await previous;
      await handler.op(op);
    }, Promise.resolve());
  };
  return {
    op: (op) => {
      const filter = op.kind === 'ddl' ? undefined : filters.of(op.table.schema, op.table.table);
      return filter === undefined ? handler.op(op) : forward(filterOp(op, filter.predicate));
    },
    commit: (position, commitTimeUs, xid) => handler.commit(position, commitTimeUs, xid),
    idle: (walEnd) => handler.idle(walEnd),
    received: (walEnd, replyRequested) => handler.received(walEnd, replyRequested),
    ...(handler.message ? { message: handler.message.bind(handler) } : {}),
  };
}
