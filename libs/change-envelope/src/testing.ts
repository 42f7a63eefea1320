// Builders of schemas, values and ops for the tests of every lib that handles ops, imported as
// `@cdc/change-envelope/testing`; production code never imports it (it is not in index.ts).
import assert from 'node:assert/strict';
import {
  NULL_VALUE,
  UNCHANGED_VALUE,
  rowTextOfValues,
  textOp,
  type ChangeOp,
  type Column,
  type Position,
  type TableSchema,
  type Value,
} from './index';

export const V = {
  null: NULL_VALUE,
  unchanged: UNCHANGED_VALUE,
  bool: (value: boolean): Value => ({ kind: 'boolean', value }),
  int: (value: number | bigint | string): Value => ({ kind: 'integer', value: String(value) }),
  unsigned: (value: number | bigint | string): Value => ({ kind: 'unsigned', value: String(value) }),
  float: (value: number): Value => ({ kind: 'float', value }),
  bytes: (value: Uint8Array | number[]): Value => ({
    kind: 'bytes',
    value: value instanceof Uint8Array ? value : Uint8Array.from(value),
  }),
  array: (...value: Value[]): Value => ({ kind: 'array', value }),
  text: (value: string): Value => ({ kind: 'text', value }),
  decimal: (value: string): Value => ({ kind: 'decimal', value }),
  json: (value: string): Value => ({ kind: 'json', value }),
  date: (value: string): Value => ({ kind: 'date', value }),
  time: (value: string): Value => ({ kind: 'time', value }),
  timestamp: (value: string): Value => ({ kind: 'timestamp', value }),
  timestamptz: (value: string): Value => ({ kind: 'timestamptz', value }),
  uuid: (value: string): Value => ({ kind: 'uuid', value }),
  enum: (value: string): Value => ({ kind: 'enum', value }),
  interval: (value: string): Value => ({ kind: 'interval', value }),
};

export function column(
  name: string,
  type: string,
  options: { key?: boolean; nullable?: boolean; typeOid?: number } = {},
): Column {
  return {
    name,
    type,
    key: options.key ?? false,
    nullable: options.nullable ?? !options.key,
    typeOid: options.typeOid ?? 1,
    elementTypeOid: 0,
  };
}

export function tableSchema(
  schema: string,
  table: string,
  columns: Column[],
  hasKey = columns.some((c) => c.key),
): TableSchema {
  return { schema, table, columns, hasKey };
}

/** Makes ops with increasing positions (one transaction per op unless told otherwise). */
export class Ops {
  private commit = 1000n;
  private index = 0;

  constructor(start = 1000n) {
    this.commit = start;
  }

  next(): Position {
    this.commit += 1n;
    this.index = 0;
    return { commit: this.commit, index: this.index };
  }

  private keyOf(table: TableSchema, row: readonly Value[]): Value[] {
    return table.columns.flatMap((c, i) => (c.key ? [row[i]] : []));
  }

  insert(table: TableSchema, row: Value[]): ChangeOp {
    return { kind: 'insert', table, key: this.keyOf(table, row), after: row, position: this.next(), commitTimeUs: 0 };
  }

  snapshot(table: TableSchema, row: Value[]): ChangeOp {
    return {
      kind: 'snapshot-row',
      table,
      key: this.keyOf(table, row),
      after: row,
      position: this.next(),
      commitTimeUs: 0,
    };
  }

  /** `oldKey` defaults to the key of `after` (no key change). */
  update(table: TableSchema, after: Value[], options: { oldKey?: Value[]; before?: Value[] } = {}): ChangeOp {
    return {
      kind: 'update',
      table,
      key: options.oldKey ?? this.keyOf(table, after),
      after,
      ...(options.before ? { before: options.before } : {}),
      position: this.next(),
      commitTimeUs: 0,
    };
  }

