import type { ChangeKind, ChangeOp, Column, OpText, Position, TableSchema } from './change';
import { keyColumnIndexes } from './change';
import { fieldEnds, parseColumnKind, pickValuesOfRowText, valuesOfRowText, type ColumnKind } from './row-text';
import type { TextualKind, Value } from './value';

/** What an op that travels as text is made of (see ChangeOp.text). */
export interface TextOpFields {
  readonly kind: ChangeKind;
  readonly table: TableSchema;
  readonly position: Position;
  readonly commitTimeUs: number;
  readonly text: OpText;
  readonly rows?: number;
  readonly intoEmpty?: boolean;
  readonly barrier?: readonly number[];
  readonly ddl?: string;
}

/**
 * An op whose rows are COPY text. `key`, `before` and `after` are decoded from the text the
 * first time something reads them (consolidation, dead letters, key partitioning): the apply
 * path works on the text and never asks. Build a changed copy of such an op with `plainOp`
 * (an object spread would lose these getters).
 */
class TextChangeOp implements ChangeOp {
  readonly kind: ChangeKind;
  readonly table: TableSchema;
  readonly position: Position;
  readonly commitTimeUs: number;
  readonly text: OpText;
  declare readonly rows?: number;
  declare readonly intoEmpty?: boolean;
  declare readonly barrier?: readonly number[];
  declare readonly ddl?: string;
  private decodedKey: readonly Value[] | undefined;
  private decodedBefore: readonly Value[] | undefined;
  private decodedAfter: readonly Value[] | undefined;

  constructor(fields: TextOpFields) {
    this.kind = fields.kind;
    this.table = fields.table;
    this.position = fields.position;
    this.commitTimeUs = fields.commitTimeUs;
    this.text = fields.text;
    // Optional fields are left out rather than set to undefined (ops are compared structurally).
    const self = this as { -readonly [K in keyof TextChangeOp]: TextChangeOp[K] };
    if (fields.rows !== undefined) self.rows = fields.rows;
    if (fields.intoEmpty) self.intoEmpty = true;
    if (fields.barrier !== undefined) self.barrier = fields.barrier;
    if (fields.ddl !== undefined) self.ddl = fields.ddl;
  }

  get key(): readonly Value[] {
    if (this.decodedKey === undefined) this.decodedKey = opKeyValues(this);
    return this.decodedKey;
  }

  get before(): readonly Value[] | undefined {
    if (this.decodedBefore === undefined && this.text.before !== undefined)
      this.decodedBefore = valuesOfRowText(columnKinds(this.table), this.text.before);
    return this.decodedBefore;
  }

  get after(): readonly Value[] | undefined {
    if (this.decodedAfter === undefined && this.text.after !== undefined && this.kind !== 'rows')
      this.decodedAfter = valuesOfRowText(columnKinds(this.table), this.text.after);
    return this.decodedAfter;
  }
}

export function textOp(fields: TextOpFields): ChangeOp {
  return new TextChangeOp(fields);
}

/** The op's key values, from its text: the old key, else the old row's key columns, else the new row's. */
function opKeyValues(op: TextChangeOp): readonly Value[] {
  if (op.kind === 'truncate' || op.kind === 'ddl' || op.kind === 'rows') return [];
  const kinds = columnKinds(op.table);
  const keyIndexes = tableKeyIndexes(op.table);
  if (op.text.key !== undefined)
    return valuesOfRowText(
      keyIndexes.map((index) => kinds[index]),
      op.text.key,
    );
  const row = op.text.before ?? op.text.after;
  if (row === undefined || keyIndexes.length === 0) return [];
  return pickValuesOfRowText(kinds, keyIndexes, row);
}

/**
 * A plain copy of an op with every value decoded and no text, with `changes` applied: for code
 * that rewrites ops (consolidation, schema evolution). Text and values must never disagree, so
 * a rewritten op carries values only.
 */
