import type { ChangeOp, Value } from '@cdc/change-envelope';
import type { TargetColumn } from './catalog';
import { UnrepresentableValueError, sqlLiteral, type UnrepresentablePolicy } from './values';

/** A source column as written to the destination (`target` undefined: dropped since, not written). */
export interface BoundColumn {
  readonly name: string;
  readonly sql: string;
  readonly target: TargetColumn | undefined;
}

/** A source table (one shape) bound to its destination table. */
export interface TableBinding {
  /** Quoted `db`.`table`: ops with the same id write the same table. */
  readonly id: string;
  readonly display: string;
  /** Source shape; a change splits the segment. */
  readonly signature: string;
  /** Aligned with the source table's columns. */
  readonly columns: readonly BoundColumn[];
  readonly keyIndexes: readonly number[];
  readonly keyed: boolean;
}

export interface Statement {
  readonly sql: string;
  readonly ops: readonly ChangeOp[];
}

export interface PlanOptions {
  readonly coalesce: boolean;
  /** Largest statement, in characters, before rows go to the next one. */
  readonly maxStatementChars: number;
  readonly policy: UnrepresentablePolicy;
  readonly escape: (text: string) => string;
}

/** An op that cannot be written; `column` when a value is the problem. */
export class PlanError extends Error {
  constructor(
    message: string,
    readonly op: ChangeOp,
    readonly column?: string,
  ) {
    super(message);
    this.name = 'PlanError';
  }
}

type Row = (Value | undefined)[];

interface KeyState {
  key: readonly Value[];
  state: 'deleted' | 'image' | 'partial';
  values: Row;
  deleteFirst: boolean;
  ops: ChangeOp[];
}

/**
 * Ops (past the checkpoint, in source order) → statements. Same folding as the Postgres sink:
 * segments cut at truncate and at a change of a table's shape; per key, the final state
 * (deleted / full image / partial update) becomes one `DELETE … WHERE (k) IN (…)`, multi-row
 * `INSERT … ON DUPLICATE KEY UPDATE` per column set, and single-row UPDATEs for partial
 * (TOAST) updates. Keyless tables: runs of inserts are multi-row INSERTs; an update or delete
 * touches one row matching its old image (`<=>`, `LIMIT 1`). `truncate` is `DELETE FROM`:
 * TRUNCATE would commit the batch transaction. DDL ops carry nothing to run (schemas evolve
 * from the ops' table schemas before the batch).
 */
export function planOps(
  ops: readonly ChangeOp[],
  bind: (op: ChangeOp) => TableBinding,
  options: PlanOptions,
): { statements: Statement[]; ddlOps: number } {
  const statements: Statement[] = [];
  let ddlOps = 0;
  let segment = new Map<string, Work>();
  const flush = () => {
    for (const work of segment.values()) work.flush(statements);
    segment = new Map();
  };
  for (const op of ops) {
    if (op.kind === 'ddl') {
      ddlOps += 1;
      continue;
    }
    const binding = bind(op);
    if (op.kind === 'truncate') {
      flush();
      statements.push({ sql: `DELETE FROM ${binding.id}`, ops: [op] });
      continue;
    }
    let work = segment.get(binding.id);
    if (work !== undefined && work.binding.signature !== binding.signature) {
      flush();
      work = undefined;
    }
    if (work === undefined) {
      work = new Work(binding, options);
      segment.set(binding.id, work);
    }
    if (!work.add(op)) {
      const statement = work.standalone(op);
      flush();
      statements.push(statement);
    }
    if (!options.coalesce) flush();
  }
  flush();
  return { statements, ddlOps };
}

function rowOf(op: ChangeOp, width: number): Row {
  const after = op.after;
  if (after === undefined) throw new PlanError(`${op.kind} without a new row`, op);
  if (after.length !== width) throw new PlanError(`${op.kind} has ${after.length} values for ${width} columns`, op);
  return after.map((value) => (value.kind === 'unchanged' ? undefined : value));
}

const isFull = (row: Row) => row.every((value) => value !== undefined);
const merge = (base: Row, top: Row): Row => base.map((value, i) => (top[i] === undefined ? value : top[i]));

function identity(values: readonly Value[]): string {
  let out = '';
  for (const value of values) {
    if (value.kind === 'null' || value.kind === 'unchanged') out += '\u0000N';
    else if (value.kind === 'bytes') out += '\u0000b:' + Buffer.from(value.value).toString('hex');
    else if (value.kind === 'array') out += '\u0000a:' + JSON.stringify(value.value);
    else out += '\u0000' + value.kind + ':' + String(value.value);
  }
  return out;
}

class Work {
  private readonly states = new Map<string, KeyState>();
  private readonly keyless: ChangeOp[] = [];

  constructor(
    readonly binding: TableBinding,
    private readonly options: PlanOptions,
  ) {}

  private literal(op: ChangeOp, index: number, value: Value): string {
    const column = this.binding.columns[index];
    try {
      return sqlLiteral(value, column.target!, this.options.policy, this.options.escape);
    } catch (error) {
      if (error instanceof UnrepresentableValueError) {
        throw new PlanError(`column ${column.name}: ${error.message}`, op, column.name);
      }
      throw new PlanError(`column ${column.name}: ${(error as Error).message}`, op, column.name);
    }
  }

