// A change batch (proto/cdc/v1 ChangeBatch) read off the wire, once for its two readers:
// decodeBatch (codec.ts) builds every op, decodeBatchSummary (batch-summary.ts) walks the same
// fields with the same checks but steps over what it does not count, so the two fail alike on
// any message (batch-summary.test.ts). Which tag is which field lives here only.
import type { ChangeKind, Column, Position, TableSchema } from './change';
import { KIND_BY_NUMBER, TEXT_KIND_BY_FIELD } from './batch-writer';
import { EnvelopeDecodeError } from './decode-error';
import type { Value } from './value';
import { NULL_VALUE, UNCHANGED_VALUE } from './value';
import { WireReader } from './wire-reader';

/** What a batch holds around its ops; the ops are read from `opSpans` (start, end, start, end, …). */
export interface BatchFrame {
  readonly source: string;
  readonly partition: number;
  readonly tables: readonly TableSchema[];
  readonly opSpans: readonly number[];
}

/**
 * Reads the batch's frame (source, partition, table schemas, where each op is) and hands it to
 * `readOps`; whatever fails, in either, is one EnvelopeDecodeError.
 */
export function readBatch<T>(bytes: Uint8Array, readOps: (reader: WireReader, frame: BatchFrame) => T): T {
  try {
    const reader = new WireReader(bytes);
    let source = '';
    let partition = 0;
    const tables: TableSchema[] = [];
    const opSpans: number[] = [];
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
      } else if (tag === 34) {
        const [start, end] = reader.span();
        opSpans.push(start, end);
      } else reader.skip(tag & 7);
    }
    if (reader.pos !== bytes.length) throw new Error('message overruns its end');
    // Ops are read after every table: the schemas they point to may come later on the wire.
    return readOps(reader, { source, partition, tables, opSpans });
  } catch (error) {
    if (error instanceof EnvelopeDecodeError) throw error;
    throw new EnvelopeDecodeError('change batch', error);
  }
}

/** One op's fields as the wire has them, reused from op to op (readOpFields resets it). */
export class OpFields {
  kindNumber = 0;
  tableIndex = 0;
  /** Set by opTable once the kind number is checked. */
  kind: ChangeKind = 'insert';
  // Made only for ops that carry Values (text ops, the common case, carry none).
  key: Value[] | undefined = undefined;
  before: Value[] | undefined = undefined;
  after: Value[] | undefined = undefined;
  position: Position | undefined = undefined;
  commitTimeUs = 0;
  ddl = '';
  /** Partitions listed in the barrier (counted also when not built). */
  barrierCount = 0;
  barrier: number[] | undefined = undefined;
  keyText: Uint8Array | undefined = undefined;
  beforeText: Uint8Array | undefined = undefined;
  afterText: Uint8Array | undefined = undefined;
  rows = 0;
  intoEmpty = false;
}

/**
 * Reads the op from reader.pos to `end` into `fields`. With `build`, its values, position, DDL,
 * barrier and rows as text are read (decodeBatch); without, they are stepped over with the same
 * bounds checks and nothing is allocated (decodeBatchSummary).
 */
