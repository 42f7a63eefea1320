/**
 * Decoder for the pgoutput logical replication protocol, versions 1 to 4
 * (https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html): the
 * messages of version 1, and from version 2 the streaming of in-progress transactions (Stream
 * Start/Stop/Commit/Abort; inside a stream block every data message carries the xid of the
 * (sub)transaction that made it). Two-phase messages (version 3) are never requested.
 *
 * Tuple values stay as the server's text output, where they lie in the message: a tuple is a
 * reference into it (RawTuple), written out as a row of COPY text (writeTupleText) without a
 * string per value. An unchanged TOAST column ('u') becomes the unchanged marker, never a value
 * we do not have.
 */
import { RowTextWriter } from '@cdc/change-envelope';

/** A tuple where it lies in a pgoutput message (validated when read). */
export interface RawTuple {
  readonly buffer: Buffer;
  /** Offset of its first column's kind byte. */
  readonly start: number;
  readonly columns: number;
}

export interface RelationColumn {
  readonly name: string;
  readonly typeOid: number;
  readonly typeModifier: number;
  /** Part of the replica identity. */
  readonly isKey: boolean;
}

export type PgOutputMessage =
  | { readonly tag: 'begin'; readonly finalLsn: bigint; readonly commitTimeUs: number; readonly xid: number }
  | { readonly tag: 'commit'; readonly commitLsn: bigint; readonly endLsn: bigint; readonly commitTimeUs: number }
  | { readonly tag: 'origin'; readonly lsn: bigint; readonly name: string }
  | {
      readonly tag: 'relation';
      readonly relationId: number;
      readonly schema: string;
      readonly table: string;
      /** 'd' default, 'n' nothing, 'f' full, 'i' index. */
      readonly replicaIdentity: string;
      readonly columns: readonly RelationColumn[];
    }
  | { readonly tag: 'type'; readonly typeOid: number; readonly schema: string; readonly name: string }
  | { readonly tag: 'insert'; readonly relationId: number; readonly newTuple: RawTuple }
  | {
      readonly tag: 'update';
      readonly relationId: number;
      /** 'K': key columns only (the key changed); 'O': the full old row (replica identity full). */
      readonly oldKind: 'K' | 'O' | undefined;
      readonly oldTuple: RawTuple | undefined;
      readonly newTuple: RawTuple;
    }
  | {
      readonly tag: 'delete';
      readonly relationId: number;
      readonly oldKind: 'K' | 'O';
      readonly oldTuple: RawTuple;
    }
  | {
      readonly tag: 'truncate';
      readonly cascade: boolean;
      readonly restartIdentity: boolean;
      readonly relationIds: number[];
    }
  | {
      readonly tag: 'message';
      readonly transactional: boolean;
      readonly lsn: bigint;
      readonly prefix: string;
      readonly content: Buffer;
    }
  /** A block of a streamed (in-progress) transaction begins; `firstSegment` on its first block. */
  | { readonly tag: 'streamStart'; readonly xid: number; readonly firstSegment: boolean }
  | { readonly tag: 'streamStop' }
  | {
      readonly tag: 'streamCommit';
      readonly xid: number;
      readonly commitLsn: bigint;
      readonly endLsn: bigint;
      readonly commitTimeUs: number;
    }
  /**
   * A streamed transaction (subxid = xid) or one of its subtransactions aborted: its streamed
   * changes (for a subtransaction: those made by it) are void. The abort LSN and time are sent
   * only when streaming is 'parallel'.
   */
  | {
      readonly tag: 'streamAbort';
      readonly xid: number;
      readonly subxid: number;
      readonly abortLsn?: bigint;
      readonly abortTimeUs?: number;
    };

/** How a message is framed: inside a stream block data messages carry an xid first. */
export interface DecodeContext {
  /** Inside a stream block (between Stream Start and Stream Stop). */
  readonly inStream?: boolean;
  /** Stream Abort carries the abort LSN and time (streaming = 'parallel'). */
  readonly abortInfo?: boolean;
}

/** Tags of the messages that carry an xid after the tag inside a stream block. */
const STREAMED_DATA_TAGS = new Set([
  0x52 /* R */, 0x59 /* Y */, 0x49 /* I */, 0x55 /* U */, 0x44 /* D */, 0x54 /* T */, 0x4d /* M */,
]);

/**
 * The (sub)transaction xid of a data message inside a stream block, read without decoding the
 * rest; undefined for a message that is not a data message (Stream Stop, or anything else).
 */
export function streamedDataXid(payload: Buffer): number | undefined {
  if (payload.length === 0 || !STREAMED_DATA_TAGS.has(payload[0])) return undefined;
  if (payload.length < 5)
    throw new PgOutputDecodeError(`message truncated at byte 1 (need 4 more of ${payload.length})`);
  return payload.readUInt32BE(1);
}

/** Microseconds between the Unix epoch and the Postgres epoch (2000-01-01). */
export const POSTGRES_EPOCH_US = 946_684_800_000_000;

export class PgOutputDecodeError extends Error {
  constructor(message: string) {
    super(`pgoutput: ${message}`);
    this.name = 'PgOutputDecodeError';
  }
}

