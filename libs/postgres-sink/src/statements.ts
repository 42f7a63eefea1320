import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  fieldEnds,
  fieldText,
  isUnchangedField,
  qualifiedName,
  unescapeField,
  type ChangeOp,
} from '@cdc/change-envelope';
import { FoldError, opRows, type ApplyStep, type PartialGroup, type RowRef } from '@cdc/apply';
import type { BoundColumn, TableBinding } from './binding';

/*
 * The Postgres dialect of the one planner (libs/apply, foldOps): how a step becomes SQL.
 *
 * Folded rows go as one text[] parameter per column into `unnest(...)`, inside set-based
 * statements (INSERT ... SELECT ... ON CONFLICT DO UPDATE, DELETE ... USING, UPDATE ... FROM):
 * one prepared statement per table and column set, whatever the batch size. Each array is sent
 * in the binary array format, its elements the rows' field bytes (TextArrayParam), and each
 * value is cast to its column's type in the statement. Measured against the alternatives
 * (docs/design-notes.md, "Streaming apply: unnest"): JSON records read by
 * json_populate_recordset cost the server about the same and the applier far more, and staging
 * rows with COPY in a temporary table cost far more for the small batches of a live stream.
 */

/** One statement to run, with the op it names when the destination rejects it. */
export interface Statement {
  readonly text: string;
  /** Text values, or a Buffer: a text[] in binary array format (TextArrayParam). */
  readonly values: Array<string | Buffer | null>;
  readonly op: ChangeOp;
}

/** Largest total of parameter bytes in one statement before its rows are split. */
const MAX_PARAM_BYTES = 8 * 1024 * 1024;

/** The statements of a step (not of a 'load' step: that one is a COPY). */
export function statementsOf(step: ApplyStep, binding: TableBinding): Statement[] {
  switch (step.kind) {
    case 'rows': {
      const out: Statement[] = [];
      if (step.deletes.length > 0) pushChunks(out, deleteSql(binding), binding.keyIndexes, step.deletes, binding, true);
      for (const group of step.upserts)
        pushChunks(out, upsertSql(binding, group.columns), group.columns, group.rows, binding);
      for (const group of step.updates)
        pushChunks(out, updateSql(binding, group.columns), group.columns, group.rows, binding);
      return out;
    }
    case 'inserts': {
      const out: Statement[] = [];
      for (const group of groupByColumns(step.rows, binding))
        pushChunks(out, insertSql(binding, group.columns), group.columns, group.rows, binding);
      return out;
    }
    case 'op': {
      const statement = singleOpStatement(step.op, binding);
      return statement === undefined ? [] : [statement];
    }
    case 'load':
      throw new Error('a load step is a COPY, not a statement');
  }
}

// ------------------------------------------------------------------------ array parameters

const BACKSLASH = 92;
const TEXT_OID = 25;
const HEADER = 20;

/**
 * A `text[]` parameter in Postgres' binary array format (node-postgres sends a Buffer parameter
 * as binary): each element is a field's value bytes, COPY's escapes resolved, `\N` a NULL. No
 * quoting and no string is built, and the server reads each element without parsing a literal.
 */
class TextArrayParam {
  private buffer: Buffer;
  private length = HEADER;
  private count = 0;
  private nulls = false;

  /** `expectedBytes`: what the elements will take, so the buffer is not grown (and copied) ~8 times. */
  constructor(expectedBytes = 4096) {
    this.buffer = Buffer.allocUnsafe(HEADER + Math.min(Math.max(expectedBytes, 256), MAX_PARAM_BYTES));
  }