export function readOpFields(reader: WireReader, end: number, fields: OpFields, build: boolean): void {
  fields.kindNumber = 0;
  fields.tableIndex = 0;
  fields.commitTimeUs = 0;
  fields.barrierCount = 0;
  fields.rows = 0;
  fields.intoEmpty = false;
  // What only a build sets (a walk leaves these as they are: undefined, or a build's last op).
  if (build) {
    fields.key = undefined;
    fields.before = undefined;
    fields.after = undefined;
    fields.position = undefined;
    fields.ddl = '';
    fields.barrier = undefined;
    fields.keyText = undefined;
    fields.beforeText = undefined;
    fields.afterText = undefined;
  }
  while (reader.pos < end) {
    const tag = reader.varint();
    switch (tag) {
      case 8:
        fields.kindNumber = reader.varint();
        break;
      case 16:
        fields.tableIndex = reader.varint();
        break;
      case 26:
        if (build) (fields.key ??= []).push(readValue(reader));
        else walkValue(reader);
        break;
      case 34:
        if (build) (fields.before ??= []).push(readValue(reader));
        else walkValue(reader);
        break;
      case 42:
        if (build) (fields.after ??= []).push(readValue(reader));
        else walkValue(reader);
        break;
      case 50:
        if (build) fields.position = readPosition(reader);
        else walkPosition(reader);
        break;
      case 56:
        fields.commitTimeUs = reader.sint64Number();
        break;
      case 66:
        if (build) fields.ddl = reader.string();
        else skipField(reader);
        break;
      case 72: {
        // barrier, unpacked form
        const partition = reader.varint();
        fields.barrierCount += 1;
        if (build) (fields.barrier ??= []).push(partition);
        break;
      }
      case 74: {
        const [barrierStart, barrierEnd] = reader.span();
        reader.pos = barrierStart;
        if (build) fields.barrier ??= [];
        while (reader.pos < barrierEnd) {
          const partition = reader.varint();
          fields.barrierCount += 1;
          if (build) fields.barrier?.push(partition);
        }
        break;
      }
      // Rows as text: views into the message, not copies (the message outlives its ops).
      case 82:
        if (build) fields.keyText = reader.bytesView();
        else skipField(reader);
        break;
      case 90:
        if (build) fields.beforeText = reader.bytesView();
        else skipField(reader);
        break;
      case 98:
        if (build) fields.afterText = reader.bytesView();
        else skipField(reader);
        break;
      case 104:
        fields.rows = reader.varint();
        break;
      case 112:
        fields.intoEmpty = reader.varint() !== 0;
        break;
      default:
        reader.skip(tag & 7);
    }
  }
}

/** The op's table; sets fields.kind. Throws unless the op names a table of its batch and a known kind. */
export function opTable(fields: OpFields, tables: readonly TableSchema[], opIndex: number): TableSchema {
  const table = tables[fields.tableIndex];
  const kind = KIND_BY_NUMBER.get(fields.kindNumber);
  if (!table || !kind) throw new Error(`op ${opIndex} has table ${fields.tableIndex} kind ${fields.kindNumber}`);
  fields.kind = kind;
  return table;
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

/** readValue's walk without the Value: the same fields and checks, nothing allocated. */
function walkValue(reader: WireReader): void {
  const end = reader.fieldEnd();
  while (reader.pos < end) {
    const tag = reader.varint();
    const field = tag >>> 3;
    switch (field) {
      case 1:
      case 2:
      case 3:
      case 17:
      case 18:
        reader.varint();
        break;
      case 4:
        reader.double();
        break;
      case 7:
        skipField(reader);
        break;
      case 14: {
        const arrayEnd = reader.fieldEnd();
        while (reader.pos < arrayEnd) {
          const elementTag = reader.varint();
          if (elementTag === 10) walkValue(reader);
          else reader.skip(elementTag & 7);
        }
        reader.pos = arrayEnd;
        break;
      }
      default:
        if (TEXT_KIND_BY_FIELD.has(field) && (tag & 7) === 2) skipField(reader);
        else reader.skip(tag & 7);
    }
  }
  if (reader.pos !== end) throw new Error(`value overruns its field at byte ${reader.pos}`);
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

/** readPosition's walk without the Position. */
function walkPosition(reader: WireReader): void {
  const end = reader.fieldEnd();
  while (reader.pos < end) {
    const tag = reader.varint();
    if (tag === 8 || tag === 16) reader.varint();
    else if (tag === 26 || tag === 34) skipField(reader);
    else reader.skip(tag & 7);
  }
  reader.pos = end;
}

// span() where the build reads a string or bytes, fieldEnd() to step into a message: the same
// bounds checks, without allocating.
function skipField(reader: WireReader): void {
  reader.pos = reader.fieldEnd();
}
