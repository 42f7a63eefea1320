import type { QualifiedName } from '@cdc/config';
import type { Dialect } from './dialect';
import type { ValueKind } from './value-kind';

/** One side's view of a compared table: its own names for the same columns, in the same order. */
export interface SideTable {
  readonly name: QualifiedName;
  readonly columns: readonly string[];
  readonly kinds: readonly ValueKind[];
  /** Indexes into `columns` of the key columns, in key order (empty: a table without a key). */
  readonly keyIndexes: readonly number[];
  /** Rows of this side that take part: the source's own rows (source_id), current versions (history). */
  readonly filters: readonly RowFilter[];
  /** Compare and order text keys byte by byte (the two sides are different engines). */
  readonly byteOrder: boolean;
}

export type RowFilter =
  | { readonly column: string; readonly equals: string }
  | { readonly column: string; readonly isNull: true }
  /** A row filter (`filters`) as Postgres SQL rendered from its parsed expression (libs/row-filter). */
  | { readonly sql: string };

/** A chunk: keys after `after` (none: from the start) up to and including `upTo` (none: to the end); canonical key texts. */
export interface KeyRange {
  readonly after?: readonly string[];
  readonly upTo?: readonly string[];
}

export interface Statement {
  readonly text: string;
  readonly values: string[];
}

/** Builds the statements verify runs on one side; every identifier quoted, every value a parameter. */
export class TableQueries {
  private readonly target: string;
  private readonly canonicals: string[];
  private readonly keyColumns: string[];

  constructor(
    private readonly dialect: Dialect,
    private readonly table: SideTable,
  ) {
    const q = dialect.quote;
    this.target = `${q(table.name.schema)}.${q(table.name.table)}`;
    this.canonicals = table.columns.map((column, i) => dialect.canonical(q(column), table.kinds[i]));
    this.keyColumns = table.keyIndexes.map((i) =>
      dialect.keyOrder(q(table.columns[i]), table.kinds[i], table.byteOrder),
    );
  }

  get keyed(): boolean {
    return this.keyColumns.length > 0;
  }

  /** Row count and the order-free sum of row hashes of a range. */
  checksum(range: KeyRange): Statement {
    const values: string[] = [];
    const where = this.where(range, values);
    const hash = this.dialect.rowHash(this.dialect.rowText(this.canonicals));
    return {
      text: `SELECT ${this.dialect.checksumAggregates} FROM (SELECT ${hash} AS h FROM ${this.target}${where}) s`,
      values,
    };
  }

  /** Every compared column's canonical text, for the rows of a range. */
  rows(range: KeyRange): Statement {
    const values: string[] = [];
    const where = this.where(range, values);
    return { text: `SELECT ${this.canonicals.join(', ')} FROM ${this.target}${where}`, values };
  }

  /** The same for the rows with these keys (canonical texts; keys absent on this side give no row). */
  rowsByKeys(keys: ReadonlyArray<readonly string[]>): Statement {
    const values: string[] = [];
    const conditions = this.filterConditions(values);
    const tuples = keys.map((key) => `(${key.map((text, i) => this.keyParam(i, text, values)).join(', ')})`);
    conditions.push(`(${this.keyColumns.join(', ')}) IN (${tuples.join(', ')})`);
    return {
      text: `SELECT ${this.canonicals.join(', ')} FROM ${this.target} WHERE ${conditions.join(' AND ')}`,
      values,
    };
  }

  /**
   * The key `rows` rows past `after`: the inclusive end of the next chunk, or no row when fewer
   * are left (the chunk then runs to the end of the table).
   */
  boundary(after: readonly string[] | undefined, rows: number): Statement {
    const values: string[] = [];
    const where = this.where({ ...(after ? { after } : {}) }, values);
    // Aliased: an output column named like a key column would be what ORDER BY sorts by (as text).
    const keyCanonicals = this.table.keyIndexes.map((i, n) => `${this.canonicals[i]} AS k${n}`);
    return {
      text:
        `SELECT ${keyCanonicals.join(', ')} FROM ${this.target}${where} ` +
        `ORDER BY ${this.keyColumns.join(', ')} LIMIT 1 OFFSET ${Math.max(0, Math.floor(rows) - 1)}`,
      values,
    };
  }

  private where(range: KeyRange, values: string[]): string {
    const conditions = this.filterConditions(values);
    if (this.keyed && range.after) conditions.push(this.compareKey('>', range.after, values));
    if (this.keyed && range.upTo) conditions.push(this.compareKey('<=', range.upTo, values));
    return conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  }

  private filterConditions(values: string[]): string[] {
    return this.table.filters.map((filter) => {
      if ('sql' in filter) return `(${filter.sql})`;
      const column = this.dialect.quote(filter.column);
      if ('isNull' in filter) return `${column} IS NULL`;
      values.push(filter.equals);
      return `${column} = ${this.dialect.param(values.length)}`;
    });
  }

  private compareKey(operator: '>' | '<=', key: readonly string[], values: string[]): string {
    const params = key.map((text, i) => this.keyParam(i, text, values));
    if (params.length === 1) return `${this.keyColumns[0]} ${operator} ${params[0]}`;
    return `(${this.keyColumns.join(', ')}) ${operator} (${params.join(', ')})`;
  }

  private keyParam(position: number, text: string, values: string[]): string {
    values.push(text);
    return this.dialect.keyParam(this.table.kinds[this.table.keyIndexes[position]], values.length);
  }
}