export function plainOp(op: ChangeOp, changes: Partial<ChangeOp> = {}): ChangeOp {
  const plain: { -readonly [K in keyof ChangeOp]: ChangeOp[K] } = {
    kind: op.kind,
    table: op.table,
    key: op.key,
    position: op.position,
    commitTimeUs: op.commitTimeUs,
  };
  if (op.before !== undefined) plain.before = op.before;
  if (op.after !== undefined) plain.after = op.after;
  if (op.ddl !== undefined) plain.ddl = op.ddl;
  if (op.barrier !== undefined) plain.barrier = op.barrier;
  Object.assign(plain, changes);
  for (const name of ['before', 'after', 'ddl', 'barrier'] as const) if (plain[name] === undefined) delete plain[name];
  delete plain.text;
  return plain;
}

/**
 * The rows of a 'rows' op as one snapshot-row op each. A chunk's rows have positions of their
 * own: the chunk's position is its first row's, and the k-th row is at index + k (the reader
 * counts one index per row). For the paths that apply rows one by one (dead letters, errors
 * that name a row, shaped tables).
 */
export function expandRows(op: ChangeOp): ChangeOp[] {
  if (op.kind !== 'rows' || op.text?.after === undefined) return [op];
  const text = op.text.after;
  const rows: ChangeOp[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] !== 10) continue;
    rows.push(
      textOp({
        kind: 'snapshot-row',
        table: op.table,
        position: { ...op.position, index: op.position.index + rows.length },
        commitTimeUs: op.commitTimeUs,
        text: { after: text.subarray(start, i) },
      }),
    );
    start = i + 1;
  }
  return rows;
}

/** Where an op ends: its position, or for a 'rows' op its last row's (see expandRows). */
export function lastPositionOf(op: ChangeOp): Position {
  if (op.kind !== 'rows' || !op.rows || op.rows <= 1) return op.position;
  return { ...op.position, index: op.position.index + op.rows - 1 };
}

const kindsByTable = new WeakMap<TableSchema, ColumnKind[]>();
const keyIndexesByTable = new WeakMap<TableSchema, number[]>();

/** The ColumnKind of each column of a table (computed once per schema object). */
export function columnKinds(table: TableSchema): ColumnKind[] {
  let kinds = kindsByTable.get(table);
  if (kinds === undefined) {
    kinds = table.columns.map(columnKindOf);
    kindsByTable.set(table, kinds);
  }
  return kinds;
}

/** Key column positions of a table (computed once per schema object). */
export function tableKeyIndexes(table: TableSchema): number[] {
  let indexes = keyIndexesByTable.get(table);
  if (indexes === undefined) {
    indexes = keyColumnIndexes(table.columns);
    keyIndexesByTable.set(table, indexes);
  }
  return indexes;
}

/**
 * A column's kind: its valueKind; for schemas without one (messages from before rows travelled
 * as text), what its Postgres type oid says, else its type name (MySQL's for type oid 0); else text.
 */
export function columnKindOf(column: Column): ColumnKind {
  if (column.valueKind) return parseColumnKind(column.valueKind);
  // Type oid 0: a MySQL-family column (Vitess), typed by its MySQL type name.
  if (column.typeOid === 0) return parseColumnKind(mysqlKindOfTypeName(column.type));
  const element = column.elementTypeOid ? postgresKindOfOid(column.elementTypeOid) : undefined;
  if (element !== undefined && element !== 'text') return { kind: 'array', element: { kind: element }, delimiter: ',' };
  const byOid = postgresKindOfOid(column.typeOid);
  if (byOid !== 'text' || column.typeOid === 25) return { kind: byOid };
  return parseColumnKind(postgresKindOfTypeName(column.type));
}