  delete(table: TableSchema, key: Value[], before?: Value[]): ChangeOp {
    return { kind: 'delete', table, key, ...(before ? { before } : {}), position: this.next(), commitTimeUs: 0 };
  }

  truncate(table: TableSchema): ChangeOp {
    return { kind: 'truncate', table, key: [], position: this.next(), commitTimeUs: 0 };
  }

  ddl(table: TableSchema, ddl: string): ChangeOp {
    return { kind: 'ddl', table, key: [], ddl, position: this.next(), commitTimeUs: 0 };
  }
}

/** A seeded generator, so a failing case can be run again from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A random but valid change history of a few rows, as a source would stream it: inserts of
 * absent keys, full and partial (unchanged TOAST) updates, key changes (full, or partial:
 * the new row without its TOAST value), deletes, re-inserts and truncates, for a keyed table
 * `(id int key, a text, b text, n int)` and a keyless one `(k int, v text)` whose updates and
 * deletes carry the whole old row. Half the ops travel as text rows, half as values (both
 * reach a sink). The expected final rows come with them. For the planner's property test: the
 * ops applied folded in one batch must leave what applying each op alone leaves.
 */
export function randomHistory(
  random: () => number,
  length: number,
): { ops: ChangeOp[]; keyed: TableSchema; keyless: TableSchema; expected: { keyed: string[]; keyless: string[] } } {
  const keyed = tableSchema('public', 'fold_keyed', [
    column('id', 'int4', { key: true }),
    column('a', 'text'),
    column('b', 'text'),
    column('n', 'int4'),
  ]);
  const keyless = tableSchema('public', 'fold_keyless', [column('k', 'int4'), column('v', 'text')], false);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const rows = new Map<number, { a: string | null; b: string; n: number }>();
  let bag: Array<{ k: number; v: string | null }> = [];
  const o = new Ops();
  const ops: ChangeOp[] = [];
  const text = (value: string | null): Value => (value === null ? V.null : V.text(value));
  const keyedRow = (id: number, row: { a: string | null; b: string; n: number }, bUnchanged = false): Value[] => [
    V.int(id),
    text(row.a),
    bUnchanged ? V.unchanged : V.text(row.b),
    V.int(row.n),
  ];
  const asText = (op: ChangeOp): ChangeOp => {
    if (random() < 0.5) return op;
    const rowsOf: { key?: Uint8Array; before?: Uint8Array; after?: Uint8Array } = {};
    if (op.after) rowsOf.after = rowTextOfValues(op.after);
    if (op.before) rowsOf.before = rowTextOfValues(op.before);
    const keyFromRow = op.table.hasKey && op.after && op.key.length > 0 && op.kind !== 'delete';
    const sameKey = keyFromRow && rowTextOfValues(op.key).toString() === rowTextOfValues([op.after![0]]).toString();
    if (op.kind === 'delete' && op.table.hasKey) rowsOf.key = rowTextOfValues(op.key);
    else if (keyFromRow && !sameKey) rowsOf.key = rowTextOfValues(op.key);
    return textOp({ kind: op.kind, table: op.table, position: op.position, commitTimeUs: 0, text: rowsOf });
  };
  const words = ['x', 'y', 'tab\there', 'back\\slash', 'new\nline', 'ünï 🚀', '', 'NULL', '\\N'];
  let nextId = 1;
  for (let i = 0; i < length; i += 1) {
    const roll = random();
    const ids = [...rows.keys()];
    if (roll < 0.04) {
      ops.push(o.truncate(random() < 0.5 ? keyed : keyless));
      if (ops[ops.length - 1].table === keyed) rows.clear();
      else bag = [];
    } else if (roll < 0.2 || ids.length === 0) {
      const id = random() < 0.3 && nextId > 1 ? 1 + Math.floor(random() * (nextId - 1)) : nextId++;
      if (rows.has(id)) continue;
      const row = { a: random() < 0.2 ? null : pick(words), b: 'toast ' + pick(words).repeat(3), n: i };
      rows.set(id, row);
      ops.push(asText(o.insert(keyed, keyedRow(id, row))));
    } else if (roll < 0.45) {
      const id = pick(ids);
      const old = rows.get(id)!;
      const partial = random() < 0.5;
      const row = { a: random() < 0.2 ? null : pick(words), b: partial ? old.b : 'toast ' + pick(words), n: i };
      rows.set(id, row);
      ops.push(asText(o.update(keyed, keyedRow(id, row, partial))));
    } else if (roll < 0.6) {
      const id = pick(ids);
      const moved = nextId++;
      const old = rows.get(id)!;
      const partial = random() < 0.5;
      const row = { a: pick(words), b: old.b, n: i };
      rows.delete(id);
      rows.set(moved, row);
      ops.push(asText(o.update(keyed, keyedRow(moved, row, partial), { oldKey: [V.int(id)] })));
    } else if (roll < 0.75) {
      const id = pick(ids);
      rows.delete(id);
      ops.push(asText(o.delete(keyed, [V.int(id)])));
    } else if (roll < 0.87 || bag.length === 0) {
      const row = { k: Math.floor(random() * 3), v: random() < 0.2 ? null : pick(words) };
      bag.push(row);
      ops.push(asText(o.insert(keyless, [V.int(row.k), text(row.v)])));
    } else {
      const index = Math.floor(random() * bag.length);
      const old = bag[index];
      const before = [V.int(old.k), text(old.v)];
      if (random() < 0.5) {
        bag.splice(index, 1);
        ops.push(asText(o.delete(keyless, [], before)));
      } else {
        const row = { k: old.k, v: pick(words) };
        bag[index] = row;
        ops.push(asText(o.update(keyless, [V.int(row.k), text(row.v)], { oldKey: [], before })));
      }
    }
  }
  const show = (value: string | null) => (value === null ? 'NULL' : JSON.stringify(value));
  return {
    ops,
    keyed,
    keyless,
    expected: {
      keyed: [...rows.entries()]
        .sort(([x], [y]) => x - y)
        .map(([id, row]) => `${id}|${show(row.a)}|${show(row.b)}|${row.n}`),
      keyless: bag.map((row) => `${row.k}|${show(row.v)}`).sort(),
    },
  };
}