  /** Written columns of a row: present in the row and at the destination. */
  private written(row: Row): number[] {
    const out: number[] = [];
    row.forEach((value, index) => {
      if (value !== undefined && this.binding.columns[index].target !== undefined) out.push(index);
    });
    return out;
  }

  private oldKey(op: ChangeOp): readonly Value[] {
    const { keyIndexes } = this.binding;
    if (op.key.length === keyIndexes.length && op.key.every((v) => v.kind !== 'unchanged')) return op.key;
    const before = op.before;
    if (before !== undefined && before.length === this.binding.columns.length) {
      const key = keyIndexes.map((index) => before[index]);
      if (key.every((v) => v.kind !== 'unchanged')) return key;
    }
    throw new PlanError(`${op.kind} without a usable key`, op);
  }

  private newKey(op: ChangeOp, row: Row, fallback: readonly Value[] | undefined): Value[] {
    return this.binding.keyIndexes.map((columnIndex, i) => {
      const value = row[columnIndex] ?? fallback?.[i];
      if (value === undefined) throw new PlanError(`${op.kind} without a value for a key column`, op);
      return value;
    });
  }

  private withKey(row: Row, key: readonly Value[]): Row {
    const out = row.slice();
    this.binding.keyIndexes.forEach((columnIndex, i) => (out[columnIndex] = key[i]));
    return out;
  }

  private setImage(key: readonly Value[], row: Row, op: ChangeOp, carried: readonly ChangeOp[] = []): void {
    const id = identity(key);
    const state = this.states.get(id);
    if (state === undefined) {
      this.states.set(id, { key, state: 'image', values: row, deleteFirst: false, ops: [...carried, op] });
      return;
    }
    const values = state.state !== 'deleted' && !isFull(row) ? merge(state.values, row) : row;
    state.deleteFirst = state.deleteFirst || state.state === 'deleted';
    state.state = isFull(values) || state.state === 'image' ? 'image' : 'partial';
    state.values = values;
    state.ops.push(...carried, op);
  }

