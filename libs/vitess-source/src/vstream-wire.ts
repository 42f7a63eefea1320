import { WireReader } from '@cdc/change-envelope';
import { binlogdata } from './generated/vitess';

/*
 * A VStreamResponse read without protobufjs for its ROW events. The generated decoder makes an
 * object per event, per row change, per row and a Long per column length: during a copy phase
 * that garbage was a fifth of the reader's CPU (profile in docs/benchmarks.md). A ROW event's
 * rows here are their lengths (numbers) and a view of their values in the response; every other
 * event (rare: BEGIN, FIELD, VGTID, COMMIT, ...) is decoded by the generated code. Field
 * numbers are those of proto/vitess (binlogdata.VEvent, RowEvent, RowChange, query.Row).
 */

type VEvent = binlogdata.IVEvent;

/** A query.Row as a view: column i is values[offset of i, offset + lengths[i]), -1 for NULL. */
export interface RowView {
  readonly lengths: number[];
  readonly values: Buffer;
}

/** Decodes a VStreamResponse (field 1: repeated VEvent). */
export function decodeVStreamResponse(bytes: Uint8Array): VEvent[] {
  const reader = new WireReader(bytes);
  const events: VEvent[] = [];
  while (!reader.done) {
    const tag = reader.varint();
    if (tag !== 10) {
      reader.skip(tag & 7);
      continue;
    }
    const [start, end] = reader.span();
    events.push(
      isRowEvent(bytes, start, end)
        ? readRowEvent(bytes, start, end)
        : binlogdata.VEvent.decode(bytes.subarray(start, end)),
    );
  }
  return events;
}

/** Whether the event's type (field 1) is ROW. */
function isRowEvent(bytes: Uint8Array, start: number, end: number): boolean {
  const reader = new WireReader(bytes, start, end);
  while (!reader.done) {
    const tag = reader.varint();
    if (tag === 8) return reader.varint() === binlogdata.VEventType.ROW;
    reader.skip(tag & 7);
  }
  return false;
}

function readRowEvent(bytes: Uint8Array, start: number, end: number): VEvent {
  const reader = new WireReader(bytes, start, end);
  const event: { -readonly [K in keyof VEvent]: VEvent[K] } = { type: binlogdata.VEventType.ROW };
  while (!reader.done) {
    const tag = reader.varint();
    switch (tag) {
      case 8:
        reader.varint();
        break;
      case 16: // int64, not zigzag
        event.timestamp = reader.varint() as unknown as VEvent['timestamp'];
        break;
      case 42: {
        const [rowStart, rowEnd] = reader.span();
        event.rowEvent = readRows(bytes, rowStart, rowEnd);
        break;
      }
      case 178: // keyspace = 22
        event.keyspace = reader.string();
        break;
      case 186: // shard = 23
        event.shard = reader.string();
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  return event;
}

function readRows(bytes: Uint8Array, start: number, end: number): binlogdata.IRowEvent {
  const reader = new WireReader(bytes, start, end);
  const rowChanges: Array<{ before?: RowView; after?: RowView }> = [];
  const event: { -readonly [K in keyof binlogdata.IRowEvent]: binlogdata.IRowEvent[K] } = {};
  while (!reader.done) {
    const tag = reader.varint();
    switch (tag) {
      case 10:
        event.tableName = reader.string();
        break;
      case 18: {
        const [changeStart, changeEnd] = reader.span();
        rowChanges.push(readRowChange(bytes, changeStart, changeEnd));
        break;
      }
      case 26:
        event.keyspace = reader.string();
        break;
      case 34:
        event.shard = reader.string();
        break;
      case 48:
        event.isInternalTable = reader.varint() !== 0;
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  event.rowChanges = rowChanges as binlogdata.IRowChange[];
  return event;
}

function readRowChange(bytes: Uint8Array, start: number, end: number): { before?: RowView; after?: RowView } {
  const reader = new WireReader(bytes, start, end);
  const change: { before?: RowView; after?: RowView } = {};
  while (!reader.done) {
    const tag = reader.varint();
    if (tag === 10 || tag === 18) {
      const [rowStart, rowEnd] = reader.span();
      const row = readRow(bytes, rowStart, rowEnd);
      if (tag === 10) change.before = row;
      else change.after = row;
    } else reader.skip(tag & 7);
  }
  return change;
}

function readRow(bytes: Uint8Array, start: number, end: number): RowView {
  const reader = new WireReader(bytes, start, end);
  const lengths: number[] = [];
  let values: Buffer = EMPTY;
  while (!reader.done) {
    const tag = reader.varint();
    if (tag === 10) {
      // packed sint64
      const [packedStart, packedEnd] = reader.span();
      const packed = new WireReader(bytes, packedStart, packedEnd);
      while (!packed.done) lengths.push(packed.sint64Number());
    } else if (tag === 8) lengths.push(reader.sint64Number());
    else if (tag === 18) values = reader.bytesView();
    else reader.skip(tag & 7);
  }
  return { lengths, values };
}

const EMPTY = Buffer.alloc(0);
