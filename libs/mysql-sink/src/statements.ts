import {
  columnKinds,
  fieldEnds,
  fieldText,
  isNullField,
  isUnchangedField,
  valueOfText,
  type ChangeOp,
  type TableSchema,
} from '@cdc/change-envelope';
import { FoldError, opRows, type ApplyStep, type BoundTable, type RowRef } from '@cdc/apply';
import { quote, type TargetColumn } from './catalog';
import { loadRowsOf } from './load-data';
import { UnrepresentableValueError, sqlLiteral, textLiteral, type UnrepresentablePolicy } from './values';

/*
 * The MySQL/MariaDB dialect of the one planner (libs/apply, foldOps): how a step becomes SQL.
 * Folded rows become one `DELETE ... WHERE (k) IN (...)`, multi-row `INSERT ... ON DUPLICATE KEY
 * UPDATE` per column set and an UPDATE per partial row; values are literals escaped by the
 * connection (each read from its row's COPY text as its column's kind, then written as the
 * destination column needs it). A truncate is `DELETE FROM`: TRUNCATE would commit the batch
 * transaction.
 */

/** A source column as written to the destination (`target` undefined: dropped since, not written). */
export interface BoundColumn {
  readonly name: string;
  readonly sql: string;
  readonly target: TargetColumn | undefined;
}

/** A source table (one shape) bound to its destination table. */
export type TableBinding = BoundTable<BoundColumn>;

export interface Statement {
  readonly sql: string;
  /** The first op it writes (named when the destination rejects it). */
  readonly op: ChangeOp;
  /** A LOAD DATA LOCAL INFILE statement: the rows it reads (any warning rejects it: load-data.ts). */
  readonly infile?: Buffer;
  /** What runs instead when this load stores warnings (else a warning rejects the batch). */
  readonly onWarnings?: readonly Statement[];
  /** An upsert group loaded straight into its table (LoadDataOptions.direct decided so; told how it went). */
  readonly direct?: TableBinding;
}

const DIRECT_SAVEPOINT = 'cdc_direct_load';

/** Writing rows with LOAD DATA LOCAL INFILE (load-data.ts). */
export interface LoadDataOptions {
  /** Fewest rows a statement loads (fewer go as INSERTs: the staging table's statements cost more). */
  readonly minRows: number;
  /** Whether to try an upsert group of this table straight into it (its rows are likely new). */
  readonly direct: (binding: TableBinding) => boolean;
}

export interface StatementOptions {
  /** Largest statement, in characters, before rows go to the next one. */
  readonly maxStatementChars: number;
  readonly policy: UnrepresentablePolicy;
  readonly escape: (text: string) => string;
  /** Absent: INSERT statements only (the server refuses LOCAL INFILE, or the op-by-op retry). */
  readonly loadData?: LoadDataOptions;
}

/** A value that cannot be written; `column` names the column. */
export class ValueError extends FoldError {
  constructor(
    message: string,
    op: ChangeOp,
    readonly column: string,
  ) {
    super(message, op);
    this.name = 'ValueError';
  }
}

/** The statements of a step (every kind: a snapshot chunk arrives folded into upserts). */
export function statementsOf(step: ApplyStep, binding: TableBinding, options: StatementOptions): Statement[] {
  const writer = new Literals(binding, options);
  switch (step.kind) {
    case 'rows':
      return writer.rows(step);
    case 'inserts':
      return writer.loadOrInsert(step.table, step.rows);
    case 'op':
      return writer.alone(step.op);
    case 'load':
      return writer.loadOrInsert(step.op.table, rowsOf(step.op));
  }
}

function rowsOf(op: ChangeOp): RowRef[] {
  const text = opRows(op).after ?? new Uint8Array();
  const rows: RowRef[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] !== 10) continue;
    rows.push({ text: text.subarray(start, i), op });
    start = i + 1;
  }
  return rows;
}

/** A row's fields: field i is text[starts[i], ends[i]). */
interface Fields {
  readonly text: Uint8Array;
  readonly ends: readonly number[];
}

class Literals {
  constructor(
    private readonly binding: TableBinding,
    private readonly options: StatementOptions,
  ) {}

