import type { ChangeOp, Value } from '@cdc/change-envelope';
import type { BoundColumn, TableBinding } from './binding';
import { encodeField, keyIdentity, ValueEncodeError } from './encode';

/** One statement to run, with the ops it carries (for error context). */
export interface Statement {
  readonly text: string;
  /** The single JSON parameter (absent for TRUNCATE). */
  readonly param?: string;
  readonly ops: readonly ChangeOp[];
}

export interface Plan {
  readonly statements: Statement[];
  /** DDL ops passed over (schema evolution is not applied yet). */
  readonly ddlIgnored: number;
}

export interface PlanOptions {
  /** Fold ops per key into multi-row statements (false: one op at a time, in order). */
  readonly coalesce: boolean;
  /** Largest JSON parameter, in characters, before a statement is split. */
  readonly maxParamChars: number;
}

/** An op that cannot be turned into SQL (bad value, missing old row, ...). */
export class PlanError extends Error {
  constructor(
    message: string,
    readonly op: ChangeOp,
  ) {
    super(message);
    this.name = 'PlanError';
  }
}

const DEFAULT_OPTIONS: PlanOptions = { coalesce: true, maxParamChars: 8 * 1024 * 1024 };

/**
 * Turns ops (already past the checkpoint, in source order) into statements.
 *
 * Ops are cut into segments at barriers (truncate, ddl, a partial primary-key change that
 * cannot be folded, a table whose source shape changes). Inside a segment, per destination
 * table in order of first appearance, ops fold per key into a final state (deleted, full
 * image, partial update), written as: one DELETE, upserts per column set, UPDATEs per column
 * set. Tables without a key are not folded: runs of inserts become multi-row INSERTs, each
 * update/delete touches exactly one row matched on its old image.
 */
export function planOps(
  ops: readonly ChangeOp[],
  bind: (op: ChangeOp) => TableBinding,
  options: Partial<PlanOptions> = {},
): Plan {
  const settings: PlanOptions = { ...DEFAULT_OPTIONS, ...options };
  const statements: Statement[] = [];
  let ddlIgnored = 0;
  let segment = new Map<string, TableWork>();
  const flush = () => {
    for (const work of segment.values()) work.flush(statements, settings);
    segment = new Map();
  };
  for (const op of ops) {
    if (op.kind === 'ddl') {
      flush();
      ddlIgnored += 1;
      continue;
    }
    const binding = bind(op);
    if (op.kind === 'truncate') {
      flush();
      statements.push({ text: truncateSql(binding), ops: [op] });
      continue;
    }
    let work = segment.get(binding.id);
    if (work !== undefined && work.binding.signature !== binding.signature) {
      flush();
      work = undefined;
    }
    if (work === undefined) {
      work = binding.keyed ? new KeyedWork(binding) : new KeylessWork(binding);
      segment.set(binding.id, work);
    }
    if (!work.add(op)) {
      const statement = work.standalone(op);
      flush();
      statements.push(statement);
    }
    if (!settings.coalesce) flush();
  }
  flush();
  return { statements, ddlIgnored };
}

interface TableWork {
  readonly binding: TableBinding;
  /** False: the op cannot be folded; the caller flushes and writes `standalone(op)` after. */
  add(op: ChangeOp): boolean;
  standalone(op: ChangeOp): Statement;
  flush(out: Statement[], options: PlanOptions): void;
}

type Row = (Value | undefined)[];

interface KeyState {
  keyValues: readonly Value[];
  state: 'deleted' | 'image' | 'partial';
  /** By source column index; undefined = not written. */
  values: Row;
  /** The row must be deleted before the image is written (it was deleted earlier in the segment). */
  deleteFirst: boolean;
  ops: ChangeOp[];
}

function rowOf(op: ChangeOp, width: number): Row {
  const after = op.after;
  if (after === undefined) throw new PlanError(`${op.kind} without a new row`, op);
  if (after.length !== width) {
    throw new PlanError(`${op.kind} has ${after.length} values for ${width} columns`, op);
  }
  // The common case, a full image, is the op's own array (rows are never written to in place).
  for (let i = 0; i < width; i += 1) {
    if (after[i].kind === 'unchanged') return after.map((value) => (value.kind === 'unchanged' ? undefined : value));
  }
  return after as Row;
}

function merge(base: Row, top: Row): Row {
  return base.map((value, index) => (top[index] === undefined ? value : top[index]));
}

function isFull(row: Row): boolean {
  for (let i = 0; i < row.length; i += 1) if (row[i] === undefined) return false;
  return true;
}

