import Long from 'long';
import * as protobuf from 'protobufjs/minimal';
import { cdc } from './generated/change';
import type { ChangeBatch, ChangeOp, Column, OpText, Position, TableSchema, Watermark } from './change';
import { textOp, type TextOpFields } from './text-op';
import { BatchBuilder, KIND_BY_NUMBER, OpEncoder, TEXT_KIND_BY_FIELD } from './batch-writer';
import type { Value } from './value';
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

/** Encodes one JetStream data message (see batch-writer.ts: ops are written straight into bytes). */
export function encodeBatch(batch: ChangeBatch): Uint8Array {
  const builder = new BatchBuilder(batch.source, batch.partition);
  for (const op of batch.ops) builder.add(encoder.encode(op));
  return builder.finish();
}

const encoder = new OpEncoder();

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
        const kind = TEXT_KIND_BY_FIELD.get(field);
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
  let valueKind = '';
  while (reader.pos < end) {
    const tag = reader.varint();
    if (tag === 10) name = reader.string();
    else if (tag === 18) type = reader.string();
    else if (tag === 24) key = reader.varint() !== 0;
    else if (tag === 32) nullable = reader.varint() !== 0;
    else if (tag === 40) typeOid = reader.varint();
    else if (tag === 48) elementTypeOid = reader.varint();
    else if (tag === 58) valueKind = reader.string();
    else reader.skip(tag & 7);
  }
  return valueKind
    ? { name, type, key, nullable, typeOid, elementTypeOid, valueKind }
    : { name, type, key, nullable, typeOid, elementTypeOid };
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
  // Made only for ops that carry Values (text ops, the common case, carry none).
  let key: Value[] | undefined;
  let before: Value[] | undefined;
  let after: Value[] | undefined;
  let position: Position = { commit: 0n, index: 0 };
  let commitTimeUs = 0;
  let ddl = '';
  let barrier: number[] | undefined;
  let keyText: Uint8Array | undefined;
  let beforeText: Uint8Array | undefined;
  let afterText: Uint8Array | undefined;
  let rows = 0;
  let intoEmpty = false;
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
        (key ??= []).push(readValue(reader));
        break;
      case 34:
        (before ??= []).push(readValue(reader));
        break;
      case 42:
        (after ??= []).push(readValue(reader));
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
      // Rows as text: views into the message, not copies (the message outlives its ops).
      case 82:
        keyText = reader.bytesView();
        break;
      case 90:
        beforeText = reader.bytesView();
        break;
      case 98:
        afterText = reader.bytesView();
        break;
      case 104:
        rows = reader.varint();
        break;
      case 112:
        intoEmpty = reader.varint() !== 0;
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  const table = tables[tableIndex];
  const kind = KIND_BY_NUMBER.get(kindNumber);
  if (!table || !kind) throw new Error(`op ${opIndex} has table ${tableIndex} kind ${kindNumber}`);
  if (keyText !== undefined || beforeText !== undefined || afterText !== undefined) {
    const text: { -readonly [K in keyof OpText]: OpText[K] } = {};
    if (keyText !== undefined) text.key = keyText;
    if (beforeText !== undefined) text.before = beforeText;
    if (afterText !== undefined) text.after = afterText;
    // Assigned one by one: spreads of optional fields made up to four objects per op, and this is
    // the applier's most allocating function (an allocation profile of the drain: 29% of bytes).
    const fields: { -readonly [K in keyof TextOpFields]: TextOpFields[K] } = {
      kind,
      table,
      position,
      commitTimeUs,
      text,
    };
    if (rows) fields.rows = rows;
    if (intoEmpty) fields.intoEmpty = intoEmpty;
    if (barrier) fields.barrier = barrier;
    if (ddl) fields.ddl = ddl;
    return textOp(fields);
  }
  // Optional fields are left out rather than set to undefined (callers compare ops structurally);
  // assigned one by one, which is cheaper than object spreads on this per-op path.
  const op: { -readonly [K in keyof ChangeOp]: ChangeOp[K] } = { kind, table, key: key ?? [], position, commitTimeUs };
  if (before?.length) op.before = before;
  if (after?.length) op.after = after;
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
