import { RowTextWriter, rowTextOfValues, tableKeyIndexes, type ChangeOp, type TableSchema } from '@cdc/change-envelope';
import { Fields, isFull, merge, withKey } from './row-fields';

// Over 400 lines on purpose: foldOps, its segment rules and the keyed and keyless table work
// below are one algorithm, read together (a row's fields are row-fields.ts).

/*
 * The one planner every destination engine applies batches with. It folds a batch's ops per
 * destination table and key into each row's final state, so a row changed many times in a
 * batch is written once, and hands the engine's dialect steps in an order that gives the same
 * result as applying every op alone:
 *
 * - ops are cut into segments at what cannot be folded across (a truncate, a DDL op, a key
 *   change whose new row is partial, a table whose source shape changes, a bulk load);
 * - inside a segment, per table in order of first appearance: the deletes (rows deleted, or
 *   deleted before they were written again), then the full rows (upserts), then the partial
 *   rows (updates of the columns they have: unchanged TOAST values are never written);
 * - tables without a key are not folded: their runs of inserts become one insert step, and
 *   each update or delete is a step of its own, matching one row on its old image.
 *
 * Rows stay Postgres COPY text (row-text.ts) from the message to the dialect: a row that is
 * written as it came is the same bytes. Keys are compared as the text of their fields.
 */

/** A row of COPY text (no newline) and the op it comes from (for errors). */
export interface RowRef {
  readonly text: Uint8Array;
  readonly op: ChangeOp;
  /** Where each field ends (fieldEnds of text), when the planner already knows. */
  readonly ends?: readonly number[];
}

/** Rows that set the same columns (the others are unchanged TOAST values). */
export interface PartialGroup {
  /** Column indexes the rows set (key columns included). */
  readonly columns: readonly number[];
  /** Whole rows, with `\U` in the columns not set. */
  readonly rows: readonly RowRef[];
}

export type ApplyStep =
  /**
   * A keyed table's folded rows: deletes (key text, key order), then upserts (rows written whole,
   * grouped by the columns they set: all of them, unless some are unchanged), then updates of
   * the columns partial rows set (rows that exist only as changes to a row not in the batch).
   */
  | {
      readonly kind: 'rows';
      readonly table: TableSchema;
      readonly deletes: readonly RowRef[];
      readonly upserts: readonly PartialGroup[];
      readonly updates: readonly PartialGroup[];
    }
  /** A run of inserts into a table without a key (rows as they came, in order). */
  | { readonly kind: 'inserts'; readonly table: TableSchema; readonly rows: readonly RowRef[] }
  /** An op applied alone, in its place: truncate; update or delete without a key; a key change with a partial row. */
  | { readonly kind: 'op'; readonly op: ChangeOp }
  /** A 'rows' op of an initial snapshot, loadable as it is into a table emptied for it (see ChangeOp.intoEmpty). */
  | { readonly kind: 'load'; readonly op: ChangeOp };

export interface FoldOptions {
  /** Where an op lands; ops with the same target fold together (default: the source table's name). */
  readonly targetOf?: (op: ChangeOp) => string;
  /** Whether a 'rows' op may be loaded as is (else its rows fold like inserts). Default: never. */
  readonly loadAsIs?: (op: ChangeOp) => boolean;
  /** False: every op is its own segment, applied in order (the slow path that finds a rejected op). */
  readonly fold?: boolean;
}

/** An op that cannot be turned into rows (bad text, missing key, ...). */
export class FoldError extends Error {
  constructor(
    message: string,
    readonly op: ChangeOp,
  ) {
    super(message);
    this.name = 'FoldError';
  }
}

