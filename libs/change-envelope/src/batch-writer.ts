import type { ChangeKind, ChangeOp, Position, TableSchema } from './change';
import type { TextualKind, Value } from './value';
import { ByteWriter, SAFE_DIGITS, varintLength } from './byte-writer';

/*
 * The encode side of a ChangeBatch (proto/cdc/v1/change.proto), written straight into bytes.
 *
 * Why by hand: a reader used to queue decoded ChangeOps (about 0.8 kB of heap objects each)
 * until their message was cut, and encode them only then. Ops waited long enough to be
 * promoted to the old generation, and the reader's RSS was mostly that garbage. Encoding each
 * op the moment it is queued lets its objects die young; the queue holds only bytes (about a
 * fifth of the size). The output is byte-for-byte what the generated protobufjs code writes
 * (codec.test.ts checks it), so every decoder reads it unchanged.
 */

// Field tags ((field number << 3) | wire type).
const KIND_NUMBER: Record<ChangeKind, number> = {
  insert: 1,
  update: 2,
  delete: 3,
  truncate: 4,
  ddl: 5,
  'snapshot-row': 6,
  rows: 7,
};
const TEXT_TAGS: Record<TextualKind, number> = {
  decimal: 42,
  text: 50,
  json: 66,
  date: 74,
  time: 82,
  timestamp: 90,
  timestamptz: 98,
  uuid: 106,
  enum: 122,
  interval: 130,
};
export const TEXT_KIND_BY_FIELD = new Map<number, TextualKind>(
  Object.entries(TEXT_TAGS).map(([kind, tag]) => [tag >>> 3, kind as TextualKind]),
);
export const KIND_BY_NUMBER = new Map<number, ChangeKind>(
  Object.entries(KIND_NUMBER).map(([kind, number]) => [number, kind as ChangeKind]),
);

function writeValue(writer: ByteWriter, tag: number, value: Value): void {
  writer.byte(tag);
  const at = writer.begin();
  switch (value.kind) {
    case 'null':
      writer.byte(8);
      writer.byte(1);
      break;
    case 'boolean':
      writer.byte(16);
      writer.byte(value.value ? 1 : 0);
      break;
    case 'integer': {
      writer.byte(24);
      const text = value.value;
      if (text.length <= SAFE_DIGITS) writer.sint64Number(Number(text));
      else writer.sint64Big(BigInt(text));
      break;
    }
    case 'float':
      writer.byte(33);
      writer.double(value.value);
      break;
    case 'bytes':
      writer.byte(58);
      writer.bytes(value.value);
      break;
    case 'array': {
      writer.byte(114);
      const arrayAt = writer.begin();
      for (const element of value.value) writeValue(writer, 10, element);
      writer.end(arrayAt);
      break;
    }
    case 'unchanged':
      writer.varint(136);
      writer.byte(1);
      break;
    case 'unsigned': {
      writer.varint(144);
      const text = value.value;
      if (text.length <= SAFE_DIGITS) writer.varint(Number(text));
      else writer.varintBig(BigInt.asUintN(64, BigInt(text)));
      break;
    }
    default:
      writer.varint(TEXT_TAGS[value.kind]);
      writer.string(value.value);
  }
  writer.end(at);
}

function writePosition(writer: ByteWriter, tag: number, position: Position): void {
  writer.byte(tag);
  const at = writer.begin();
  if (position.commit !== 0n) {
    writer.byte(8);
    writer.varintBig(position.commit);
  }
  if (position.index !== 0) {
    writer.byte(16);
    writer.varint(position.index);
  }
  if (position.token?.length) {
    writer.byte(26);
    writer.bytes(position.token);
  }
  if (position.lane) {
    writer.byte(34);
    writer.string(position.lane);
  }
  writer.end(at);
}

/** The fields of a ChangeOp after `kind` and `table` (3 to 14), which do not depend on the batch. */
function writeOpBody(writer: ByteWriter, op: ChangeOp): void {
  const text = op.text;
  // An op that travels as text carries its rows only as text (never also as values).
  if (text === undefined) {
    for (const value of op.key) writeValue(writer, 26, value);
    if (op.before) for (const value of op.before) writeValue(writer, 34, value);
    if (op.after) for (const value of op.after) writeValue(writer, 42, value);
  }
  writePosition(writer, 50, op.position);
  if (op.commitTimeUs) {
    writer.byte(56);
    writer.sint64Number(op.commitTimeUs);
  }
  if (op.ddl) {
    writer.byte(66);
    writer.string(op.ddl);
  }
  if (op.barrier?.length) {
    writer.byte(74);
    const at = writer.begin();
    for (const partition of op.barrier) writer.varint(partition);
    writer.end(at);
  }
  if (text !== undefined) {
    if (text.key !== undefined) {
      writer.byte(82);
      writer.bytes(text.key);
    }
    if (text.before !== undefined) {
      writer.byte(90);
      writer.bytes(text.before);
    }
    if (text.after !== undefined) {
      writer.byte(98);
      writer.bytes(text.after);
    }
  }
  if (op.rows) {
    writer.byte(104);
    writer.varint(op.rows);
  }
  if (op.intoEmpty) {
    writer.byte(112);
    writer.byte(1);
  }
}

/** A table's schema as the content of a ChangeBatch.tables entry; computed once per schema object. */
const encodedSchemas = new WeakMap<TableSchema, Uint8Array>();

