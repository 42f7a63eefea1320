import Long from 'long';
import * as protobuf from 'protobufjs/minimal';
import { cdc } from './generated/change';
import type { ChangeBatch, ChangeKind, ChangeOp, Column, Position, TableSchema, Watermark } from './change';
import type { TextualKind, Value } from './value';
import { NULL_VALUE, UNCHANGED_VALUE } from './value';
import { WireReader } from './wire-reader';

// protobufjs finds `long` through a dynamic require that bundlers cannot see; wire it explicitly
// so 64-bit integers are exact instead of silently rounded through a double.
protobuf.util.Long = Long;
protobuf.configure();

const wire = cdc.v1;

/** Thrown for bytes that are not a valid message of the expected kind (truncated, corrupted, foreign). */
export class EnvelopeDecodeError extends Error {
  constructor(what: string, cause: unknown) {
    super(`cannot decode ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'EnvelopeDecodeError';
  }
}

const KIND_TO_WIRE: Record<ChangeKind, cdc.v1.Kind> = {
  insert: wire.Kind.KIND_INSERT,
  update: wire.Kind.KIND_UPDATE,
  delete: wire.Kind.KIND_DELETE,
  truncate: wire.Kind.KIND_TRUNCATE,
  ddl: wire.Kind.KIND_DDL,
  'snapshot-row': wire.Kind.KIND_SNAPSHOT_ROW,
};
const WIRE_TO_KIND = new Map<number, ChangeKind>(
  Object.entries(KIND_TO_WIRE).map(([kind, number]) => [number, kind as ChangeKind]),
);

const SAFE_DIGITS = 15;

function integerToWire(text: string, unsigned: boolean): Long | number {
  // Most integers are small: a number avoids parsing into a Long.
  if (text.length <= SAFE_DIGITS) return Number(text);
  return Long.fromString(text, unsigned);
}

/** protobufjs writes plain numbers into 64-bit fields; its typings only admit Long. */
function asLong(value: number): Long {
  return value as unknown as Long;
}

function longToText(value: Long | number): string {
  return typeof value === 'number' ? String(value) : value.toString();
}

function bigintToLong(value: bigint): Long {
  return Long.fromBits(Number(value & 0xffffffffn), Number((value >> 32n) & 0xffffffffn), true);
}

function longToBigint(value: Long | number): bigint {
  if (typeof value === 'number') return BigInt(value);
  return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
}

function positionToWire(position: Position): cdc.v1.Position.$Properties {
  return { commit: bigintToLong(position.commit), index: position.index, token: position.token, lane: position.lane };
}

function positionFromWire(position: cdc.v1.IPosition | null | undefined): Position {
  const token = position?.token;
  return {
    commit: longToBigint((position?.commit as Long | undefined) ?? 0),
    index: position?.index ?? 0,
    ...(token && token.length > 0 ? { token } : {}),
    ...(position?.lane ? { lane: position.lane } : {}),
  };
}

// Field tags ((field number << 3) | wire type) of proto/cdc/v1/change.proto. The batch path is
// written by hand for speed; codec.test.ts checks it byte-for-byte against the generated code.
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
const TEXT_BY_FIELD = new Map<number, TextualKind>(
  Object.entries(TEXT_TAGS).map(([kind, tag]) => [tag >>> 3, kind as TextualKind]),
);

function writeValue(writer: protobuf.Writer, tag: number, value: Value): void {
  writer.uint32(tag).fork();
  switch (value.kind) {
    case 'null':
      writer.uint32(8).bool(true);
      break;
    case 'boolean':
      writer.uint32(16).bool(value.value);
      break;
    case 'integer':
      writer.uint32(24).sint64(integerToWire(value.value, false));
      break;
    case 'float':
      writer.uint32(33).double(value.value);
      break;
    case 'bytes':
      writer.uint32(58).bytes(value.value);
      break;
    case 'array':
      writer.uint32(114).fork();
      for (const element of value.value) writeValue(writer, 10, element);
      writer.ldelim();
      break;
    case 'unchanged':
      writer.uint32(136).bool(true);
      break;
    case 'unsigned':
      writer.uint32(144).uint64(integerToWire(value.value, true));
      break;
    default:
      writer.uint32(TEXT_TAGS[value.kind]).string(value.value);
  }
  writer.ldelim();
}

function writePosition(writer: protobuf.Writer, tag: number, position: Position): void {
  writer.uint32(tag).fork();
  if (position.commit !== 0n) writer.uint32(8).uint64(commitToWire(position.commit));
  if (position.index !== 0) writer.uint32(16).uint32(position.index);
  if (position.token?.length) writer.uint32(26).bytes(position.token);
  if (position.lane) writer.uint32(34).string(position.lane);
  writer.ldelim();
}

function commitToWire(commit: bigint): Long | number {
  return commit <= MAX_SAFE ? Number(commit) : bigintToLong(commit);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function encodeBatch(batch: ChangeBatch): Uint8Array {
  const tables: TableSchema[] = [];
  const tableIndex = new Map<TableSchema, number>();
  for (const op of batch.ops) {
    if (!tableIndex.has(op.table)) {
      tableIndex.set(op.table, tables.length);
      tables.push(op.table);
    }
  }
  const writer = protobuf.Writer.create();
  if (batch.source) writer.uint32(10).string(batch.source);
  if (batch.partition) writer.uint32(16).uint32(batch.partition);
  for (const table of tables) {
    writer.uint32(26).fork();
    if (table.schema) writer.uint32(10).string(table.schema);
    if (table.table) writer.uint32(18).string(table.table);
    for (const column of table.columns) {
      writer.uint32(26).fork();
      if (column.name) writer.uint32(10).string(column.name);
      if (column.type) writer.uint32(18).string(column.type);
      if (column.key) writer.uint32(24).bool(true);
      if (column.nullable) writer.uint32(32).bool(true);
      if (column.typeOid) writer.uint32(40).uint32(column.typeOid);
      if (column.elementTypeOid) writer.uint32(48).uint32(column.elementTypeOid);
      writer.ldelim();
    }
    if (table.hasKey) writer.uint32(32).bool(true);
    writer.ldelim();
  }
  for (const op of batch.ops) {
    writer.uint32(34).fork();
    writer.uint32(8).int32(KIND_TO_WIRE[op.kind]);
    const table = tableIndex.get(op.table) as number;
    if (table) writer.uint32(16).uint32(table);
    for (const value of op.key) writeValue(writer, 26, value);
    if (op.before) for (const value of op.before) writeValue(writer, 34, value);
    if (op.after) for (const value of op.after) writeValue(writer, 42, value);
    writePosition(writer, 50, op.position);
    if (op.commitTimeUs) writer.uint32(56).sint64(op.commitTimeUs);
    if (op.ddl) writer.uint32(66).string(op.ddl);
    if (op.barrier?.length) {
      writer.uint32(74).fork();
      for (const partition of op.barrier) writer.uint32(partition);
      writer.ldelim();
    }
    writer.ldelim();
  }
  return writer.finish();
}

function readValue(reader: WireReader): Value {
  const [start, end] = reader.span();
  const outer = reader.pos;
  reader.pos = start;
  let value: Value = NULL_VALUE;
  while (reader.pos < end) {
    const tag = reader.varint();
    const field = tag >>> 3;
    switch (field) {
      case 1:
        reader.varint();
        value = NULL_VALUE;
        break;
      case 2:
        value = { kind: 'boolean', value: reader.varint() !== 0 };
        break;
      case 3:
        value = { kind: 'integer', value: reader.int64Text(true) };
        break;
      case 4:
        value = { kind: 'float', value: reader.double() };
        break;
      case 7:
        value = { kind: 'bytes', value: reader.bytesField() };
        break;
      case 14: {
        const [arrayStart, arrayEnd] = reader.span();
        const after = reader.pos;
        reader.pos = arrayStart;
        const elements: Value[] = [];
        while (reader.pos < arrayEnd) {
          const elementTag = reader.varint();
          if (elementTag === 10) elements.push(readValue(reader));
          else reader.skip(elementTag & 7);
        }
        reader.pos = after;
        value = { kind: 'array', value: elements };
        break;
      }
      case 17:
        reader.varint();
        value = UNCHANGED_VALUE;
        break;
      case 18:
        value = { kind: 'unsigned', value: reader.int64Text(false) };
        break;
      default: {
        const kind = TEXT_BY_FIELD.get(field);
        if (kind && (tag & 7) === 2) value = { kind, value: reader.string() };
        else reader.skip(tag & 7);
      }
    }
  }
  if (reader.pos !== end) throw new Error(`value overruns its field at byte ${reader.pos}`);
  reader.pos = outer;
  return value;
}

function readPosition(reader: WireReader): Position {
  const [start, end] = reader.span();
  const outer = reader.pos;
  reader.pos = start;
  let commit = 0n;
  let index = 0;
  let token: Uint8Array | undefined;
  let lane = '';
  while (reader.pos < end) {
    const tag = reader.varint();
    if (tag === 8) commit = reader.uint64();
    else if (tag === 16) index = reader.varint();
    else if (tag === 26) token = reader.bytesField();
    else if (tag === 34) lane = reader.string();
    else reader.skip(tag & 7);
  }
  reader.pos = outer;
  const position: { commit: bigint; index: number; token?: Uint8Array; lane?: string } = { commit, index };
  if (token && token.length > 0) position.token = token;
  if (lane !== '') position.lane = lane;
  return position;
}

function readColumnFields(reader: WireReader, end: number): Column {
  let name = '';
  let type = '';
  let key = false;
  let nullable = false;
  let typeOid = 0;
  let elementTypeOid = 0;
  while (reader.pos < end) {
    const tag = reader.varint();
    if (tag === 10) name = reader.string();
    else if (tag === 18) type = reader.string();
    else if (tag === 24) key = reader.varint() !== 0;
    else if (tag === 32) nullable = reader.varint() !== 0;
    else if (tag === 40) typeOid = reader.varint();
    else if (tag === 48) elementTypeOid = reader.varint();
    else reader.skip(tag & 7);
  }
  return { name, type, key, nullable, typeOid, elementTypeOid };
}

function readTable(reader: WireReader, end: number): TableSchema {
  let schema = '';
  let table = '';
  let hasKey = false;
  const columns: Column[] = [];
  while (reader.pos < end) {
    const tag = reader.varint();
    if (tag === 10) schema = reader.string();
    else if (tag === 18) table = reader.string();
    else if (tag === 26) {
      const [start, columnEnd] = reader.span();
      const after = reader.pos;
      reader.pos = start;
      columns.push(readColumnFields(reader, columnEnd));
      reader.pos = after;
    } else if (tag === 32) hasKey = reader.varint() !== 0;
    else reader.skip(tag & 7);
  }
  return { schema, table, columns, hasKey };
}

function readOp(reader: WireReader, end: number, tables: readonly TableSchema[], opIndex: number): ChangeOp {
  let kindNumber = 0;
  let tableIndex = 0;
  const key: Value[] = [];
  const before: Value[] = [];
  const after: Value[] = [];
  let position: Position = { commit: 0n, index: 0 };
  let commitTimeUs = 0;
  let ddl = '';
  let barrier: number[] | undefined;
  while (reader.pos < end) {
    const tag = reader.varint();
    switch (tag) {
      case 8:
        kindNumber = reader.varint();
        break;
      case 16:
        tableIndex = reader.varint();
        break;
      case 26:
        key.push(readValue(reader));
        break;
      case 34:
        before.push(readValue(reader));
        break;
      case 42:
        after.push(readValue(reader));
        break;
      case 50:
        position = readPosition(reader);
        break;
      case 56:
        commitTimeUs = reader.sint64Number();
        break;
      case 66:
        ddl = reader.string();
        break;
      case 72: // barrier, unpacked form
        (barrier ??= []).push(reader.varint());
        break;
      case 74: {
        const [barrierStart, barrierEnd] = reader.span();
        reader.pos = barrierStart;
        barrier ??= [];
        while (reader.pos < barrierEnd) barrier.push(reader.varint());
        break;
      }
      default:
        reader.skip(tag & 7);
    }
  }
  const table = tables[tableIndex];
  const kind = WIRE_TO_KIND.get(kindNumber);
  if (!table || !kind) throw new Error(`op ${opIndex} has table ${tableIndex} kind ${kindNumber}`);
  // Optional fields are left out rather than set to undefined (callers compare ops structurally);
  // assigned one by one, which is cheaper than object spreads on this per-op path.
  const op: { -readonly [K in keyof ChangeOp]: ChangeOp[K] } = { kind, table, key, position, commitTimeUs };
  if (before.length) op.before = before;
  if (after.length) op.after = after;
  if (ddl) op.ddl = ddl;
  if (barrier) op.barrier = barrier;
  return op;
}

export function decodeBatch(bytes: Uint8Array): ChangeBatch {
  try {
    const reader = new WireReader(bytes);
    let source = '';
    let partition = 0;
    const tables: TableSchema[] = [];
    const opSpans: Array<[number, number]> = [];
    while (!reader.done) {
      const tag = reader.varint();
      if (tag === 10) source = reader.string();
      else if (tag === 16) partition = reader.varint();
      else if (tag === 26) {
        const [start, end] = reader.span();
        const after = reader.pos;
        reader.pos = start;
        tables.push(readTable(reader, end));
        reader.pos = after;
      } else if (tag === 34) opSpans.push(reader.span());
      else reader.skip(tag & 7);
    }
    if (reader.pos !== bytes.length) throw new Error('message overruns its end');
    // Ops are read after every table: the schemas they point to may come later on the wire.
    const ops = opSpans.map(([start, end], index) => {
      reader.pos = start;
      return readOp(reader, end, tables, index);
    });
    return { source, partition, ops };
  } catch (error) {
    if (error instanceof EnvelopeDecodeError) throw error;
    throw new EnvelopeDecodeError('change batch', error);
  }
}

export function encodeWatermark(watermark: Watermark): Uint8Array {
  return wire.Watermark.encode({
    source: watermark.source,
    seq: asLong(watermark.seq),
    position: positionToWire(watermark.position),
    timeUs: asLong(watermark.timeUs),
  }).finish();
}

export function decodeWatermark(bytes: Uint8Array): Watermark {
  let message: cdc.v1.Watermark;
  try {
    message = wire.Watermark.decode(bytes);
  } catch (error) {
    throw new EnvelopeDecodeError('watermark', error);
  }
  return {
    source: message.source,
    seq: Number(longToText(message.seq as Long | number)),
    position: positionFromWire(message.position),
    timeUs: Number(longToText(message.timeUs as Long | number)),
  };
}