/** Plans ops (already past the checkpoint, in source order) as steps; DDL ops are counted and passed over. */
export function foldOps(ops: readonly ChangeOp[], options: FoldOptions = {}): { steps: ApplyStep[]; ddl: number } {
  const targetOf = options.targetOf ?? ((op: ChangeOp) => `${op.table.schema}\u0000${op.table.table}`);
  const steps: ApplyStep[] = [];
  let ddl = 0;
  let segment = new Map<string, TableWork>();
  const flush = () => {
    for (const work of segment.values()) work.flush(steps);
    segment = new Map();
  };
  for (const op of ops) {
    if (op.kind === 'ddl') {
      flush();
      ddl += 1;
      continue;
    }
    if (op.kind === 'truncate') {
      flush();
      steps.push({ kind: 'op', op });
      continue;
    }
    if (op.kind === 'rows' && options.loadAsIs?.(op)) {
      flush();
      steps.push({ kind: 'load', op });
      continue;
    }
    const target = targetOf(op);
    let work = segment.get(target);
    const signature = tableSignature(op.table);
    if (work !== undefined && work.signature !== signature) {
      flush();
      work = undefined;
    }
    if (work === undefined) {
      work = isKeyed(op.table) ? new KeyedWork(op.table, signature) : new KeylessWork(op.table, signature);
      segment.set(target, work);
    }
    if (!work.add(op)) {
      flush();
      steps.push({ kind: 'op', op });
    }
    if (options.fold === false) flush();
  }
  flush();
  return { steps, ddl };
}

/** Rows are matched by key (else: replica identity full, rows match on every column). */
export function isKeyed(table: TableSchema): boolean {
  return table.hasKey && tableKeyIndexes(table).length > 0;
}

const signatures = new WeakMap<TableSchema, string>();

/** A table's source shape (names, types, key flags): ops of one shape fold together. */
export function tableSignature(table: TableSchema): string {
  let signature = signatures.get(table);
  if (signature === undefined) {
    signature = JSON.stringify([
      table.schema,
      table.table,
      table.hasKey,
      table.columns.map((column) => [column.name, column.type, column.key]),
    ]);
    signatures.set(table, signature);
  }
  return signature;
}

// ------------------------------------------------------------------------------ rows of an op

/** The op's rows as COPY text: its own text, or its values written as text (shaped or older ops). */
export function opRows(op: ChangeOp): { key?: Uint8Array; before?: Uint8Array; after?: Uint8Array } {
  if (op.text !== undefined) return op.text;
  const rows: { key?: Uint8Array; before?: Uint8Array; after?: Uint8Array } = {};
  if (op.before !== undefined) rows.before = rowTextOfValues(op.before);
  if (op.after !== undefined) rows.after = rowTextOfValues(op.after);
  if (op.key.length > 0) rows.key = rowTextOfValues(op.key);
  return rows;
}

// ------------------------------------------------------------------------------ folding

interface TableWork {
  readonly signature: string;
  /** False: the op cannot be folded; the caller flushes and applies it alone after. */
  add(op: ChangeOp): boolean;
  flush(out: ApplyStep[]): void;
}

interface KeyState {
  /** The key's text (key columns in key order); undefined: pick it from `row` when needed. */
  key: Uint8Array | undefined;
  state: 'deleted' | 'image' | 'partial';
  row: Fields | undefined;
  /** The row must be deleted before the image is written (it was deleted earlier in the segment). */
  deleteFirst: boolean;
  /** The first op of the key in this segment (named in errors). */
  op: ChangeOp;
}

class KeyedWork implements TableWork {
  private readonly states = new Map<string, KeyState>();
  private readonly keyIndexes: readonly number[];
  /** 0..k-1: where the key columns are in a key text. */
  private readonly keyOrder: readonly number[];
  private readonly width: number;

  constructor(
    private readonly table: TableSchema,
    readonly signature: string,
  ) {
    this.keyIndexes = tableKeyIndexes(table);
    this.keyOrder = this.keyIndexes.map((_, k) => k);
    this.width = table.columns.length;
  }

  private row(op: ChangeOp, text: Uint8Array | undefined): Fields {
    if (text === undefined) throw new FoldError(`${op.kind} without a new row`, op);
    const row = new Fields(text);
    if (row.count !== this.width)
      throw new FoldError(`${op.kind} has ${row.count} values for ${this.width} columns`, op);
    return row;
  }

  /** The row's key before the op, as a key text: the old key, else the old row's key fields, else the new row's. */
  private oldKey(op: ChangeOp, rows: ReturnType<typeof opRows>): Fields {
    if (rows.key !== undefined) {
      const key = new Fields(rows.key);
      if (key.count === this.keyIndexes.length && key.has(this.keyOrder)) return key;
    }
    const source = rows.before ?? rows.after;
    if (source !== undefined) {
      const row = new Fields(source);
      if (row.count === this.width && row.has(this.keyIndexes)) return new Fields(row.pick(this.keyIndexes));
    }
    throw new FoldError(`${op.kind} without a usable key (${this.keyIndexes.length} key columns)`, op);
  }

