import type { ChangeKind } from './change';
import { EnvelopeDecodeError } from './codec';
import { KIND_BY_NUMBER, TEXT_KIND_BY_FIELD } from './batch-writer';
import { WireReader } from './wire-reader';

/** What a change batch holds, read without building its ops (see decodeBatchSummary). */
export interface BatchSummary {
  readonly ops: number;
  /** Rows the ops change: one per op, a 'rows' op its rows (what bounds a batch's work). */
  readonly rows: number;
  /** The last op's commit time (microseconds), 0 without ops. */
  readonly lastCommitTimeUs: number;
  /** Rows changed per table and kind (a 'rows' op counts its rows), in order of first appearance. */
  readonly counts: ReadonlyArray<{
    readonly schema: string;
    readonly table: string;
    readonly kind: ChangeKind;
    count: number;
  }>;
  /** Indexes of the ops that carry a barrier of two or more partitions. */
  readonly barriers: readonly number[];
}

/**
 * Walks a change batch the way decodeBatch reads it, with the same checks and so the same
 * failures, but builds no op and no value: an applier learns a message's op count, what its
 * metrics need and where its barriers are when it arrives, and decodes the ops only when it
 * builds their statements (a decoded op is several times its wire size and would otherwise
 * wait on the heap for a destination connection). batch-summary.test.ts holds the two to the
 * same verdict on every corruption of a message it tries.
 */
export function decodeBatchSummary(bytes: Uint8Array): BatchSummary {
  try {
    const reader = new WireReader(bytes);
    const tables: Array<{ schema: string; table: string }> = [];
    const opSpans: number[] = [];
    while (!reader.done) {
      const tag = reader.varint();
      if (tag === 10) reader.span();
      else if (tag === 16) reader.varint();
      else if (tag === 26) {
        const [start, end] = reader.span();
        const after = reader.pos;
        reader.pos = start;
        tables.push(walkTable(reader, end));
        reader.pos = after;
      } else if (tag === 34) {
        const [start, end] = reader.span();
        opSpans.push(start, end);
      } else reader.skip(tag & 7);
    }
    if (reader.pos !== bytes.length) throw new Error('message overruns its end');
    const counts: Array<{ schema: string; table: string; kind: ChangeKind; count: number }> = [];
    const barriers: number[] = [];
    let lastCommitTimeUs = 0;
    let rows = 0;
    for (let i = 0; i < opSpans.length; i += 2) {
      reader.pos = opSpans[i];
      const op = walkOp(reader, opSpans[i + 1], tables, i / 2);
      if (op.barrier >= 2) barriers.push(i / 2);
      lastCommitTimeUs = op.commitTimeUs;
      let entry: (typeof counts)[number] | undefined = counts[counts.length - 1];
      if (entry === undefined || entry.kind !== op.kind || entry.schema !== op.schema || entry.table !== op.table) {
        entry = counts.find((c) => c.kind === op.kind && c.schema === op.schema && c.table === op.table);
        if (entry === undefined) counts.push((entry = { schema: op.schema, table: op.table, kind: op.kind, count: 0 }));
      }
      entry.count += op.rows;
      rows += op.rows;
    }
    return { ops: opSpans.length / 2, rows, lastCommitTimeUs, counts, barriers };
  } catch (error) {
    if (error instanceof EnvelopeDecodeError) throw error;
    throw new EnvelopeDecodeError('change batch', error);
  }
}

function walkTable(reader: WireReader, end: number): { schema: string; table: string } {
  let schema = '';
  let table = '';
  while (reader.pos < end) {
    const tag = reader.varint();
    if (tag === 10) schema = reader.string();
    else if (tag === 18) table = reader.string();
    else if (tag === 26) {
      const [start, columnEnd] = reader.span();
      const after = reader.pos;
      reader.pos = start;
      while (reader.pos < columnEnd) {
        const columnTag = reader.varint();
        if (columnTag === 10 || columnTag === 18) reader.span();
        else if (columnTag === 24 || columnTag === 32 || columnTag === 40 || columnTag === 48) reader.varint();
        else if (columnTag === 58) reader.span();
        else reader.skip(columnTag & 7);
      }
      reader.pos = after;
    } else if (tag === 32) reader.varint();
    else reader.skip(tag & 7);
  }
  return { schema, table };
}

interface WalkedOp {
  readonly kind: ChangeKind;
  readonly schema: string;
  readonly table: string;
  readonly commitTimeUs: number;
  /** Partitions listed in the op's barrier. */
  readonly barrier: number;
  /** Rows the op changes: 1, or a 'rows' op's row count. */
  readonly rows: number;
}

function walkOp(
  reader: WireReader,
  end: number,
  tables: ReadonlyArray<{ schema: string; table: string }>,
  opIndex: number,
): WalkedOp {
  let kindNumber = 0;
  let tableIndex = 0;
  let commitTimeUs = 0;
  let barrier = 0;
  let rows = 0;
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
      case 34:
      case 42:
        walkValue(reader);
        break;
      case 50:
        walkPosition(reader);
        break;
      case 56:
        commitTimeUs = reader.sint64Number();
        break;
      case 66:
      case 82:
      case 90:
      case 98:
        skipField(reader);
        break;
      case 104:
        rows = reader.varint();
        break;
      case 112:
        reader.varint();
        break;
      case 72:
        reader.varint();
        barrier += 1;
        break;
      case 74: {
        const [barrierStart, barrierEnd] = reader.span();
        reader.pos = barrierStart;
        while (reader.pos < barrierEnd) {
          reader.varint();
          barrier += 1;
        }
        break;
      }
      default:
        reader.skip(tag & 7);
    }
  }
  const table = tables[tableIndex];
  const kind = KIND_BY_NUMBER.get(kindNumber);
  if (!table || !kind) throw new Error(`op ${opIndex} has table ${tableIndex} kind ${kindNumber}`);
  return { kind, schema: table.schema, table: table.table, commitTimeUs, barrier, rows: kind === 'rows' ? rows : 1 };
}

// span() where decodeBatch reads a string or bytes, fieldEnd() to step into a message: the same
// bounds checks, without allocating.
function skipField(reader: WireReader): void {
  reader.pos = reader.fieldEnd();
}

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
