import Long from 'long';
import * as protobuf from 'protobufjs/minimal';
import { cdc } from './generated/change';
import type { ChangeBatch, ChangeOp, OpText, Position, TableSchema, Watermark } from './change';
import { textOp, type TextOpFields } from './text-op';
import { BatchBuilder, OpEncoder } from './batch-writer';
import { OpFields, opTable, readBatch, readOpFields } from './batch-reader';
import { EnvelopeDecodeError } from './decode-error';

export { EnvelopeDecodeError };

// protobufjs finds `long` through a dynamic require that bundlers cannot see; wire it explicitly
// so 64-bit integers are exact instead of silently rounded through a double.
protobuf.util.Long = Long;
protobuf.configure();

const wire = cdc.v1;

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

/** The op of fields read with `build` (readOpFields) on `table`. */
function opOf(fields: OpFields, table: TableSchema): ChangeOp {
  const { kind, commitTimeUs, ddl, barrier, keyText, beforeText, afterText, rows, intoEmpty } = fields;
  const position = fields.position ?? { commit: 0n, index: 0 };
  if (keyText !== undefined || beforeText !== undefined || afterText !== undefined) {
    const text: { -readonly [K in keyof OpText]: OpText[K] } = {};
    if (keyText !== undefined) text.key = keyText;
    if (beforeText !== undefined) text.before = beforeText;
    if (afterText !== undefined) text.after = afterText;
    // Assigned one by one: spreads of optional fields made up to four objects per op, and this is
    // the applier's most allocating function (an allocation profile of the drain: 29% of bytes).
    const textFields: { -readonly [K in keyof TextOpFields]: TextOpFields[K] } = {
      kind,
      table,
      position,
      commitTimeUs,
      text,
    };
    if (rows) textFields.rows = rows;
    if (intoEmpty) textFields.intoEmpty = intoEmpty;
    if (barrier) textFields.barrier = barrier;
    if (ddl) textFields.ddl = ddl;
    return textOp(textFields);
  }
  // Optional fields are left out rather than set to undefined (callers compare ops structurally);
  // assigned one by one, which is cheaper than object spreads on this per-op path.
  const op: { -readonly [K in keyof ChangeOp]: ChangeOp[K] } = {
    kind,
    table,
    key: fields.key ?? [],
    position,
    commitTimeUs,
  };
  if (fields.before?.length) op.before = fields.before;
  if (fields.after?.length) op.after = fields.after;
  if (ddl) op.ddl = ddl;
  if (barrier) op.barrier = barrier;
  return op;
}

export function decodeBatch(bytes: Uint8Array): ChangeBatch {
  return readBatch(bytes, (reader, { source, partition, tables, opSpans }) => {
    const fields = new OpFields();
    const ops: ChangeOp[] = [];
    for (let i = 0; i < opSpans.length; i += 2) {
      reader.pos = opSpans[i];
      readOpFields(reader, opSpans[i + 1], fields, true);
      ops.push(opOf(fields, opTable(fields, tables, i / 2)));
    }
    return { source, partition, ops };
  });
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