/** A destination as the planner's property test drives it (see expectFoldEquivalence). */
export interface HistoryDestination {
  /** Applies ops as one batch of a partition (each history gets a partition, so its own checkpoint). */
  apply(ops: ChangeOp[], partition: number, streamSeq: number): Promise<unknown>;
  /** The tables' rows in randomHistory's `expected` form. */
  rows(): Promise<{ keyed: string[]; keyless: string[] }>;
  clear(): Promise<void>;
}

/**
 * The planner's property on a real destination: for `histories` random histories, applying a
 * history folded in one batch (on `folded`) and one op per batch (on `alone`) both leave the
 * source's rows.
 */
export async function expectFoldEquivalence(
  folded: HistoryDestination,
  alone: HistoryDestination,
  histories: number,
  opsPerHistory: number,
): Promise<void> {
  let streamSeq = 0;
  for (let seed = 1; seed <= histories; seed += 1) {
    const history = randomHistory(seededRandom(seed), opsPerHistory);
    await Promise.all([folded.clear(), alone.clear()]);
    await folded.apply(history.ops, seed, ++streamSeq);
    for (const op of history.ops) await alone.apply([op], seed, ++streamSeq);
    const [got, each] = await Promise.all([folded.rows(), alone.rows()]);
    const context = `seed ${seed}: ${history.ops.map((op) => `${op.kind}${op.text ? '(text)' : ''}`).join(' ')}`;
    assert.deepEqual(each, history.expected, `one op per batch differs from the source (${context})`);
    assert.deepEqual(got, history.expected, `folded differs from the source (${context})`);
  }
}