class KeyedWork implements TableWork {
  private readonly states = new Map<string, KeyState>();
  /** Every column, for full images (no per-row column list or shape string). */
  private readonly allColumns: number[];
  private readonly allShape: string;

  constructor(readonly binding: TableBinding) {
    this.allColumns = binding.columns.map((_, index) => index);
    this.allShape = this.allColumns.join(',');
  }

  private oldKey(op: ChangeOp): readonly Value[] {
    const { keyIndexes } = this.binding;
    if (op.key.length === keyIndexes.length && op.key.every((value) => value.kind !== 'unchanged')) return op.key;
    const before = op.before;
    if (before !== undefined && before.length === this.binding.columns.length) {
      const fromBefore = keyIndexes.map((index) => before[index]);
      if (fromBefore.every((value) => value.kind !== 'unchanged')) return fromBefore;
    }
    throw new PlanError(
      `${op.kind} without a usable key (${op.key.length} key values, ${keyIndexes.length} key columns)`,
      op,
    );
  }

  /** Key of the new row; key columns the source did not send keep their old value. */
  private newKey(op: ChangeOp, row: Row, fallback: readonly Value[] | undefined): Value[] {
    return this.binding.keyIndexes.map((columnIndex, i) => {
      const value = row[columnIndex] ?? fallback?.[i];
      if (value === undefined)
        throw new PlanError(`${op.kind} without a value for key column ${this.binding.columns[columnIndex].name}`, op);
      return value;
    });
  }

  private withKey(row: Row, key: readonly Value[]): Row {
    const { keyIndexes } = this.binding;
    let same = true;
    for (let i = 0; i < keyIndexes.length && same; i += 1) same = row[keyIndexes[i]] === key[i];
    if (same) return row;
    const out = row.slice();
    for (let i = 0; i < keyIndexes.length; i += 1) out[keyIndexes[i]] = key[i];
    return out;
  }

  add(op: ChangeOp): boolean {
    const width = this.binding.columns.length;
    switch (op.kind) {
      case 'insert':
      case 'snapshot-row': {
        const row = rowOf(op, width);
        const fallback = op.key.length === this.binding.keyIndexes.length ? op.key : undefined;
        const key = this.newKey(op, row, fallback);
        this.setImage(key, this.withKey(row, key), op, true);
        return true;
      }
      case 'delete': {
        const key = this.oldKey(op);
        const id = keyIdentity(key);
        const state = this.states.get(id);
        if (state) {
          state.state = 'deleted';
          state.values = [];
          state.deleteFirst = false;
          state.ops.push(op);
        } else {
          this.states.set(id, { keyValues: key, state: 'deleted', values: [], deleteFirst: false, ops: [op] });
        }
        return true;
      }
      case 'update': {
        const row = rowOf(op, width);
        const oldKey = this.oldKey(op);
        const newKey = this.newKey(op, row, oldKey);
        const oldId = keyIdentity(oldKey);
        const newId = keyIdentity(newKey);
        const full = isFull(row);
        if (oldId === newId) {
          const state = this.states.get(oldId);
          if (full || state === undefined || state.state === 'deleted') {
            if (full) this.setImage(newKey, row, op, false);
            else if (state === undefined) {
              this.states.set(oldId, {
                keyValues: oldKey,
                state: 'partial',
                values: this.withKey(row, oldKey),
                deleteFirst: false,
                ops: [op],
              });
            } else state.ops.push(op); // update of a row deleted earlier in the segment: no effect
            return true;
          }
          state.values = merge(state.values, row);
          state.ops.push(op);
          return true;
        }
        // The primary key changed: op.key is the old key, op.after the new row.
        const old = this.states.get(oldId);
        let image: Row;
        if (full) image = row;
        else if (old !== undefined && old.state === 'image') image = merge(old.values, row);
        else return false;
        const carried = old ? old.ops.slice() : [];
        if (old) {
          old.state = 'deleted';
          old.values = [];
          old.deleteFirst = false;
          old.ops.push(op);
        } else {
          this.states.set(oldId, { keyValues: oldKey, state: 'deleted', values: [], deleteFirst: false, ops: [op] });
        }
        this.setImage(newKey, this.withKey(image, newKey), op, false, carried);
        return true;
      }
      default:
        throw new PlanError(`unexpected op kind ${op.kind}`, op);
    }
  }

