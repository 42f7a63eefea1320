import Long from 'long';
import * as protobuf from 'protobufjs/minimal';
import { cdc } from './generated/change';
import type { ChangeBatch, ChangeKind, ChangeOp, Column, Position, TableSchema, Watermark } from './change';
import type { TextualKind, Value } from './value';
import { NULL_VALUE, UNCHANGED_VALUE } from './value';

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

function asLongOrLong(value: Long | number): Long {
  return typeof value === 'number' ? asLong(value) : value;
}

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

function valueToWire(value: Value): cdc.v1.Value.$Properties {
  switch (value.kind) {
    case 'null':
      return { nullValue: true };
    case 'unchanged':
      return { unchanged: true };
    case 'boolean':
      return { boolean: value.value };
    case 'integer':
      return { integer: asLongOrLong(integerToWire(value.value, false)) };
    case 'unsigned':
      return { unsigned: asLongOrLong(integerToWire(value.value, true)) };
    case 'float':
      return { float: value.value };
    case 'bytes':
      return { bytes: value.value };
    case 'array':
      return { array: { elements: value.value.map(valueToWire) } };
    default:
      return { [value.kind]: value.value } as cdc.v1.Value.$Properties;
  }
}

function valueFromWire(value: cdc.v1.IValue & { kind?: string }): Value {
  switch (value.kind) {
    case 'nullValue':
    case undefined:
      return NULL_VALUE;
    case 'unchanged':
      return UNCHANGED_VALUE;
    case 'boolean':
      return { kind: 'boolean', value: value.boolean === true };
    case 'integer':
      return { kind: 'integer', value: longToText(value.integer as Long) };
    case 'unsigned':
      return { kind: 'unsigned', value: longToText(value.unsigned as Long) };
    case 'float':
      return { kind: 'float', value: value.float as number };
    case 'bytes':
      return { kind: 'bytes', value: value.bytes as Uint8Array };
    case 'array':
      return { kind: 'array', value: (value.array?.elements ?? []).map(valueFromWire) };
    default: {
      const kind = value.kind as TextualKind;
      return { kind, value: (value as Record<string, unknown>)[kind] as string };
    }
  }
}

function positionToWire(position: Position): cdc.v1.Position.$Properties {
  return { commit: bigintToLong(position.commit), index: position.index, token: position.token };
}

function positionFromWire(position: cdc.v1.IPosition | null | undefined): Position {
  const token = position?.token;
  return {
    commit: longToBigint((position?.commit as Long | undefined) ?? 0),
    index: position?.index ?? 0,
    ...(token && token.length > 0 ? { token } : {}),
  };
}

function columnFromWire(column: cdc.v1.IColumn): Column {
  return {
    name: column.name ?? '',
    type: column.type ?? '',
    key: column.key ?? false,
    nullable: column.nullable ?? false,
    typeOid: column.typeOid ?? 0,
    elementTypeOid: column.elementTypeOid ?? 0,
  };
}

export function encodeBatch(batch: ChangeBatch): Uint8Array {
  const tables: TableSchema[] = [];
  const tableIndex = new Map<TableSchema, number>();
  const ops = batch.ops.map((op): cdc.v1.ChangeOp.$Properties => {
    let index = tableIndex.get(op.table);
    if (index === undefined) {
      index = tables.length;
      tables.push(op.table);
      tableIndex.set(op.table, index);
    }
    return {
      kind: KIND_TO_WIRE[op.kind],
      table: index,
      key: op.key.map(valueToWire),
      before: op.before?.map(valueToWire),
      after: op.after?.map(valueToWire),
      position: positionToWire(op.position),
      commitTimeUs: asLong(op.commitTimeUs),
      ddl: op.ddl,
    };
  });
  return wire.ChangeBatch.encode({
    source: batch.source,
    partition: batch.partition,
    tables: tables.map((table) => ({
      schema: table.schema,
      table: table.table,
      columns: table.columns.map((column) => ({ ...column })),
      hasKey: table.hasKey,
    })),
    ops,
  }).finish();
}

export function decodeBatch(bytes: Uint8Array): ChangeBatch {
  let message: cdc.v1.ChangeBatch;
  try {
    message = wire.ChangeBatch.decode(bytes);
  } catch (error) {
    throw new EnvelopeDecodeError('change batch', error);
  }
  const tables: TableSchema[] = message.tables.map((table) => ({
    schema: table.schema ?? '',
    table: table.table ?? '',
    columns: (table.columns ?? []).map(columnFromWire),
    hasKey: table.hasKey ?? false,
  }));
  const ops = message.ops.map((op, opIndex): ChangeOp => {
    const table = tables[op.table ?? 0];
    const kind = WIRE_TO_KIND.get(op.kind ?? 0);
    if (!table || !kind) {
      throw new EnvelopeDecodeError('change batch', new Error(`op ${opIndex} has table ${op.table} kind ${op.kind}`));
    }
    const before = op.before?.length ? op.before.map(valueFromWire) : undefined;
    const after = op.after?.length ? op.after.map(valueFromWire) : undefined;
    return {
      kind,
      table,
      key: (op.key ?? []).map(valueFromWire),
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
      position: positionFromWire(op.position),
      commitTimeUs: Number(longToText((op.commitTimeUs as Long | number | null) ?? 0)),
      ...(op.ddl ? { ddl: op.ddl } : {}),
    };
  });
  return { source: message.source, partition: message.partition, ops };
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
