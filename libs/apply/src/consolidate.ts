import {
  UNCHANGED_VALUE,
  keyColumnIndexes,
  plainOp,
  type ChangeOp,
  type Column,
  type TableSchema,
  type Value,
} from '@cdc/change-envelope';

/**
 * Consolidation (many sources into one table set), engine-independent: a source table and its
 * ops are reshaped into the destination's columns (renamed, excluded, tagged with the source id,
 * plus the `_cdc_` columns of the history and append-only models). Sinks write shaped ops; the
 * shaped schema is what they create and evolve tables from, so renames and exclusions reach DDL.
 */

export type PropagationMode = 'clone' | 'history' | 'append-only';

export interface TableShaping {
  readonly mode: PropagationMode;
  /** Source column -> destination column. */
  readonly rename: Readonly<Record<string, string>>;
  readonly exclude: readonly string[];
  /** append-only: deletes are ignored or appended as a row with the key. */
  readonly deletes: 'ignore' | 'record';
  /** Fan-in: the column and this source's value. */
  readonly sourceId?: { readonly column: string; readonly value: string };
}

/** The `_cdc_` columns (history: commit, index, op, valid_from, valid_to; append-only: commit, index, op, commit_time). */
export const CDC_COLUMNS = {
  /** Version identity, part 1: the source position's commit (Postgres: commit LSN), numeric(20,0). */
  commit: '_cdc_commit',
  /** Version identity, part 2: the op's index inside its transaction, integer. */
  index: '_cdc_index',
  /** insert | update | snapshot | delete, text. */
  op: '_cdc_op',
  /** history: the version's commit time (timestamptz). */
  validFrom: '_cdc_valid_from',
  /** history: the commit time of the op that replaced or deleted the version; NULL while current. */
  validTo: '_cdc_valid_to',
  /** append-only: the op's commit time (timestamptz). */
  commitTime: '_cdc_commit_time',
} as const;

export class ShapingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapingError';
  }
}

/** How a shaped table was built from its source table. */
export interface ShapedTable {
  readonly table: TableSchema;
  readonly source: TableSchema;
  readonly shaping: TableShaping;
  /** Per shaped column: the source column index, or a synthetic column. */
  readonly origins: readonly Origin[];
}

export type Origin =
  | { readonly kind: 'source'; readonly index: number }
  | { readonly kind: 'source-id' }
  | { readonly kind: 'cdc'; readonly name: keyof typeof CDC_COLUMNS };

const shapedTables = new WeakMap<TableSchema, ShapedTable>();
const cache = new WeakMap<TableSchema, WeakMap<TableShaping, ShapedTable>>();

/** The shaped table a shaped schema belongs to (undefined for a source schema written as is). */
export function shapedTableOf(table: TableSchema): ShapedTable | undefined {
  return shapedTables.get(table);
}

/** Whether the shaping changes anything (else ops are written as they come). */
export function isIdentityShaping(shaping: TableShaping | undefined): boolean {
  return (
    shaping === undefined ||
    (shaping.mode === 'clone' &&
      shaping.sourceId === undefined &&
      shaping.exclude.length === 0 &&
      Object.keys(shaping.rename).length === 0)
  );
}

function synthetic(name: string, type: string, typeOid: number, key: boolean, nullable: boolean): Column {
  return { name, type, typeOid, key, nullable, elementTypeOid: 0 };
}

/**
 * The destination shape of a source table (one object per source schema object and shaping, so
 * callers can cache by identity).
 * - clone: [source id] + mapped columns; key = source id + source key.
 * - history: [source id] + mapped columns + _cdc_commit, _cdc_index (key), _cdc_op, _cdc_valid_from, _cdc_valid_to.
 * - append-only: [source id] + _cdc_commit, _cdc_index (key), _cdc_op, _cdc_commit_time + mapped columns (no key, nullable).
 */