  /** A partial update that changes the primary key with nothing earlier in the segment to fold into. */
  standalone(op: ChangeOp): Statement {
    const { binding } = this;
    const oldKey = this.oldKey(op);
    const row = rowOf(op, binding.columns.length);
    const newRow = this.withKey(row, this.newKey(op, row, oldKey));
    const setColumns = presentColumns(newRow);
    const o = jsonRow(binding.columns, binding.keyIndexes, oldKey, op, true);
    const n = jsonRow(binding.columns, setColumns, newRow, op, false);
    return { text: keyChangeSql(binding, setColumns), param: `{"o":${o},"n":${n}}`, ops: [op] };
  }

  private setImage(
    key: readonly Value[],
    row: Row,
    op: ChangeOp,
    mergePartial: boolean,
    carried: readonly ChangeOp[] = [],
  ): void {
    const id = keyIdentity(key);
    const state = this.states.get(id);
    if (state === undefined) {
      const ops = carried.length === 0 ? [op] : [...carried, op];
      this.states.set(id, { keyValues: key, state: 'image', values: row, deleteFirst: false, ops });
      return;
    }
    const values = mergePartial && state.state !== 'deleted' && !isFull(row) ? merge(state.values, row) : row;
    state.deleteFirst = state.deleteFirst || state.state === 'deleted';
    state.state = 'image';
    state.values = values;
    state.ops.push(...carried, op);
  }

  flush(out: Statement[], options: PlanOptions): void {
    const { binding } = this;
    const keyIndexes = binding.keyIndexes;
    const deletes: JsonRow[] = [];
    const images = new Map<string, { columns: number[]; rows: JsonRow[] }>();
    const partials = new Map<string, { columns: number[]; rows: JsonRow[] }>();
    for (const state of this.states.values()) {
      if (state.state === 'deleted' || state.deleteFirst) {
        deletes.push({
          json: jsonRow(binding.columns, keyIndexes, state.keyValues, state.ops[0], true),
          ops: state.ops,
        });
      }
      if (state.state === 'deleted') continue;
      const full = isFull(state.values);
      const columns = full ? this.allColumns : presentColumns(state.values);
      const shape = full ? this.allShape : columns.join(',');
      const groups = state.state === 'image' ? images : partials;
      if (state.state === 'partial' && columns.every((index) => keyIndexes.includes(index))) continue; // nothing to set
      let group = groups.get(shape);
      if (group === undefined) {
        group = { columns, rows: [] };
        groups.set(shape, group);
      }
      group.rows.push({
        json: jsonRow(binding.columns, columns, state.values, state.ops[0], false),
        ops: state.ops,
      });
    }
    this.states.clear();
    if (deletes.length > 0) pushChunks(out, deleteSql(binding), deletes, options);
    for (const group of images.values()) pushChunks(out, upsertSql(binding, group.columns), group.rows, options);
    for (const group of partials.values()) pushChunks(out, updateSql(binding, group.columns), group.rows, options);
  }
}

class KeylessWork implements TableWork {
  private readonly ops: ChangeOp[] = [];

  constructor(readonly binding: TableBinding) {}

  add(op: ChangeOp): boolean {
    this.ops.push(op);
    return true;
  }

  standalone(op: ChangeOp): Statement {
    throw new PlanError('unexpected standalone op for a table without a key', op);
  }

  flush(out: Statement[], options: PlanOptions): void {
    const { binding } = this;
    const width = binding.columns.length;
    let run: { columns: number[]; shape: string; rows: JsonRow[] } | undefined;
    const endRun = () => {
      if (run) pushChunks(out, insertSql(binding, run.columns), run.rows, options);
      run = undefined;
    };
    for (const op of this.ops) {
      if (op.kind === 'insert' || op.kind === 'snapshot-row') {
        const row = rowOf(op, width);
        const columns = presentColumns(row);
        const shape = columns.join(',');
        if (run === undefined || run.shape !== shape) {
          endRun();
          run = { columns, shape, rows: [] };
        }
        run.rows.push({ json: jsonRow(binding.columns, columns, row, op, false), ops: [op] });
        continue;
      }
      endRun();
      const before = op.before;
      if (before === undefined || before.length !== width) {
        throw new PlanError(
          `${op.kind} on ${binding.display}, a table without a primary key, needs the old row (replica identity full)`,
          op,
        );
      }
      const beforeRow: Row = before.map((value) => (value.kind === 'unchanged' ? undefined : value));
      const matchColumns = presentColumns(beforeRow);
      if (matchColumns.length === 0) throw new PlanError(`${op.kind} with an empty old row`, op);
      const match = jsonRow(binding.columns, matchColumns, beforeRow, op, false);
      if (op.kind === 'delete') {
        out.push({ text: keylessDeleteSql(binding, matchColumns), param: match, ops: [op] });
      } else if (op.kind === 'update') {
        const row = rowOf(op, width);
        const setColumns = presentColumns(row);
        if (setColumns.length === 0) continue;
        const set = jsonRow(binding.columns, setColumns, row, op, false);
        out.push({
          text: keylessUpdateSql(binding, matchColumns, setColumns),
          param: `{"b":${match},"a":${set}}`,
          ops: [op],
        });
      } else {
        throw new PlanError(`unexpected op kind ${op.kind}`, op);
      }
    }
    endRun();
    this.ops.length = 0;
  }
}