  private fields(row: RowRef, width: number): Fields {
    const ends = row.ends ?? fieldEnds(row.text);
    if (ends.length !== width)
      throw new FoldError(`a row has ${ends.length} values for ${width} columns of ${this.binding.display}`, row.op);
    return { text: row.text, ends };
  }

  private start(fields: Fields, i: number): number {
    return i === 0 ? 0 : fields.ends[i - 1] + 1;
  }

  private unchanged(fields: Fields, i: number): boolean {
    return isUnchangedField(fields.text, this.start(fields, i), fields.ends[i]);
  }

  /** Field `field` of a row as the literal of column `column` (they differ for key texts). */
  private literal(op: ChangeOp, fields: Fields, field: number, column: number, table: TableSchema): string {
    const bound = this.binding.columns[column];
    const start = this.start(fields, field);
    const end = fields.ends[field];
    // The common cases straight from the bytes; the rest through the value's kind and sqlLiteral.
    if (isNullField(fields.text, start, end)) return 'NULL';
    const kind = columnKinds(table)[column].kind;
    const fast = bound.target === undefined ? undefined : textLiteral(fields.text, start, end, kind, bound.target);
    if (fast !== undefined) return fast;
    const value = valueOfText(
      fieldText(fields.text, this.start(fields, field), fields.ends[field]),
      columnKinds(table)[column],
    );
    try {
      return sqlLiteral(value, bound.target!, this.options.policy, this.options.escape);
    } catch (error) {
      const reason = error instanceof UnrepresentableValueError ? error.message : (error as Error).message;
      throw new ValueError(`column ${bound.name}: ${reason}`, op, bound.name);
    }
  }

  /** Columns a row writes: present in it and at the destination. */
  private written(fields: Fields): number[] {
    const out: number[] = [];
    for (let i = 0; i < fields.ends.length; i += 1)
      if (!this.unchanged(fields, i) && this.binding.columns[i].target !== undefined) out.push(i);
    return out;
  }

  private keyWhere(op: ChangeOp, key: Fields, fromKeyText: boolean, table: TableSchema): string {
    return this.binding.keyIndexes
      .map(
        (index, k) =>
          `${this.binding.columns[index].sql} = ${this.literal(op, key, fromKeyText ? k : index, index, table)}`,
      )
      .join(' AND ');
  }