  add(op: ChangeOp): boolean {
    if (!this.binding.keyed) {
      this.keyless.push(op);
      return true;
    }
    const width = this.binding.columns.length;
    switch (op.kind) {
      case 'insert':
      case 'snapshot-row': {
        const row = rowOf(op, width);
        const key = this.newKey(op, row, op.key.length === this.binding.keyIndexes.length ? op.key : undefined);
        this.setImage(key, this.withKey(row, key), op);
        return true;
      }
      case 'delete': {
        const key = this.oldKey(op);
        const id = identity(key);
        const state = this.states.get(id);
        if (state) {
          state.state = 'deleted';
          state.values = [];
          state.deleteFirst = false;
          state.ops.push(op);
        } else this.states.set(id, { key, state: 'deleted', values: [], deleteFirst: false, ops: [op] });
        return true;
      }
      case 'update': {
        const row = rowOf(op, width);
        const oldKey = this.oldKey(op);
        const newKey = this.newKey(op, row, oldKey);
        const oldId = identity(oldKey);
        const full = isFull(row);
        if (oldId === identity(newKey)) {
          const state = this.states.get(oldId);
          if (full) this.setImage(newKey, row, op);
          else if (state === undefined) {
            this.states.set(oldId, {
              key: oldKey,
              state: 'partial',
              values: this.withKey(row, oldKey),
              deleteFirst: false,
              ops: [op],
            });
          } else if (state.state === 'deleted') state.ops.push(op);
          else {
            state.values = merge(state.values, row);
            state.ops.push(op);
          }
          return true;
        }
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
        } else this.states.set(oldId, { key: oldKey, state: 'deleted', values: [], deleteFirst: false, ops: [op] });
        this.setImage(newKey, this.withKey(image, newKey), op, carried);
        return true;
      }
      default:
        throw new PlanError(`unexpected op kind ${op.kind}`, op);
    }
  }

  /** A partial update that changes the key with nothing to fold into: UPDATE … WHERE old key. */
  standalone(op: ChangeOp): Statement {
    const oldKey = this.oldKey(op);
    const row = rowOf(op, this.binding.columns.length);
    const newRow = this.withKey(row, this.newKey(op, row, oldKey));
    return { sql: this.updateSql(op, newRow, oldKey), ops: [op] };
  }

  private keyWhere(op: ChangeOp, key: readonly Value[]): string {
    return this.binding.keyIndexes
      .map((index, i) => `${this.binding.columns[index].sql} = ${this.literal(op, index, key[i])}`)
      .join(' AND ');
  }

  private updateSql(op: ChangeOp, row: Row, key: readonly Value[]): string {
    const set = this.written(row).map(
      (index) => `${this.binding.columns[index].sql} = ${this.literal(op, index, row[index]!)}`,
    );
    return `UPDATE ${this.binding.id} SET ${set.join(', ')} WHERE ${this.keyWhere(op, key)}`;
  }

  flush(out: Statement[]): void {
    if (!this.binding.keyed) {
      this.flushKeyless(out);
      return;
    }
    const { binding } = this;
    const deletes: { text: string; ops: ChangeOp[] }[] = [];
    const images = new Map<string, { columns: number[]; rows: { text: string; ops: ChangeOp[] }[] }>();
    const partials: Statement[] = [];
    for (const state of this.states.values()) {
      const op = state.ops[0];
      if (state.state === 'deleted' || state.deleteFirst) {
        const key = binding.keyIndexes.map((index, i) => this.literal(op, index, state.key[i]));
        deletes.push({ text: key.length === 1 ? key[0] : `(${key.join(', ')})`, ops: state.ops });
      }
      if (state.state === 'deleted') continue;
      if (state.state === 'partial') {
        if (this.written(state.values).some((index) => !binding.keyIndexes.includes(index))) {
          partials.push({ sql: this.updateSql(op, state.values, state.key), ops: state.ops });
        }
        continue;
      }
      const columns = this.written(state.values);
      const shape = columns.join(',');
      let group = images.get(shape);
      if (group === undefined) {
        group = { columns, rows: [] };
        images.set(shape, group);
      }
      const values = state.values;
      group.rows.push({
        text: '(' + columns.map((index) => this.literal(op, index, values[index]!)).join(', ') + ')',
        ops: state.ops,
      });
    }
    this.states.clear();
    if (deletes.length > 0) {
      const keys = binding.keyIndexes.map((index) => binding.columns[index].sql);
      const head = `DELETE FROM ${binding.id} WHERE ${keys.length === 1 ? keys[0] : `(${keys.join(', ')})`} IN (`;
      this.chunks(out, head, ')', deletes, ', ');
    }
    for (const group of images.values()) {
      const names = group.columns.map((index) => binding.columns[index].sql);
      const update = group.columns
        .filter((index) => !binding.keyIndexes.includes(index))
        .map((index) => `${binding.columns[index].sql} = VALUES(${binding.columns[index].sql})`);
      const firstKey = binding.columns[binding.keyIndexes[0]].sql;
      const tail = ` ON DUPLICATE KEY UPDATE ${update.length > 0 ? update.join(', ') : `${firstKey} = ${firstKey}`}`;
      this.chunks(out, `INSERT INTO ${binding.id} (${names.join(', ')}) VALUES `, tail, group.rows, ', ');
    }
    out.push(...partials);
  }

  private chunks(
    out: Statement[],
    head: string,
    tail: string,
    rows: readonly { text: string; ops: readonly ChangeOp[] }[],
    separator: string,
  ): void {
    let parts: string[] = [];
    let length = head.length + tail.length;
    let ops: ChangeOp[] = [];
    for (const row of rows) {
      if (parts.length > 0 && length + row.text.length + separator.length > this.options.maxStatementChars) {
        out.push({ sql: head + parts.join(separator) + tail, ops });
        parts = [];
        ops = [];
        length = head.length + tail.length;
      }
      parts.push(row.text);
      length += row.text.length + separator.length;
      for (const op of row.ops) ops.push(op);
    }
    if (parts.length > 0) out.push({ sql: head + parts.join(separator) + tail, ops });
  }

  private flushKeyless(out: Statement[]): void {
    const { binding } = this;
    const width = binding.columns.length;
    let run: { shape: string; head: string; rows: { text: string; ops: ChangeOp[] }[] } | undefined;
    const endRun = () => {
      if (run) this.chunks(out, run.head, '', run.rows, ', ');
      run = undefined;
    };
    for (const op of this.keyless) {
      if (op.kind === 'insert' || op.kind === 'snapshot-row') {
        const row = rowOf(op, width);
        const columns = this.written(row);
        const shape = columns.join(',');
        if (run === undefined || run.shape !== shape) {
          endRun();
          const names = columns.map((index) => binding.columns[index].sql);
          run = { shape, head: `INSERT INTO ${binding.id} (${names.join(', ')}) VALUES `, rows: [] };
        }
        run.rows.push({
          text: '(' + columns.map((index) => this.literal(op, index, row[index]!)).join(', ') + ')',
          ops: [op],
        });
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
      const match = this.written(beforeRow)
        .map((index) => `${binding.columns[index].sql} <=> ${this.literal(op, index, beforeRow[index]!)}`)
        .join(' AND ');
      if (match === '') throw new PlanError(`${op.kind} with an empty old row`, op);
      if (op.kind === 'delete') {
        out.push({ sql: `DELETE FROM ${binding.id} WHERE ${match} LIMIT 1`, ops: [op] });
      } else if (op.kind === 'update') {
        const row = rowOf(op, width);
        const set = this.written(row).map(
          (index) => `${binding.columns[index].sql} = ${this.literal(op, index, row[index]!)}`,
        );
        if (set.length > 0)
          out.push({ sql: `UPDATE ${binding.id} SET ${set.join(', ')} WHERE ${match} LIMIT 1`, ops: [op] });
      } else throw new PlanError(`unexpected op kind ${op.kind}`, op);
    }
    endRun();
    this.keyless.length = 0;
  }
}
