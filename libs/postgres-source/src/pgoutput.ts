/**
 * Decoder for the pgoutput logical replication protocol, version 1
 * (https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html).
 *
 * Tuple values stay as the server's text output: converting them is the job of values.ts,
 * which knows each column's type. An unchanged TOAST column ('u') is kept as a marker,
 * never replaced by a value we do not have.
 */

export type TupleValue = string | null | typeof UNCHANGED_TOAST;
export const UNCHANGED_TOAST = Symbol('unchanged-toast');

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
  | { readonly tag: 'insert'; readonly relationId: number; readonly newTuple: TupleValue[] }
  | {
      readonly tag: 'update';
      readonly relationId: number;
      /** 'K': key columns only (the key changed); 'O': the full old row (replica identity full). */
      readonly oldKind: 'K' | 'O' | undefined;
      readonly oldTuple: TupleValue[] | undefined;
      readonly newTuple: TupleValue[];
    }
  | {
      readonly tag: 'delete';
      readonly relationId: number;
      readonly oldKind: 'K' | 'O';
      readonly oldTuple: TupleValue[];
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
    };

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
  constructor(private readonly buffer: Buffer) {}

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
  bytes(length: number): Buffer {
    if (length < 0) throw new PgOutputDecodeError(`negative length ${length} at byte ${this.offset}`);
    this.need(length);
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
  /** Decodes `length` bytes as UTF-8 without a Buffer view per value (hot: every column of every row). */
  utf8(length: number): string {
    if (length < 0) throw new PgOutputDecodeError(`negative length ${length} at byte ${this.offset}`);
    this.need(length);
    const value = this.buffer.toString('utf8', this.offset, this.offset + length);
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

function readTuple(cursor: Cursor): TupleValue[] {
  const count = cursor.int16();
  if (count < 0) throw new PgOutputDecodeError(`negative column count ${count}`);
  const values: TupleValue[] = new Array(count);
  for (let i = 0; i < count; i += 1) {
    const kind = cursor.byte();
    switch (kind) {
      case 0x6e: // 'n'
        values[i] = null;
        break;
      case 0x75: // 'u'
        values[i] = UNCHANGED_TOAST;
        break;
      case 0x74: {
        // 't'
        const length = cursor.int32();
        values[i] = cursor.utf8(length);
        break;
      }
      case 0x62: // 'b': binary format is never requested by this reader
        throw new PgOutputDecodeError('binary tuple data received but binary mode was not requested');
      default:
        throw new PgOutputDecodeError(`unknown tuple value kind 0x${kind.toString(16)}`);
    }
  }
  return values;
}

export function decodePgOutput(buffer: Buffer): PgOutputMessage {
  const cursor = new Cursor(buffer);
  const tag = String.fromCharCode(cursor.byte());
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
      let oldTuple: TupleValue[] | undefined;
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
    default:
      throw new PgOutputDecodeError(`unknown message tag ${JSON.stringify(tag)} (0x${tag.charCodeAt(0).toString(16)})`);
  }
}