function encodedSchema(table: TableSchema): Uint8Array {
  let bytes = encodedSchemas.get(table);
  if (bytes) return bytes;
  const writer = new ByteWriter(256);
  if (table.schema) {
    writer.byte(10);
    writer.string(table.schema);
  }
  if (table.table) {
    writer.byte(18);
    writer.string(table.table);
  }
  for (const column of table.columns) {
    writer.byte(26);
    const at = writer.begin();
    if (column.name) {
      writer.byte(10);
      writer.string(column.name);
    }
    if (column.type) {
      writer.byte(18);
      writer.string(column.type);
    }
    if (column.key) {
      writer.byte(24);
      writer.byte(1);
    }
    if (column.nullable) {
      writer.byte(32);
      writer.byte(1);
    }
    if (column.typeOid) {
      writer.byte(40);
      writer.varint(column.typeOid);
    }
    if (column.elementTypeOid) {
      writer.byte(48);
      writer.varint(column.elementTypeOid);
    }
    if (column.valueKind) {
      writer.byte(58);
      writer.string(column.valueKind);
    }
    writer.end(at);
  }
  if (table.hasKey) {
    writer.byte(32);
    writer.byte(1);
  }
  bytes = Uint8Array.prototype.slice.call(writer.buffer, 0, writer.pos);
  encodedSchemas.set(table, bytes);
  return bytes;
}

/**
 * One op encoded apart from its batch. `body` is a view into the encoder's scratch buffer: it
 * is valid until the encoder's next `encode`, so add it to every batch that takes it first.
 */
export interface EncodedOp {
  readonly kind: ChangeKind;
  readonly table: TableSchema;
  readonly body: Uint8Array;
}

/** Encodes ops one at a time into a reused scratch buffer (see EncodedOp). */
export class OpEncoder {
  private readonly scratch = new ByteWriter(4096);

  encode(op: ChangeOp): EncodedOp {
    const scratch = this.scratch;
    scratch.pos = 0;
    writeOpBody(scratch, op);
    return { kind: op.kind, table: op.table, body: scratch.buffer.subarray(0, scratch.pos) };
  }
}

/**
 * A ChangeBatch message under construction: ops are appended as bytes, the tables they use are
 * collected, and `finish()` puts source, partition and tables in front. `byteLength` is the
 * exact size `finish()` returns, so a caller can bound messages by bytes as they fill.
 */
export class BatchBuilder {
  private readonly ops: ByteWriter;
  private readonly tables: TableSchema[] = [];
  private readonly tableIndex = new Map<TableSchema, number>();
  private headerBytes: number;
  private count = 0;

  constructor(
    private readonly source: string,
    private readonly partition: number,
    initialCapacity = 1024,
  ) {
    this.ops = new ByteWriter(initialCapacity);
    const sourceBytes = Buffer.byteLength(source, 'utf8');
    this.headerBytes =
      (source ? 1 + varintLength(sourceBytes) + sourceBytes : 0) + (partition ? 1 + varintLength(partition) : 0);
  }

  get opCount(): number {
    return this.count;
  }

  get byteLength(): number {
    return this.headerBytes + this.ops.pos;
  }

  /** What `byteLength` would be after `add(op)`. */
  byteLengthWith(op: EncodedOp): number {
    const known = this.tableIndex.get(op.table);
    const index = known ?? this.tables.length;
    const schemaBytes = known === undefined ? tableEntryBytes(op.table) : 0;
    return this.byteLength + schemaBytes + opEntryBytes(op, index);
  }

  add(op: EncodedOp): void {
    let index = this.tableIndex.get(op.table);
    if (index === undefined) {
      index = this.tables.length;
      this.tables.push(op.table);
      this.tableIndex.set(op.table, index);
      this.headerBytes += tableEntryBytes(op.table);
    }
    const ops = this.ops;
    const inner = 2 + (index ? 1 + varintLength(index) : 0) + op.body.length;
    ops.byte(34);
    ops.varint(inner);
    ops.byte(8);
    ops.varint(KIND_NUMBER[op.kind]);
    if (index) {
      ops.byte(16);
      ops.varint(index);
    }
    ops.raw(op.body);
    this.count += 1;
  }

  /** The whole message. The builder is spent afterwards. */
  finish(): Uint8Array {
    const writer = new ByteWriter(this.byteLength);
    if (this.source) {
      writer.byte(10);
      writer.string(this.source);
    }
    if (this.partition) {
      writer.byte(16);
      writer.varint(this.partition);
    }
    for (const table of this.tables) {
      const schema = encodedSchema(table);
      writer.byte(26);
      writer.varint(schema.length);
      writer.raw(schema);
    }
    writer.raw(this.ops.buffer, 0, this.ops.pos);
    // Exactly sized: the message is retained until its PubAck, the spare capacity would be too.
    return writer.pos === writer.buffer.length ? writer.buffer : writer.buffer.subarray(0, writer.pos);
  }
}

function tableEntryBytes(table: TableSchema): number {
  const length = encodedSchema(table).length;
  return 1 + varintLength(length) + length;
}

function opEntryBytes(op: EncodedOp, tableIndex: number): number {
  const inner = 2 + (tableIndex ? 1 + varintLength(tableIndex) : 0) + op.body.length;
  return 1 + varintLength(inner) + inner;
}