  /** The new row's key as a key text; key columns the source did not send keep their old value. */
  private newKey(op: ChangeOp, row: Fields, old: Fields | undefined): Fields {
    if (row.has(this.keyIndexes)) return new Fields(row.pick(this.keyIndexes));
    const out = new RowTextWriter(64);
    for (let k = 0; k < this.keyIndexes.length; k += 1) {
      const i = this.keyIndexes[k];
      if (k > 0) out.byte(9);
      if (!row.unchanged(i)) out.raw(row.bytes, row.start(i), row.ends[i]);
      else if (old !== undefined) out.raw(old.bytes, old.start(k), old.ends[k]);
      else throw new FoldError(`${op.kind} without a value for key column ${this.table.columns[i].name}`, op);
    }
    return new Fields(out.copy());
  }

  /** A row that is whole or partial, written for its own key (the common case: no key change). */
  private ownRow(op: ChangeOp, row: Fields, fallback: Uint8Array | undefined): { id: string; row: Fields } {
    if (row.has(this.keyIndexes)) return { id: row.id(this.keyIndexes), row };
    const key = this.newKey(op, row, fallback === undefined ? undefined : new Fields(fallback));
    return { id: key.id(this.keyOrder), row: withKey(row, this.keyIndexes, key) };
  }

  add(op: ChangeOp): boolean {
    const rows = opRows(op);
    switch (op.kind) {
      case 'insert':
      case 'snapshot-row': {
        const own = this.ownRow(op, this.row(op, rows.after), rows.key);
        this.setImage(own.id, undefined, own.row, op, true);
        return true;
      }
      case 'rows': {
        // A chunk of snapshot rows that is not loaded as is: each row is an insert.
        const text = rows.after ?? new Uint8Array();
        let start = 0;
        for (let i = 0; i < text.length; i += 1) {
          if (text[i] !== 10) continue;
          const own = this.ownRow(op, this.row(op, text.subarray(start, i)), undefined);
          this.setImage(own.id, undefined, own.row, op, true);
          start = i + 1;
        }
        return true;
      }
      case 'delete': {
        const key = this.oldKey(op, rows);
        const id = key.id(this.keyOrder);
        const state = this.states.get(id);
        if (state) {
          state.state = 'deleted';
          state.key ??= key.bytes;
          state.row = undefined;
          state.deleteFirst = false;
        } else {
          this.states.set(id, { key: key.bytes, state: 'deleted', row: undefined, deleteFirst: false, op });
        }
        return true;
      }
      case 'update': {
        const row = this.row(op, rows.after);
        const full = isFull(row);
        // No old key apart from the row's own (most updates): the key did not change.
        if (rows.key === undefined && rows.before === undefined && row.has(this.keyIndexes)) {
          this.updateOwn(op, row.id(this.keyIndexes), undefined, row, full);
          return true;
        }
        const oldKey = this.oldKey(op, rows);
        const newKey = this.newKey(op, row, oldKey);
        const oldId = oldKey.id(this.keyOrder);
        const newId = newKey.id(this.keyOrder);
        if (oldId === newId) {
          this.updateOwn(op, oldId, oldKey.bytes, withKey(row, this.keyIndexes, oldKey), full);
          return true;
        }
        // The key changed: the old row goes, the new one comes (whole, or merged into what the segment has).
        const old = this.states.get(oldId);
        let image: Fields;
        if (full) image = row;
        else if (old !== undefined && old.state === 'image') image = merge(old.row!, row);
        else return false;
        if (old) {
          old.state = 'deleted';
          old.key ??= oldKey.bytes;
          old.row = undefined;
          old.deleteFirst = false;
        } else {
          this.states.set(oldId, { key: oldKey.bytes, state: 'deleted', row: undefined, deleteFirst: false, op });
        }
        this.setImage(newId, newKey.bytes, withKey(image, this.keyIndexes, newKey), op, false);
        return true;
      }
      default:
        throw new FoldError(`unexpected op kind ${op.kind}`, op);
    }
  }