const KIND_BY_TYPE_NAME: ReadonlyArray<[RegExp, string]> = [
  [/^(smallint|integer|bigint|int[248]?|oid|xid8?)$/, 'integer'],
  [/^bool(ean)?$/, 'boolean'],
  [/^(real|double precision|float[48]?)$/, 'float'],
  [/^(numeric|decimal)\b/, 'decimal'],
  [/^bytea$/, 'bytes'],
  [/^jsonb?$/, 'json'],
  [/^date$/, 'date'],
  [/^(time|timetz)\b/, 'time'],
  [/^timestamp(\(\d+\))? with time zone$|^timestamptz/, 'timestamptz'],
  [/^timestamp\b/, 'timestamp'],
  [/^uuid$/, 'uuid'],
  [/^interval\b/, 'interval'],
];

/** The value kind of a Postgres type name as format_type() writes it ("integer[]" is "array:integer"). */
export function postgresKindOfTypeName(type: string): string {
  const name = type.trim().toLowerCase();
  if (name.endsWith('[]')) return `array:${postgresKindOfTypeName(name.replace(/(\[\])+$/, ''))}`;
  for (const [pattern, kind] of KIND_BY_TYPE_NAME) if (pattern.test(name)) return kind;
  return 'text';
}

const TEXTUAL_BY_OID = new Map<number, TextualKind>([
  [1700, 'decimal'],
  [114, 'json'],
  [3802, 'json'],
  [1082, 'date'],
  [1083, 'time'],
  [1266, 'time'],
  [1114, 'timestamp'],
  [1184, 'timestamptz'],
  [2950, 'uuid'],
  [1186, 'interval'],
]);
const INTEGER_OIDS = new Set([20, 21, 23, 26, 28, 5069]); // int8, int2, int4, oid, xid, xid8
const FLOAT_OIDS = new Set([700, 701]);

/** The Value kind of a Postgres base type (by oid); anything without a richer kind is text. */
export function postgresKindOfOid(oid: number): 'boolean' | 'integer' | 'float' | 'bytes' | TextualKind {
  if (INTEGER_OIDS.has(oid)) return 'integer';
  if (oid === 16) return 'boolean';
  if (FLOAT_OIDS.has(oid)) return 'float';
  if (oid === 17) return 'bytes';
  return TEXTUAL_BY_OID.get(oid) ?? 'text';
}

/** The number of fields in a row of COPY text. */
export function fieldCount(row: Uint8Array): number {
  return fieldEnds(row).length;
}

const KIND_BY_MYSQL_TYPE: ReadonlyArray<[RegExp, string]> = [
  [/^bigint\b.*\bunsigned\b/, 'unsigned'],
  [/^(tinyint|smallint|mediumint|int|integer|bigint|year)\b/, 'integer'],
  [/^(decimal|numeric|dec|fixed)\b/, 'decimal'],
  [/^(float|double|real)\b/, 'float'],
  [/^date$/, 'date'],
  [/^datetime\b/, 'timestamp'],
  [/^timestamp\b/, 'timestamptz'],
  [/^time\b/, 'time'],
  [/^json$/, 'json'],
  [/^(enum|set)\b/, 'enum'],
  [/^(tinyblob|blob|mediumblob|longblob|binary|varbinary|geometry|point|linestring|polygon)\b/, 'bytes'],
];

/** The value kind of a MySQL column type as a VStream FIELD event spells it ("bigint(20) unsigned"). */
export function mysqlKindOfTypeName(type: string): string {
  const name = type.trim().toLowerCase();
  for (const [pattern, kind] of KIND_BY_MYSQL_TYPE) if (pattern.test(name)) return kind;
  return 'text';
}

/** Whether the op's new row has an unchanged TOAST value, read from its text when it has one. */
export function hasUnchangedValue(op: ChangeOp): boolean {
  const text = op.text?.after;
  if (text === undefined) return op.after?.some((value) => value.kind === 'unchanged') ?? false;
  for (let i = 0; i + 1 < text.length; i += 1) {
    // A field that is exactly \U: a backslash after a tab (or at the start), then U, then a tab or the end.
    if (
      text[i] === 92 &&
      text[i + 1] === 85 &&
      (i === 0 || text[i - 1] === 9) &&
      (i + 2 === text.length || text[i + 2] === 9)
    )
      return true;
  }
  return false;
}