  rows(step: Extract<ApplyStep, { kind: 'rows' }>): Statement[] {
    const { binding } = this;
    const out: Statement[] = [];
    const width = binding.columns.length;
    if (step.deletes.length > 0) {
      const keys = binding.keyIndexes.map((index) => binding.columns[index].sql);
      const head = `DELETE FROM ${binding.id} WHERE ${keys.length === 1 ? keys[0] : `(${keys.join(', ')})`} IN (`;
      const parts = step.deletes.map((row) => {
        const key = this.fields(row, binding.keyIndexes.length);
        const values = binding.keyIndexes.map((index, k) => this.literal(row.op, key, k, index, step.table));
        return { text: values.length === 1 ? values[0] : `(${values.join(', ')})`, op: row.op };
      });
      this.chunks(out, head, ')', parts);
    }
    for (const group of step.upserts) {
      const columns = group.columns.filter((index) => binding.columns[index].target !== undefined);
      const names = columns.map((index) => binding.columns[index].sql);
      const update = columns
        .filter((index) => !binding.keyIndexes.includes(index))
        .map((index) => `${binding.columns[index].sql} = VALUES(${binding.columns[index].sql})`);
      const firstKey = binding.columns[binding.keyIndexes[0]].sql;
      const tail = ` ON DUPLICATE KEY UPDATE ${update.length > 0 ? update.join(', ') : `${firstKey} = ${firstKey}`}`;
      let rows = group.rows;
      if (this.loadable(rows.length) && columns.length === this.targeted().length) {
        const loaded = loadRowsOf(binding, step.table, rows);
        if (loaded !== undefined && loaded.data.length > 0) {
          // Staged: loaded into a temporary table of the written columns, then one INSERT ... SELECT.
          const stage = quote(`cdc_stage_${stageSuffix(binding.id)}`);
          const list = names.join(', ');
          const rest = new Set(loaded.rest);
          const op = rows.find((row) => !rest.has(row))!.op;
          const staged: Statement[] = [
            { sql: `DROP TEMPORARY TABLE IF EXISTS ${stage}`, op },
            { sql: `CREATE TEMPORARY TABLE ${stage} SELECT ${list} FROM ${binding.id} LIMIT 0`, op },
            { sql: loadSql(stage, loaded.columnList), op, infile: loaded.data },
            { sql: `INSERT INTO ${binding.id} (${list}) SELECT ${list} FROM ${stage}${tail}`, op },
            { sql: `DROP TEMPORARY TABLE ${stage}`, op },
          ];
          if (this.options.loadData!.direct(binding)) {
            // Rows that are all new need no staging: loaded straight in under a savepoint. A row
            // that exists (a duplicate key warning: LOAD DATA LOCAL skips it) rolls back to the
            // savepoint and the group goes through the staging table after all.
            out.push(
              { sql: `SAVEPOINT ${DIRECT_SAVEPOINT}`, op },
              {
                sql: loadSql(binding.id, loaded.columnList),
                op,
                infile: loaded.data,
                direct: binding,
                onWarnings: [{ sql: `ROLLBACK TO SAVEPOINT ${DIRECT_SAVEPOINT}`, op }, ...staged],
              },
            );
          } else out.push(...staged);
          rows = loaded.rest;
        }
      }
      const parts = rows.map((row) => {
        const fields = this.fields(row, width);
        return {
          text: '(' + columns.map((index) => this.literal(row.op, fields, index, index, step.table)).join(', ') + ')',
          op: row.op,
        };
      });
      this.chunks(out, `INSERT INTO ${binding.id} (${names.join(', ')}) VALUES `, tail, parts);
    }
    for (const group of step.updates) {
      for (const row of group.rows) {
        const fields = this.fields(row, width);
        const sql = this.updateSql(row.op, fields, fields, false, step.table);
        if (sql !== undefined) out.push({ sql, op: row.op });
      }
    }
    return out;
  }

  /**
   * `UPDATE ... SET <what row writes> WHERE <key>`; the key's fields are a key text's (in key
   * order) or a whole row's. `setKey`: the row's key columns are written too (a key change).
   */
  private updateSql(
    op: ChangeOp,
    row: Fields,
    key: Fields,
    fromKeyText: boolean,
    table: TableSchema,
    setKey = false,
  ): string | undefined {
    const set = this.written(row)
      .filter((index) => setKey || !this.binding.keyIndexes.includes(index))
      .map((index) => `${this.binding.columns[index].sql} = ${this.literal(op, row, index, index, table)}`);
    if (set.length === 0) return undefined;
    return `UPDATE ${this.binding.id} SET ${set.join(', ')} WHERE ${this.keyWhere(op, key, fromKeyText, table)}`;
  }

  private loadable(rows: number): boolean {
    return this.options.loadData !== undefined && rows >= this.options.loadData.minRows;
  }

  /** Indexes of the columns written at the destination. */
  private targeted(): number[] {
    return this.binding.columns.flatMap((column, index) => (column.target !== undefined ? [index] : []));
  }

  /** Inserts (no key to match: a keyless table's, or a snapshot's into an empty table): LOAD DATA where it can. */
  loadOrInsert(table: TableSchema, rows: readonly RowRef[]): Statement[] {
    if (!this.loadable(rows.length)) return this.inserts(table, rows);
    const loaded = loadRowsOf(this.binding, table, rows);
    if (loaded === undefined || loaded.data.length === 0) return this.inserts(table, rows);
    const rest = new Set(loaded.rest);
    const op = rows.find((row) => !rest.has(row))!.op;
    // Rows keep their order only within each statement: fine for inserts without a key to meet on.
    return [
      { sql: loadSql(this.binding.id, loaded.columnList), op, infile: loaded.data },
      ...this.inserts(table, loaded.rest),
    ];
  }