interface JsonRow {
  readonly json: string;
  readonly ops: readonly ChangeOp[];
}

function presentColumns(row: Row): number[] {
  const columns: number[] = [];
  row.forEach((value, index) => {
    if (value !== undefined) columns.push(index);
  });
  return columns;
}

/**
 * `{"a":"1","b":null}` for the given columns (each present in `values`). With `byPosition`,
 * `values[i]` belongs to the i-th entry of `indexes` (key values in key order); otherwise
 * `values` is a whole row, by column index.
 */
function jsonRow(
  columns: readonly BoundColumn[],
  indexes: readonly number[],
  values: readonly (Value | undefined)[],
  op: ChangeOp,
  byPosition: boolean,
): string {
  // Fields into an array joined once: measured faster than growing one string (rope flattening)
  // and on par with JSON.stringify of an object per row, without its `__proto__` pitfall.
  const fields = new Array<string>(indexes.length);
  for (let i = 0; i < indexes.length; i += 1) {
    const column = columns[indexes[i]];
    try {
      fields[i] = column.jsonKey + encodeField(values[byPosition ? i : indexes[i]]!, column.mode);
    } catch (error) {
      if (error instanceof ValueEncodeError) throw new PlanError(`column ${column.name}: ${error.message}`, op);
      throw error;
    }
  }
  return '{' + fields.join(',') + '}';
}

function pushChunks(out: Statement[], text: string, rows: readonly JsonRow[], options: PlanOptions): void {
  let chunk: string[] = [];
  let length = 2;
  let ops: ChangeOp[] = [];
  for (const row of rows) {
    if (chunk.length > 0 && length + row.json.length + 1 > options.maxParamChars) {
      out.push({ text, param: jsonArray(chunk), ops });
      chunk = [];
      length = 2;
      ops = [];
    }
    chunk.push(row.json);
    length += row.json.length + 1;
    for (const op of row.ops) ops.push(op);
  }
  if (chunk.length > 0) out.push({ text, param: jsonArray(chunk), ops });
}

/**
 * `[a,b,...]` as one flat string: `'[' + rows.join(',') + ']'` would be a rope around the
 * joined string (often over a megabyte) that the driver flattens into a second copy.
 */
function jsonArray(rows: string[]): string {
  rows[0] = '[' + rows[0];
  rows[rows.length - 1] += ']';
  return rows.join(',');
}

// ------------------------------------------------------------------------------------ SQL

function cached(binding: TableBinding, shape: string, build: () => string): string {
  let text = binding.sqlCache.get(shape);
  if (text === undefined) {
    text = build();
    binding.sqlCache.set(shape, text);
  }
  return text;
}

/** A field of a populated record as written: json/jsonb fields are unwrapped from their JSON string. */
function field(column: BoundColumn, alias: string): string {
  const ref = `${alias}.${column.sql}`;
  return column.mode.unwrapJson === undefined
    ? ref
    : `(${ref} OPERATOR(pg_catalog.#>>) '{}')::pg_catalog.${column.mode.unwrapJson}`;
}

const fields = (binding: TableBinding, indexes: readonly number[], alias: string) =>
  indexes.map((index) => field(binding.columns[index], alias)).join(', ');
const assignments = (binding: TableBinding, indexes: readonly number[], alias: string) =>
  indexes.map((index) => `${binding.columns[index].sql} = ${field(binding.columns[index], alias)}`).join(', ');

const recordset = (binding: TableBinding) => `pg_catalog.json_populate_recordset(NULL::${binding.id}, $1::json)`;
const names = (binding: TableBinding, indexes: readonly number[]) =>
  indexes.map((index) => binding.columns[index].sql).join(', ');