export function shapeTable(source: TableSchema, shaping: TableShaping): ShapedTable {
  let perShaping = cache.get(source);
  if (perShaping === undefined) cache.set(source, (perShaping = new WeakMap()));
  const known = perShaping.get(shaping);
  if (known !== undefined) return known;

  const where = `${source.schema}.${source.table}`;
  const columns: Column[] = [];
  const origins: Origin[] = [];
  const names = new Map<string, string>();
  const add = (column: Column, origin: Origin, from: string) => {
    const other = names.get(column.name);
    if (other !== undefined) {
      throw new ShapingError(
        `table ${where}: ${from} and ${other} would both be written to column ${JSON.stringify(column.name)}`,
      );
    }
    names.set(column.name, from);
    columns.push(column);
    origins.push(origin);
  };
  const sid = shaping.sourceId;
  if (sid !== undefined) {
    add(synthetic(sid.column, 'text', 25, true, false), { kind: 'source-id' }, 'the source id');
  }
  const cdc = (name: keyof typeof CDC_COLUMNS, type: string, oid: number, key: boolean, nullable: boolean) =>
    add(synthetic(CDC_COLUMNS[name], type, oid, key, nullable), { kind: 'cdc', name }, `column ${CDC_COLUMNS[name]}`);
  const appendOnly = shaping.mode === 'append-only';
  if (appendOnly) {
    cdc('commit', 'numeric(20,0)', 1700, true, false);
    cdc('index', 'int4', 23, true, false);
    cdc('op', 'text', 25, false, false);
    cdc('commitTime', 'timestamptz', 1184, false, false);
  }
  source.columns.forEach((column, index) => {
    if (shaping.exclude.includes(column.name)) {
      if (column.key && source.hasKey && !appendOnly) {
        throw new ShapingError(`table ${where}: key column ${JSON.stringify(column.name)} cannot be excluded`);
      }
      return;
    }
    if (column.name.startsWith('_cdc_') && shaping.mode !== 'clone') {
      throw new ShapingError(`table ${where}: column ${JSON.stringify(column.name)} uses the reserved prefix _cdc_`);
    }
    const name = shaping.rename[column.name] ?? column.name;
    const shaped: Column = appendOnly
      ? { ...column, name, key: false, nullable: true }
      : { ...column, name, key: column.key && source.hasKey };
    add(shaped, { kind: 'source', index }, `source column ${JSON.stringify(column.name)}`);
  });
  if (shaping.mode === 'history') {
    if (!source.hasKey) {
      throw new ShapingError(`table ${where} has no primary key: mode history needs one to find a row's versions`);
    }
    cdc('commit', 'numeric(20,0)', 1700, true, false);
    cdc('index', 'int4', 23, true, false);
    cdc('op', 'text', 25, false, false);
    cdc('validFrom', 'timestamptz', 1184, false, false);
    cdc('validTo', 'timestamptz', 1184, false, true);
  }
  const table: TableSchema = {
    schema: source.schema,
    table: source.table,
    columns,
    hasKey: shaping.mode === 'clone' ? source.hasKey : true,
  };
  const shaped: ShapedTable = { table, source, shaping, origins };
  perShaping.set(shaping, shaped);
  shapedTables.set(table, shaped);
  return shaped;
}

const text = (value: string): Value => ({ kind: 'text', value }) as Value;

/** The commit time (microseconds since the epoch) as timestamptz text. */
export function commitTimeText(us: number): string {
  const ms = Math.floor(us / 1000);
  const micros = String(Math.trunc(us - ms * 1000)).padStart(3, '0');
  return new Date(ms).toISOString().replace('Z', `${micros}+00`);
}

/** The op kind recorded in `_cdc_op`. */
export function opKindName(op: ChangeOp): string {
  return op.kind === 'snapshot-row' ? 'snapshot' : op.kind;
}

/**
 * Shaped ops for one source op (none for an ignored delete, or a ddl op passed through):
 * clone ops keep their kind; history and append-only ops are written by the sink's model
 * statements (their `after` holds the new version, `key` the old key with the source id).
 */
export function shapeOp(op: ChangeOp, shaping: TableShaping): ChangeOp[] {
  if (op.kind === 'ddl') return [op];
  const shaped = shapeTable(op.table, shaping);
  if (shaping.mode === 'append-only' && op.kind === 'delete' && shaping.deletes === 'ignore') return [];
  // append-only: a truncate is not a row change to append (the log is kept). history: it closes
  // every open version of the source (the sink's statement).
  if (shaping.mode === 'append-only' && op.kind === 'truncate') return [];
  const sid = shaping.sourceId === undefined ? [] : [text(shaping.sourceId.value)];
  const cdcValue = (name: keyof typeof CDC_COLUMNS): Value => {
    switch (name) {
      case 'commit':
        return { kind: 'integer', value: op.position.commit.toString() } as Value;
      case 'index':
        return { kind: 'integer', value: String(op.position.index) } as Value;
      case 'op':
        return text(opKindName(op));
      case 'validFrom':
      case 'commitTime':
        return { kind: 'timestamptz', value: commitTimeText(op.commitTimeUs) };
      case 'validTo':
        return { kind: 'null' } as Value;
    }
  };
  const row = (values: readonly Value[] | undefined): Value[] | undefined => {
    if (values === undefined) return undefined;
    return shaped.origins.map((origin) => {
      if (origin.kind === 'source') return values[origin.index];
      if (origin.kind === 'source-id') return sid[0];
      return cdcValue(origin.name);
    });
  };
  // Shaped key: the source id and the source key (history/append-only: the row's identity, not the table's key).
  const key = [...sid, ...op.key];
  let after = row(op.after);
  const before = row(op.before);
  if (shaping.mode === 'append-only' && op.kind === 'delete') {
    // The key columns (or, keyless, the old row) with nulls elsewhere.
    const keyIndexes = keyColumnIndexes(op.table.columns);
    const old = op.table.columns.map((_, index) => {
      const position = keyIndexes.indexOf(index);
      if (op.table.hasKey && position >= 0) return op.key[position];
      if (op.before !== undefined) return op.before[index];
      return { kind: 'null' } as Value;
    });
    after = row(old)!.map((value) => (value.kind === 'unchanged' ? ({ kind: 'null' } as Value) : value));
    return [plainOp(op, { kind: 'insert', table: shaped.table, key, after, before: undefined })];
  }

  return [plainOp(op, { table: shaped.table, key, before, after })];
}

/** The op with the values of these columns marked unchanged (left out of what is written). */
export function blankColumns(op: ChangeOp, names: ReadonlySet<string>): ChangeOp {
  const indexes = op.table.columns.flatMap((column, index) => (names.has(column.name) ? [index] : []));
  if (indexes.length === 0) return op;
  const blank = (values: readonly Value[] | undefined) =>
    values?.map((value, index) => (indexes.includes(index) ? UNCHANGED_VALUE : value));
  return plainOp(op, { before: blank(op.before), after: blank(op.after) });
}