class Cursor {
  offset = 0;
  constructor(readonly buffer: Buffer) {}

  byte(): number {
    this.need(1);
    return this.buffer[this.offset++];
  }
  int16(): number {
    this.need(2);
    const value = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }
  int32(): number {
    this.need(4);
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  uint32(): number {
    this.need(4);
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  uint64(): bigint {
    this.need(8);
    const value = this.buffer.readBigUInt64BE(this.offset);
    this.offset += 8;
    return value;
  }
  int64AsNumber(): number {
    this.need(8);
    const value = Number(this.buffer.readBigInt64BE(this.offset));
    this.offset += 8;
    return value;
  }
  cstring(): string {
    const end = this.buffer.indexOf(0, this.offset);
    if (end < 0) throw new PgOutputDecodeError('unterminated string');
    const value = this.buffer.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return value;
  }
  /** Steps over `length` bytes (checked), without a view of them. */
  skip(length: number): void {
    if (length < 0) throw new PgOutputDecodeError(`negative length ${length} at byte ${this.offset}`);
    this.need(length);
    this.offset += length;
  }
  bytes(length: number): Buffer {
    if (length < 0) throw new PgOutputDecodeError(`negative length ${length} at byte ${this.offset}`);
    this.need(length);
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
  private need(length: number): void {
    if (this.offset + length > this.buffer.length) {
      throw new PgOutputDecodeError(
        `message truncated at byte ${this.offset} (need ${length} more of ${this.buffer.length})`,
      );
    }
  }
}

/** Steps over a tuple, checking its structure, and returns where it lies. */
function readTuple(cursor: Cursor): RawTuple {
  const columns = cursor.int16();
  if (columns < 0) throw new PgOutputDecodeError(`negative column count ${columns}`);
  const start = cursor.offset;
  for (let i = 0; i < columns; i += 1) {
    const kind = cursor.byte();
    switch (kind) {
      case 0x6e: // 'n'
      case 0x75: // 'u'
        break;
      case 0x74: // 't'
        cursor.skip(cursor.int32());
        break;
      case 0x62: // 'b': binary format is never requested by this reader
        throw new PgOutputDecodeError('binary tuple data received but binary mode was not requested');
      default:
        throw new PgOutputDecodeError(`unknown tuple value kind 0x${kind.toString(16)}`);
    }
  }
  return { buffer: cursor.buffer, start, columns };
}

const TAB = 9;

/**
 * Writes a tuple as one row of COPY text: every column, or only those at `indexes` (in that
 * order, e.g. the key columns of an old-key tuple). NULL is `\N`, an unchanged TOAST value `\U`.
 */
export function writeTupleText(tuple: RawTuple, out: RowTextWriter, indexes?: readonly number[]): void {
  const { buffer } = tuple;
  if (indexes === undefined) {
    let at = tuple.start;
    for (let i = 0; i < tuple.columns; i += 1) {
      if (i > 0) out.byte(TAB);
      at = writeField(buffer, at, out);
    }
    return;
  }
  const starts: number[] = new Array(tuple.columns);
  let at = tuple.start;
  for (let i = 0; i < tuple.columns; i += 1) {
    starts[i] = at;
    at += buffer[at] === 0x74 ? 5 + buffer.readInt32BE(at + 1) : 1;
  }
  for (let k = 0; k < indexes.length; k += 1) {
    if (k > 0) out.byte(TAB);
    writeField(buffer, starts[indexes[k]], out);
  }
}

/** Writes the field at `at` (its kind byte); returns where the next one starts. */
function writeField(buffer: Buffer, at: number, out: RowTextWriter): number {
  const kind = buffer[at];
  if (kind === 0x74) {
    const length = buffer.readInt32BE(at + 1);
    out.escapedBytes(buffer, at + 5, at + 5 + length);
    return at + 5 + length;
  }
  out.byte(92); // backslash
  out.byte(kind === 0x75 ? 85 : 78); // \U unchanged, \N null
  return at + 1;
}

/** A tuple's values as strings (null for NULL, undefined for an unchanged TOAST value): for tests and messages. */
export function tupleStrings(tuple: RawTuple): Array<string | null | undefined> {
  const values: Array<string | null | undefined> = [];
  let at = tuple.start;
  for (let i = 0; i < tuple.columns; i += 1) {
    const kind = tuple.buffer[at];
    if (kind === 0x74) {
      const length = tuple.buffer.readInt32BE(at + 1);
      values.push(tuple.buffer.toString('utf8', at + 5, at + 5 + length));
      at += 5 + length;
    } else {
      values.push(kind === 0x75 ? undefined : null);
      at += 1;
    }
  }
  return values;
}

const NO_CONTEXT: DecodeContext = {};

export function decodePgOutput(buffer: Buffer, context: DecodeContext = NO_CONTEXT): PgOutputMessage {
  const cursor = new Cursor(buffer);
  const tag = String.fromCharCode(cursor.byte());
  // Inside a stream block the data messages start with the xid of their (sub)transaction.
  if (context.inStream && STREAMED_DATA_TAGS.has(tag.charCodeAt(0))) cursor.uint32();
  switch (tag) {
    case 'B': {
      const finalLsn = cursor.uint64();
      const commitTimeUs = cursor.int64AsNumber() + POSTGRES_EPOCH_US;
      const xid = cursor.uint32();
      return { tag: 'begin', finalLsn, commitTimeUs, xid };
    }
    case 'C': {
      cursor.byte(); // flags, unused
      const commitLsn = cursor.uint64();
      const endLsn = cursor.uint64();
      const commitTimeUs = cursor.int64AsNumber() + POSTGRES_EPOCH_US;
      return { tag: 'commit', commitLsn, endLsn, commitTimeUs };
    }
    case 'O':
      return { tag: 'origin', lsn: cursor.uint64(), name: cursor.cstring() };
    case 'R': {
      const relationId = cursor.uint32();
      const schema = cursor.cstring();
      const table = cursor.cstring();
      const replicaIdentity = String.fromCharCode(cursor.byte());
      const count = cursor.int16();
      if (count < 0) throw new PgOutputDecodeError(`negative column count ${count} in relation ${schema}.${table}`);
      const columns: RelationColumn[] = [];
      for (let i = 0; i < count; i += 1) {
        const flags = cursor.byte();
        const name = cursor.cstring();
        const typeOid = cursor.uint32();
        const typeModifier = cursor.int32();
        columns.push({ name, typeOid, typeModifier, isKey: (flags & 1) === 1 });
      }
      return { tag: 'relation', relationId, schema, table, replicaIdentity, columns };
    }
    case 'Y': {
      const typeOid = cursor.uint32();
      return { tag: 'type', typeOid, schema: cursor.cstring(), name: cursor.cstring() };
    }
    case 'I': {
      const relationId = cursor.uint32();
      const marker = cursor.byte();
      if (marker !== 0x4e) throw new PgOutputDecodeError(`insert: expected 'N', got 0x${marker.toString(16)}`);
      return { tag: 'insert', relationId, newTuple: readTuple(cursor) };
    }
    case 'U': {
      const relationId = cursor.uint32();
      let marker = cursor.byte();
      let oldKind: 'K' | 'O' | undefined;
      let oldTuple: RawTuple | undefined;
      if (marker === 0x4b || marker === 0x4f) {
        oldKind = marker === 0x4b ? 'K' : 'O';
        oldTuple = readTuple(cursor);
        marker = cursor.byte();
      }
      if (marker !== 0x4e) throw new PgOutputDecodeError(`update: expected 'N', got 0x${marker.toString(16)}`);
      return { tag: 'update', relationId, oldKind, oldTuple, newTuple: readTuple(cursor) };
    }
    case 'D': {
      const relationId = cursor.uint32();
      const marker = cursor.byte();
      if (marker !== 0x4b && marker !== 0x4f)
        throw new PgOutputDecodeError(`delete: expected 'K' or 'O', got 0x${marker.toString(16)}`);
      return { tag: 'delete', relationId, oldKind: marker === 0x4b ? 'K' : 'O', oldTuple: readTuple(cursor) };
    }
    case 'T': {
      const count = cursor.int32();
      const options = cursor.byte();
      const relationIds: number[] = [];
      for (let i = 0; i < count; i += 1) relationIds.push(cursor.uint32());
      return { tag: 'truncate', cascade: (options & 1) === 1, restartIdentity: (options & 2) === 2, relationIds };
    }
    case 'M': {
      const transactional = cursor.byte() === 1;
      const lsn = cursor.uint64();
      const prefix = cursor.cstring();
      const length = cursor.int32();
      return { tag: 'message', transactional, lsn, prefix, content: cursor.bytes(length) };
    }
    case 'S': {
      const xid = cursor.uint32();
      const first = cursor.byte();
      if (first !== 0 && first !== 1) throw new PgOutputDecodeError(`stream start: first-segment flag ${first}`);
      return { tag: 'streamStart', xid, firstSegment: first === 1 };
    }
    case 'E':
      return { tag: 'streamStop' };
    case 'c': {
      const xid = cursor.uint32();
      cursor.byte(); // flags, unused
      const commitLsn = cursor.uint64();
      const endLsn = cursor.uint64();
      const commitTimeUs = cursor.int64AsNumber() + POSTGRES_EPOCH_US;
      return { tag: 'streamCommit', xid, commitLsn, endLsn, commitTimeUs };
    }
    case 'A': {
      const xid = cursor.uint32();
      const subxid = cursor.uint32();
      if (!context.abortInfo) return { tag: 'streamAbort', xid, subxid };
      const abortLsn = cursor.uint64();
      const abortTimeUs = cursor.int64AsNumber() + POSTGRES_EPOCH_US;
      return { tag: 'streamAbort', xid, subxid, abortLsn, abortTimeUs };
    }
    default:
      throw new PgOutputDecodeError(`unknown message tag ${JSON.stringify(tag)} (0x${tag.charCodeAt(0).toString(16)})`);
  }
}