const keyMatch = (binding: TableBinding, left: string, right: string) =>
  binding.keyIndexes
    .map((index) => `${left}.${binding.columns[index].sql} = ${right}.${binding.columns[index].sql}`)
    .join(' AND ');

function truncateSql(binding: TableBinding): string {
  return `TRUNCATE TABLE ${binding.id}`;
}

export function upsertSql(binding: TableBinding, columns: readonly number[]): string {
  return cached(binding, `upsert:${columns.join(',')}`, () => {
    const keyIndexes = binding.keyIndexes;
    const set = columns.filter((index) => !keyIndexes.includes(index));
    const conflict =
      set.length === 0
        ? 'DO NOTHING'
        : `DO UPDATE SET ${set.map((index) => `${binding.columns[index].sql} = EXCLUDED.${binding.columns[index].sql}`).join(', ')}`;
    return (
      `INSERT INTO ${binding.id} (${names(binding, columns)}) SELECT ${fields(binding, columns, 'd')} ` +
      `FROM ${recordset(binding)} AS d ON CONFLICT (${names(binding, keyIndexes)}) ${conflict}`
    );
  });
}

function insertSql(binding: TableBinding, columns: readonly number[]): string {
  return cached(
    binding,
    `insert:${columns.join(',')}`,
    () =>
      `INSERT INTO ${binding.id} (${names(binding, columns)}) SELECT ${fields(binding, columns, 'd')} FROM ${recordset(binding)} AS d`,
  );
}

function deleteSql(binding: TableBinding): string {
  return cached(
    binding,
    'delete',
    () => `DELETE FROM ${binding.id} AS t USING ${recordset(binding)} AS d WHERE ${keyMatch(binding, 't', 'd')}`,
  );
}

function updateSql(binding: TableBinding, columns: readonly number[]): string {
  return cached(binding, `update:${columns.join(',')}`, () => {
    const set = columns.filter((index) => !binding.keyIndexes.includes(index));
    return (
      `UPDATE ${binding.id} AS t SET ${assignments(binding, set, 'd')} ` +
      `FROM ${recordset(binding)} AS d WHERE ${keyMatch(binding, 't', 'd')}`
    );
  });
}

function keyChangeSql(binding: TableBinding, columns: readonly number[]): string {
  return cached(binding, `rekey:${columns.join(',')}`, () => {
    const record = (field: string) => `pg_catalog.json_populate_record(NULL::${binding.id}, $1::json -> '${field}')`;
    return (
      `UPDATE ${binding.id} AS t SET ${assignments(binding, columns, 'n')} ` +
      `FROM ${record('o')} AS o, ${record('n')} AS n WHERE ${keyMatch(binding, 't', 'o')}`
    );
  });
}

function rowMatch(binding: TableBinding, columns: readonly number[]): string {
  return columns
    .map((index) => {
      const column = binding.columns[index];
      const old = field(column, 'b');
      return column.comparable
        ? `x.${column.sql} IS NOT DISTINCT FROM ${old}`
        : `x.${column.sql}::pg_catalog.text IS NOT DISTINCT FROM (${old})::pg_catalog.text`;
    })
    .join(' AND ');
}

/** One row, matched on every column of the old image; (tableoid, ctid) so partitioned tables work too. */
function oneRow(binding: TableBinding, columns: readonly number[], record: string): string {
  return (
    `(t.tableoid, t.ctid) = (SELECT x.tableoid, x.ctid FROM ${binding.id} AS x, ${record} AS b ` +
    `WHERE ${rowMatch(binding, columns)} LIMIT 1)`
  );
}

function keylessDeleteSql(binding: TableBinding, match: readonly number[]): string {
  return cached(
    binding,
    `kdelete:${match.join(',')}`,
    () =>
      `DELETE FROM ${binding.id} AS t WHERE ${oneRow(binding, match, `pg_catalog.json_populate_record(NULL::${binding.id}, $1::json)`)}`,
  );
}

function keylessUpdateSql(binding: TableBinding, match: readonly number[], set: readonly number[]): string {
  return cached(binding, `kupdate:${match.join(',')}:${set.join(',')}`, () => {
    const record = (field: string) => `pg_catalog.json_populate_record(NULL::${binding.id}, $1::json -> '${field}')`;
    return (
      `UPDATE ${binding.id} AS t SET ${assignments(binding, set, 'a')} ` +
      `FROM ${record('a')} AS a WHERE ${oneRow(binding, match, record('b'))}`
    );
  });
}
