// Builders shared by this lib's tests (not exported from index.ts).
import {
  NULL_VALUE,
  UNCHANGED_VALUE,
  type ChangeOp,
  type Column,
  type Position,
  type TableSchema,
  type Value,
} from '@cdc/change-envelope';

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

export function column(name: string, type: string, options: { key?: boolean; nullable?: boolean } = {}): Column {
  return {
    name,
    type,
    key: options.key ?? false,
    nullable: options.nullable ?? !options.key,
    typeOid: 1, // any non-zero oid: a Postgres column (0 marks MySQL-family types, see mysql-types.ts)
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