  /** An update that keeps its key: a whole row is an image; a partial one merges into what the segment has. */
  private updateOwn(op: ChangeOp, id: string, key: Uint8Array | undefined, row: Fields, full: boolean): void {
    const state = this.states.get(id);
    if (full) this.setImage(id, key, row, op, false);
    else if (state === undefined) this.states.set(id, { key, state: 'partial', row, deleteFirst: false, op });
    else if (state.state !== 'deleted') state.row = merge(state.row!, row);
    // else: an update of a row deleted earlier in the segment changes nothing
  }

  private setImage(id: string, key: Uint8Array | undefined, row: Fields, op: ChangeOp, mergePartial: boolean): void {
    const state = this.states.get(id);
    if (state === undefined) {
      this.states.set(id, { key, state: 'image', row, deleteFirst: false, op });
      return;
    }
    const merged = mergePartial && state.state !== 'deleted' && !isFull(row) ? merge(state.row!, row) : row;
    state.deleteFirst = state.deleteFirst || state.state === 'deleted';
    state.state = 'image';
    state.row = merged;
  }

  flush(out: ApplyStep[]): void {
    const deletes: RowRef[] = [];
    const upserts = new Map<string, { columns: number[]; rows: RowRef[] }>();
    const updates = new Map<string, { columns: number[]; rows: RowRef[] }>();
    const all = this.table.columns.map((_, index) => index);
    const allGroup = { columns: all, rows: [] as RowRef[] };
    for (const state of this.states.values()) {
      if (state.state === 'deleted' || state.deleteFirst)
        deletes.push({ text: state.key ?? state.row!.pick(this.keyIndexes), op: state.op });
      if (state.state === 'deleted') continue;
      const row = state.row!;
      if (state.state === 'image' && isFull(row)) {
        allGroup.rows.push(row.asRef(state.op));
        continue;
      }
      const columns = all.filter((i) => !row.unchanged(i));
      if (state.state === 'partial' && columns.every((index) => this.keyIndexes.includes(index))) continue; // nothing to set
      const groups = state.state === 'image' ? upserts : updates;
      const shape = columns.join(',');
      let group = groups.get(shape);
      if (group === undefined) groups.set(shape, (group = { columns, rows: [] }));
      group.rows.push(row.asRef(state.op));
    }
    this.states.clear();
    if (allGroup.rows.length > 0) upserts.set('*', allGroup);
    if (deletes.length + upserts.size + updates.size === 0) return;
    // Whole rows first among the upserts (their order does not matter: one row per key).
    const upsertGroups = [...upserts.values()].sort((a, b) => b.columns.length - a.columns.length);
    out.push({ kind: 'rows', table: this.table, deletes, upserts: upsertGroups, updates: [...updates.values()] });
  }
}

class KeylessWork implements TableWork {
  private inserts: RowRef[] = [];
  private readonly steps: ApplyStep[] = [];

  constructor(
    private readonly table: TableSchema,
    readonly signature: string,
  ) {}

  add(op: ChangeOp): boolean {
    if (op.kind === 'insert' || op.kind === 'snapshot-row') {
      const after = opRows(op).after;
      if (after === undefined) throw new FoldError(`${op.kind} without a new row`, op);
      this.inserts.push({ text: after, op });
      return true;
    }
    if (op.kind === 'rows') {
      const text = opRows(op).after ?? new Uint8Array();
      let start = 0;
      for (let i = 0; i < text.length; i += 1) {
        if (text[i] !== 10) continue;
        this.inserts.push({ text: text.subarray(start, i), op });
        start = i + 1;
      }
      return true;
    }
    this.endInserts();
    this.steps.push({ kind: 'op', op });
    return true;
  }

  private endInserts(): void {
    if (this.inserts.length > 0) this.steps.push({ kind: 'inserts', table: this.table, rows: this.inserts });
    this.inserts = [];
  }

  flush(out: ApplyStep[]): void {
    this.endInserts();
    for (const step of this.steps) out.push(step);
    this.steps.length = 0;
  }
}