  inserts(table: TableSchema, rows: readonly RowRef[]): Statement[] {
    const out: Statement[] = [];
    const width = this.binding.columns.length;
    let run: { shape: string; head: string; parts: Array<{ text: string; op: ChangeOp }> } | undefined;
    const end = () => {
      if (run) this.chunks(out, run.head, '', run.parts);
      run = undefined;
    };
    for (const row of rows) {
      const fields = this.fields(row, width);
      const columns = this.written(fields);
      const shape = columns.join(',');
      if (run === undefined || run.shape !== shape) {
        end();
        const names = columns.map((index) => this.binding.columns[index].sql);
        run = { shape, head: `INSERT INTO ${this.binding.id} (${names.join(', ')}) VALUES `, parts: [] };
      }
      run.parts.push({
        text: '(' + columns.map((index) => this.literal(row.op, fields, index, index, table)).join(', ') + ')',
        op: row.op,
      });
    }
    end();
    return out;
  }

  /** An op applied alone: truncate, an update or delete without a key, a key change with a partial row. */
  alone(op: ChangeOp): Statement[] {
    const { binding } = this;
    if (op.kind === 'truncate') return [{ sql: `DELETE FROM ${binding.id}`, op }];
    const rows = opRows(op);
    const width = binding.columns.length;
    if (binding.keyed) {
      if (op.kind !== 'update' || rows.after === undefined)
        throw new FoldError(`unexpected ${op.kind} applied alone on ${binding.display}`, op);
      const after = this.fields({ text: rows.after, op }, width);
      const oldKey =
        rows.key !== undefined
          ? this.fields({ text: rows.key, op }, binding.keyIndexes.length)
          : this.fields({ text: rows.before!, op }, width);
      const sql = this.updateSql(op, after, oldKey, rows.key !== undefined, op.table, true);
      return sql === undefined ? [] : [{ sql, op }];
    }
    if (rows.before === undefined)
      throw new FoldError(
        `${op.kind} on ${binding.display}, a table without a primary key, needs the old row (replica identity full)`,
        op,
      );
    const before = this.fields({ text: rows.before, op }, width);
    const match = this.written(before)
      .map((index) => `${binding.columns[index].sql} <=> ${this.literal(op, before, index, index, op.table)}`)
      .join(' AND ');
    if (match === '') throw new FoldError(`${op.kind} with an empty old row`, op);
    if (op.kind === 'delete') return [{ sql: `DELETE FROM ${binding.id} WHERE ${match} LIMIT 1`, op }];
    if (op.kind === 'update' && rows.after !== undefined) {
      const after = this.fields({ text: rows.after, op }, width);
      const set = this.written(after).map(
        (index) => `${binding.columns[index].sql} = ${this.literal(op, after, index, index, op.table)}`,
      );
      return set.length === 0 ? [] : [{ sql: `UPDATE ${binding.id} SET ${set.join(', ')} WHERE ${match} LIMIT 1`, op }];
    }
    throw new FoldError(`unexpected ${op.kind} applied alone on ${binding.display}`, op);
  }

  private chunks(
    out: Statement[],
    head: string,
    tail: string,
    parts: ReadonlyArray<{ text: string; op: ChangeOp }>,
  ): void {
    let current: string[] = [];
    let length = head.length + tail.length;
    let first: ChangeOp | undefined;
    for (const part of parts) {
      if (current.length > 0 && length + part.text.length + 2 > this.options.maxStatementChars) {
        out.push({ sql: head + current.join(', ') + tail, op: first! });
        current = [];
        first = undefined;
        length = head.length + tail.length;
      }
      current.push(part.text);
      first ??= part.op;
      length += part.text.length + 2;
    }
    if (current.length > 0) out.push({ sql: head + current.join(', ') + tail, op: first! });
  }
}

/** LOAD DATA in MySQL's default text format, which load-data.ts writes. */
function loadSql(table: string, columnList: string): string {
  return (
    `LOAD DATA LOCAL INFILE 'cdc-rows' INTO TABLE ${table} CHARACTER SET utf8mb4 ` +
    `FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' ${columnList}`
  );
}

/** A short, stable name part for a destination table's staging table (identifiers stop at 64 characters). */
function stageSuffix(id: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}