  get bytes(): number {
    return this.length;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  /** Adds the COPY text field `bytes[start, end)` as an element. */
  add(bytes: Uint8Array, start: number, end: number): void {
    this.count += 1;
    this.reserve(4 + end - start);
    const out = this.buffer;
    if (end - start === 2 && bytes[start] === BACKSLASH && bytes[start + 1] === 78) {
      out.writeInt32BE(-1, this.length);
      this.length += 4;
      this.nulls = true;
      return;
    }
    const lengthAt = this.length;
    const at = unescapeField(bytes, start, end, out, lengthAt + 4);
    out.writeInt32BE(at - lengthAt - 4, lengthAt);
    this.length = at;
  }

  finish(): Buffer {
    const out = this.buffer;
    out.writeInt32BE(1, 0); // dimensions
    out.writeInt32BE(this.nulls ? 1 : 0, 4);
    out.writeInt32BE(TEXT_OID, 8);
    out.writeInt32BE(this.count, 12);
    out.writeInt32BE(1, 16); // lower bound
    return out.subarray(0, this.length);
  }
}

/**
 * Rows split into one parameter per column (`columns`: which columns, in the statement's order;
 * with `isKey`, the rows are key texts whose fields are the key columns in key order), cut
 * into statements that stay under MAX_PARAM_BYTES.
 */
function pushChunks(
  out: Statement[],
  text: string,
  columns: readonly number[],
  rows: readonly RowRef[],
  binding: TableBinding,
  isKey = false,
): void {
  // Each array's size, guessed from the first row's field (a quarter more) and a 4-byte length
  // per element: rows of a table are alike, and a wrong guess only costs a regrowth.
  const sample = rows[0];
  const sampleEnds = sample === undefined ? undefined : (sample.ends ?? fieldEnds(sample.text));
  const expected = columns.map((column, k) => {
    const field = isKey ? k : column;
    const width = sampleEnds === undefined ? 0 : sampleEnds[field] - (field === 0 ? 0 : sampleEnds[field - 1] + 1);
    return Math.ceil(rows.length * ((Number.isFinite(width) ? Math.max(0, width) : 0) * 1.25 + 4));
  });
  const newArrays = () => expected.map((bytes) => new TextArrayParam(bytes));
  let arrays = newArrays();
  let first: ChangeOp | undefined;
  let chars = 0;
  const end = () => {
    if (first === undefined) return;
    out.push({ text, values: arrays.map((array) => array.finish()), op: first });
    arrays = newArrays();
    first = undefined;
    chars = 0;
  };
  const width = isKey ? columns.length : binding.columns.length;
  for (const row of rows) {
    const ends = row.ends ?? fieldEnds(row.text);
    if (ends.length !== width)
      throw new FoldError(`a row has ${ends.length} values for ${width} columns of ${binding.display}`, row.op);
    if (chars > MAX_PARAM_BYTES) end();
    first ??= row.op;
    for (let k = 0; k < columns.length; k += 1) {
      const field = isKey ? k : columns[k];
      const start = field === 0 ? 0 : ends[field - 1] + 1;
      if (isUnchangedField(row.text, start, ends[field]))
        throw new FoldError(
          `column ${binding.columns[columns[k]].name}: an unchanged (TOAST) value cannot be written`,
          row.op,
        );
      arrays[k].add(row.text, start, ends[field]);
    }
    chars += row.text.length + columns.length * 3;
  }
  end();
}

/** Keyless inserts grouped by the columns they set, keeping their order within each group. */
function groupByColumns(rows: readonly RowRef[], binding: TableBinding): PartialGroup[] {
  const groups: Array<{ columns: number[]; rows: RowRef[] }> = [];
  let current: { columns: number[]; rows: RowRef[]; shape: string } | undefined;
  for (const row of rows) {
    const ends = row.ends ?? fieldEnds(row.text);
    const columns: number[] = [];
    for (let i = 0; i < ends.length; i += 1) {
      const start = i === 0 ? 0 : ends[i - 1] + 1;
      if (!isUnchangedField(row.text, start, ends[i])) columns.push(i);
    }
    if (ends.length !== binding.columns.length)
      throw new FoldError(`a row has ${ends.length} values for ${binding.columns.length} columns`, row.op);
    const shape = columns.join(',');
    // A new shape starts a new group: inserts of one run keep their order.
    if (current === undefined || current.shape !== shape) {
      current = { columns, rows: [], shape };
      groups.push(current);
    }
    current.rows.push(row);
  }
  return groups;
}

// ------------------------------------------------------------------------------ SQL

function cached(binding: TableBinding, shape: string, build: () => string): string {
  let text = binding.sqlCache.get(shape);
  if (text === undefined) {
    text = build();
    binding.sqlCache.set(shape, text);
  }
  return text;
}

const names = (binding: TableBinding, indexes: readonly number[]) =>
  indexes.map((index) => binding.columns[index].sql).join(', ');

/**
 * `ROWS FROM (unnest($1::text[]), ...) AS alias(c1, ...)` and the select list of its columns as
 * the destination's types (text cast to the column's type, which the column's typmod then checks).
 */
function unnestOf(
  binding: TableBinding,
  indexes: readonly number[],
  alias: string,
): { from: string; values: string[] } {
  // ROWS FROM: the schema-qualified form of a multi-array unnest (arrays side by side, one row per index).
  const unnests = indexes.map((_, i) => `pg_catalog.unnest($${i + 1}::pg_catalog.text[])`).join(', ');
  const values = indexes.map((index) => valueOf(binding.columns[index], `${alias}.${binding.columns[index].sql}`));
  return { from: `ROWS FROM (${unnests}) AS ${alias}(${names(binding, indexes)})`, values };
}

/** A column of an unnest as the column's type. */
function valueOf(column: BoundColumn, ref: string): string {
  return column.typeSql === 'pg_catalog.text' ? ref : `${ref}::${column.typeSql}`;
}

const keyMatch = (binding: TableBinding, left: string, right: string, values: readonly string[]) =>
  binding.keyIndexes
    .map(
      (index, k) => `${left}.${binding.columns[index].sql} = ${values[k] ?? `${right}.${binding.columns[index].sql}`}`,
    )
    .join(' AND ');

function upsertSql(binding: TableBinding, columns: readonly number[]): string {
  return cached(binding, `upsert:${columns.join(',')}`, () => {
    const keyIndexes = binding.keyIndexes;
    const set = columns.filter((index) => !keyIndexes.includes(index));
    const conflict =
      set.length === 0
        ? 'DO NOTHING'
        : `DO UPDATE SET ${set.map((index) => `${binding.columns[index].sql} = EXCLUDED.${binding.columns[index].sql}`).join(', ')}`;
    const { from, values } = unnestOf(binding, columns, 'u');
    return (
      `INSERT INTO ${binding.id} (${names(binding, columns)}) SELECT ${values.join(', ')} FROM ${from} ` +
      `ON CONFLICT (${names(binding, keyIndexes)}) ${conflict}`
    );
  });
}

function insertSql(binding: TableBinding, columns: readonly number[]): string {
  return cached(binding, `insert:${columns.join(',')}`, () => {
    const { from, values } = unnestOf(binding, columns, 'u');
    return `INSERT INTO ${binding.id} (${names(binding, columns)}) SELECT ${values.join(', ')} FROM ${from}`;
  });
}

function deleteSql(binding: TableBinding): string {
  return cached(binding, 'delete', () => {
    const { from, values } = unnestOf(binding, binding.keyIndexes, 'd');
    return `DELETE FROM ${binding.id} AS t USING ${from} WHERE ${keyMatch(binding, 't', 'd', values)}`;
  });
}

function updateSql(binding: TableBinding, columns: readonly number[]): string {
  return cached(binding, `update:${columns.join(',')}`, () => {
    const { from, values } = unnestOf(binding, columns, 'u');
    const set = columns.flatMap((index, i) =>
      binding.keyIndexes.includes(index) ? [] : [`${binding.columns[index].sql} = ${values[i]}`],
    );
    const keys = binding.keyIndexes.map((index) => values[columns.indexOf(index)]);
    return `UPDATE ${binding.id} AS t SET ${set.join(', ')} FROM ${from} WHERE ${keyMatch(binding, 't', 'u', keys)}`;
  });
}

// ------------------------------------------------------------------- ops applied alone

/** Values of a row's fields as text parameters (null for NULL), for the given columns. */
function fieldValues(op: ChangeOp, text: Uint8Array, indexes: readonly number[], width: number, binding: TableBinding) {
  const ends = fieldEnds(text);
  if (ends.length !== width)
    throw new FoldError(`a row has ${ends.length} values for ${width} columns of ${binding.display}`, op);
  return indexes.map((field) => fieldText(text, field === 0 ? 0 : ends[field - 1] + 1, ends[field]));
}

function presentColumns(text: Uint8Array): number[] {
  const ends = fieldEnds(text);
  const present: number[] = [];
  for (let i = 0; i < ends.length; i += 1)
    if (!isUnchangedField(text, i === 0 ? 0 : ends[i - 1] + 1, ends[i])) present.push(i);
  return present;
}

/** `$n::type` for a value parameter of a column. */
const param = (column: BoundColumn, n: number) => `$${n}::${column.typeSql}`;

function singleOpStatement(op: ChangeOp, binding: TableBinding): Statement | undefined {
  if (op.kind === 'truncate') return { text: `TRUNCATE TABLE ${binding.id}`, values: [], op };
  const rows = opRows(op);
  const width = binding.columns.length;
  if (binding.keyed) {
    // A key change whose new row is partial, with nothing earlier in the batch to fold into.
    if (op.kind !== 'update' || rows.after === undefined)
      throw new FoldError(`unexpected ${op.kind} applied alone on ${binding.display}`, op);
    const set = presentColumns(rows.after);
    const oldKey =
      rows.key !== undefined
        ? fieldValues(
            op,
            rows.key,
            binding.keyIndexes.map((_, k) => k),
            binding.keyIndexes.length,
            binding,
          )
        : fieldValues(op, rows.before!, binding.keyIndexes, width, binding);
    const values = [...fieldValues(op, rows.after, set, width, binding), ...oldKey];
    const text = cached(binding, `rekey:${set.join(',')}`, () => {
      const assignments = set.map(
        (index, i) => `${binding.columns[index].sql} = ${param(binding.columns[index], i + 1)}`,
      );
      const match = binding.keyIndexes.map(
        (index, k) => `${binding.columns[index].sql} = ${param(binding.columns[index], set.length + k + 1)}`,
      );
      return `UPDATE ${binding.id} SET ${assignments.join(', ')} WHERE ${match.join(' AND ')}`;
    });
    return { text, values, op };
  }
  // Without a key: one row, matched on every column of its old image; (tableoid, ctid) so partitioned tables work too.
  if (rows.before === undefined)
    throw new FoldError(
      `${op.kind} on ${binding.display}, a table without a primary key, needs the old row (replica identity full)`,
      op,
    );
  const match = presentColumns(rows.before);
  if (match.length === 0) throw new FoldError(`${op.kind} with an empty old row`, op);
  const matchValues = fieldValues(op, rows.before, match, width, binding);
  const rowMatch = (offset: number) =>
    match
      .map((index, i) => {
        const column = binding.columns[index];
        const value = param(column, offset + i + 1);
        return column.comparable
          ? `x.${column.sql} IS NOT DISTINCT FROM ${value}`
          : `x.${column.sql}::pg_catalog.text IS NOT DISTINCT FROM (${value})::pg_catalog.text`;
      })
      .join(' AND ');
  const oneRow = (offset: number) =>
    `(t.tableoid, t.ctid) = (SELECT x.tableoid, x.ctid FROM ${binding.id} AS x WHERE ${rowMatch(offset)} LIMIT 1)`;
  if (op.kind === 'delete') {
    const text = cached(
      binding,
      `kdelete:${match.join(',')}`,
      () => `DELETE FROM ${binding.id} AS t WHERE ${oneRow(0)}`,
    );
    return { text, values: matchValues, op };
  }
  if (op.kind === 'update' && rows.after !== undefined) {
    const set = presentColumns(rows.after);
    if (set.length === 0) return undefined; // nothing to write
    const setValues = fieldValues(op, rows.after, set, width, binding);
    const text = cached(binding, `kupdate:${match.join(',')}:${set.join(',')}`, () => {
      const assignments = set.map(
        (index, i) => `${binding.columns[index].sql} = ${param(binding.columns[index], i + 1)}`,
      );
      return `UPDATE ${binding.id} AS t SET ${assignments.join(', ')} WHERE ${oneRow(set.length)}`;
    });
    return { text, values: [...setValues, ...matchValues], op };
  }
  throw new FoldError(`unexpected ${op.kind} on ${qualifiedName(op.table)}`, op);
}

/**
 * Snapshot chunks loaded as they are: `COPY <table> (<columns>) FROM STDIN` with the chunks' COPY
 * text, the rows never looked at (the bulk lane; see ChangeOp.intoEmpty for why no key is checked).
 */
export function copyRows(client: pg.ClientBase, binding: TableBinding, chunks: readonly Uint8Array[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const columns = names(
      binding,
      binding.columns.map((_, i) => i),
    );
    const stream = client.query(copyFrom(`COPY ${binding.id} (${columns}) FROM STDIN`));
    stream.on('error', reject);
    stream.on('finish', () => resolve());
    // Consecutive chunks of one table go in one COPY: one round trip for all of them.
    for (const rows of chunks) stream.write(Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength));
    stream.end();
  });
}
